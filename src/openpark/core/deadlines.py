"""Time limits (SLA) that transitions start: in working days, or in minutes of working time or of
natural time.

A transition declared with `deadline=N` starts a `Deadline` when it is made: the object should leave
the state it enters within N working days on the official calendar (`openpark.core.workdays`). One
declared with `deadline_for="dotted.path"` asks that function `(obj, transition) -> Limit | None`
for the object's own limit ("登记派遣：紧急 10 分钟，一般 30 分钟"; None: no limit for it). A limit in
working minutes counts the minutes inside the working hours (`calendars.working_hours`, the setting
`OPENPARK_WORKING_HOURS`) of working days; one in natural minutes counts the clock. The deadline is
met when the object leaves that state, by whatever transition; while it has not, it is overdue
after its day (working days) or after its moment (`due_at`, minutes). An approved 延期 (`extend`)
pushes the running deadline on. `check` (the `check_deadlines` command, and Celery beat every five
minutes) marks what came due and tells whom it concerns, each notice once.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BooleanField, CharField, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.module_loading import import_string

from .calendars import calendar, working_hours
from .choices import LimitUnit
from .models import Deadline

SOON_MINUTES = 60  # a deadline in minutes is 'soon' within this, or within half its length if shorter


class Due(NamedTuple):
    due_at: datetime | None  # local time; None for a limit in working days
    due_on: date  # the day it falls due (local)
    provisional: bool  # counted over a year whose official calendar is not known


@dataclass(frozen=True)
class Limit:
    """A time limit: `amount` working days, minutes of working time or minutes of natural time."""

    amount: int
    unit: str = LimitUnit.WORKING_DAYS

    def __post_init__(self):
        if self.unit not in LimitUnit.values:
            raise ValueError(f"时限单位“{self.unit}”不存在，应为{'、'.join(str(label) for label in LimitUnit.labels)}之一。")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError(f"时限应为不小于 0 的整数，现为 {self.amount!r}。")

    @property
    def in_minutes(self) -> bool:
        return self.unit != LimitUnit.WORKING_DAYS

    @property
    def text(self) -> str:
        """"2 个工作日", "30 分钟（工作时间）", "1 小时（工作时间）", "10 分钟（自然时间）"."""
        if self.unit == LimitUnit.WORKING_DAYS:
            return f"{self.amount} 个工作日"
        kind = "工作时间" if self.unit == LimitUnit.WORKING_MINUTES else "自然时间"
        if self.amount and self.amount % 60 == 0:
            return f"{self.amount // 60} 小时（{kind}）"
        return f"{self.amount} 分钟（{kind}）"

    def __str__(self) -> str:
        return self.text

    def due(self, start: datetime) -> Due:
        """When a limit started at `start` falls due, on the official calendar and in local time."""
        if self.unit == LimitUnit.WORKING_DAYS:
            day = start.date() if isinstance(start, datetime) and timezone.is_naive(start) else timezone.localdate(start)
            found = calendar().add_working_days(day, self.amount)
            return Due(None, found.day, found.provisional)
        local = _local(start)
        if self.unit == LimitUnit.NATURAL_MINUTES:
            at, provisional = local + timedelta(minutes=self.amount), False
        else:
            found = calendar().add_working_minutes(local, self.amount, working_hours())
            at, provisional = found.at, found.provisional
        return Due(at, at.date(), provisional)


def _local(moment: datetime) -> datetime:
    """`moment` in local time, aware (a naive time is read as local)."""
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return timezone.localtime(moment)


def limit_of(transition, obj) -> Limit | None:
    """The limit `transition` starts for `obj`: its `deadline_for` function's answer, else
    `deadline` working days, else none."""
    if getattr(transition, "deadline_for", ""):
        found = import_string(transition.deadline_for)(obj, transition)
        if found is not None and not isinstance(found, Limit):
            raise TypeError(f"{transition.deadline_for} should return a Limit or None, not {found!r}")
        return found
    if transition.deadline is None:
        return None
    return Limit(transition.deadline, LimitUnit.WORKING_DAYS)


def after_transition(machine, obj, transition, user, when: datetime) -> None:
    """End the deadlines of the state the object left; start the transition's own (once per stay
    in a state: a transition that stays, as a recomputation, keeps the running one)."""
    running = Deadline.objects.of(obj).filter(met_at__isnull=True)
    running.exclude(state=transition.target).update(met_at=when)
    if transition.deadline is None and not getattr(transition, "deadline_for", ""):
        return
    if running.filter(state=transition.target).exists():
        return
    deadline = started(machine, obj, transition, user, when)
    if deadline is not None:
        deadline.save()


def started(machine, obj, transition, user, when: datetime) -> Deadline | None:
    """The deadline (unsaved) that `transition` starts for `obj` at `when` (None when its
    `deadline_for` gives the object no limit)."""
    limit = limit_of(transition, obj)
    if limit is None:
        return None
    due = limit.due(when)
    return Deadline(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), transition=transition.name,
        state=transition.target, label=transition.deadline_label or f"{machine.label(transition.target)}办结",
        working_days=0 if limit.in_minutes else limit.amount, unit=limit.unit, amount=limit.amount,
        started_at=when, started_by=user, due_on=due.due_on, due_at=due.due_at, provisional=due.provisional,
    )


def extend(obj, state: str, limit: Limit, user, when: datetime | None = None) -> Deadline:
    """An approved 延期: push the running deadline of `obj` in `state` on by `limit`, counted from
    its current due time (a day limit from its day, keeping the time of a deadline in minutes; a
    limit in minutes from its moment, or from the end of the working day it falls on). Counts the
    extension, sends its notices again when they come, and records it in the object's change
    record. ValueError, in Chinese, when no deadline is running there."""
    from .changes import build_record

    when = when or timezone.now()
    with transaction.atomic():
        deadline = (Deadline.objects.of(obj).filter(state=state, met_at__isnull=True).select_for_update()
                    .order_by("-started_at", "-pk").first())
        if deadline is None:
            raise ValueError(f"“{obj}”在该状态没有正在计时的办理时限，不能延期。")
        before = deadline.due_text
        if limit.unit == LimitUnit.WORKING_DAYS:
            if deadline.due_at is not None:
                local = timezone.localtime(deadline.due_at)
                found = calendar().add_working_days(local.date(), limit.amount)
                deadline.due_at = timezone.make_aware(datetime.combine(found.day, local.time().replace(tzinfo=None)))
                deadline.due_on = found.day
            else:
                found = calendar().add_working_days(deadline.due_on, limit.amount)
                deadline.due_on = found.day
            provisional = found.provisional
        else:
            base = deadline.due_at or _end_of_working_day(deadline.due_on)
            due = limit.due(base)
            deadline.due_at, deadline.due_on, provisional = due.due_at, due.due_on, due.provisional
        deadline.provisional |= provisional
        deadline.extended += 1
        deadline.extended_at = when
        deadline.extended_by = user if getattr(user, "pk", None) else None
        deadline.soon_notified_at = deadline.overdue_notified_at = None
        deadline.save()
        record = build_record(obj, "update", {"办理时限": f"{deadline.label}，{before} 到期"},
                              {"办理时限": f"{deadline.label}，{deadline.due_text} 到期"},
                              reason=f"延期 {limit.text}（第 {deadline.extended} 次）")
        if deadline.extended_by is not None:
            record.user, record.username = deadline.extended_by, deadline.extended_by.username
        record.save()
    return deadline


def _end_of_working_day(day: date) -> datetime:
    """The end of the last working period of `day`, local and aware."""
    end = working_hours().periods[-1][1]
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(minutes=end))


def met_in_time(deadline: Deadline) -> bool | None:
    """Whether the deadline was met by its due time (None while it runs): for statistics."""
    if deadline.met_at is None:
        return None
    return not deadline.overdue


def _moment(today: date | None, now: datetime | None) -> tuple[date, datetime]:
    """The day and the moment a question is asked for: now; or the start of `today` when it is
    given as another day (a day deadline is overdue on `today` when its day was before it)."""
    if now is None:
        if today is None or today == timezone.localdate():
            now = timezone.now()
        else:
            now = timezone.make_aware(datetime.combine(today, time()))
    return today or timezone.localdate(now), now


def overdue_q(today: date | None = None, now: datetime | None = None) -> Q:
    """Deadlines still running after their day (working days) or their moment (minutes)."""
    today, now = _moment(today, now)
    return Q(met_at__isnull=True) & (Q(due_at__isnull=True, due_on__lt=today) | Q(due_at__lt=now))


def held_by_rows(model, condition: Q) -> Exists:
    """For a queryset of `model`: whether the row has a deadline meeting `condition` (a model's own
    overdue rule, read in the same query)."""
    return Exists(Deadline.objects.filter(condition, content_type=ContentType.objects.get_for_model(model),
                                          object_id=Cast(OuterRef("pk"), CharField())))


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


def check(today: date | None = None, now: datetime | None = None) -> dict:
    """Mark the deadlines coming soon (a day limit within one working day; one in minutes within
    the next hour, or half its length if shorter) and those passed, and tell whom they concern; a
    deadline is claimed before its notice goes out, so a second run (or a second worker) sends
    nothing again. A few indexed queries when nothing is new: cheap enough for every five minutes.
    Returns the counts."""
    today, now = _moment(today, now)
    running = Deadline.objects.filter(met_at__isnull=True)
    unnoticed = running.filter(soon_notified_at__isnull=True, overdue_notified_at__isnull=True)
    soon_ids = list(unnoticed.filter(due_at__isnull=True, due_on__gte=today, due_on__lte=soon_day(today))
                    .values_list("pk", flat=True))
    soon_ids += [pk for pk, due_at, amount in unnoticed.filter(
        due_at__gt=now, due_at__lte=now + timedelta(minutes=SOON_MINUTES)).values_list("pk", "due_at", "amount")
        if due_at - now <= timedelta(minutes=soon_window(amount))]
    soon = _claim(running.filter(pk__in=soon_ids, soon_notified_at__isnull=True), "soon_notified_at")
    late = _claim(running.filter(overdue_q(today, now), overdue_notified_at__isnull=True), "overdue_notified_at")
    for deadline in soon:
        _tell(deadline, "deadline_soon", f"即将到期：{deadline.target}",
              f"{deadline.label}将于 {deadline.due_text} 到期。")
    for deadline in late:
        _tell(deadline, "overdue", f"已逾期：{deadline.target}",
              f"{deadline.label}已于 {deadline.due_text} 到期，尚未办结。")
    return {"soon": len(soon), "overdue": len(late)}


def soon_window(amount: int | None) -> float:
    """The minutes before its moment a deadline in minutes is 'soon': an hour, or half its length."""
    return SOON_MINUTES if amount is None else min(SOON_MINUTES, amount / 2)


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
