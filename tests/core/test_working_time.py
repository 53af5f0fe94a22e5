"""Time limits in working time and natural time: the pure count of working minutes, the limits a
transition takes from its object, minute deadlines falling overdue, their notices and 延期."""
import io
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from openpark.core import calendars, deadlines, workdays, workflows
from openpark.core.choices import LimitUnit
from openpark.core.deadlines import Limit
from openpark.core.models import ChangeRecord, Deadline, Notification
from openpark.core.states import StateMachine, Transition
from openpark.core.workdays import Calendar, WorkingHours

HOURS = WorkingHours()
# The official days around 2026's 中秋节 and National Day (chinesecalendar 1.11.0): Friday
# 25 September and 1–7 October off, Sunday 20 September and Saturday 10 October worked; and a plain
# 2027 (not published: provisional).
OFFICIAL = Calendar(
    exceptions={**{date(2026, 10, day): False for day in range(1, 8)}, date(2026, 9, 25): False,
                date(2026, 9, 20): True, date(2026, 10, 10): True},
    years=frozenset({2025, 2026}),
)


def at(*args) -> datetime:
    return datetime(*args)


# The pure count ----------------------------------------------------------------------------------


def test_working_hours_are_read_from_a_string_and_refused_in_chinese():
    assert WorkingHours.parse("08:30-12:00,13:30-17:30") == HOURS
    assert str(HOURS) == "08:30-12:00,13:30-17:30" and HOURS.minutes_per_day == 450
    assert WorkingHours.parse(" 9:00-17:00 ").periods == ((540, 1020),)
    for bad, words in [("", "不能为空"), ("8点半-12点", "格式不对"), ("12:00-08:30", "结束时刻应晚于"),
                       ("08:30-12:00,11:00-17:30", "重叠或顺序颠倒"), ("08:61-12:00", "格式不对")]:
        with pytest.raises(ValueError, match=words):
            WorkingHours.parse(bad)


def test_minutes_across_lunch_the_evening_and_the_weekend():
    # Tuesday 1 December 2026.
    assert OFFICIAL.add_working_minutes(at(2026, 12, 1, 9, 0), 0, HOURS).at == at(2026, 12, 1, 9, 0)
    assert OFFICIAL.add_working_minutes(at(2026, 12, 1, 9, 0), 30, HOURS).at == at(2026, 12, 1, 9, 30)
    assert OFFICIAL.add_working_minutes(at(2026, 12, 1, 11, 50), 30, HOURS).at == at(2026, 12, 1, 13, 50)
    assert OFFICIAL.add_working_minutes(at(2026, 12, 1, 12, 15), 10, HOURS).at == at(2026, 12, 1, 13, 40)
    assert OFFICIAL.add_working_minutes(at(2026, 12, 1, 17, 20), 60, HOURS).at == at(2026, 12, 2, 9, 20)
    assert OFFICIAL.add_working_minutes(at(2026, 12, 1, 20, 0), 0, HOURS).at == at(2026, 12, 2, 8, 30)
    # Two working days from Friday 4 December at 16:00: 900 minutes, over the weekend.
    found = OFFICIAL.add_working_minutes(at(2026, 12, 4, 16, 0), 900, HOURS)
    assert found.at == at(2026, 12, 8, 16, 0) and not found.provisional
    # Exactly the rest of a period ends at its end.
    assert OFFICIAL.add_working_minutes(at(2026, 12, 1, 17, 0), 30, HOURS).at == at(2026, 12, 1, 17, 30)


def test_national_day_and_its_make_up_days():
    # Saturday 19 September is a weekend day; Sunday 20 September (调休) a working day.
    assert OFFICIAL.add_working_minutes(at(2026, 9, 19, 10, 0), 30, HOURS).at == at(2026, 9, 20, 9, 0)
    # Thursday 24 September 17:00, one hour: Friday 25 (中秋节) and the weekend are off.
    assert OFFICIAL.add_working_minutes(at(2026, 9, 24, 17, 0), 60, HOURS).at == at(2026, 9, 28, 9, 0)
    # From Wednesday 30 September 17:00, one hour: 30 minutes that evening, then 1–7 October are
    # off, 8 October (Thursday) is the next working day.
    assert OFFICIAL.add_working_minutes(at(2026, 9, 30, 17, 0), 60, HOURS).at == at(2026, 10, 8, 9, 0)
    # A 调休 Saturday (10 October) counts.
    assert OFFICIAL.add_working_minutes(at(2026, 10, 9, 17, 0), 60, HOURS).at == at(2026, 10, 10, 9, 0)
    assert OFFICIAL.working_minutes_between(at(2026, 9, 30, 17, 0), at(2026, 10, 8, 9, 0), HOURS) == 60


def test_the_shipped_calendar_counts_2026s_national_day(db):
    official = calendars.calendar()
    for moment, minutes in [(at(2026, 9, 19, 10, 0), 30), (at(2026, 9, 24, 17, 0), 60), (at(2026, 9, 30, 17, 0), 60),
                            (at(2026, 10, 9, 17, 0), 60), (at(2026, 12, 4, 16, 0), 900)]:
        assert official.add_working_minutes(moment, minutes, HOURS) == OFFICIAL.add_working_minutes(
            moment, minutes, HOURS)


def test_a_year_past_the_calendar_is_provisional_not_an_error():
    found = OFFICIAL.add_working_minutes(at(2026, 12, 31, 17, 0), 60, HOURS)
    assert found.at == at(2027, 1, 1, 9, 0) and found.provisional  # plain weekday rule in 2027
    far = OFFICIAL.add_working_minutes(at(2099, 6, 1, 9, 0), 450 * 30, HOURS)
    assert far.provisional and far.at > at(2099, 6, 1, 9, 0)
    end = OFFICIAL.add_working_minutes(at(9999, 12, 30, 9, 0), 900, HOURS)  # the calendar's very end
    assert end.provisional and end.at == datetime.max
    with pytest.raises(ValueError, match="分钟数应在 0 到"):
        OFFICIAL.add_working_minutes(at(2026, 1, 1, 9, 0), -1, HOURS)


def test_aware_times_stay_in_their_time_zone():
    shanghai = ZoneInfo("Asia/Shanghai")
    start = datetime(2026, 12, 1, 11, 50, tzinfo=shanghai)
    found = OFFICIAL.add_working_minutes(start, 30, HOURS).at
    assert found == datetime(2026, 12, 1, 13, 50, tzinfo=shanghai) and found.tzinfo is shanghai
    utc_end = datetime(2026, 12, 1, 5, 50, tzinfo=ZoneInfo("UTC"))  # 13:50 in Shanghai
    assert OFFICIAL.working_minutes_between(start, utc_end, HOURS) == 30
    assert OFFICIAL.working_minutes_between(utc_end, start, HOURS) == -30


moments = st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2027, 6, 1)).map(
    lambda moment: moment.replace(second=0, microsecond=0))


@settings(max_examples=200, deadline=None)
@given(start=moments, minutes=st.integers(0, 450 * 25))
def test_the_count_goes_forward_and_back_to_the_same_minutes(start, minutes):
    found = OFFICIAL.add_working_minutes(start, minutes, HOURS).at
    assert found >= start
    # From inside working hours or not, the minutes between are those counted.
    assert OFFICIAL.working_minutes_between(start, found, HOURS) == minutes
    if minutes:
        assert OFFICIAL.is_workday(found.date()) and found.time() > clock(8, 30)
    if OFFICIAL.is_workday(start.date()) and HOURS.contains(start):
        assert OFFICIAL.add_working_minutes(start, 0, HOURS).at == start


# Limits ------------------------------------------------------------------------------------------


def test_a_limit_says_itself_in_chinese():
    assert Limit(2).text == "2 个工作日"
    assert Limit(30, LimitUnit.WORKING_MINUTES).text == "30 分钟（工作时间）"
    assert Limit(60, LimitUnit.WORKING_MINUTES).text == "1 小时（工作时间）"
    assert Limit(10, LimitUnit.NATURAL_MINUTES).text == "10 分钟（自然时间）"
    with pytest.raises(ValueError, match="时限单位"):
        Limit(1, "hours")
    with pytest.raises(ValueError, match="不小于 0 的整数"):
        Limit(-1, LimitUnit.WORKING_DAYS)


def test_a_limit_falls_due_in_local_time(db):
    start = timezone.make_aware(datetime(2026, 12, 1, 11, 50))  # Asia/Shanghai
    due = Limit(30, LimitUnit.WORKING_MINUTES).due(start.astimezone(ZoneInfo("UTC")))
    assert due.due_at == timezone.make_aware(datetime(2026, 12, 1, 13, 50)) and due.due_on == date(2026, 12, 1)
    assert f"{due.due_at:%H:%M}" == "13:50" and not due.provisional
    natural = Limit(10, LimitUnit.NATURAL_MINUTES).due(timezone.make_aware(datetime(2026, 12, 5, 23, 55)))
    assert natural.due_at == timezone.make_aware(datetime(2026, 12, 6, 0, 5)) and natural.due_on == date(2026, 12, 6)
    days = Limit(2).due(start)
    assert days == (None, date(2026, 12, 3), False)


def test_the_working_hours_setting_is_read_and_checked():
    with override_settings(OPENPARK_WORKING_HOURS="09:00-17:00"):
        assert calendars.working_hours().periods == ((540, 1020),)
        assert calendars.check_working_hours() == []
    with override_settings(OPENPARK_WORKING_HOURS="9-17"):
        errors = calendars.check_working_hours()
        assert errors and errors[0].id == "openpark.E010" and "OPENPARK_WORKING_HOURS" in errors[0].msg
    assert calendars.working_hours() == HOURS


# Minute deadlines on an object ---------------------------------------------------------------------

URGENT = {"urgent": Limit(10, LimitUnit.NATURAL_MINUTES), "normal": Limit(30, LimitUnit.WORKING_MINUTES)}


def limit_for(obj, transition):
    """The test machine's limit: by the object's 'urgency' (its investor's name here)."""
    return URGENT.get(obj.investor)


MACHINE = StateMachine("stage", {"lead": "线索", "negotiating": "在谈"}, (
    Transition("dispatch", "登记派遣", ("lead",), "negotiating", "investment.change_project",
               deadline_for="tests.core.test_working_time.limit_for", deadline_label="登记派遣"),
))


@pytest.fixture
def project(db):
    from openpark.investment.models import Chain, Project

    return Project.objects.create(name="精密齿轮项目", investor="normal", chain=Chain.objects.get(name="汽车配件"),
                                  total_investment=D(50000), stage_changed_on=date(2026, 11, 1),
                                  last_progress_on=date(2026, 11, 1))


def start(project, user, when):
    deadlines.after_transition(MACHINE, project, MACHINE.transitions["dispatch"], user, when)
    return Deadline.objects.of(project).get()


def test_a_minute_deadline_falls_overdue_after_its_moment(project, make_user, clock_at):
    staff = make_user("investment")
    started = clock_at(2026, 12, 1, 11, 50)
    deadline = start(project, staff, started)
    assert deadline.unit == LimitUnit.WORKING_MINUTES and deadline.amount == 30 and deadline.working_days == 0
    assert deadline.due_at == timezone.make_aware(datetime(2026, 12, 1, 13, 50))
    assert deadline.due_on == date(2026, 12, 1)
    assert str(deadline) == "登记派遣（30 分钟（工作时间），2026-12-01 13:50 到期）"
    clock_at(2026, 12, 1, 13, 50)
    assert not deadline.overdue and not deadlines.is_overdue(project)
    clock_at(2026, 12, 1, 13, 51)
    assert deadline.overdue and deadlines.is_overdue(project)
    assert deadlines.overdue_ids(type(project), [project.pk]) == {str(project.pk)}
    # Not yet overdue for a day-based question about the same day's start.
    assert not Deadline.objects.filter(deadlines.overdue_q(now=started)).exists()
    entries = [entry.text for entry in workflows.timeline(project)]
    assert "开始计时：登记派遣，30 分钟（工作时间），2026-12-01 13:50 到期" in entries
    assert "登记派遣已逾期" in entries
    assert deadlines.met_in_time(deadline) is None


def test_no_limit_for_the_object_starts_no_deadline(project, make_user, clock_at):
    project.investor = "某某精工"
    deadlines.after_transition(MACHINE, project, MACHINE.transitions["dispatch"], None, clock_at(2026, 12, 1, 9, 0))
    assert not Deadline.objects.exists()


def test_check_tells_once_when_coming_and_once_when_passed(project, make_user, clock_at):
    staff = make_user("investment")
    project.investor = "urgent"  # 10 minutes of natural time: 'soon' in its last 5
    start(project, staff, clock_at(2026, 12, 5, 23, 55))  # a Saturday night
    assert deadlines.check() == {"soon": 0, "overdue": 0}
    clock_at(2026, 12, 6, 0, 1)
    assert deadlines.check() == {"soon": 1, "overdue": 0}
    assert deadlines.check() == {"soon": 0, "overdue": 0}
    note = Notification.objects.get()
    assert note.kind == "deadline_soon" and "2026-12-06 00:05 到期" in note.body
    clock_at(2026, 12, 6, 0, 6)
    out = io.StringIO()
    call_command("check_deadlines", stdout=out)
    assert deadlines.check() == {"soon": 0, "overdue": 0}
    assert sorted(Notification.objects.values_list("kind", flat=True)) == ["deadline_soon", "overdue"]


def test_an_extension_moves_the_due_time_and_counts(project, make_user, clock_at, client_for):
    staff, leader = make_user("investment"), make_user("investment", full_name="分管领导")
    deadline = start(project, staff, clock_at(2026, 12, 1, 17, 15))  # 30 working minutes: 15 + 15
    assert deadline.due_text == "2026-12-02 08:45"
    clock_at(2026, 12, 2, 9, 30)
    assert deadlines.check()["overdue"] == 1
    extended = deadlines.extend(project, "negotiating", Limit(1, LimitUnit.WORKING_DAYS), leader)
    assert extended.due_text == "2026-12-03 08:45" and extended.extended == 1 and not extended.overdue
    assert extended.overdue_notified_at is None and not deadlines.is_overdue(project)
    again = deadlines.extend(project, "negotiating", Limit(60, LimitUnit.WORKING_MINUTES), leader)
    assert again.due_at == timezone.make_aware(datetime(2026, 12, 3, 9, 45)) and again.extended == 2
    texts = [entry.text for entry in workflows.timeline(project)]
    assert "登记派遣已延期 2 次，新的到期时间 2026-12-03 09:45" in texts
    record = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(project),
                                         object_id=str(project.pk), reason__startswith="延期").latest("id")
    assert record.reason == "延期 1 小时（工作时间）（第 2 次）" and record.user == leader
    history = client_for(make_user(is_superuser=True)).get(reverse("investment:project_history", args=[project.pk]))
    assert history.status_code == 200
    assert "2026-12-03 09:45" in history.content.decode() and "延期 1 小时（工作时间）" in history.content.decode()
    Deadline.objects.filter(pk=again.pk).update(met_at=clock_at(2026, 12, 3, 9, 40))
    again.refresh_from_db()
    assert deadlines.met_in_time(again) is True
    with pytest.raises(ValueError, match="没有正在计时的办理时限"):
        deadlines.extend(project, "negotiating", Limit(1), leader)


def test_a_day_deadline_extended_by_days_keeps_to_days(project, make_user, clock_at):
    staff = make_user("investment")
    clock_at(2026, 12, 1, 10, 0)
    day_machine = StateMachine("stage", {"lead": "线索", "negotiating": "在谈"}, (
        Transition("dispatch", "派遣", ("lead",), "negotiating", "investment.change_project", deadline=2),))
    deadlines.after_transition(day_machine, project, day_machine.transitions["dispatch"], staff, timezone.now())
    deadline = Deadline.objects.get()
    assert (deadline.due_at, deadline.due_on, deadline.unit, deadline.amount) == (
        None, date(2026, 12, 3), LimitUnit.WORKING_DAYS, 2)
    assert str(deadline) == "在谈办结（2 个工作日，2026-12-03 到期）"
    extended = deadlines.extend(project, "negotiating", Limit(2), staff)
    assert extended.due_on == date(2026, 12, 7) and extended.due_at is None


def test_many_counts_are_cheap():
    # Thousands of calls: whole days off and whole working days are skipped, not walked by minute.
    start_at = datetime(2026, 1, 1, 8, 0)
    for offset in range(2000):
        moment = start_at + timedelta(minutes=offset * 97)
        found = OFFICIAL.add_working_minutes(moment, 900, HOURS).at
        assert found.time() >= clock(8, 30)
    assert workdays.MAX_MINUTES == workdays.MAX_DAYS * 24 * 60


def test_the_page_shows_the_due_time_in_local_time(project, make_user, client_for, clock_at):
    staff = make_user("investment")
    start(project, staff, clock_at(2026, 12, 1, 7, 0))  # before work: 30 minutes from 08:30
    page = client_for(staff).get(project.get_absolute_url()).content.decode()
    assert "开始计时：登记派遣，30 分钟（工作时间），2026-12-01 09:00 到期" in page
    assert "01:00" not in page.split('id="timeline"')[1].split("</ol>")[0]  # never UTC


def test_a_transitions_help_says_the_objects_own_limit(project, rf):
    from django.template.loader import render_to_string

    transition = MACHINE.transitions["dispatch"]
    assert deadlines.limit_of(transition, project).text == "30 分钟（工作时间）"
    assert deadlines.limit_of(Transition("x", "x", ("a",), "b", "p", deadline=2), project).text == "2 个工作日"
    assert deadlines.limit_of(Transition("x", "x", ("a",), "b", "p"), project) is None
    action = {"transition": transition, "form": workflows.TransitionForm(transition=transition), "url": "/",
              "limit": deadlines.limit_of(transition, project)}
    html = render_to_string("core/includes/workflow.html", {"workflow": {"actions": [action]}}, request=rf.get("/"))
    assert "开始计时 30 分钟（工作时间）" in html
