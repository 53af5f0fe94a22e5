"""Each stage of a case runs on its own time limit: in working time for normal cases, on the clock_at
for urgent ones, per category where the park set one; an approved extension pushes the handling's."""
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from openpark.community import casework
from openpark.community.choices import CaseState as S
from openpark.community.models import Case, CaseTimeLimit
from openpark.core.models import Deadline

pytestmark = pytest.mark.django_db


def file_at(category, when, urgency="", reporter=None):
    case = Case(category=category, description="井盖松动", longitude=D("120.25"), latitude=D("31.95"),
                location_source="device", urgency=urgency, reported_at=timezone.make_aware(when))
    return casework.submit(case, reporter)


def running(case) -> Deadline:
    return Deadline.objects.of(case).get(met_at__isnull=True)


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def test_a_normal_case_reported_late_on_friday_is_due_for_verification_on_monday_morning(category):
    case = file_at(category, datetime(2026, 11, 27, 17, 20))  # Friday; 10 working minutes left that day
    deadline = running(case)
    assert deadline.state == S.REPORTED and deadline.unit == "working_minutes" and deadline.amount == 30
    assert local(deadline.due_at) == datetime(2026, 11, 30, 8, 50)


def test_an_urgent_case_runs_on_the_clock_at_the_weekend(category):
    case = file_at(category, datetime(2026, 11, 28, 10, 0), urgency="urgent")  # Saturday
    assert local(running(case).due_at) == datetime(2026, 11, 28, 10, 10)


def test_the_categorys_own_limit_wins_over_the_parks_and_the_default(category):
    CaseTimeLimit.objects.create(category=None, stage="verify", urgency="normal", amount=60, unit="working_minutes")
    case = file_at(category, datetime(2026, 11, 30, 9, 0))
    assert local(running(case).due_at) == datetime(2026, 11, 30, 10, 0)
    CaseTimeLimit.objects.create(category=category, stage="verify", urgency="normal", amount=1, unit="working_days")
    case = file_at(category, datetime(2026, 11, 30, 9, 0))
    deadline = running(case)
    assert deadline.due_at is None and deadline.due_on == date(2026, 12, 1)


def test_handling_accepted_before_national_day_is_due_after_the_holiday(category, department, centre, handler, clock_at):
    case = file_at(category, datetime(2026, 9, 30, 9, 0))
    clock_at(2026, 9, 30, 9, 5)
    casework.verify(case, "verify", centre, "")
    case.machine.apply(case, "register", centre)
    casework.dispatch(case, "dispatch", centre, "", department=department)
    case.refresh_from_db()
    clock_at(2026, 9, 30, 10, 0)
    case.machine.apply(case, "accept", handler)
    deadline = running(case)
    assert deadline.state == S.HANDLING and deadline.due_on == date(2026, 10, 9)  # 10-01…07 off; 8th, 9th


def test_an_approved_extension_pushes_the_handling_deadline(category, department, centre, handler, clock_at):
    case = file_at(category, datetime(2026, 11, 30, 9, 0))
    clock_at(2026, 11, 30, 9, 10)
    casework.verify(case, "verify", centre, "")
    case.machine.apply(case, "register", centre)
    casework.dispatch(case, "dispatch", centre, "", department=department)
    case.refresh_from_db()
    case.machine.apply(case, "accept", handler)
    assert running(case).due_on == date(2026, 12, 2)
    casework.request_extension(case, "request_extension", handler, "需协调施工队", days=3)
    case.refresh_from_db()
    assert case.extension_days == 3 and running(case).due_on == date(2026, 12, 2)  # not before approval
    casework.approve_extension(case, "approve_extension", centre, "")
    case.refresh_from_db()
    deadline = running(case)
    assert deadline.due_on == date(2026, 12, 7) and deadline.extended == 1
    assert case.extensions == 1 and case.extension_days == 0
    from openpark.core.models import Notification

    told = Notification.objects.get(recipient=handler, kind="progress")
    assert told.title.startswith("延期已批准") and "2026-12-07" in told.body


def test_a_case_past_its_limit_is_overdue_until_it_moves(category, centre, clock_at):
    case = file_at(category, datetime(2026, 11, 30, 9, 0))
    clock_at(2026, 11, 30, 9, 29)
    assert not Case.objects.filter(Case.overdue_q(), pk=case.pk).exists()
    clock_at(2026, 11, 30, 9, 31)
    assert Case.objects.filter(Case.overdue_q(), pk=case.pk).exists() and case.overdue
    casework.verify(case, "verify", centre, "")
    assert not Case.objects.filter(Case.overdue_q(), pk=case.pk).exists()


def test_the_handlers_hear_the_answer_to_their_extension_request(category, department, centre, handler, clock_at):
    from openpark.core.models import Notification

    case = file_at(category, datetime(2026, 11, 30, 9, 0))
    clock_at(2026, 11, 30, 9, 10)
    casework.verify(case, "verify", centre, "")
    case.machine.apply(case, "register", centre)
    casework.dispatch(case, "dispatch", centre, "", department=department)
    assert Notification.objects.filter(recipient=handler, kind="dispatch").count() == 1
    case.refresh_from_db()
    case.machine.apply(case, "accept", handler)
    casework.request_extension(case, "request_extension", handler, "需协调", days=1)
    case.refresh_from_db()
    casework.refuse_extension(case, "refuse_extension", centre, "可以按期完成")
    told = Notification.objects.filter(recipient=handler, kind="progress").get()
    assert told.title.startswith("延期未获批准") and told.body == "可以按期完成"


@pytest.mark.parametrize("for_category", [False, True])
def test_a_stage_has_one_limit_per_urgency_for_the_park_and_per_category(centre, client_for, category, for_category):
    data = {"category": category.pk if for_category else "", "stage": "handle", "urgency": "urgent", "amount": "5",
            "unit": "working_days"}
    assert client_for(centre).post("/community/case-time-limits/add/", data).status_code == 302
    again = client_for(centre).post("/community/case-time-limits/add/", data)
    assert again.status_code == 200 and "已设时限" in again.content.decode()
    assert CaseTimeLimit.objects.count() == 1


def test_a_limit_below_one_is_refused_once_and_the_park_wide_row_says_so(centre, client_for, category):
    data = {"category": "", "stage": "handle", "urgency": "urgent", "amount": "-5", "unit": "working_days"}
    refused = client_for(centre).post("/community/case-time-limits/add/", data).content.decode()
    assert refused.count('<p class="error">不能小于 1。</p>') == 1 and "不能小于 0" not in refused
    assert not CaseTimeLimit.objects.exists()
    CaseTimeLimit.objects.create(stage="handle", urgency="urgent", amount=2, unit="working_days")
    listed = client_for(centre).get("/community/case-time-limits/").content.decode()
    assert "全园区" in listed and "（空）" not in listed
