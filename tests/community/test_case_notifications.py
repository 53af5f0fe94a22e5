"""Who hears of a 随手拍 case: a dispatch tells the department's active handlers, and no one else; each
step tells the reporter, unless the reporter made it; an anonymous case tells no reporter. Every
notification also goes to the configured senders (SMS, WeChat templates) once the step commits."""
from decimal import Decimal as D

import pytest

from openpark.community import casework
from openpark.community.models import Case, Department, DepartmentBinding
from openpark.core import senders
from openpark.core.models import Notification

pytestmark = pytest.mark.django_db


class Collecting(senders.Sender):
    """A sender that keeps what it is handed, as an SMS gateway would send it."""

    sent = []

    def send(self, notification):
        self.sent.append((notification.recipient_id, notification.kind, notification.title))


@pytest.fixture
def collected(settings):
    settings.NOTIFICATION_SENDERS = ["tests.community.test_case_notifications.Collecting"]
    Collecting.sent.clear()
    return Collecting.sent


def step(case, name, user, note="", **fields):
    transition = case.machine.transitions[name]
    if transition.perform:
        from django.utils.module_loading import import_string

        import_string(transition.perform)(case, name, user, note, **fields)
    else:
        case.machine.apply(case, name, user, note)
    case.refresh_from_db()
    return case


def told(case, kind=None) -> set[int]:
    rows = Notification.objects.filter(object_id=case.pk, content_type__model="case")
    return set((rows.filter(kind=kind) if kind else rows).values_list("recipient_id", flat=True))


def test_a_dispatch_tells_exactly_the_departments_active_handlers(
        new_case, centre, handler, department, make_user, collected, django_capture_on_commit_callbacks):
    second = make_user("department")
    DepartmentBinding.objects.create(user=second, department=department)
    gone = make_user("department", is_active=False)
    DepartmentBinding.objects.create(user=gone, department=department)
    elsewhere = make_user("department")
    DepartmentBinding.objects.create(user=elsewhere, department=Department.objects.create(name="生态环境分局"))
    step(new_case, "verify", centre)
    step(new_case, "register", centre)
    with django_capture_on_commit_callbacks(execute=True):
        step(new_case, "dispatch", centre, department=department)
    assert told(new_case, "dispatch") == {handler.pk, second.pk}
    assert {(recipient, kind) for recipient, kind, _ in collected if kind == "dispatch"} == \
           {(handler.pk, "dispatch"), (second.pk, "dispatch")}


def test_each_step_tells_the_reporter_but_not_whoever_made_it(new_case, centre, rider, collected,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        step(new_case, "verify", centre)
    assert told(new_case, "progress") == {rider.pk}
    assert (rider.pk, "progress", f"随手拍案件“{new_case}”：已核实属实") in collected
    before = Notification.objects.count()
    step(new_case, "withdraw", rider)  # the reporter's own step: nobody is told of it
    assert new_case.state == "withdrawn" and Notification.objects.count() == before
    assert centre.pk not in told(new_case)


def test_an_anonymous_case_tells_no_reporter(category, case_grid, centre, collected,
                                             django_capture_on_commit_callbacks):
    quiet = Department.objects.create(name="新港社区", kind="territorial")  # no handler bound yet
    case = casework.submit(Case(category=category, description="井边垃圾", longitude=D("120.25"),
                                latitude=D("31.95"), location_source="map", anonymous=True))
    assert case.reporter_id is None and case.told_of_steps() == []
    with django_capture_on_commit_callbacks(execute=True):
        for name, fields in (("verify", {}), ("register", {}), ("dispatch", {"department": quiet}),
                             ("park", {})):
            step(case, name, centre, note="说明", **fields)
    assert case.state == "parked" and told(case) == set() and collected == []
