"""Projects through their life cycle, problems and escalation, stale projects, the "1230"
deadlines on the official calendar, and who may see and change what."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from openpark.core.states import TransitionError
from openpark.enterprises.models import Chain, ChainLink
from openpark.investment import services
from openpark.investment.models import DeadlineRule, Problem, Project, ProjectDeadline, StageDate
from tests.factories import EnterpriseFactory, bind_enterprise

pytestmark = pytest.mark.django_db
FORWARD = ["to_negotiating", "to_signed", "to_land", "to_started", "to_completed", "to_producing"]


@pytest.fixture
def staff(make_user):
    return make_user("investment", username="zhaoshang")


@pytest.fixture
def project():
    chain = Chain.objects.get(name="汽车配件")
    return Project.objects.create(name="精密齿轮项目", investor="某某精工", chain=chain,
                                  link=chain.links.get(name="精密机加工"), total_investment=D(50000),
                                  linked_leader="王主任", stage_changed_on=date(2026, 1, 5),
                                  last_progress_on=date(2026, 1, 5),
                                  contract_signed_on=date(2025, 12, 1), contract_amount=D(50000), land_certificate="苏(2026)靖江市不动产权第0000001号", permit_number="320282202601050101", permit_issued_on=date(2026, 1, 5))


def test_the_demo_park_chains_and_the_1230_rules_ship():
    assert list(Chain.objects.values_list("name", flat=True)) == ["汽车配件", "工程机械", "电机电器", "新能源", "新材料",
                                                                  "智能制造"]
    assert list(ChainLink.objects.filter(chain__name="工程机械").values_list("name", flat=True)) == [
        "钢材与铸件", "液压件", "传动与结构件", "整机制造"]
    assert list(DeadlineRule.objects.values_list("working_days", flat=True)) == [1, 2, 30]


def test_the_chains_ship_with_the_enterprises_and_the_demo_only_puts_enterprises_in_them():
    from openpark.enterprises.chains import SHIPPED_CHAINS, ship_chains
    from openpark.enterprises.demo import TRADES, _load_chains

    assert list(Chain.objects.values_list("name", flat=True)) == list(SHIPPED_CHAINS)
    assert {chain for _, _, chain in TRADES if chain} <= set(SHIPPED_CHAINS)
    ship_chains()  # what the migration shipped is there: nothing twice
    assert list(Chain.objects.values_list("name", flat=True)) == list(SHIPPED_CHAINS)
    assert ChainLink.objects.count() == sum(len(links) for links in SHIPPED_CHAINS.values())
    assert set(_load_chains()) == {chain for _, _, chain in TRADES if chain}


def test_every_stage_in_order_each_with_its_date(project, staff):
    for offset, transition in enumerate(FORWARD, start=1):
        services.advance(project, transition, staff, note=transition, on=date(2026, 1, 5) + timedelta(days=offset * 10))
    assert project.stage == "producing" and project.stage_changed_on == date(2026, 3, 6)
    actual = dict(StageDate.objects.filter(project=project).values_list("stage", "actual_on"))
    assert actual["signed"] == date(2026, 1, 25) and actual["producing"] == date(2026, 3, 6)
    assert [c.transition for c in project.machine.history(project)] == FORWARD


def test_forbidden_transitions_change_nothing(project, staff, make_user):
    with pytest.raises(TransitionError, match="当前状态为“线索”，不能进入签约"):
        services.advance(project, "to_signed", staff)
    with pytest.raises(TransitionError, match="终止须填写说明"):
        services.advance(project, "terminate", staff)
    with pytest.raises(PermissionDenied):
        services.advance(project, "to_negotiating", make_user("leader"))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.advance(project, "to_negotiating", staff, on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="不能早于进入当前阶段的日期"):
        services.advance(project, "to_negotiating", staff, on=date(2025, 12, 31))
    project.refresh_from_db()
    assert project.stage == "lead"
    services.advance(project, "terminate", staff, note="投资方战略调整")
    with pytest.raises(TransitionError, match="当前状态为“终止”"):
        services.advance(project, "to_negotiating", staff)
    project.stage = "lead"
    with pytest.raises(TransitionError, match="状态只能通过规定的操作改变"):
        project.save()


def test_problems_escalate_resolve_and_keep_the_project_moving(project):
    problem = services.raise_problem(project, "用电增容未落实", "供电所张科", date(2026, 2, 1), raised_on=date(2026, 1, 20))
    assert problem.stage == "lead" and project.last_progress_on == date(2026, 1, 20)
    assert problem.overdue  # past its deadline and unresolved
    assert services.overdue_problems().filter(pk=problem.pk).exists()
    services.escalate(problem)
    assert problem.escalated_on == timezone.localdate()
    with pytest.raises(ValidationError, match="请说明解决情况"):
        services.resolve(problem, " ")
    services.resolve(problem, "已完成增容")
    assert not problem.overdue and project.last_progress_on == timezone.localdate()
    with pytest.raises(ValidationError, match="问题已解决"):
        services.escalate(problem)
    project.linked_leader = ""
    other = services.raise_problem(project, "环评排队", "环保局", timezone.localdate() + timedelta(days=5))
    with pytest.raises(ValidationError, match="没有挂钩领导"):
        services.escalate(other)


TERMINATED = "项目已终止，不能再提出问题。"


def test_no_problem_is_raised_on_a_terminated_project_by_the_page_the_api_or_the_service(
        project, staff, client_for, api_for):
    problem = {"project": project.pk, "description": "环评排队", "owner": "环保局", "raised_on": "2026-01-20",
               "deadline": "2026-02-01"}
    created = api_for(staff).post("/api/investment/problems/", problem, format="json")
    assert created.status_code == 201 and created.json()["stage"] == "lead"
    assert Problem.objects.get().stage == "lead"  # the API stores the project's stage, as the page does
    project.refresh_from_db()
    assert project.last_progress_on == date(2026, 1, 20)  # a problem raised is progress, on every path
    services.advance(project, "terminate", staff, note="投资方战略调整")

    page = client_for(staff).post(reverse("investment:problem_add"), problem)
    assert page.status_code == 200 and page.context["form"].errors["project"] == [TERMINATED]
    refused = api_for(staff).post("/api/investment/problems/", problem, format="json")
    assert refused.status_code == 400 and refused.json()["errors"]["project"] == [TERMINATED]
    with pytest.raises(ValidationError, match=TERMINATED):
        services.raise_problem(project, "环评排队", "环保局", date(2026, 2, 1), raised_on=date(2026, 1, 20))
    assert Problem.objects.count() == 1
    earlier = Problem.objects.get()
    earlier.resolution, earlier.resolved_on = "已办结", date(2026, 1, 25)
    earlier.full_clean()  # a problem raised before the end may still be resolved


def resolved_by(path, problem, staff, client_for, api_for, on):
    """Resolve `problem` on day `on` (the resolve page: today) through one of the paths people use;
    what is stored after."""
    if path == "resolve page":
        client_for(staff).post(reverse("investment:problem_resolve", args=[problem.pk]), {"resolution": "已完成增容"})
    elif path == "edit page":
        client_for(staff).post(reverse("investment:problem_edit", args=[problem.pk]), {
            "project": problem.project_id, "description": problem.description, "owner": problem.owner,
            "raised_on": problem.raised_on, "deadline": problem.deadline, "resolution": "已完成增容",
            "resolved_on": on})
    elif path == "api":
        api_for(staff).patch(f"/api/investment/problems/{problem.pk}/", {"resolution": "已完成增容",
                                                                         "resolved_on": str(on)}, format="json")
    else:
        services.resolve(problem, "已完成增容", on=on)
    problem = Problem.objects.select_related("project").get(pk=problem.pk)
    return problem.resolution, problem.resolved_on, problem.project.last_progress_on


def test_resolving_a_problem_is_progress_on_its_project_on_the_page_the_api_and_the_service(
        staff, client_for, api_for):
    today = timezone.localdate()
    chain = Chain.objects.get(name="汽车配件")
    outcomes = {}
    for path in ("resolve page", "edit page", "api", "service"):
        project = Project.objects.create(name=f"项目（{path}）", investor="某某精工", chain=chain,
                                         total_investment=D(50000), stage_changed_on=date(2026, 1, 5),
                                         last_progress_on=date(2026, 1, 5),
                                  contract_signed_on=date(2025, 12, 1), contract_amount=D(50000), land_certificate="苏(2026)靖江市不动产权第0000001号", permit_number="320282202601050101", permit_issued_on=date(2026, 1, 5))
        problem = services.raise_problem(project, "用电增容未落实", "供电所张科", date(2026, 2, 1),
                                         raised_on=date(2026, 1, 20))
        outcomes[path] = resolved_by(path, problem, staff, client_for, api_for, today)
    assert set(outcomes.values()) == {("已完成增容", today, today)}, outcomes


def test_an_edit_that_leaves_the_resolution_is_no_new_progress(project, staff, api_for):
    problem = services.raise_problem(project, "用电增容未落实", "供电所张科", date(2026, 2, 1), raised_on=date(2026, 1, 20))
    services.resolve(problem, "已完成增容", on=date(2026, 1, 25))
    project.refresh_from_db()
    assert project.last_progress_on == date(2026, 1, 25)
    Project.objects.filter(pk=project.pk).update(last_progress_on=date(2026, 1, 22))
    edited = api_for(staff).patch(f"/api/investment/problems/{problem.pk}/", {"owner": "供电所李科"}, format="json")
    assert edited.status_code == 200
    project.refresh_from_db()
    assert project.last_progress_on == date(2026, 1, 22)  # the owner changed; nothing happened on the project


def test_stale_projects(project, settings):
    settings.STALE_PROJECT_DAYS = 30
    today = date(2026, 2, 5)
    assert project.days_without_progress(today) == 31 and project.is_stale(30, today)
    assert list(services.stale_projects(today)) == [project]
    assert not project.is_stale(30, date(2026, 2, 4))
    Project.objects.filter(pk=project.pk).update(stage="producing")
    assert not services.stale_projects(today).exists()


def test_1230_deadlines_count_working_days_across_national_day(project):
    registration = DeadlineRule.objects.get(code="registration")
    deadline = ProjectDeadline.objects.create(project=project, rule=registration, applied_on=date(2023, 9, 28))
    assert deadline.due_on == date(2023, 10, 7)  # the holiday runs to 6 October; Saturday 7 is worked
    assert deadline.working_days_left(date(2023, 10, 6)) == 1
    assert deadline.overdue  # long past and never done
    permit = DeadlineRule.objects.get(code="construction_permit")
    project.industrial = False
    with pytest.raises(ValidationError, match="只适用于工业项目"):
        ProjectDeadline(project=project, rule=permit, applied_on=date(2023, 9, 28)).full_clean()


def test_who_sees_and_changes_projects(project, staff, make_user, client_for, api_for):
    investor = EnterpriseFactory(name="某某精工有限公司")
    Project.objects.filter(pk=project.pk).update(investor_enterprise=investor)
    other = Project.objects.create(name="别家项目", investor="别家", chain=project.chain, total_investment=D(1000))
    user = make_user("enterprise")
    bind_enterprise(user, investor)
    assert [p["name"] for p in api_for(user).get("/api/investment/projects/").json()["results"]] == ["精密齿轮项目"]
    assert client_for(user).get(other.get_absolute_url()).status_code == 404
    assert "招商项目" in client_for(user).get(investor.get_absolute_url()).content.decode()
    assert api_for(user).post("/api/investment/projects/", {}).status_code == 403
    leader = make_user("leader")
    assert api_for(leader).get("/api/investment/projects/").json()["count"] == 2
    assert api_for(leader).patch(f"/api/investment/projects/{project.pk}/", {"name": "改"}).status_code == 403
    client = client_for(staff)
    response = client.post(reverse("investment:project_transition", args=[project.pk, "to_negotiating"]), {"note": "首次洽谈"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "negotiating"
    response = api_for(staff).patch(f"/api/investment/projects/{project.pk}/", {"stage": "producing"}, format="json")
    project.refresh_from_db()
    assert response.status_code == 200 and project.stage == "negotiating"  # the stage is read-only


def test_project_form_checks(staff, client_for):
    chain = Chain.objects.get(name="汽车配件")
    wrong_link = ChainLink.objects.get(chain__name="新能源", name="电池材料")
    response = client_for(staff).post(reverse("investment:project_add"), {
        "name": "测试", "investor": "某公司", "chain": chain.pk, "link": wrong_link.pk, "total_investment": "100",
        "fixed_asset_investment": "200", "industrial": "on", "support_kind": "equity"})
    page = response.content.decode()
    assert response.status_code == 200 and not Project.objects.exists()
    for message in ("所选环节不属于所选产业链", "固定资产投资不能超过总投资", "股权投资须填写共建金额和持股比例"):
        assert message in page


@pytest.mark.parametrize("url, data, message", [
    ("investment:lead_add", {"received_on": "2026-01-05", "source": "adviser", "investor": "某公司",
                             "intended_project": "某项目", "officer": "王磊"}, "来源为“招商顾问”时须选择引荐顾问"),
    ("investment:visit_add", {"held_on": "2026-03-01", "kind": "trip", "place": "苏州", "participants": "招商局",
                              "outcome": "洽谈", "next_step": "回访", "next_due": "2026-02-01"}, "下一步期限不能早于走访日期"),
    ("investment:visit_add", {"held_on": "2026-03-01", "kind": "trip", "place": "苏州", "participants": "招商局",
                              "outcome": "洽谈", "next_due": "2026-04-01"}, "请同时填写下一步工作"),
    ("investment:deadlinerule_add", {"code": "registration", "name": "重复", "working_days": 3, "order": 1},
     "已存在"),
])
def test_bad_input_on_the_investment_forms_is_explained_and_not_saved(staff, client_for, url, data, message):
    from openpark.core.models import ChangeRecord

    before = ChangeRecord.objects.count()
    response = client_for(staff).post(reverse(url), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert ChangeRecord.objects.count() == before


def test_leaders_cannot_add_investment_records(make_user, client_for):
    client = client_for(make_user("leader"))
    for url in ("investment:lead_add", "investment:visit_add", "investment:project_add", "enterprises:chain_add"):
        assert client.get(reverse(url)).status_code == 403
    assert client.get(reverse("investment:lead_list")).status_code == 200


def test_a_deadline_applied_for_in_9999_is_refused_not_counted(project, staff, client_for, api_for):
    """Before: saved, then its due day (past 9999-12-31) failed every page and answer that shows it."""
    rule = DeadlineRule.objects.create(code="thirty", name="三十个工作日", working_days=30)
    data = {"project": project.pk, "rule": rule.pk, "applied_on": "9999-12-30"}
    response = client_for(staff).post(reverse("investment:projectdeadline_add"), data)
    assert "日期须在 1900-01-01 至 2100-12-31 之间" in str(response.context["form"].errors["applied_on"])
    response = api_for(staff).post("/api/investment/deadlines/", data, format="json")
    assert response.status_code == 400 and "日期须在" in response.json()["detail"]
    assert not ProjectDeadline.objects.exists()


def test_membership_form_refuses_enterprise_ids_beyond_64_bits(make_user, client_for):
    chain = Chain.objects.get(name="汽车配件")
    response = client_for(make_user("economy", "investment")).post(reverse("enterprises:chainmembership_add"), {
        "chain": chain.pk, "enterprise": "99999999999999999999"})
    assert response.status_code == 200 and response.context["form"].errors["enterprise"]
    assert not chain.memberships.exists()


def test_an_investor_sees_its_projects_stages_not_the_parks_internal_work(project, staff, make_user, client_for):
    investor = EnterpriseFactory(name="某某精工有限公司")
    Project.objects.filter(pk=project.pk).update(investor_enterprise=investor)
    services.raise_problem(project, "内部：企业资金链紧张", "周九", date(2026, 12, 1), raised_on=date(2026, 1, 1))
    client_for(staff).post(reverse("investment:project_transition", args=[project.pk, "to_negotiating"]),
                           {"note": "内部备注：对方报价偏高"})
    user = make_user("enterprise")
    bind_enterprise(user, investor)
    html = client_for(user).get(project.get_absolute_url()).content.decode()
    assert "stage-dates" in html
    for internal in ("资金链紧张", "内部备注", 'id="problems"', 'id="team"', "提出问题", "添加专班成员"):
        assert internal not in html, internal
    park = client_for(make_user("leader")).get(project.get_absolute_url()).content.decode()
    assert "资金链紧张" in park and "内部备注" in park


def test_the_project_page_lists_every_deadline_of_the_project_in_one_table(project, staff, client_for, monkeypatch):
    """The "1230" items registered on the project and the one its move to 供地 started (the
    workflow's deadline, on the timeline too) are in the same table, the overdue ones marked."""
    from datetime import datetime

    from openpark.core.models import Deadline

    moment = timezone.make_aware(datetime(2023, 9, 28, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    project.stage_changed_on = date(2023, 9, 1)
    project.contract_signed_on = project.permit_issued_on = date(2023, 9, 1)  # none after the day it moves on
    for name in ("to_negotiating", "to_signed", "to_land"):
        services.advance(project, name, staff)
    started = Deadline.objects.get()
    assert started.label == "取得施工许可并开工（1230：30 个工作日）" and started.due_on == date(2023, 11, 15)
    ProjectDeadline.objects.create(project=project, rule=DeadlineRule.objects.get(code="registration"),
                                   applied_on=date(2023, 9, 20), done_on=date(2023, 9, 21))
    rows = services.project_deadlines(project)
    assert [(r.name, r.due_on, r.done_on, r.overdue) for r in rows] == [
        ("企业开办（工商登记）", date(2023, 9, 21), date(2023, 9, 21), False),
        ("取得施工许可并开工（1230：30 个工作日）", date(2023, 11, 15), None, False)]
    page = client_for(staff).get(project.get_absolute_url()).content.decode()
    table = page[page.index('id="deadlines"'):page.index("</table>", page.index('id="deadlines"'))]
    assert "企业开办（工商登记）" in table and "取得施工许可并开工（1230：30 个工作日）" in table
    assert "2023-11-15" in table and "剩 " in table and "已逾期" not in table

    moment = timezone.make_aware(datetime(2023, 11, 16, 9, 0))
    page = client_for(staff).get(project.get_absolute_url()).content.decode()
    table = page[page.index('id="deadlines"'):page.index("</table>", page.index('id="deadlines"'))]
    row = table[table.index("取得施工许可并开工"):]
    assert '<span class="tag status-alarm">已逾期</span>' in row[:row.index("</tr>")]
    assert [r.overdue for r in services.project_deadlines(project)] == [False, True]
