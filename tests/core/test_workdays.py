"""Working days on the official calendar: holidays, 调休 Saturdays, and years not yet published."""
from datetime import date

import pytest
from django.urls import reverse

from openpark.core.calendars import calendar
from openpark.core.models import CalendarDay, CalendarYear
from openpark.core.workdays import Calendar


def test_the_shipped_calendar_knows_holidays_and_make_up_saturdays(db):
    official = calendar()
    assert not official.is_workday(date(2023, 10, 2))  # 国庆节, a Monday
    assert official.is_workday(date(2023, 10, 7))  # a Saturday worked in exchange
    assert CalendarDay.objects.get(day=date(2023, 10, 7)).name == "国庆节调休上班"
    assert set(range(2004, 2027)) <= set(CalendarYear.objects.values_list("year", flat=True))


def test_deadlines_across_national_day_and_a_working_saturday(db):
    official = calendar()
    # Applied on Thursday 28 September 2023: Friday 29 Sept to Friday 6 Oct is the holiday
    # (中秋节 and 国庆节); Saturday 7 and Sunday 8 October are worked.
    assert official.add_working_days(date(2023, 9, 28), 1).day == date(2023, 10, 7)  # 1 working day
    assert official.add_working_days(date(2023, 9, 28), 2).day == date(2023, 10, 8)
    assert official.add_working_days(date(2023, 9, 28), 3).day == date(2023, 10, 9)
    thirty = official.add_working_days(date(2023, 9, 28), 30)
    assert thirty == official.add_working_days(date(2023, 10, 8), 28) and not thirty.provisional
    assert official.working_days_between(date(2023, 9, 28), date(2023, 10, 9)) == 3
    assert official.working_days_between(date(2023, 10, 9), date(2023, 9, 28)) == -3


def test_a_year_not_yet_published_counts_weekdays_and_is_provisional():
    plain = Calendar(exceptions={}, years=frozenset({2026}))
    deadline = plain.add_working_days(date(2026, 12, 30), 3)  # Wed 30 Dec → Thu 31, Fri 1, Mon 4
    assert deadline.day == date(2027, 1, 4) and deadline.provisional
    assert not plain.add_working_days(date(2026, 12, 1), 3).provisional
    with pytest.raises(ValueError, match="工作日数应在 0 到"):
        plain.add_working_days(date(2026, 1, 1), -1)


def test_administrators_extend_the_calendar(db, make_user, client_for):
    client = client_for(make_user("admin"))
    assert calendar().is_workday(date(2027, 10, 4))  # a Monday, no data for 2027 yet
    response = client.post(reverse("core:calendarday_add"), {"day": "2027-10-04", "name": "国庆节"})
    assert response.status_code == 302
    client.post(reverse("core:calendaryear_add"), {"year": 2027, "note": "国务院办公厅通知"})
    assert not calendar().is_workday(date(2027, 10, 4))  # the cache was refreshed
    assert not calendar().add_working_days(date(2027, 9, 30), 1).provisional
    assert client_for(make_user("economy")).get(reverse("core:calendarday_add")).status_code == 403


def test_a_day_already_in_the_calendar_is_refused(db, make_user, client_for):
    client = client_for(make_user("admin"))
    response = client.post(reverse("core:calendarday_add"), {"day": "2023-10-02", "name": "国庆节"})
    assert response.status_code == 200 and "已存在" in response.content.decode()
    assert CalendarDay.objects.filter(day=date(2023, 10, 2)).count() == 1
