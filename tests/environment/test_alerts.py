"""The environment office's alerts: the daily check tells the 环保 role's users once about each
permit expiring or expired, measure and problem overdue, chief behind this period and recent sample
worse than its target (each found by the function its list uses), and nothing again on the next
run; the office's home page counts each condition with a link to its list; Celery beat schedules
the check and `run_periodic_checks` runs it."""
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from openpark.celery import app
from django.contrib.contenttypes.models import ContentType

from openpark.core.models import Deadline, Notification
from openpark.environment import alerts, services
from openpark.environment.models import (
    DischargePermit, EnvironmentAlert, EnvironmentProblem, Measure, MonitoringSite, Patrol, RiverChief, WaterBody,
    WaterSample,
)
from openpark.environment.patrols import period_start
from openpark.environment.tasks import check_alerts
from tests.factories import EnterpriseFactory, UserFactory, bind_enterprise

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CONDITIONS = ("permit_expiring", "permit_expired", "measure_overdue", "problem_overdue", "chief_behind",
              "sample_worse", "permit_renewal_late", "outfall_overdue", "outfall_sign_off")


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.fixture
def office(make_user):
    """Two users of the 环保 role (and one whose account is off), and users of other roles."""
    return {"staff": [make_user("environment"), make_user("environment")],
            "inactive": make_user("environment", is_active=False),
            "others": [make_user("leader"), make_user("economy"), make_user("steward")]}


@pytest.fixture
def park(make_outfall):
    """One object in each condition, and one out of it."""
    first, second, third, fourth = EnterpriseFactory(), EnterpriseFactory(), EnterpriseFactory(), EnterpriseFactory()

    def permit(enterprise, expires_on):
        return DischargePermit.objects.create(enterprise=enterprise, number=f"{enterprise.uscc}001P", category="key",
                                              issued_on=date(2021, 1, 4), expires_on=expires_on)

    plan = make_outfall("in_remediation", plan_type="regularise").plan

    def measure(content, deadline, status="in_progress"):
        return Measure.objects.create(plan=plan, content=content, owner="城南办事处", status=status, deadline=deadline)

    canal = WaterBody.objects.create(name="七圩港", kind="canal", target_class="III")
    site = MonitoringSite.objects.create(code="QW01", name="七圩港入江口", water_body=canal)

    def sample(days, water_class):
        moment = timezone.make_aware(datetime.combine(ago(days), time(9, 30)))
        return WaterSample.objects.create(site=site, sampled_at=moment, water_class=water_class, exceedances="氨氮")

    behind = RiverChief.objects.create(name="吴春生", level="village")
    done = RiverChief.objects.create(name="钱永刚", level="village")
    behind.water_bodies.set([canal])
    done.water_bodies.set([canal])
    period = timezone.make_aware(datetime.combine(period_start("week", TODAY), time.min))
    start = max(timezone.now() - timedelta(minutes=50), period)
    for begin in (start, period - timedelta(days=2)):  # this week and last week (the behind chief: neither)
        walked = Patrol(chief=done, water_body=canal, started_at=begin, ended_at=begin + timedelta(minutes=40),
                        distance_km=D("3"))
        walked.full_clean()
        walked.save()
    late_outfall = make_outfall("in_remediation", plan_type="regularise")
    Deadline.objects.create(content_type=ContentType.objects.get_for_model(late_outfall), object_id=str(late_outfall.pk),
                            transition="start_remediation", state="in_remediation", label="完成整治并申请销号",
                            working_days=60, started_at=timezone.now() - timedelta(days=100), due_on=ago(4))
    return {
        "late_outfall": late_outfall, "awaiting_outfall": make_outfall("county_preclosed", plan_type="regularise"),
        "expiring": permit(first, TODAY + timedelta(days=75)), "expired": permit(second, ago(5)),
        "late": permit(fourth, TODAY + timedelta(days=30)),  # its renewal date (60 days before expiry) passed
        "valid": permit(third, TODAY + timedelta(days=200)),
        "overdue_measure": measure("封堵雨污混接管", ago(3)), "done_measure": measure("设置标志牌", ago(3), "done"),
        "future_measure": measure("安装视频监控", TODAY + timedelta(days=3)),
        "overdue_problem": EnvironmentProblem.objects.create(category="bank", description="岸坡堆放建筑垃圾",
                                                             found_on=ago(20), deadline=ago(2)),
        "future_problem": EnvironmentProblem.objects.create(category="bank", description="护坡局部坍塌",
                                                            found_on=ago(2), deadline=TODAY + timedelta(days=10)),
        "behind": behind, "done": done,
        "worse": sample(2, 5), "old_worse": sample(12, 5), "good": sample(1, 2),
    }


def notified(user) -> dict[str, set]:
    """{title prefix: {object ids}} of the user's notifications."""
    found = {}
    for title, object_id in Notification.objects.filter(recipient=user).values_list("title", "object_id"):
        found.setdefault(title.split("：", 1)[0], set()).add(object_id)
    return found


def test_each_alert_is_told_once_to_the_environment_office(park, office):
    told = alerts.check(TODAY)
    assert told == dict.fromkeys(CONDITIONS, 1)
    expected = {"排污许可证即将到期": {park["expiring"].pk}, "排污许可证已过期": {park["expired"].pk},
                "排污许可证已过延续申请期限": {park["late"].pk},
                "整治措施逾期": {park["overdue_measure"].pk}, "环境问题逾期": {park["overdue_problem"].pk},
                "河长巡河未达要求": {park["behind"].pk}, "水质劣于目标": {park["worse"].pk},
                "排口整治逾期": {park["late_outfall"].pk}, "排口待市级审核销号": {park["awaiting_outfall"].pk}}
    for user in office["staff"]:
        assert notified(user) == expected
    for user in (office["inactive"], *office["others"]):
        assert notified(user) == {}
    notice = Notification.objects.get(recipient=office["staff"][0], object_id=park["worse"].pk, title__startswith="水质")
    assert notice.url == park["worse"].get_absolute_url()
    assert "V类" in notice.body and "目标为 III类" in notice.body and "氨氮" in notice.body
    permit = Notification.objects.get(recipient=office["staff"][0], title__startswith="排污许可证即将到期")
    assert permit.kind == "deadline_soon" and str(park["expiring"].renewal_due_on) in permit.body
    assert "即将到期（15 天后需申请延续）" in permit.body
    late = Notification.objects.get(recipient=office["staff"][0], title__startswith="排污许可证已过延续申请期限")
    assert late.kind == "overdue" and "已过延续申请期限（30 天后到期）" in late.body
    assert EnvironmentAlert.objects.count() == 9 and set(EnvironmentAlert.objects.values_list("recipients", flat=True)) == {2}

    before = Notification.objects.count()
    assert alerts.check(TODAY) == dict.fromkeys(CONDITIONS, 0)  # the second run tells nothing again
    assert Notification.objects.count() == before


def test_a_new_occurrence_is_told_again(park, office):
    alerts.check(TODAY)
    measure = park["overdue_measure"]
    Measure.objects.filter(pk=measure.pk).update(deadline=ago(1))  # given a new deadline, missed again
    told = alerts.check(TODAY)
    assert told["measure_overdue"] == 1 and sum(told.values()) == 1
    # Next week the chief is behind again, for this week, which ends short; the chief who patrolled
    # this week is not behind for having no patrol yet next week.
    told = alerts.check(TODAY + timedelta(days=7))
    assert told["chief_behind"] == 1


def test_alerts_come_from_the_lists_rules(park):
    """Each condition's objects are those its list's filter finds."""
    found = {condition.condition.value: {item.obj.pk for item in condition.find(TODAY)}
             for condition in alerts.CONDITIONS}
    assert found["permit_expiring"] | found["permit_renewal_late"] | found["permit_expired"] == {
        p.pk for p in services.permits_expiring(TODAY)}
    assert found["measure_overdue"] == set(Measure.objects.overdue(TODAY).values_list("pk", flat=True))
    assert found["problem_overdue"] == set(EnvironmentProblem.objects.overdue(TODAY).values_list("pk", flat=True))
    assert found["chief_behind"] == set(services.chiefs_behind(today=TODAY).values_list("pk", flat=True))
    assert found["sample_worse"] == {park["worse"].pk}
    assert found["outfall_overdue"] == {park["late_outfall"].pk}
    assert found["outfall_sign_off"] == {park["awaiting_outfall"].pk}


def test_nobody_in_the_role_nothing_is_recorded(park, make_user):
    make_user("leader")
    assert alerts.check(TODAY) == dict.fromkeys(CONDITIONS, 0)
    assert not EnvironmentAlert.objects.exists()


def test_the_home_section_counts_each_alert_with_its_list(park, office, client_for):
    client = client_for(office["staff"][0])
    page = client.get(reverse("role_home", args=["environment"]))
    html = page.content.decode()
    assert 'data-section="environment-alerts"' in html
    rows = {row["condition"]: row for section in page.context["sections"] if section["key"] == "environment-alerts"
            for row in section["context"]["rows"]}
    assert {key: row["count"] for key, row in rows.items()} == dict.fromkeys(CONDITIONS, 1)
    for row in rows.values():
        assert f'href="{row["url"]}"'.replace("&", "&amp;") in html
    # Each link lists exactly what is counted.
    listed = {key: client.get(row["url"]) for key, row in rows.items()}
    for key in ("permit_expiring", "permit_expired", "permit_renewal_late", "measure_overdue", "problem_overdue",
                "sample_worse", "outfall_overdue", "outfall_sign_off"):
        assert listed[key].status_code == 200
        assert listed[key].context["page"].paginator.count == 1, key
    assert listed["sample_worse"].context["page"].object_list[0] == park["worse"]
    assert "吴春生" in listed["chief_behind"].content.decode()
    assert "钱永刚" not in listed["chief_behind"].content.decode().split("巡河未达标")[-1]


def test_the_home_section_is_only_for_the_environment_office(park, make_user, client_for):
    company = EnterpriseFactory()
    enterprise_user = make_user("enterprise")
    bind_enterprise(enterprise_user, company)
    for slug, user in (("leader", make_user("leader")), ("economy", make_user("economy")),
                       ("investment", make_user("investment")), ("enterprise", enterprise_user),
                       ("steward", make_user("steward"))):
        page = client_for(user).get(reverse("role_home", args=[slug]))
        assert page.status_code == 200, slug
        assert 'data-section="environment-alerts"' not in page.content.decode(), slug


def test_the_beat_schedule_runs_the_check_daily_and_the_command_runs_it(park, office, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["environment"]
    assert entry["task"] == "environment.check_alerts"
    app.loader.import_default_modules()
    assert "environment.check_alerts" in app.tasks
    out = io.StringIO()
    call_command("run_periodic_checks", "environment", stdout=out, stderr=io.StringIO())
    assert "environment：environment.check_alerts 已完成。" in out.getvalue()
    assert EnvironmentAlert.objects.count() == 9
    assert Notification.objects.filter(recipient=office["staff"][1]).count() == 9
    assert check_alerts.apply().get() == dict.fromkeys(CONDITIONS, 0)


@pytest.fixture
def two_companies(make_outfall):
    """Two enterprises, each with a permit whose renewal is due, an open problem with a deadline, a
    closed one and an outfall with an overdue measure; a steward's inspection found the first's problem."""
    from openpark.enterprises.models import ContractBinding, ServiceContract
    from openpark.environment.models import StewardInspection

    contract = ServiceContract.objects.create(number="HBGJ-2026-009", contractor="某环保科技有限公司", service="环保管家",
                                              starts_on=ago(100), ends_on=TODAY + timedelta(days=200))
    made = {"contract": contract}
    for name, expires_in in (("甲", 30), ("乙", 40)):
        company = EnterpriseFactory(name=f"{name}化工有限公司")
        contract.enterprises.add(company)
        permit = DischargePermit.objects.create(enterprise=company, number=f"{company.uscc}001P", category="key",
                                                issued_on=date(2021, 1, 4), expires_on=TODAY + timedelta(days=expires_in))
        inspection = StewardInspection.objects.create(contract=contract, enterprise=company, inspected_on=ago(5),
                                                      inspectors="张工")
        problem = EnvironmentProblem.objects.create(category="outfall", description=f"{name}公司雨水口混接",
                                                    enterprise=company, inspection=inspection, source="steward",
                                                    found_on=ago(5), deadline=TODAY + timedelta(days=7))
        closed = EnvironmentProblem.objects.create(category="outfall", description=f"{name}公司标志牌缺失",
                                                   enterprise=company, found_on=ago(30), deadline=ago(1))
        EnvironmentProblem.objects.filter(pk=closed.pk).update(state="closed")
        plan = make_outfall("in_remediation", plan_type="regularise", enterprise=company).plan
        measure = Measure.objects.create(plan=plan, content=f"{name}公司封堵暗管", owner=company.name,
                                         status="in_progress", deadline=ago(4))
        made[name] = {"company": company, "permit": permit, "problem": problem, "closed": closed, "measure": measure}
    made["park_problem"] = EnvironmentProblem.objects.create(category="bank", description="岸坡堆放建筑垃圾",
                                                             found_on=ago(20), deadline=ago(2))
    steward = made["steward"] = UserFactory(roles=["steward"])
    ContractBinding.objects.create(user=steward, contract=contract)
    return made


def _reminders(page) -> list:
    return [row for section in page.context["sections"] if section["key"] == "environment-reminders"
            for row in section["context"]["rows"]]


def test_an_enterprise_user_sees_its_own_reminders_only(two_companies, make_user, client_for):
    mine, theirs = two_companies["甲"], two_companies["乙"]
    user = make_user("enterprise")
    bind_enterprise(user, mine["company"])
    page = client_for(user).get(reverse("role_home", args=["enterprise"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-section="environment-reminders"' in html
    rows = {(row.kind, row.obj) for row in _reminders(page)}
    assert rows == {("排污许可证须申请延续", mine["permit"]), ("环境问题待整改", mine["problem"]),
                    ("整治措施逾期", mine["measure"])}
    for record in (mine["permit"], mine["problem"], mine["measure"]):
        assert f'href="{record.get_absolute_url()}"' in html
    assert f"{mine['permit'].renewal_due_on:%Y-%m-%d}" in html and f"{mine['problem'].deadline:%Y-%m-%d}" in html
    for record in (theirs["permit"], theirs["problem"], theirs["measure"], two_companies["park_problem"]):
        assert record.get_absolute_url() not in html
    assert "乙公司" not in html and "乙化工" not in html
    assert 'data-section="environment-alerts"' not in html


def test_an_enterprise_with_nothing_due_is_told_so(db, make_user, client_for):
    user = make_user("enterprise")
    bind_enterprise(user, EnterpriseFactory())
    html = client_for(user).get(reverse("role_home", args=["enterprise"])).content.decode()
    assert 'data-section="environment-reminders"' in html and "本企业暂无环保待办事项。" in html


def test_a_steward_sees_the_open_problems_of_its_inspections(two_companies, client_for):
    steward = two_companies["steward"]
    page = client_for(steward).get(reverse("role_home", args=["steward"]))
    assert page.status_code == 200
    html = page.content.decode()
    rows = [row for row in _reminders(page) if row.kind == "检查问题待整改"]
    assert {row.obj for row in rows} == {two_companies["甲"]["problem"], two_companies["乙"]["problem"]}
    assert all(row.deadline == TODAY + timedelta(days=7) and not row.overdue for row in rows)
    assert two_companies["park_problem"].get_absolute_url() not in html
    assert two_companies["甲"]["closed"].get_absolute_url() not in html
    # Once the contract has ended, the steward is reminded of nothing.
    two_companies["contract"].__class__.objects.filter(pk=two_companies["contract"].pk).update(ends_on=ago(1))
    steward = type(steward).objects.get(pk=steward.pk)
    assert _reminders(client_for(steward).get(reverse("role_home", args=["steward"]))) == []



def test_the_office_finds_the_steps_waiting_for_it_in_its_todo(park, office, make_user, client_for, api_for):
    """The government's pending steps (县级预销号 and 市级审核销号 of an outfall, 交办 and 核查销号 of a
    problem) are the 待办 of those who may make them, through the core's workflow layer."""
    from openpark.core import workflows

    reported = park["future_problem"]  # reported, waiting for 交办
    rectified = EnvironmentProblem.objects.create(category="bank", description="排口周边垃圾", found_on=ago(3),
                                                  state="rectified")
    pending = park["awaiting_outfall"]
    staff = office["staff"][0]
    items = {(type(item.obj).__name__, item.obj.pk): item.transition.name for item in workflows.awaiting(staff)}
    assert items == {("Outfall", pending.pk): "close", ("EnvironmentProblem", reported.pk): "assign",
                     ("EnvironmentProblem", park["overdue_problem"].pk): "assign",
                     ("EnvironmentProblem", rectified.pk): "close"}
    assert workflows.open_count(staff) == 4
    page = client_for(staff).get(reverse("core:todo")).content.decode()
    assert '<span id="todo-count">4</span>' in page and "待市级审核销号" in page and "待交办" in page
    assert pending.get_absolute_url() in page and rectified.get_absolute_url() in page
    assert 'title="4 项待办"' in client_for(staff).get(reverse("core:todo")).content.decode()
    # The API lists the same steps, with the state each record waits in.
    listed = api_for(staff).get("/api/core/todo/awaiting/").json()
    assert listed["count"] == 4
    assert {(row["object_type"], row["object_id"], row["step"]) for row in listed["results"]} == {
        ("入河排污口", pending.pk, "close"), ("环境问题", reported.pk, "assign"),
        ("环境问题", park["overdue_problem"].pk, "assign"), ("环境问题", rectified.pk, "close")}
    row = next(row for row in listed["results"] if (row["object_type"], row["object_id"]) == ("环境问题", rectified.pk))
    assert (row["state"], row["url"]) == ("rectified", rectified.get_absolute_url())
    assert row["state_display"] and row["step_label"]
    # Those who may not make the steps have nothing waiting for them.
    for user in office["others"]:
        assert workflows.awaiting(user) == [] and workflows.open_count(user) == 0
        assert "没有待办事项" in client_for(user).get(reverse("core:todo")).content.decode()
        assert api_for(user).get("/api/core/todo/awaiting/").json()["count"] == 0


def test_the_demo_tells_the_office_once_its_account_is_made(park, db):
    from openpark.core.demo_users import ensure_demo_users

    assert not Notification.objects.exists()
    ensure_demo_users()
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"demo_environment"}
    assert Notification.objects.filter(title__startswith="排口整治逾期").exists()


def test_a_steward_is_reminded_of_the_permits_to_renew_under_its_running_contracts(two_companies, client_for):
    """The same permits the enterprise reminders find, for each enterprise of the steward's running
    contracts, each naming its enterprise; none of an enterprise outside them or once they end."""
    from openpark.enterprises.models import ServiceContract

    outside = EnterpriseFactory(name="丙电镀有限公司")
    DischargePermit.objects.create(enterprise=outside, number=f"{outside.uscc}001P", category="key",
                                   issued_on=date(2021, 1, 4), expires_on=TODAY + timedelta(days=20))
    steward = two_companies["steward"]
    page = client_for(steward).get(reverse("role_home", args=["steward"]))
    permits = [row for row in _reminders(page) if row.kind.startswith("排污许可证")]
    assert {row.obj for row in permits} == {two_companies["甲"]["permit"], two_companies["乙"]["permit"]}
    first = next(row for row in permits if row.obj == two_companies["甲"]["permit"])
    assert first.deadline == two_companies["甲"]["permit"].renewal_due_on
    html = page.content.decode()
    assert f'{two_companies["甲"]["permit"].get_absolute_url()}">甲化工有限公司 · ' in html and "丙电镀" not in html
    ServiceContract.objects.filter(pk=two_companies["contract"].pk).update(ends_on=ago(1))
    steward = type(steward).objects.get(pk=steward.pk)
    assert _reminders(client_for(steward).get(reverse("role_home", args=["steward"]))) == []
