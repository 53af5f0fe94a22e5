"""人才服务: the models' rules by every path (model, page, API, import), the counts page and its links,
scope, all-or-nothing imports, the targets metric, the demo and the panels."""
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openpark.core import targets
from openpark.talent import demo
from openpark.talent.importers import (
    apprenticeship_importer, booth_importer, fair_importer, posting_importer, training_importer,
)
from openpark.talent.models import (
    Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining,
)
from tests.factories import EnterpriseFactory
from tests.sheets import read_xlsx, xlsx

pytestmark = pytest.mark.django_db


def listed(client, url) -> set[int]:
    response = client.get(f"{url}{'&' if '?' in url else '?'}per_page=200")
    assert response.status_code == 200, url
    return {obj.pk for obj, _ in response.context["rows"]}


# Rules: the same answer from the model, the page, the API and the import -----------------------


def test_a_training_certifies_no_more_than_it_trains_by_every_path(enterprises, make_user, client_for, api_for):
    staff = make_user("industry")
    bad = SkillsTraining(name="焊工培训", started_on=date(2026, 5, 1), trainees=10, certified=12)
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert caught.value.message_dict["certified"] == ["取证人数不能超过培训人数。"]
    page = client_for(staff).post(reverse("talent:skillstraining_add"), {
        "name": "焊工培训", "started_on": "2026-05-01", "trainees": 10, "certified": 12})
    assert page.status_code == 200 and "取证人数不能超过培训人数。" in page.content.decode()
    api = api_for(staff).post("/api/talent/trainings/", {"name": "焊工培训", "started_on": "2026-05-01",
                                                          "trainees": 10, "certified": 12}, format="json")
    assert api.status_code == 400 and "取证人数不能超过培训人数。" in str(api.json())
    rows = [["培训名称", "开班日期", "培训人数", "取证人数"], ["焊工培训", "2026-05-01", 10, 12]]
    plan, counts = training_importer.apply(xlsx(rows), "培训.xlsx")
    assert counts is None and [e.reason for e in plan.errors] == ["取证人数不能超过培训人数。"]
    assert not SkillsTraining.objects.exists()
    good = api_for(staff).post("/api/talent/trainings/", {"name": "焊工培训", "started_on": "2026-05-01",
                                                           "trainees": 10, "certified": 8}, format="json")
    assert good.status_code == 201


def test_the_other_rules(enterprises):
    first = enterprises[0]
    cases = [
        (JobPosting(enterprise=first, title="焊工", headcount=2, salary_low=6000, salary_high=5000,
                    posted_on=date(2026, 3, 1), closes_on=date(2026, 2, 1)),
         {"salary_high": ["月薪上限不能低于月薪下限。"], "closes_on": ["截止日期不能早于发布日期。"]}),
        (SchoolPartnership(enterprise=first, school="泰州职业技术学院", kind="order_class",
                           started_on=date(2026, 9, 1), ended_on=date(2026, 1, 1)),
         {"ended_on": ["结束日期不能早于开始日期。"]}),
        (Apprenticeship(enterprise=first, master="王建国", apprentice="李浩", trade="焊工", started_on=date(2026, 3, 1),
                        planned_end_on=date(2026, 1, 1), outcome="graduated"),
         {"planned_end_on": ["计划结束日期不能早于开始日期。"], "finished_on": ["带徒结果为“已出师”的，须填写实际结束日期。"]}),
        (Apprenticeship(enterprise=first, master="王建国", apprentice="李浩", trade="焊工", started_on=date(2026, 3, 1),
                        planned_end_on=date(2027, 3, 1), outcome="ongoing", finished_on=date(2026, 6, 1)),
         {"finished_on": ["仍在带徒的，不填实际结束日期。"]}),
    ]
    for record, errors in cases:
        with pytest.raises(ValidationError) as caught:
            record.full_clean()
        assert {k: v for k, v in caught.value.message_dict.items() if k in errors} == errors
    fair = RecruitmentFair.objects.create(name="春风行动", held_on=date(2026, 2, 18))
    FairBooth.objects.create(fair=fair, enterprise=first, positions=3, resumes=1, hires=2)  # more hires than resumes is fine
    with pytest.raises(ValidationError) as caught:
        FairBooth(fair=fair, enterprise=first).full_clean()
    assert "该企业已登记参加这场招聘会。" in str(caught.value)


# Imports ----------------------------------------------------------------------------------------


def test_fairs_and_booths_import_and_go_round(enterprises, make_user, client_for):
    first, second, _ = enterprises
    fairs = [["招聘会名称", "举办日期", "形式", "到场求职人数（人）"], ["春风行动", "2026-02-18", "线下", 800],
             ["金秋招聘月", "2025-09-25", "直播带岗", 300]]
    plan, counts = fair_importer.apply(xlsx(fairs), "招聘会.xlsx")
    assert counts and counts["create"] == 2, plan.errors
    booths = [["招聘会名称", "举办日期", "企业统一社会信用代码", "企业名称", "提供岗位数", "收到简历数", "达成就业意向"],
              ["春风行动", "2026-02-18", first.uscc, "", 10, 30, 5], ["春风行动", "2026-02-18", "", second.name, 4, 9, 1]]
    plan, counts = booth_importer.apply(xlsx(booths), "参会.xlsx")
    assert counts and counts["create"] == 2, plan.errors
    assert FairBooth.objects.get(enterprise=second).hires == 1
    client = client_for(make_user("industry"))
    exported = client.get(reverse("talent:fairbooth_list") + "?export=xlsx")
    assert read_xlsx(exported.content)[0][:2] == ["招聘会名称", "举办日期"]
    plan, counts = booth_importer.apply(exported.content, "导出.xlsx")
    assert counts and counts["unchanged"] == 2, plan.errors
    fair = RecruitmentFair.objects.get(name="春风行动")
    page = client.get(fair.get_absolute_url()).content.decode()
    assert "参会企业 2 家，提供岗位 14 个，达成就业意向 6 人" in page


def test_a_bad_sheet_writes_nothing_and_says_why_in_chinese(enterprises):
    first = enterprises[0]
    rows = [["企业统一社会信用代码", "企业名称", "岗位名称", "招聘人数", "发布日期", "截止日期"],
            [first.uscc, "", "焊工", 3, "2026-03-01", "2026-04-01"],
            ["", "没有这家企业", "电工", 2, "2026-03-01", ""],
            [first.uscc, "", "钳工", 2, "2026-03-01", "2026-02-01"]]
    plan, counts = posting_importer.apply(xlsx(rows), "岗位.xlsx")
    assert counts is None and not JobPosting.objects.exists()
    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert reasons[(3, "企业名称")].startswith("园区企业中没有这个名称的企业")
    assert reasons[(4, "截止日期")] == "截止日期不能早于发布日期。"
    booths = [["招聘会名称", "举办日期", "企业名称", "提供岗位数"], ["没有这场", "2026-02-18", first.name, 3]]
    plan, counts = booth_importer.apply(xlsx(booths), "参会.xlsx")
    assert counts is None and "请先登记该招聘会" in plan.errors[0].reason


def test_an_apprenticeship_sheet_imports(enterprises):
    rows = [["企业名称", "师傅", "徒弟", "工种", "开始日期", "计划结束日期", "带徒结果", "实际结束日期", "达到技能等级"],
            [enterprises[0].name, "王建国", "李浩", "焊工", "2025-03-01", "2026-03-01", "已出师", "2026-02-20", "高级工"],
            [enterprises[1].name, "张志强", "陈晨", "电工", "2026-03-01", "2027-03-01", "", "", ""]]
    plan, counts = apprenticeship_importer.apply(xlsx(rows), "带徒.xlsx")
    assert counts and counts["create"] == 2, plan.errors
    assert Apprenticeship.objects.get(apprentice="陈晨").outcome == "ongoing"


# The counts page --------------------------------------------------------------------------------


@pytest.fixture
def hand_made(enterprises):
    first, second, third = enterprises
    JobPosting.objects.create(enterprise=first, title="焊工", headcount=3, posted_on=date(2026, 1, 5))
    JobPosting.objects.create(enterprise=second, title="电工", headcount=4, posted_on=date(2026, 12, 31))
    JobPosting.objects.create(enterprise=second, title="钳工", headcount=9, posted_on=date(2025, 12, 31))
    SchoolPartnership.objects.create(enterprise=first, school="泰州职业技术学院", kind="order_class",
                                     started_on=date(2024, 9, 1))
    SchoolPartnership.objects.create(enterprise=second, school="靖江中等专业学校", kind="training_base",
                                     started_on=date(2023, 9, 1), ended_on=date(2025, 7, 1))
    spring = RecruitmentFair.objects.create(name="春风行动", held_on=date(2026, 2, 18), visitors=800)
    autumn = RecruitmentFair.objects.create(name="金秋招聘月", held_on=date(2025, 9, 25), visitors=300)
    FairBooth.objects.create(fair=spring, enterprise=first, positions=10, resumes=30, hires=5)
    FairBooth.objects.create(fair=spring, enterprise=third, positions=6, resumes=3, hires=4)
    FairBooth.objects.create(fair=autumn, enterprise=first, positions=2, resumes=2, hires=1)
    SkillsTraining.objects.create(name="焊工培训", enterprise=first, started_on=date(2026, 5, 1), trainees=40, certified=30)
    SkillsTraining.objects.create(name="电工培训", started_on=date(2026, 6, 1), trainees=20, certified=20)
    Apprenticeship.objects.create(enterprise=first, master="王建国", apprentice="李浩", trade="焊工",
                                  started_on=date(2025, 3, 1), planned_end_on=date(2026, 3, 1), outcome="graduated",
                                  finished_on=date(2026, 2, 20))
    Apprenticeship.objects.create(enterprise=second, master="张志强", apprentice="陈晨", trade="电工",
                                  started_on=date(2026, 3, 1), planned_end_on=date(2027, 3, 1))
    return enterprises


EXPECTED_2026 = {"postings": 2, "headcount": 7, "partnerships": 1, "fairs": 1, "visitors": 800, "booths": 2,
                 "positions": 16, "hires": 9, "trainings": 2, "trainees": 60, "certified": 50, "apprenticeships": 1,
                 "graduated": 1}
EXPECTED_2025 = {"postings": 1, "headcount": 9, "partnerships": 2, "fairs": 1, "visitors": 300, "booths": 1,
                 "positions": 2, "hires": 1, "trainings": 0, "trainees": 0, "certified": 0, "apprenticeships": 1,
                 "graduated": 0}
# The rows behind each figure: (model, how many rows the list shows for 2026)
ROWS_2026 = {"postings": 2, "headcount": 2, "partnerships": 1, "fairs": 1, "visitors": 1, "booths": 2, "positions": 2,
             "hires": 2, "trainings": 2, "trainees": 2, "certified": 2, "apprenticeships": 1, "graduated": 1}


def test_the_counts_page_gives_the_hand_counted_figures_and_links_to_their_rows(hand_made, make_user, client_for):
    client = client_for(make_user("leader"))
    response = client.get(reverse("talent:summary"), {"year": 2026})
    assert response.context["years"] == [2024, 2025, 2026]
    rows = {row["key"]: row["cells"] for row in response.context["rows"]}
    assert {key: cells[2][0] for key, cells in rows.items()} == EXPECTED_2026
    assert {key: cells[1][0] for key, cells in rows.items()} == EXPECTED_2025
    for key, cells in rows.items():
        assert len(listed(client, cells[2][1])) == ROWS_2026[key], key
    graduated = listed(client, rows["graduated"][2][1])
    assert graduated == {Apprenticeship.objects.get(apprentice="李浩").pk}
    assert listed(client, rows["partnerships"][2][1]) == {SchoolPartnership.objects.get(school="泰州职业技术学院").pk}
    page = response.content.decode()
    assert 'id="talent-counts"' in page and "2026 年" in page
    exported = read_xlsx(client.get(reverse("talent:summary"), {"year": 2026, "format": "xlsx"}).content)
    assert exported[0] == ["指标", "单位", "2024 年", "2025 年", "2026 年"] and exported[1][:2] == ["招聘岗位", "个"]
    assert client.get(reverse("talent:summary"), {"year": "abc"}).context["error"] == "年份无效，已显示今年。"


def test_the_counts_page_is_for_park_staff(enterprise_user, client_for):
    assert client_for(enterprise_user).get(reverse("talent:summary")).status_code == 403


# Scope ------------------------------------------------------------------------------------------


def test_an_enterprise_user_sees_only_its_own(hand_made, enterprise_user, client_for, api_for):
    first = hand_made[0]
    client = client_for(enterprise_user)
    assert listed(client, reverse("talent:jobposting_list")) == set(
        JobPosting.objects.filter(enterprise=first).values_list("pk", flat=True))
    assert listed(client, reverse("talent:fairbooth_list")) == set(
        FairBooth.objects.filter(enterprise=first).values_list("pk", flat=True))
    assert listed(client, reverse("talent:skillstraining_list")) == {SkillsTraining.objects.get(name="焊工培训").pk}
    assert client.get(reverse("talent:recruitmentfair_list")).status_code == 403
    other = JobPosting.objects.exclude(enterprise=first).first()
    assert client.get(other.get_absolute_url()).status_code in (403, 404)
    api = api_for(enterprise_user)
    assert {row["id"] for row in api.get("/api/talent/apprenticeships/").json()["results"]} == {
        Apprenticeship.objects.get(enterprise=first).pk}
    created = api.post("/api/talent/postings/", {"enterprise": hand_made[1].pk, "title": "冒名岗位", "headcount": 1,
                                                 "posted_on": "2026-03-01"}, format="json")
    assert created.status_code == 403
    page = client.post(reverse("talent:jobposting_add"), {"enterprise": hand_made[1].pk, "title": "冒名岗位",
                                                          "headcount": 1, "posted_on": "2026-03-01"})
    assert page.status_code == 403 and not JobPosting.objects.filter(title="冒名岗位").exists()


# The targets metric, the panels, the demo --------------------------------------------------------


def test_the_metric_counts_hand_made_data(hand_made):
    metric = targets.metric("talent.count")
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert metric.compute(*year, {"what": "hires"}) == 9
    assert metric.compute(*year, {"what": "trainees"}) == 60
    assert metric.compute(*year, {"what": "certified"}) == 50
    assert metric.compute(*year, {"what": "graduated"}) == 1
    assert metric.compute(date(2025, 1, 1), date(2025, 12, 31), {"what": "hires"}) == 1
    with pytest.raises(ValueError, match="请选择统计内容：招聘会达成就业意向人数"):
        metric.check_params({"what": "nonsense"})
    with pytest.raises(ValueError, match="该指标只有以下参数：统计内容"):
        metric.check_params({"what": "hires", "x": 1})
    assert metric.describe({"what": "graduated"}) == "名师带高徒出师人数"
    assert metric.url(*year, {"what": "hires"}) == (
        f"{reverse('talent:fairbooth_list')}?held_from=2026-01-01&held_to=2026-12-31")


def test_the_metric_links_to_the_rows_it_counts(hand_made, make_user, client_for):
    metric, client = targets.metric("talent.count"), client_for(make_user("leader"))
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert listed(client, metric.url(*year, {"what": "graduated"})) == {Apprenticeship.objects.get(apprentice="李浩").pk}
    assert len(listed(client, metric.url(*year, {"what": "trainees"}))) == 2


def test_the_enterprise_page_shows_its_talent_records(hand_made, make_user, client_for):
    first = hand_made[0]
    page = client_for(make_user("industry")).get(reverse("enterprises:enterprise_detail", args=[first.pk]))
    text = page.content.decode()
    assert 'id="enterprise-talent"' in text
    for key in ("postings", "partnerships", "booths", "trainings", "apprenticeships"):
        assert f'id="enterprise-talent-{key}"' in text
    assert "王建国 带 李浩（焊工）" in text and f"?enterprise={first.pk}" in text
    assert "泰州职业技术学院" in text


def test_the_demo_loads_once_and_keeps_the_rules():
    EnterpriseFactory.create_batch(40)
    demo.load(io.StringIO())
    assert JobPosting.objects.count() == demo.POSTINGS
    assert SchoolPartnership.objects.count() == 8 and RecruitmentFair.objects.count() == 9
    assert FairBooth.objects.count() >= 9 * 8 and SkillsTraining.objects.count() == 10
    # Spread over the three years the 年度统计 shows, nothing dated after today.
    today = timezone.localdate()
    for year in range(today.year - 2, today.year + 1):
        assert JobPosting.objects.filter(posted_on__year=year).exists()
        assert RecruitmentFair.objects.filter(held_on__year=year).exists()
        assert SkillsTraining.objects.filter(started_on__year=year).exists()
    for model, field in ((JobPosting, "posted_on"), (RecruitmentFair, "held_on"), (SkillsTraining, "started_on"),
                         (SkillsTraining, "ended_on"), (SchoolPartnership, "started_on"),
                         (Apprenticeship, "started_on"), (Apprenticeship, "finished_on")):
        assert not model.objects.filter(**{f"{field}__gt": today}).exists(), (model, field)
    # Each trade asks a plausible education: no 硕士 for a shop-floor trade, no 不限 for an engineer.
    assert not JobPosting.objects.filter(trade__in=("机修工", "焊工", "叉车司机", "装配工"), education="master").exists()
    assert not JobPosting.objects.filter(trade__endswith="工程师", education__in=("any", "junior")).exists()
    assert JobPosting.objects.filter(trade="机修工").exists()
    assert Apprenticeship.objects.count() == 25
    assert set(Apprenticeship.objects.values_list("outcome", flat=True)) == {"ongoing", "graduated", "not_graduated",
                                                                              "stopped"}
    for model in (JobPosting, SchoolPartnership, RecruitmentFair, FairBooth, SkillsTraining, Apprenticeship):
        for record in model.objects.all():
            record.full_clean()
    output = io.StringIO()
    demo.load(output)
    assert "未重复生成" in output.getvalue() and JobPosting.objects.count() == demo.POSTINGS


def test_each_summed_figure_is_the_total_under_the_list_it_opens(make_user, client_for):
    """The cockpit tile's and the counts page's sums (达成就业意向, 培训人数 …) open lists whose 合计
    row gives the same figure, over every row the filters keep (not one page's)."""
    from openpark.talent import services
    from openpark.talent.cockpit import talent_panel
    EnterpriseFactory.create_batch(40)
    demo.load(io.StringIO())
    year = timezone.localdate().year
    row = services.year_counts([year])[year]
    client = client_for(make_user("industry"))
    summed = {"headcount": "headcount", "visitors": "visitors", "positions": "positions", "hires": "hires",
              "trainees": "trainees", "certified": "certified"}
    for key, column in summed.items():
        response = client.get(services.figure_url(key, year) + "&per_page=10")
        columns = [c.name for c in response.context["columns"]]
        total = response.context["totals"][columns.index(column)]
        assert total == getattr(row, key) > 0, key
        assert "合计" in response.content.decode()
    tile = {figure.label: figure for figure in talent_panel(year).figures}
    for label, column in (("达成就业意向", "hires"), ("培训人数", "trainees")):
        response = client.get(tile[label].url)
        columns = [c.name for c in response.context["columns"]]
        assert response.context["totals"][columns.index(column)] == tile[label].value
        assert f"<td class=\"num\" data-total>{tile[label].value:,}</td>" in response.content.decode()


@pytest.mark.parametrize("url_name", ["talent:jobposting_list", "talent:fairbooth_list", "talent:skillstraining_list",
                                      "transformation:certification_list",
                                      "transformation:transformationproject_list"])
def test_the_enterprise_filter_is_chosen_by_typing(url_name, enterprises, make_user, client_for):
    chosen = enterprises[0]
    page = client_for(make_user("industry")).get(reverse(url_name), {"enterprise": chosen.pk}).content.decode()
    field = page[page.index('name="enterprise"') - 300:page.index('name="enterprise"') + 600]
    assert "data-autocomplete" in field and chosen.name in field  # the chosen one, not every enterprise
    assert enterprises[1].name not in field
