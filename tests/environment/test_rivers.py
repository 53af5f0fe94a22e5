"""河长制 and the steward: river chiefs, patrol rules and patrols (computed duration, distance and
whether they count), chiefs behind on their patrols, the environment problem's workflow on its page
and in the API, the steward's inspections and their scope, imports, and the panels."""
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openpark.core.models import Attachment, Deadline
from openpark.core.states import TransitionError
from openpark.environment import services
from openpark.environment.forms import PatrolRuleForm
from openpark.environment.importers import chief_importer, patrol_importer
from openpark.environment.models import (
    EnvironmentProblem, Patrol, PatrolRule, RiverChief, RiverSegment, StewardAssessment, StewardInspection, WaterBody,
)
from openpark.environment.patrols import haversine_km, period_start
from openpark.enterprises.models import ContractBinding, ServiceContract
from tests.factories import EnterpriseFactory, bind_enterprise
from tests.sheets import xlsx

from .conftest import photo

pytestmark = pytest.mark.django_db
WAYS = ("page", "api")
# Two kilometres north along a meridian, in two steps: 0.018° of latitude is 2.0015 km.
TWO_KM = {"type": "LineString", "coordinates": [[120.26, 31.990], [120.26, 31.999], [120.26, 32.008]]}


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def a_day_ago() -> date:
    return timezone.localdate() - timedelta(days=1)


@pytest.fixture
def qiwei(db):
    return WaterBody.objects.create(name="七圩港", kind="canal", level="county", length_km=D("9.8"))


@pytest.fixture
def reach(qiwei):
    return RiverSegment.objects.create(water_body=qiwei, name="入江段", length_km=D("2.1"))


@pytest.fixture
def make_chief(qiwei):
    def make(name="钱永刚", level="village", bodies=(), segments=(), **fields):
        chief = RiverChief.objects.create(name=name, level=level, **fields)
        chief.water_bodies.set(bodies or ([] if segments else [qiwei]))
        chief.segments.set(segments)
        return chief

    return make


@pytest.fixture
def village(make_chief):
    return make_chief()


def patrol(chief, water_body, start, minutes, track=None, km=None, segment=None) -> Patrol:
    instance = Patrol(chief=chief, water_body=water_body, segment=segment, started_at=start,
                      ended_at=start + timedelta(minutes=minutes), track=track, distance_km=km)
    instance.full_clean()
    instance.save()
    return instance


# Patrols: computed, validated, counted ----------------------------------------------------------


def test_a_patrol_computes_its_duration_and_the_length_of_its_track(village, qiwei):
    walked = patrol(village, qiwei, at(a_day_ago()), 45, TWO_KM)
    expected = haversine_km([120.26, 31.990], [120.26, 32.008])
    assert float(walked.distance_km) == pytest.approx(2.0015, rel=0.01)
    assert float(walked.distance_km) == pytest.approx(expected, abs=0.005)
    assert walked.duration_minutes == 45 and walked.counts is True
    stored = Patrol.objects.get(pk=walked.pk)
    assert (stored.duration_minutes, stored.distance_km, stored.counts) == (45, D("2.00"), True)


def test_the_rule_boundaries(village, qiwei):
    day = a_day_ago()
    assert patrol(village, qiwei, at(day, 8), 30, km=D("2.00")).counts  # exactly 30 min and 2 km
    assert not patrol(village, qiwei, at(day, 9), 29, km=D("5")).counts
    assert not patrol(village, qiwei, at(day, 10), 90, km=D("1.99")).counts
    assert not patrol(village, qiwei, at(day, 11), 90).counts  # no track and no distance: not known to count
    rule = PatrolRule.objects.get(level="village")
    rule.active_months = [m for m in range(1, 13) if m != day.month]
    rule.full_clean()
    rule.save()  # the level's patrols are counted again under the new rule
    assert not Patrol.objects.filter(chief=village, counts=True).exists()
    assert not patrol(village, qiwei, at(day, 12), 90, km=D("5")).counts  # an inactive month
    rule.active_months = list(range(1, 13))
    rule.save()
    assert Patrol.objects.filter(chief=village, counts=True).count() == 2


def test_the_seeded_rules():
    rules = {rule.level: rule for rule in PatrolRule.objects.all()}
    assert (rules["township"].period, rules["township"].times) == ("month", 1)
    assert (rules["village"].period, rules["village"].times) == ("week", 1)
    assert all(r.min_minutes == 30 and r.min_km == D("2") and r.months == "1-12" for r in rules.values())


def test_a_level_without_a_rule_counts_every_patrol(make_chief, qiwei):
    county = make_chief("沈国华", "county")
    assert patrol(county, qiwei, at(a_day_ago()), 10, km=D("0.5")).counts


@pytest.mark.parametrize(("text", "error"), [("13", "1–12"), ("5-3", "不能晚于"), ("", "必填项")])
def test_a_rule_s_months_are_checked(text, error):
    form = PatrolRuleForm(data={"level": "county", "times": 1, "period": "month", "min_minutes": 30, "min_km": "2",
                                "active_months": text})
    assert not form.is_valid() and error in str(form.errors)
    form = PatrolRuleForm(data={"level": "county", "times": 1, "period": "month", "min_minutes": 30, "min_km": "2",
                                "active_months": "3-11"})
    assert form.is_valid(), form.errors
    assert form.save().active_months == list(range(3, 12))
    with pytest.raises(ValidationError, match="1–12"):
        PatrolRule(level="city", active_months=[0, 5]).full_clean()


@pytest.mark.parametrize(("track", "error"), [
    ({"type": "LineString", "coordinates": [[120.26, 31.99]]}, "至少需要 2 个坐标点"),
    ({"type": "LineString", "coordinates": [[31.99, 120.26], [31.99, 120.27]]}, "不在中国境内"),
    ({"type": "Point", "coordinates": [120.26, 31.99]}, "LineString"),
    ("不是 GeoJSON", "GeoJSON"),
])
def test_a_bad_track_is_refused(village, qiwei, track, error):
    with pytest.raises(ValidationError, match=error):
        patrol(village, qiwei, at(a_day_ago()), 40, track)
    assert not Patrol.objects.exists()


def test_a_patrol_ends_after_it_starts_on_a_water_the_chief_answers_for(village, qiwei, reach, yangtze, make_chief):
    with pytest.raises(ValidationError, match="结束时间须晚于开始时间"):
        patrol(village, qiwei, at(a_day_ago()), 0)
    with pytest.raises(ValidationError, match="不负责该水体"):
        patrol(village, yangtze, at(a_day_ago()), 40)
    with pytest.raises(ValidationError, match="不属于所选水体"):
        patrol(village, yangtze, at(a_day_ago()), 40, segment=reach)
    # A chief of a segment patrols that segment, and no other part of its water body.
    segment_chief = make_chief("周志强", segments=[reach])
    assert patrol(segment_chief, qiwei, at(a_day_ago()), 40, segment=reach).pk
    with pytest.raises(ValidationError, match="不负责该水体"):
        patrol(segment_chief, qiwei, at(a_day_ago(), 14), 40)


# Chiefs behind on their patrols ----------------------------------------------------------------


def test_chiefs_behind_this_period(make_chief, qiwei, client_for, make_user):
    """Village chiefs patrol once a week: a chief with no patrol yet this week is not behind while
    days are left; one whose last week ended short is."""
    today = timezone.localdate()
    week = period_start("week", today)
    this_week = at(week, 0, 5) if week < today else at(today, 0, 5)
    done = make_chief("钱永刚")
    short = make_chief("孙丽萍")
    make_chief("吴春生")
    last_week = make_chief("郑美华")
    make_chief("朱晓东", "township")
    county = make_chief("沈国华", "county")
    for chief in (done, last_week, county):
        patrol(chief, qiwei, at(week - timedelta(days=2)), 40, km=D("3"))
    patrol(done, qiwei, this_week, 40, km=D("3"))
    patrol(short, qiwei, at(week - timedelta(days=2)), 20, km=D("3"))  # too short to count
    duty = {c.name: (c.required, c.done, c.owed, c.owed_before, c.behind) for c in services.chiefs_with_duty()}
    assert duty["钱永刚"] == (1, 1, 0, 0, False) and duty["郑美华"] == (1, 0, 1, 0, False)
    assert duty["孙丽萍"] == duty["吴春生"] == (1, 0, 1, 1, True) and duty["沈国华"][-1] is False
    assert {c.name for c in services.chiefs_behind()} >= {"孙丽萍", "吴春生"}
    assert {c.name for c in services.chiefs_behind()} <= {"孙丽萍", "吴春生", "朱晓东"}
    behind = len(services.chiefs_behind())
    assert services.duty_counts() == {"with_duty": 5, "behind": behind}
    # A deleted patrol does not count.
    Patrol.objects.filter(chief=last_week).delete()
    assert services.chiefs_behind().filter(pk=last_week.pk).exists()

    client = client_for(make_user("environment"))
    page = client.get(reverse("environment:riverchief_list"), {"behind": "true"}).content.decode()
    assert "吴春生" in page and "钱永刚" not in page and "沈国华" not in page
    page = client.get(reverse("environment:riverchief_list"), {"behind": "false"}).content.decode()
    assert "沈国华" in page and "钱永刚" in page and "吴春生" not in page
    page = client.get(reverse("environment:patrol_duty"), {"behind": "true", "level": "village"}).content.decode()
    assert "孙丽萍" in page and "郑美华" in page and "钱永刚" not in page and "朱晓东" not in page
    assert "上期尚欠 1 次" in page
    page = client.get(reverse("environment:patrol_duty")).content.decode()
    assert f"未达标 <a href=\"?behind=true\">{behind + 1}</a> 名" in page  # 郑美华's patrol deleted
    api = client.get("/api/environment/river-chiefs/", {"behind": "true"}).json()
    assert {"孙丽萍", "吴春生", "郑美华"} <= {row["name"] for row in api["results"]}
    assert "钱永刚" not in {row["name"] for row in api["results"]}
    assert "巡河未达标的河长" in client.get(reverse("environment:dashboard")).content.decode()


def test_a_chief_is_behind_only_once_the_period_can_no_longer_be_met(make_chief, qiwei):
    """Township chiefs patrol once a month: on the first of the month nobody is behind for want of a
    patrol yet; a chief whose last month ended short is. With four a month, a chief is behind from
    the day fewer days are left than patrols owed."""
    first = date(2026, 6, 1)
    patrolled = make_chief("朱晓东", "township")
    make_chief("周明", "township")
    patrol(patrolled, qiwei, at(date(2026, 5, 12)), 40, km=D("3"))
    assert {c.name: c.behind for c in services.chiefs_with_duty(today=first)} == {
        "朱晓东": False, "周明": True}
    assert not services.chiefs_behind(today=date(2026, 6, 30)).filter(pk=patrolled.pk).exists()  # a day left
    assert services.chiefs_behind(today=date(2026, 7, 1)).filter(pk=patrolled.pk).exists()  # June ended short
    PatrolRule.objects.filter(level="township").update(times=4)
    for day in (10, 15, 20, 25):
        patrol(patrolled, qiwei, at(date(2026, 5, day)), 40, km=D("3"))
    patrol(patrolled, qiwei, at(date(2026, 6, 2)), 40, km=D("3"))
    on = {day: services.chiefs_with_duty(today=date(2026, 6, day)).get(pk=patrolled.pk) for day in (27, 28, 29)}
    assert [(c.owed, c.days_left, c.behind) for c in on.values()] == [(3, 4, False), (3, 3, False), (3, 2, True)]


def test_the_duty_query_does_not_grow_with_the_chiefs(make_chief, qiwei, django_assert_max_num_queries):
    for number in range(30):
        make_chief(f"河长{number}")
    with django_assert_max_num_queries(2):
        rows = list(services.chiefs_with_duty())
    assert len(rows) == 30 and all(row.owed == 1 for row in rows)


# The environment problem's workflow ------------------------------------------------------------


@pytest.fixture
def staff(make_user):
    return make_user("environment", full_name="环保小王")


@pytest.fixture
def act(staff, client_for, api_for):
    page, api = client_for(staff), api_for(staff)

    def post(way, problem, name, data=None):
        data = dict(data or {})
        if way == "page":
            response = page.post(reverse("environment:environmentproblem_transition", args=[problem.pk, name]), data)
            return (200 if response.status_code == 302 else response.status_code), response.content.decode()
        response = api.post(f"/api/environment/problems/{problem.pk}/transitions/{name}/", data, format="multipart")
        return response.status_code, response.content.decode()

    return post


@pytest.fixture
def make_problem(village, qiwei):
    found = patrol(village, qiwei, at(a_day_ago(), 7), 40, km=D("3"))

    def make(state="reported", **fields):
        values = {"source": "patrol", "patrol": found, "category": "bank", "description": "岸坡堆放建筑垃圾",
                  "found_on": a_day_ago(), "state": state, **fields}
        return EnvironmentProblem.objects.create(**values)

    return make


def state_of(problem) -> str:
    problem.refresh_from_db()
    return problem.state


@pytest.mark.parametrize("way", WAYS)
def test_assign_needs_a_unit_and_a_deadline(way, act, make_problem):
    problem = make_problem()
    status, text = act(way, problem, "assign", {"deadline": str(timezone.localdate() + timedelta(days=10))})
    assert status == 400 and "责任单位" in text and state_of(problem) == "reported"
    status, text = act(way, problem, "assign", {"responsible_unit": "城南办事处", "deadline": str(a_day_ago() - timedelta(days=3))})
    assert status == 400 and "不能早于发现日期" in text and state_of(problem) == "reported"
    deadline = timezone.localdate() + timedelta(days=10)
    assert act(way, problem, "assign", {"responsible_unit": "城南办事处", "deadline": str(deadline)})[0] == 200
    assert state_of(problem) == "assigned" and (problem.responsible_unit, problem.deadline) == ("城南办事处", deadline)


@pytest.mark.parametrize("way", WAYS)
def test_refer_to_the_level_above_needs_a_note(way, act, make_problem):
    problem = make_problem()
    status, text = act(way, problem, "refer")
    assert status == 400 and "上报上级须填写说明。" in text and state_of(problem) == "reported"
    assert act(way, problem, "refer", {"note": "涉及跨区域，报市河长办"})[0] == 200
    assert state_of(problem) == "escalated"


@pytest.mark.parametrize("way", WAYS)
def test_start_from_assigned_or_escalated_only(way, act, make_problem):
    reported = make_problem()
    status, text = act(way, reported, "start")
    assert status == 400 and "当前状态为“已上报”，不能开始整改。" in text
    for state in ("assigned", "escalated"):
        problem = make_problem(state)
        assert act(way, problem, "start")[0] == 200 and state_of(problem) == "in_progress"


@pytest.mark.parametrize("way", WAYS)
def test_rectify_needs_a_photo_and_starts_the_verification_deadline(way, act, make_problem):
    problem = make_problem("in_progress")
    status, text = act(way, problem, "rectify", {"note": "已清运"})
    assert status == 400 and "整改完成须上传证明材料。" in text and state_of(problem) == "in_progress"
    assert act(way, problem, "rectify", {"note": "已清运", "evidence": photo("整改后.png")})[0] == 200
    assert state_of(problem) == "rectified"
    assert Attachment.objects.filter(object_id=problem.pk, evidence=True).count() == 1
    deadline = Deadline.objects.get(object_id=str(problem.pk))
    assert (deadline.state, deadline.working_days, deadline.met_at) == ("rectified", 5, None)


@pytest.mark.parametrize("way", WAYS)
def test_close_needs_a_note(way, act, make_problem):
    problem = make_problem("rectified")
    status, text = act(way, problem, "close")
    assert status == 400 and "核查销号须填写说明。" in text and state_of(problem) == "rectified"
    assert act(way, problem, "close", {"note": "现场核查已整改到位"})[0] == 200
    assert state_of(problem) == "closed"
    status, text = act(way, problem, "send_back", {"note": "再查"})
    assert status == 400 and "不能退回重新整改" in text


@pytest.mark.parametrize("way", WAYS)
def test_send_back_needs_a_note_and_returns_to_in_progress(way, act, make_problem):
    problem = make_problem("rectified")
    status, text = act(way, problem, "send_back")
    assert status == 400 and "退回重新整改须填写说明。" in text and state_of(problem) == "rectified"
    assert act(way, problem, "send_back", {"note": "垃圾未清运完"})[0] == 200
    assert state_of(problem) == "in_progress"


def test_a_problem_s_state_changes_only_by_its_transitions(make_problem, staff, client_for, api_for):
    problem = make_problem()
    problem.state = "closed"
    with pytest.raises(TransitionError):
        problem.save()
    response = api_for(staff).patch(f"/api/environment/problems/{make_problem().pk}/", {"state": "closed"},
                                    format="json")
    assert response.status_code in (200, 400)
    assert not EnvironmentProblem.objects.filter(state="closed").exists()
    page = client_for(staff).get(make_problem().get_absolute_url()).content.decode()
    assert "交办" in page and "上报上级" in page


def test_an_enterprise_user_may_not_act_on_a_problem(make_problem, make_user, api_for):
    enterprise = EnterpriseFactory()
    problem = make_problem(source="other", patrol=None, enterprise=enterprise)
    user = make_user("enterprise")
    bind_enterprise(user, enterprise)
    response = api_for(user).post(f"/api/environment/problems/{problem.pk}/transitions/refer/", {"note": "x"})
    assert response.status_code == 403 and state_of(problem) == "reported"


def test_overdue_problems(make_problem, staff, client_for, api_for):
    today = timezone.localdate()
    late = make_problem("in_progress", deadline=today - timedelta(days=1), found_on=today - timedelta(days=5))
    due_today = make_problem("assigned", deadline=today)
    done_late = make_problem("rectified", deadline=today - timedelta(days=1), found_on=today - timedelta(days=5))
    no_deadline = make_problem()
    assert late.overdue and not due_today.overdue and not done_late.overdue and not no_deadline.overdue
    assert list(EnvironmentProblem.objects.overdue()) == [late]
    assert services.problem_counts_by_state()["overdue"] == 1
    client = client_for(staff)
    listed = client.get(reverse("environment:environmentproblem_list"), {"overdue": "true"}).content.decode()
    assert late.get_absolute_url() in listed and due_today.get_absolute_url() not in listed
    assert "逾期" in listed
    data = api_for(staff).get("/api/environment/problems/", {"overdue": "false"}).json()
    assert {row["id"] for row in data["results"]} == {due_today.pk, done_late.pk, no_deadline.pk}


def test_one_overdue_rule_for_the_badge_the_column_the_filter_the_count_and_the_api(
        make_problem, staff, client_for, api_for):
    """A problem is overdue when not rectified past its 整改期限, or rectified and not verified past
    the 核查销号 time limit: the list's red badge, its 逾期 column, the filter, the dashboard's count,
    the page and the API say the same of each problem."""
    from django.contrib.contenttypes.models import ContentType

    today = timezone.localdate()
    past = today - timedelta(days=1)
    late = make_problem("in_progress", deadline=past, found_on=today - timedelta(days=5))
    verify_late = make_problem("rectified", found_on=today - timedelta(days=20))
    verify_on_time = make_problem("rectified", found_on=today - timedelta(days=20))
    on_time = make_problem("assigned", deadline=today)
    kind = ContentType.objects.get_for_model(EnvironmentProblem)
    for problem, due in ((verify_late, today - timedelta(days=2)), (verify_on_time, today + timedelta(days=3))):
        Deadline.objects.create(content_type=kind, object_id=str(problem.pk), transition="rectify", state="rectified",
                                label="核查销号", working_days=5, started_at=timezone.now(), due_on=due)
    overdue = {late.pk, verify_late.pk}
    assert {p.pk for p in (late, verify_late, verify_on_time, on_time) if p.overdue} == overdue
    assert set(EnvironmentProblem.objects.overdue().values_list("pk", flat=True)) == overdue
    assert services.problem_counts_by_state()["overdue"] == 2
    client = client_for(staff)
    listed = client.get(reverse("environment:environmentproblem_list")).content.decode()
    rows = {problem.pk: next(row for row in listed.split("<tr>") if f'"{problem.get_absolute_url()}"' in row).split("</tr>")[0]
            for problem in (late, verify_late, verify_on_time, on_time)}
    for pk, row in rows.items():
        assert ("data-overdue" in row) == (pk in overdue), pk
        assert row.rstrip().endswith("<td class=\"short\">是</td>" if pk in overdue else "<td class=\"short\">否</td>"), row
    filtered = client.get(reverse("environment:environmentproblem_list"), {"overdue": "true"}).content.decode()
    assert {p.pk for p in (late, verify_late, verify_on_time, on_time) if p.get_absolute_url() in filtered} == overdue
    data = api_for(staff).get("/api/environment/problems/").json()
    assert {row["id"] for row in data["results"] if row["overdue"]} == overdue
    # The API and the export read each row's 逾期 in their one query, not a query a row.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path, **params):
        client, api = client_for(staff), api_for(staff)
        (api.get if path.startswith("/api/") else client.get)(path, params)  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            response = (api.get if path.startswith("/api/") else client.get)(path, params)
        assert response.status_code == 200
        return len(captured)

    before = queries("/api/environment/problems/"), queries(reverse("environment:environmentproblem_list"), export="xlsx")
    for _ in range(5):
        make_problem("rectified", found_on=today - timedelta(days=20))
    after = queries("/api/environment/problems/"), queries(reverse("environment:environmentproblem_list"), export="xlsx")
    assert after == before
    for problem in (verify_late, verify_on_time):
        page = client.get(problem.get_absolute_url()).content.decode()
        assert ('id="overdue-badge"' in page) == (problem.pk in overdue)


def test_a_problem_s_rules(make_problem, village, qiwei, yangtze, segment):
    found = Patrol.objects.get()
    problem = EnvironmentProblem(source="other", patrol=found, category="bank", description="x",
                                 found_on=a_day_ago())
    problem.full_clean()  # from a patrol: its source, water body and segment follow
    assert (problem.source, problem.water_body_id) == ("patrol", qiwei.pk)
    with pytest.raises(ValidationError, match="须关联巡河记录"):
        EnvironmentProblem(source="patrol", category="bank", description="x", found_on=a_day_ago()).full_clean()
    with pytest.raises(ValidationError, match="不能早于发现日期"):
        EnvironmentProblem(category="bank", description="x", found_on=a_day_ago(),
                           deadline=a_day_ago() - timedelta(days=1)).full_clean()
    with pytest.raises(ValidationError, match="不属于所选水体"):
        EnvironmentProblem(category="bank", description="x", found_on=a_day_ago(), water_body=qiwei,
                           segment=segment).full_clean()


# The steward: inspections under a contract, its scope, assessments --------------------------------


@pytest.fixture
def contract(db):
    today = timezone.localdate()
    contract = ServiceContract.objects.create(number="HBGJ-T-001", contractor="某环保科技有限公司", service="环保管家",
                                              starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=300))
    return contract


@pytest.fixture
def covered(contract):
    enterprises = [EnterpriseFactory(), EnterpriseFactory()]
    contract.enterprises.set(enterprises[:1])
    return enterprises  # the first covered, the second not


def test_an_inspection_is_of_an_enterprise_the_contract_covers_while_it_runs(contract, covered):
    StewardInspection(contract=contract, enterprise=covered[0], inspected_on=a_day_ago(), inspectors="李工").full_clean()
    with pytest.raises(ValidationError, match="不在服务合同覆盖的企业中"):
        StewardInspection(contract=contract, enterprise=covered[1], inspected_on=a_day_ago(),
                          inspectors="李工").full_clean()
    with pytest.raises(ValidationError, match="不在服务合同的服务期内"):
        StewardInspection(contract=contract, enterprise=covered[0], inspected_on=contract.starts_on - timedelta(days=1),
                          inspectors="李工").full_clean()


def test_a_problem_of_an_inspection_is_of_the_inspected_enterprise(contract, covered, staff, client_for):
    inspection = StewardInspection.objects.create(contract=contract, enterprise=covered[0], inspected_on=a_day_ago(),
                                                  inspectors="李工")
    problem = EnvironmentProblem(inspection=inspection, category="enterprise", description="危废台账不全",
                                 found_on=a_day_ago())
    problem.full_clean()
    assert (problem.source, problem.enterprise_id) == ("steward", covered[0].pk)
    problem.enterprise = covered[1]
    with pytest.raises(ValidationError, match="应为被检查企业"):
        problem.full_clean()
    # The inspection's page offers to add its problems, the form filled in from the inspection.
    client = client_for(staff)
    page = client.get(inspection.get_absolute_url()).content.decode()
    add = reverse("environment:environmentproblem_add")
    assert f"{add}?source=steward&amp;inspection={inspection.pk}" in page
    response = client.post(add, {"source": "steward", "inspection": inspection.pk, "category": "enterprise",
                                 "description": "雨水排口未设截止阀", "found_on": str(a_day_ago())})
    assert response.status_code == 302, response.content.decode()
    added = EnvironmentProblem.objects.get(inspection=inspection)
    assert (added.enterprise_id, added.state) == (covered[0].pk, "reported")
    assert "雨水排口未设截止阀" in client.get(inspection.get_absolute_url()).content.decode()


def test_a_steward_sees_its_contract_s_enterprises_and_an_enterprise_its_own(contract, covered, make_problem, make_user,
                                                                            client_for, api_for):
    inspections = [StewardInspection.objects.create(contract=contract, enterprise=enterprise, inspected_on=a_day_ago(),
                                                    inspectors="李工") for enterprise in covered]
    problems = [make_problem(source="steward", patrol=None, inspection=i, enterprise=i.enterprise) for i in inspections]
    river_problem = make_problem()
    steward = make_user("steward")
    ContractBinding.objects.create(user=steward, contract=contract)
    owner = make_user("enterprise")
    bind_enterprise(owner, covered[1])
    park = make_user("environment")
    for user, seen in ((steward, 0), (owner, 1)):
        api = api_for(user)
        ids = {row["id"] for row in api.get("/api/environment/steward-inspections/").json()["results"]}
        assert ids == {inspections[seen].pk}
        ids = {row["id"] for row in api.get("/api/environment/problems/").json()["results"]}
        assert ids == {problems[seen].pk}
        client = client_for(user)
        assert client.get(inspections[1 - seen].get_absolute_url()).status_code == 404
        assert client.get(problems[1 - seen].get_absolute_url()).status_code == 404
        assert client.get(river_problem.get_absolute_url()).status_code == 404
        assert client.get(problems[seen].get_absolute_url()).status_code == 200
    ids = {row["id"] for row in api_for(park).get("/api/environment/problems/").json()["results"]}
    assert ids == {*(p.pk for p in problems), river_problem.pk}
    # Nor do scoped users see the chiefs and patrols, which belong to no enterprise.
    assert api_for(steward).get("/api/environment/patrols/").json()["results"] == []


def test_one_assessment_per_contract_and_quarter(contract):
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    StewardAssessment.objects.create(contract=contract, year=today.year, quarter=quarter, score=D("88"),
                                     assessed_by="园区生态环境局")
    with pytest.raises(ValidationError, match="这一季度已有考核"):
        StewardAssessment(contract=contract, year=today.year, quarter=quarter, score=D("90"),
                          assessed_by="园区生态环境局").full_clean()
    with pytest.raises(ValidationError, match="score"):
        StewardAssessment(contract=contract, year=today.year, quarter=quarter, score=D("100.5"),
                          assessed_by="x").full_clean(validate_constraints=False)
    with pytest.raises(ValidationError, match="不在服务合同的服务期内"):
        StewardAssessment(contract=contract, year=today.year - 2, quarter=1, score=D("80"), assessed_by="x").full_clean()



def test_an_assessment_is_entered_on_its_page(contract, make_user, client_for):
    """The quarter is a list of choices: its text is checked against them, the number by the model."""
    today = timezone.localdate()
    client = client_for(make_user("environment"))
    data = {"contract": contract.pk, "year": today.year, "quarter": str((today.month - 1) // 3 + 1), "score": "92.5",
            "comments": "响应及时", "assessed_by": "园区生态环境局"}
    response = client.post(reverse("environment:stewardassessment_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StewardAssessment.objects.get(contract=contract).score == D("92.5")
    response = client.post(reverse("environment:stewardassessment_add"), {**data, "quarter": "9"})
    assert response.status_code == 200 and "quarter" in response.context["form"].errors

# Chiefs: the phone, the panels -------------------------------------------------------------------


def _granted_the_chief_phone(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_riverchief_phone"))
    return type(user).objects.get(pk=user.pk)  # permissions read afresh


def test_a_chief_s_phone_is_masked_without_the_right(make_chief, make_user, client_for, api_for):
    """Masked as an enterprise contact's phone is (139****0021) for those who only read the river
    records (the leader, 经发), on the page and in the API; shown in full to the environment office,
    which calls the chiefs, and to whoever is granted environment.view_riverchief_phone."""
    chief = make_chief(phone="13905230021", title="七圩村党总支书记")
    for user in (make_user("leader"), make_user("economy")):
        page = client_for(user).get(chief.get_absolute_url()).content.decode()
        assert "13905230021" not in page and "139****0021" in page
        assert api_for(user).get(f"/api/environment/river-chiefs/{chief.pk}/").json()["phone"] == "139****0021"
    for user in (make_user("environment"), _granted_the_chief_phone(make_user("leader"))):
        assert "13905230021" in client_for(user).get(chief.get_absolute_url()).content.decode()
        assert api_for(user).get(f"/api/environment/river-chiefs/{chief.pk}/").json()["phone"] == "13905230021"


def test_water_bodies_segments_and_chiefs_show_their_chiefs_and_patrols(make_chief, qiwei, reach, staff, client_for):
    body_chief = make_chief("钱永刚")
    segment_chief = make_chief("周志强", segments=[reach])
    walked = patrol(segment_chief, qiwei, at(a_day_ago()), 40, TWO_KM, segment=reach)
    client = client_for(staff)
    page = client.get(qiwei.get_absolute_url()).content.decode()
    assert "河长与巡河" in page and "钱永刚" in page and "周志强" in page and walked.get_absolute_url() in page
    page = client.get(reach.get_absolute_url()).content.decode()
    assert "钱永刚" in page and "周志强" in page and walked.get_absolute_url() in page
    page = client.get(segment_chief.get_absolute_url()).content.decode()
    assert "入江段" in page and walked.get_absolute_url() in page and "本期应巡 1 次" in page
    page = client.get(walked.get_absolute_url()).content.decode()
    assert "登记问题" in page and f"patrol={walked.pk}" in page and "2.00" in page
    assert body_chief.pk


# Imports -----------------------------------------------------------------------------------------

PATROL_HEADERS = ["河长", "河长级别", "巡查水体", "巡查河段", "开始时间", "结束时间", "巡河轨迹（GeoJSON）", "距离（千米）", "巡河情况"]


def test_patrols_import_with_and_without_a_track(village, qiwei):
    import json

    day = a_day_ago()
    rows = [PATROL_HEADERS,
            ["钱永刚", "村级", "七圩港", "", f"{day} 08:00", f"{day} 08:45", json.dumps(TWO_KM), "", "河面整洁"],
            ["钱永刚", "", "七圩港", "", f"{day} 14:00", f"{day} 14:20", "", 3, "时间太短"]]
    plan, counts = patrol_importer.apply(xlsx(rows), "巡河.xlsx")
    assert not plan.errors, plan.errors
    assert counts["create"] == 2
    tracked, untracked = Patrol.objects.order_by("started_at")
    assert (tracked.duration_minutes, tracked.distance_km, tracked.counts) == (45, D("2.00"), True)
    assert (untracked.duration_minutes, untracked.distance_km, untracked.counts) == (20, D("3.00"), False)
    # The export imports back as it is.
    exported = patrol_importer.export_bytes(Patrol.objects.all())
    plan, counts = patrol_importer.apply(exported, "巡河.xlsx")
    assert not plan.errors and counts["create"] == 0


def test_a_bad_patrol_file_writes_nothing(village, qiwei, yangtze):
    day = a_day_ago()
    rows = [PATROL_HEADERS,
            ["钱永刚", "村级", "七圩港", "", f"{day} 08:00", f"{day} 08:45", "", 3, ""],
            ["钱永刚", "", "长江（靖江段）", "", f"{day} 09:00", f"{day} 09:45", "", 3, ""],
            ["无名氏", "", "七圩港", "", f"{day} 09:00", f"{day} 09:45", "", 3, ""],
            ["钱永刚", "", "七圩港", "", "昨天上午", f"{day} 09:45", "", 3, ""],
            ["钱永刚", "", "七圩港", "", f"{day} 10:00", f"{day} 09:45", "", 3, ""],
            ["钱永刚", "", "七圩港", "", f"{day} 11:00", f"{day} 11:45", '{"type": "Point"}', "", ""]]
    plan, counts = patrol_importer.apply(xlsx(rows), "巡河.xlsx")
    assert counts is None and not Patrol.objects.exists()
    reasons = " ".join(error.reason for error in plan.errors)
    for reason in ("不负责该水体", "没有名为“无名氏”的河长", "时间应写作", "结束时间须晚于开始时间", "LineString"):
        assert reason in reasons


def test_chiefs_import_with_their_waters(qiwei, reach, yangtze):
    rows = [["姓名", "河长级别", "总河长", "职务", "联系电话", "负责水体", "负责河段"],
            ["顾建平", "乡镇级", "是", "城南办事处主任", "13905230011", "七圩港、长江（靖江段）", ""],
            ["周志强", "村级", "否", "新港社区居委会主任", "13905230023", "", "七圩港·入江段"]]
    plan, counts = chief_importer.apply(xlsx(rows), "河长.xlsx")
    assert not plan.errors, plan.errors
    township = RiverChief.objects.get(name="顾建平")
    assert township.is_general and set(township.water_bodies.all()) == {qiwei, yangtze}
    assert list(RiverChief.objects.get(name="周志强").segments.all()) == [reach]
    # Changing a chief's waters goes through the same sheet.
    rows[1][5] = "七圩港"
    plan, counts = chief_importer.apply(xlsx(rows), "河长.xlsx")
    assert not plan.errors and counts["update"] == 1
    assert list(township.water_bodies.all()) == [qiwei]


def test_a_bad_chief_file_writes_nothing(qiwei):
    rows = [["姓名", "河长级别", "负责水体", "负责河段"],
            ["顾建平", "乡镇级", "七圩港", ""],
            ["周志强", "组长级", "", ""],
            ["钱永刚", "村级", "不存在的河", ""],
            ["孙丽萍", "村级", "", "七圩港·不存在段"]]
    plan, counts = chief_importer.apply(xlsx(rows), "河长.xlsx")
    assert counts is None and not RiverChief.objects.exists()
    reasons = " ".join(error.reason for error in plan.errors)
    assert "没有名为“不存在的河”的水体" in reasons and "七圩港·不存在段" in reasons


def test_the_import_pages_take_patrols_and_chiefs(staff, client_for):
    client = client_for(staff)
    for name in ("environment.patrol", "environment.riverchief"):
        assert client.get(reverse("core:import_start", args=[name])).status_code == 200


# The API, the forms and the exports --------------------------------------------------------------


def test_a_patrol_through_the_api_and_its_filters(village, qiwei, staff, api_for):
    import json

    api = api_for(staff)
    start = at(a_day_ago(), 8)
    data = {"chief": village.pk, "water_body": qiwei.pk, "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=50)).isoformat(), "track": TWO_KM, "note": "河面整洁"}
    response = api.post("/api/environment/patrols/", data, format="json")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["duration_minutes"], body["distance_km"], body["counts"]) == (50, "2.00", True)
    bad = {**data, "started_at": (start + timedelta(hours=2)).isoformat(),
           "ended_at": (start + timedelta(hours=3)).isoformat(), "track": {"type": "LineString", "coordinates": [[1, 2]]}}
    response = api.post("/api/environment/patrols/", bad, format="json")
    assert response.status_code == 400 and "至少需要 2 个坐标点" in json.dumps(response.json(), ensure_ascii=False)
    assert Patrol.objects.count() == 1
    assert len(api.get("/api/environment/patrols/", {"counts": "false"}).json()["results"]) == 0
    assert len(api.get("/api/environment/patrols/", {"chief": village.pk, "counts": "true"}).json()["results"]) == 1
    rows = api.get("/api/environment/river-chiefs/", {"level": "village"}).json()["results"]
    assert [row["name"] for row in rows] == ["钱永刚"] and rows[0]["water_bodies"] == [qiwei.pk]


def test_a_patrol_and_a_rule_from_their_forms(village, qiwei, staff, client_for):
    client = client_for(staff)
    day = a_day_ago()
    response = client.post(reverse("environment:patrol_add"), {
        "chief": village.pk, "water_body": qiwei.pk, "started_at": f"{day}T08:00", "ended_at": f"{day}T08:40",
        "track": '{"type": "LineString", "coordinates": [[120.26, 31.990], [120.26, 32.008]]}'})
    assert response.status_code == 302, response.content.decode()
    added = Patrol.objects.get()
    assert (added.duration_minutes, added.distance_km, added.counts) == (40, D("2.00"), True)
    rule = PatrolRule.objects.get(level="village")
    page = client.get(reverse("environment:patrolrule_edit", args=[rule.pk])).content.decode()
    assert 'value="1-12"' in page
    response = client.post(reverse("environment:patrolrule_edit", args=[rule.pk]), {
        "level": "village", "times": 2, "period": "week", "min_minutes": 45, "min_km": "2", "active_months": "3-11"})
    assert response.status_code == 302, response.content.decode()
    rule.refresh_from_db()
    assert rule.active_months == list(range(3, 12)) and rule.times == 2
    added.refresh_from_db()
    assert added.counts is False  # 40 minutes no longer counts
    assert "3-11" in client.get(reverse("environment:patrolrule_list")).content.decode()


def test_the_chief_export_masks_the_phone_without_the_right(make_chief, make_user, client_for):
    from tests.sheets import read_xlsx

    make_chief(phone="13905230021")
    for user, shown in ((make_user("leader"), "139****0021"), (make_user("environment"), "13905230021"),
                        (_granted_the_chief_phone(make_user("leader")), "13905230021")):
        # A phone leaves in full only with a reason (导出事由); without one it is masked for everyone.
        response = client_for(user).post(reverse("environment:riverchief_list"), {"export": "xlsx",
                                                                                   "export_reason": "联系河长"})
        assert response.status_code == 200
        rows = read_xlsx(b"".join(response.streaming_content) if response.streaming else response.content)
        assert rows[1][0] == "钱永刚" and shown in rows[1]


def test_a_steward_records_an_inspection_under_its_contract(contract, covered, make_user, client_for, api_for):
    steward = make_user("steward")
    ContractBinding.objects.create(user=steward, contract=contract)
    other = ServiceContract.objects.create(number="HBGJ-T-002", contractor="另一家环保公司", service="环保管家",
                                           starts_on=contract.starts_on, ends_on=contract.ends_on)
    client = client_for(steward)
    page = client.get(reverse("environment:stewardinspection_add")).content.decode()
    assert "HBGJ-T-001" in page and "HBGJ-T-002" not in page
    response = client.post(reverse("environment:stewardinspection_add"), {
        "contract": contract.pk, "enterprise": covered[0].pk, "inspected_on": str(a_day_ago()), "inspectors": "李工"})
    assert response.status_code == 302, response.content.decode()
    response = client.post(reverse("environment:stewardinspection_add"), {
        "contract": other.pk, "enterprise": covered[0].pk, "inspected_on": str(a_day_ago()), "inspectors": "李工"})
    assert response.status_code == 200 and StewardInspection.objects.count() == 1
    inspection = StewardInspection.objects.get()
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "登记问题" in page
    response = client.post(reverse("environment:environmentproblem_add"), {
        "source": "steward", "inspection": inspection.pk, "category": "enterprise", "description": "危废台账不全",
        "found_on": str(a_day_ago()), "advice": "完善台账"})
    assert response.status_code == 302, response.content.decode()
    assert EnvironmentProblem.objects.get().enterprise_id == covered[0].pk
    api = api_for(steward)
    data = {"contract": contract.pk, "enterprise": covered[0].pk, "inspected_on": str(a_day_ago()), "inspectors": "王工"}
    assert api.post("/api/environment/steward-inspections/", data, format="json").status_code == 201
    response = api.post("/api/environment/steward-inspections/", {**data, "contract": other.pk}, format="json")
    assert response.status_code == 400 and StewardInspection.objects.count() == 2
    response = api.post("/api/environment/steward-inspections/", {**data, "enterprise": covered[1].pk}, format="json")
    assert response.status_code == 400


def test_a_patrol_that_does_not_count_says_why(make_chief, qiwei, client_for, make_user):
    chief = make_chief("孙丽萍")
    short = patrol(chief, qiwei, at(a_day_ago(), 8), 20, km=D("1.5"))
    counted = patrol(chief, qiwei, at(a_day_ago(), 14), 40, km=D("3"))
    assert not short.counts and short.not_counted_reason == "时长 20 分钟，不足 30 分钟；距离 1.50 千米，不足 2.00 千米"
    assert counted.counts and counted.not_counted_reason == ""
    client = client_for(make_user("environment"))
    listed = client.get(reverse("environment:patrol_list")).content.decode()
    assert "不计入原因" in listed and "时长 20 分钟，不足 30 分钟" in listed
    assert "距离 1.50 千米，不足 2.00 千米" in client.get(short.get_absolute_url()).content.decode()
    api = client.get(f"/api/environment/patrols/{short.pk}/").json()
    assert api["counts"] is False and api["not_counted_reason"].startswith("时长 20 分钟")
    # The rule changes: the patrols are counted again, and say why by the new rule.
    rule = PatrolRule.objects.get(level="village")
    rule.min_minutes, rule.min_km, rule.active_months = 10, D("1"), [m for m in range(1, 13) if m != a_day_ago().month]
    rule.save()
    short.refresh_from_db()
    assert not short.counts and short.not_counted_reason.startswith(f"{a_day_ago().month} 月不在巡河规定的适用月份")
    rule.active_months = list(range(1, 13))
    rule.save()
    short.refresh_from_db()
    assert short.counts and short.not_counted_reason == ""


def test_problems_are_looked_up_by_water_body_source_chief_and_steward(contract, covered, make_problem, make_chief,
                                                                      qiwei, make_user, client_for, api_for):
    """The problem list filters by what people know (水体, 来源, 巡河河长, 环保管家), not by record
    numbers; the API reads the same filters."""
    from_village = make_problem(description="岸坡堆放建筑垃圾")
    other_chief = make_chief("周志强")
    other_body = WaterBody.objects.create(name="夹港", kind="canal")
    other_chief.water_bodies.add(other_body)
    from_other = make_problem(patrol=patrol(other_chief, other_body, at(a_day_ago(), 11), 40, km=D("3")),
                              water_body=other_body, description="河面漂浮垃圾")
    inspection = StewardInspection.objects.create(contract=contract, enterprise=covered[0], inspected_on=a_day_ago(),
                                                  inspectors="李工")
    from_steward = make_problem(source="steward", patrol=None, inspection=inspection, enterprise=covered[0],
                                description="雨水排口未设截止阀")
    user = make_user("environment")
    client, api = client_for(user), api_for(user)
    url = reverse("environment:environmentproblem_list")
    page = client.get(url).content.decode()
    assert "巡河河长" in page and "环保管家（服务合同）" in page
    assert '<th class="short"><a href="?sort=water_body">水体</a></th>' in page  # kept on one line
    assert "巡河记录编号" not in page and "管家检查编号" not in page
    cases = (({"chief": from_village.patrol.chief_id}, {from_village}), ({"chief": other_chief.pk}, {from_other}),
             ({"steward": contract.pk}, {from_steward}), ({"source": "steward"}, {from_steward}),
             ({"source": "patrol", "water_body": other_body.pk}, {from_other}))
    for query, expected in cases:
        listed = client.get(url, query)
        assert set(listed.context["page"].object_list) == expected, query
        ids = {row["id"] for row in api.get("/api/environment/problems/", query).json()["results"]}
        assert ids == {problem.pk for problem in expected}, query


def test_a_problem_from_a_patrol_starts_with_what_the_patrol_says(village, qiwei, reach, staff, client_for):
    found = patrol(village, qiwei, at(a_day_ago() - timedelta(days=3), 8), 40, km=D("3"), segment=reach)
    client = client_for(staff)
    form = client.get(reverse("environment:environmentproblem_add"), {"patrol": found.pk}).context["form"]
    assert (form.initial["source"], form.initial["water_body"], form.initial["segment"], form.initial["found_on"]) \
        == ("patrol", qiwei.pk, reach.pk, a_day_ago() - timedelta(days=3))
    page = client.get(reverse("environment:environmentproblem_add"), {"patrol": found.pk}).content.decode()
    assert f'value="{a_day_ago() - timedelta(days=3)}"' in page
    for junk in ("abc", "999999"):
        form = client.get(reverse("environment:environmentproblem_add"), {"patrol": junk}).context["form"]
        assert "water_body" not in form.initial


def test_assign_offers_the_deadline_and_unit_already_entered(make_problem, staff, client_for, api_for):
    deadline = timezone.localdate() + timedelta(days=7)
    problem = make_problem(deadline=deadline, responsible_unit="城南办事处")
    page = client_for(staff).get(problem.get_absolute_url()).content.decode()
    form = page[page.index('data-transition="assign"'):].split("</form>")[0]
    assert f'value="{deadline}"' in form and 'value="城南办事处"' in form
    response = api_for(staff).post(f"/api/environment/problems/{problem.pk}/transitions/assign/", {}, format="json")
    problem.refresh_from_db()
    assert response.status_code == 200 and (problem.state, problem.deadline) == ("assigned", deadline)
