"""Time limits in working days that transitions start (SLA).

A transition declared with `deadline=N` starts a `Deadline` when it is made: the object should leave
the state it enters within N working days on the official calendar (`openpark.core.workdays`). The
deadline is met when the object leaves that state, by whatever transition; while it has not, it is
overdue after its day. `check` (the `check_deadlines` command, and Celery beat each morning) marks
what came due and tells whom it concerns, each notice once.
"""
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from .calendars import calendar
from .models import Deadline


def after_transition(machine, obj, transition, user, when: datetime) -> None:
    """End the deadlines of the state the object left; start the transition's own (once per stay
    in a state: a transition that stays, as a recomputation, keeps the running one)."""
    running = Deadline.objects.of(obj).filter(met_at__isnull=True)
    running.exclude(state=transition.target).update(met_at=when)
    if transition.deadline is None or running.filter(state=transition.target).exists():
        return
    started(machine, obj, transition, user, when).save()


def started(machine, obj, transition, user, when: datetime) -> Deadline:
    """The deadline (unsaved) that `transition`, declared with `deadline=N`, starts for `obj` at `when`."""
    due = calendar().add_working_days(timezone.localdate(when), transition.deadline)
    return Deadline(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), transition=transition.name,
        state=transition.target, label=transition.deadline_label or f"{machine.label(transition.target)}办结",
        working_days=transition.deadline, started_at=when, started_by=user, due_on=due.day,
        provisional=due.provisional,
    )


def overdue_q(today: date | None = None) -> Q:
    """Deadlines still running after their day."""
    return Q(met_at__isnull=True, due_on__lt=today or timezone.localdate())


def own_rule(model):
    """The model's own rule of being overdue (a static `overdue_q(today=None) -> Q`), when it
    declares one: then its lists' and pages' 逾期 mark follow it rather than the running deadlines."""
    rule = getattr(model, "overdue_q", None)
    return rule if callable(rule) else None


def overdue_ids(model, pks) -> set[str]:
    """The ids (as text) among `pks` of objects with an overdue deadline (or overdue by the model's
    own rule): one query for a page."""
    rule = own_rule(model)
    if rule is not None:
        return {str(pk) for pk in model._base_manager.filter(rule(), pk__in=list(pks)).values_list("pk", flat=True)}
    return set(Deadline.objects.of_many(model, pks).filter(overdue_q()).values_list("object_id", flat=True))


def with_overdue(queryset):
    """`queryset` with each row's 逾期 by the model's own rule read in the same query
    (`overdue_now`, which the model's `overdue` reads instead of asking again): an API page or an
    export costs no query per row for it."""
    rule = own_rule(queryset.model)
    if rule is None:
        return queryset
    return queryset.annotate(overdue_now=ExpressionWrapper(rule(), output_field=BooleanField()))


def is_overdue(obj) -> bool:
    if own_rule(type(obj)) is not None:
        return bool(overdue_ids(type(obj), [obj.pk]))
    return Deadline.objects.of(obj).filter(overdue_q()).exists()


def soon_day(today: date) -> date:
    """The last day a deadline may fall on to be 'coming within one working day'."""
    return calendar().add_working_days(today, 1).day


def check(today: date | None = None) -> dict:
    """Mark the deadlines coming within one working day and those passed, and tell whom they
    concern; a deadline is claimed before its notice goes out, so a second run (or a second worker)
    sends nothing again. Returns the counts."""
    today = today or timezone.localdate()
    running = Deadline.objects.filter(met_at__isnull=True)
    soon = _claim(running.filter(soon_notified_at__isnull=True, overdue_notified_at__isnull=True,
                                 due_on__gte=today, due_on__lte=soon_day(today)), "soon_notified_at")
    late = _claim(running.filter(overdue_notified_at__isnull=True, due_on__lt=today), "overdue_notified_at")
    for deadline in soon:
        _tell(deadline, "deadline_soon", f"即将到期：{deadline.target}",
              f"{deadline.label}将于 {deadline.due_on:%Y-%m-%d} 到期。")
    for deadline in late:
        _tell(deadline, "overdue", f"已逾期：{deadline.target}",
              f"{deadline.label}已于 {deadline.due_on:%Y-%m-%d} 到期，尚未办结。")
    return {"soon": len(soon), "overdue": len(late)}


def _claim(queryset, field: str) -> list[Deadline]:
    """The rows of `queryset` this run marks (`field` set now), with their objects; rows another run
    marked meanwhile are left to it."""
    with transaction.atomic():
        ids = list(queryset.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Deadline.objects.filter(pk__in=ids, **{f"{field}__isnull": True}).update(**{field: timezone.now()})
    return list(Deadline.objects.filter(pk__in=ids).select_related("started_by").prefetch_related("target"))


def _tell(deadline: Deadline, kind: str, title: str, body: str) -> None:
    from .notifications import notify

    if deadline.target is None or deadline.started_by is None:
        return
    notify([deadline.started_by], kind=kind, title=title, body=body, obj=deadline.target)
