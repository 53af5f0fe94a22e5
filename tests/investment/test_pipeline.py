"""The pipeline's sums and the investment summary command."""
import io
import json
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from openpark.enterprises.models import Chain, ChainMembership
from openpark.investment import services
from openpark.investment.models import Project, TargetCompany, TargetGoal
from openpark.investment.services import advance
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def make(name, amount, steps, chain="汽车配件", make_user=None):
    project = Project.objects.create(name=name, investor="某公司", chain=Chain.objects.get(name=chain),
                                     total_investment=D(amount), stage_changed_on=date(2018, 1, 1),
                                     contract_signed_on=date(2017, 12, 1), contract_amount=D(50000), land_certificate="苏(2026)靖江市不动产权第0000001号", permit_number="320282202601050101", permit_issued_on=date(2017, 12, 1))
    for number, step in enumerate(steps, start=1):
        advance(project, step, None, note=step, on=date(2018, 1, 1 + number))
    return project


@pytest.fixture
def projects():
    forward = ["to_negotiating", "to_signed", "to_land", "to_started", "to_completed"]
    return [
        make("甲", 1_200_000, forward),  # 120亿, completed
        make("乙", 30_000, forward[:4]),  # started
        make("丙", 500_000, forward[:2], chain="新能源"),  # signed, 50亿
        make("丁", 8_000, forward[:1]),  # negotiating
        make("戊", 2_000, ["to_negotiating", "terminate"]),
    ]


def test_summary_counts_what_reached_each_stage(projects):
    assert services.summary(2017) == {
        "signed": {"count": 3, "investment_yi": 173.0},  # 120 + 3 + 50
        "started": {"count": 2, "investment_yi": 123.0},
        "completed": {"count": 1, "investment_yi": 120.0},
    }
    assert services.summary(2019)["signed"]["count"] == 0
    assert json.loads(command("investment_summary", "--since", "2017", "--json"))["started"] == {
        "count": 2, "investment": 123.0}
    with pytest.raises(CommandError, match="起始年份应在"):
        command("investment_summary", "--since", "1800")


def test_pipeline_sums(projects):
    board = services.pipeline(today=date(2018, 3, 1))
    by_stage = dict(board["by_stage"])
    assert by_stage["竣工"] == {"count": 1, "investment_yi": 120.0} and by_stage["终止"]["count"] == 1
    assert board["by_chain"]["新能源"] == {"count": 1, "investment_yi": 50.0}
    conversion = {(a, b): (n, m) for a, b, n, m, _ in board["conversion"]}
    assert conversion[("线索", "在谈")] == (5, 5) and conversion[("在谈", "签约")] == (5, 3)
    assert [p.name for p in board["big"]] == ["甲", "丙"]
    assert dict(board["age"]) == {"30 天以内": 0, "31—90 天": 4, "91—180 天": 0, "180 天以上": 0}  # all but 戊


def test_chain_map_and_link_pages(projects, make_user, client_for):
    client = client_for(make_user("investment"))
    link = projects[1].chain.links.get(name="精密机加工")
    # 在建 is started and not completed: 乙 (开工) counts, 甲 (竣工) and 丁 (在谈) do not
    Project.objects.filter(pk__in=[projects[0].pk, projects[1].pk, projects[3].pk]).update(link=link)
    ChainMembership.objects.create(enterprise=EnterpriseFactory(name="精工机械有限公司"), chain=link.chain, link=link)
    page = client.get(reverse("investment:chain_map")).content.decode()
    assert page.count('class="panel chain-row"') == 6 and "企业 1 · 在建项目 1" in page
    assert page.index("铸锻件毛坯") < page.index("精密机加工") < page.index("汽车电子")  # upstream first
    detail = client.get(link.get_absolute_url()).content.decode()
    assert "精工机械有限公司" in detail and ">乙</a>（开工）" in detail
    assert ">甲</a>" not in detail and ">丁</a>" not in detail
    add = reverse("enterprises:chainmembership_add") + f"?chain={link.chain_id}&amp;link={link.pk}"
    assert add in detail
    form = client.get(reverse("enterprises:chainmembership_add"), {"chain": link.chain_id, "link": link.pk})
    assert f'<option value="{link.pk}" selected>' in form.content.decode()


def test_target_progress_against_the_year_goal(make_user, client_for):
    link = Chain.objects.get(name="新能源").links.first()
    for number, status in enumerate(["none", "contacted", "visited", "negotiating", "signed", "signed"]):
        TargetCompany.objects.create(year=2026, name=f"目标{number}", company_type="listed", link=link, officer="王磊",
                                     contact_status=status)
    leader, officer = make_user("leader"), make_user("investment")
    assert services.target_progress(2026)["goal"] is None
    page = client_for(leader).get(reverse("investment:target_progress"), {"year": 2026}).content.decode()
    assert "尚未设定 2026 年的目标企业数" in page and "设定年度目标" not in page  # leaders read, 招商 sets

    client = client_for(officer)
    assert "设定年度目标" in client.get(reverse("investment:target_progress"), {"year": 2026}).content.decode()
    assert 'value="2026"' in client.get(reverse("investment:targetgoal_add"), {"year": 2026}).content.decode()
    client.post(reverse("investment:targetgoal_add"), {"year": 2026, "count": 30, "note": "链长制"})
    progress = services.target_progress(2026)
    assert progress == {"goal": 30, "listed": 6,
                        "reached": {"contacted": 5, "visited": 4, "negotiating": 3, "signed": 2}}
    page = client.get(reverse("investment:target_progress"), {"year": 2026}).content.decode()
    assert "<strong>30</strong></a> 家" in page and "已列入名单 <strong>6</strong> 家" in page

    goal = TargetGoal.objects.get(year=2026)
    client.post(reverse("investment:targetgoal_edit", args=[goal.pk]), {"year": 2026, "count": 35, "note": "调高"})
    assert services.target_progress(2026)["goal"] == 35
    again = client.post(reverse("investment:targetgoal_add"), {"year": 2026, "count": 1}).content.decode()
    assert "这一年度已设定目标。" in again and TargetGoal.objects.count() == 1


def test_overdue_problems_on_the_leaders_home_page(projects, make_user, client_for):
    leader = make_user("leader", full_name="周明")
    Project.objects.filter(pk=projects[1].pk).update(linked_leader="周明")
    projects[1].refresh_from_db()
    problem = services.raise_problem(projects[1], "用地指标待调剂", "规划科", date(2018, 2, 1), raised_on=date(2018, 1, 20))
    services.escalate(problem)
    page = client_for(leader).get(reverse("role_home", args=["leader"])).content.decode()
    assert "招商项目：逾期问题与停滞项目" in page and "上报给我的" in page and "用地指标待调剂" in page
    enterprise_user = make_user("enterprise")
    assert "逾期问题" not in client_for(enterprise_user).get(reverse("role_home", args=["enterprise"])).content.decode()


def test_projects_import_and_export_round_trip(projects, make_user, client_for):
    from tests.sheets import confirm, latest_job, read_xlsx, upload, xlsx

    client = client_for(make_user("investment"))
    exported = client.get(reverse("investment:project_list"), {"export": "xlsx"}).content
    rows = read_xlsx(exported)
    assert rows[0][:3] == ["项目编号", "项目名称", "投资方"] and len(rows) == 6
    upload(client, "investment.project", exported, name="项目.xlsx")
    job = latest_job()
    assert job.state == "ready", job.errors
    confirm(client, job)
    job.refresh_from_db()
    assert job.result == {"total": 5, "create": 0, "update": 0, "restore": 0, "unchanged": 5, "delete": 0}

    header = rows[0]
    changed = [list(row) for row in rows[:2]]
    changed[1][header.index("阶段")] = "投产"
    new = ["XM2026-0900", "新能源储能项目", "某储能公司", "", "新能源", "电池材料", "", 80000, "", "", "", "", "", "",
           "", "是", ""]
    new.insert(header.index("投资方名称"), "")  # the export names the investor beside its code: read past
    upload(client, "investment.project", xlsx([header, changed[1], new[:len(header)]]), name="项目.xlsx")
    job = latest_job()
    assert job.state == "invalid" and "阶段只能在项目页面按流程推进" in job.errors[0]["reason"]
    upload(client, "investment.project", xlsx([header, new[:len(header)]]), name="项目.xlsx")
    job = latest_job()
    confirm(client, job)
    created = Project.objects.get(code="XM2026-0900")
    assert created.stage == "lead" and created.link.name == "电池材料" and created.total_investment == 80000


def test_advisers_show_their_leads_and_projects_their_investor(projects, make_user, client_for):
    from openpark.investment.models import Adviser, Lead

    adviser = Adviser.objects.create(name="赵志远", kind="chief")
    Lead.objects.create(source="adviser", investor="上海某集团", intended_project="汽车电子项目", officer="王磊",
                        adviser=adviser)
    client = client_for(make_user("investment"))
    assert "上海某集团：汽车电子项目" in client.get(adviser.get_absolute_url()).content.decode()
    investor = EnterpriseFactory(name="某某精工有限公司")
    Project.objects.filter(pk=projects[0].pk).update(investor_enterprise=investor)
    page = client.get(projects[0].get_absolute_url()).content.decode()
    assert f'href="{investor.get_absolute_url()}" id="investor-link"' in page
    assert "甲" in client.get(investor.get_absolute_url()).content.decode()
