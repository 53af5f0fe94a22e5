"""The points ledger on the database: every path that writes points (an activity's attendance, a
redemption and its refusal, the expiry run, the demo) goes through `post_many`, which replays the
workers' stored entries in the pure `ledger`, lets it decide, and writes only what it appended.

Workers' ledgers are read in one query and written with one bulk insert, however many workers a
call touches; each worker's balance and hours are kept on the worker for the lists.
"""
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from openpark.core.changes import record_created

from . import ledger as pure
from . import reports
from .choices import ActivityKind, EntryKind, OrganisationKind, RedemptionState
from .models import (Activity, LedgerEntry, Organisation, Participation, Redemption, Reward, VolunteerTeam, Worker,
                     activity_source)

ENTRY_FIELDS = ("kind", "source", "on", "points", "reason", "hours", "expires_on", "ref")


def validity_days() -> int:
    """How long granted points stay valid: `OPENPARK_POINTS_VALIDITY_DAYS`, a year by default."""
    return int(getattr(settings, "OPENPARK_POINTS_VALIDITY_DAYS", pure.DEFAULT_VALIDITY_DAYS))


def as_entry(row: LedgerEntry) -> pure.Entry:
    return pure.Entry(row.kind, row.source, row.on, row.points, row.reason, row.hours, row.expires_on, row.ref)


def ledgers(worker_ids) -> dict[int, pure.Ledger]:
    """The ledger of each worker, from their stored entries (one query)."""
    by_worker = defaultdict(list)
    for row in LedgerEntry.objects.filter(worker_id__in=list(worker_ids)).order_by("pk"):
        by_worker[row.worker_id].append(as_entry(row))
    days = validity_days()
    return {worker_id: pure.Ledger(by_worker.get(worker_id, ()), validity_days=days) for worker_id in worker_ids}


def ledger_of(worker) -> pure.Ledger:
    return ledgers([worker.pk])[worker.pk]


def post_many(operations: dict[int, Callable[[pure.Ledger], object]]) -> list[LedgerEntry]:
    """Run `operation(ledger)` on each worker's ledger and store the entries it appends. A refusal
    (LedgerError) of any of them raises ValidationError with its message, and nothing is written."""
    if not operations:
        return []
    with transaction.atomic():
        # a deleted worker's ledger stays: its points still expire and a refused redemption still
        # returns them (`grant_activity` grants only live workers)
        workers = {w.pk: w for w in Worker.all_objects.select_for_update().filter(pk__in=list(operations))}
        books = ledgers(workers)
        rows = []
        for worker_id, operation in operations.items():
            book = books[worker_id]
            before = len(book.entries)
            try:
                operation(book)
            except pure.LedgerError as exc:
                raise ValidationError(f"{workers[worker_id].name}：{exc}") from exc
            rows += [LedgerEntry(worker=workers[worker_id], **{name: getattr(entry, name) for name in ENTRY_FIELDS})
                     for entry in book.entries[before:]]
        LedgerEntry.objects.bulk_create(rows)
        record_created(rows)
        changed = [workers[worker_id] for worker_id in {row.worker_id for row in rows}]
        for worker in changed:
            worker.points, worker.hours = books[worker.pk].balance, books[worker.pk].hours
        Worker.all_objects.bulk_update(changed, ["points", "hours"])
    return rows


def post(worker, operation) -> list[LedgerEntry]:
    rows = post_many({worker.pk: operation})
    worker.refresh_from_db(fields=["points", "hours"])
    return rows


def grant(worker, source: str, points: int, reason: str, hours=0, on: date | None = None) -> list[LedgerEntry]:
    on = on or timezone.localdate()
    return post(worker, lambda book: book.grant(source, on, points, reason, hours=hours))


def reverse(worker, source: str, target: str, reason: str, on: date | None = None) -> list[LedgerEntry]:
    on = on or timezone.localdate()
    return post(worker, lambda book: book.reverse(source, on, target, reason))


def expire_points(on: date | None = None) -> int:
    """Expire the unspent remains of every grant due by `on`, for all workers at once."""
    on = on or timezone.localdate()
    due = set(LedgerEntry.objects.filter(kind="grant", expires_on__lte=on).values_list("worker_id", flat=True))
    if not due:
        return 0
    books = ledgers(due)
    due = [worker_id for worker_id, book in books.items() if any(lot.expires_on <= on for lot in book.lots())]
    return len(post_many({worker_id: (lambda book: book.expire(on)) for worker_id in due}))


def grant_activity(activity) -> list[LedgerEntry]:
    """Grant each attendee of a held activity its points and hours, dated the day of the grant;
    once per attendee (a second call adds nothing)."""
    if activity.held_on > timezone.localdate():
        raise ValidationError("活动尚未举行，不能发放积分。")
    if not activity.points:
        return []
    attendees = list(Participation.objects.filter(activity=activity, attended=True, worker__is_deleted=False)
                     .values_list("worker_id", flat=True))
    today, reason = timezone.localdate(), f"参加活动：{activity.title}"[:200]

    def operation(worker_id):
        return lambda book: book.grant(activity_source(activity.pk, worker_id), today, activity.points, reason,
                                       hours=activity.hours)
    return post_many({worker_id: operation(worker_id) for worker_id in attendees})


def _last(book) -> date:
    return book.entries[-1].on if book.entries else date.min


# Redemptions ------------------------------------------------------------------------------------

RETURNED = (RedemptionState.REFUSED, RedemptionState.WITHDRAWN)  # their points and stock came back


def redemption_refusal(worker, reward, quantity: int, on: date | None = None) -> str:
    """Why the worker cannot redeem this now ("" when they can): the rule of the form, the API and
    the request alike."""
    on = on or timezone.localdate()
    if not reward.is_active:
        return f"兑换品“{reward.name}”已下架。"
    if quantity > reward.stock:
        return f"兑换品“{reward.name}”库存不足（剩余 {reward.stock} 件）。"
    if reward.limit_per_person is not None:
        taken = sum(Redemption.objects.filter(worker=worker, reward=reward).exclude(
            state__in=RETURNED).values_list("quantity", flat=True))
        if taken + quantity > reward.limit_per_person:
            return f"“{reward.name}”每人限兑 {reward.limit_per_person} 件，已兑 {taken} 件。"
    wanted = reward.points * quantity
    available = ledger_of(worker).available(on) if worker.pk else 0
    if wanted > available:
        return f"积分不足：可用 {available} 分，需要 {wanted} 分。"
    return ""


def take_points(redemption, save: Callable[[], None]) -> None:
    """Save a new redemption: the reward's stock held and the points taken from the worker's
    ledger (oldest first) in the same transaction, or nothing at all."""
    with transaction.atomic():
        reward = Reward.objects.select_for_update().get(pk=redemption.reward_id)
        worker = Worker.objects.get(pk=redemption.worker_id)
        today = timezone.localdate()
        post_many({worker.pk: lambda book: book.expire(today)})
        message = redemption_refusal(worker, reward, redemption.quantity, today)
        if message:
            raise ValidationError(message)
        redemption.points = reward.points * redemption.quantity
        redemption.requested_on = today
        save()
        reward.stock -= redemption.quantity
        reward.save()
        post_many({worker.pk: lambda book: book.redeem(redemption.source, today, redemption.points,
                                                       f"兑换：{reward.name} × {redemption.quantity}")})


def _give_back(redemption, name, user, note, source, reason, evidence=()):
    """A transition that ends a redemption with its stock and points returned (the points to the
    grants they came from), all in one transaction; the ledger's source makes it happen once."""
    with transaction.atomic():
        change = Redemption.machine.apply(redemption, name, user, note, evidence=evidence)
        reward = Reward.objects.select_for_update().get(pk=redemption.reward_id)
        reward.stock += redemption.quantity
        reward.save()
        today = timezone.localdate()
        post_many({redemption.worker_id: lambda book: book.reverse(
            source, max(today, _last(book)), redemption.source, reason[:200])})
    return change


def refuse_redemption(redemption, name, user, note, evidence=(), **fields):
    """驳回: the state changes, the stock comes back and the points return to the grants they came from."""
    return _give_back(redemption, name, user, note, f"refusal:{redemption.pk}", f"驳回兑换：{note}", evidence)


def withdraw_redemption(redemption, name="withdraw", user=None, note="", evidence=(), **fields):
    """撤回: the worker takes back their own request while it waits; as a refusal, the stock comes
    back and the points return. Only the worker themself may (see `RedemptionMachine`)."""
    return _give_back(redemption, "withdraw", user, note or "本人撤回", f"withdrawal:{redemption.pk}",
                      f"撤回兑换：{redemption.reward.name} × {redemption.quantity}", evidence)


REPEATED = "这次兑换已提交过，未重复兑换。"


def redeem_own(user, reward_id, quantity: int, request_key: str) -> Redemption:
    """The signed-in user's own redemption, for their own worker record only, under the rules of
    every other path (`Redemption.clean`, `take_points`); ValidationError with the reason, and
    nothing written, when refused. The form's one-time `request_key` makes a repeated submission
    redeem once."""
    worker = Worker.objects.filter(user=user).first() if user is not None and user.pk else None
    if worker is None:
        raise ValidationError("您的账号尚未关联从业人员档案，不能兑换。")
    reward = Reward.objects.filter(pk=reward_id).first()
    if reward is None:
        raise ValidationError("所选兑换品不存在。")
    if Redemption.all_objects.filter(worker=worker, request_key=request_key).exists():
        raise ValidationError(REPEATED)
    redemption = Redemption(worker=worker, reward=reward, quantity=quantity, request_key=request_key,
                            note="本人申请")
    redemption.full_clean(validate_constraints=False)
    try:
        redemption.save()
    except IntegrityError:  # the same form, sent twice at once: the second insert is refused
        raise ValidationError(REPEATED) from None
    return redemption


# 活动统计 and the rosters for the party and union offices ----------------------------------------


PARTY_KINDS = (OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PARTY_BRANCH)
UNION_KINDS = (OrganisationKind.UNION,)
PARTY_ACTIVITIES = (ActivityKind.PARTY_TRAINING, ActivityKind.PARTY_DAY)
UNION_ACTIVITIES = (ActivityKind.UNION_FAIR,)


def report_rows(year: int, activities=None) -> list[reports.ActivityRow]:
    """The activities held in `year` with their sign-ups, attendance and granted points: three
    queries, however many activities and people."""
    activities = Activity.objects.all() if activities is None else activities
    found = list(activities.filter(held_on__year=year).values(
        "id", "held_on", "kind", "team_id", "organiser_id", "hours"))
    ids = [a["id"] for a in found]
    counts = Participation.objects.filter(activity_id__in=ids).values("activity_id").annotate(
        signed_up=Count("pk"), attended=Count("pk", filter=Q(attended=True))).order_by()
    grants = LedgerEntry.objects.filter(kind=EntryKind.GRANT, source__startswith="activity:").values_list(
        "source", "points") if ids else []
    return reports.activity_rows(found, counts, grants)


def activity_report(year: int) -> reports.Report:
    rows = report_rows(year)
    return reports.build(year, rows, {kind: str(label) for kind, label in ActivityKind.choices},
                         dict(Organisation.objects.values_list("pk", "name")),
                         dict(VolunteerTeam.objects.values_list("pk", "name")))


def team_months(team, year: int) -> reports.MonthTable:
    return reports.by_month(report_rows(year, Activity.objects.filter(team=team)))


def roster(flag: str, kinds, activity_kinds, year: int) -> dict:
    """The members of the party (flag "party_member") or the union ("union_member"): each with
    employer, job type, station, teams, hours and points; the organisations of the given kinds with
    how many enterprises each covers; the year's activities of the given kinds, or organised by those
    organisations, with their attendance. A few queries, whatever the numbers."""
    workers = list(Worker.objects.filter(**{flag: True}).select_related("employer", "station").order_by("name", "pk"))
    teams = defaultdict(list)
    for worker_id, name in Worker.teams.through.objects.filter(worker_id__in=[w.pk for w in workers]).order_by(
            "volunteerteam__name").values_list("worker_id", "volunteerteam__name"):
        teams[worker_id].append(name)
    organisations = list(Organisation.objects.filter(kind__in=kinds).select_related("parent").annotate(
        enterprises=Count("covered_enterprises", distinct=True)).order_by("name"))
    chosen = Activity.objects.filter(Q(kind__in=activity_kinds) | Q(organiser__kind__in=kinds))
    rows = {row.id: row for row in report_rows(year, chosen)}
    activities = list(chosen.filter(pk__in=list(rows)).select_related("organiser").order_by("held_on", "pk"))
    return {"workers": [(w, teams.get(w.pk, [])) for w in workers], "organisations": organisations,
            "activities": [(a, rows[a.pk]) for a in activities]}


# A rider's own sign-ups ---------------------------------------------------------------------------

SIGN_UP_DAYS = 60  # how far ahead a rider's page offers activities


def own_worker(user):
    worker = Worker.objects.filter(user=user).first() if user is not None and user.pk else None
    if worker is None:
        raise ValidationError("您的账号尚未关联从业人员档案。")
    return worker


def upcoming_activities(today: date):
    return Activity.objects.filter(held_on__gte=today, held_on__lte=today + timedelta(days=SIGN_UP_DAYS)).order_by(
        "held_on", "pk")


def sign_up_own(user, activity_id) -> Participation:
    """报名: the signed-in rider signs up for an activity not yet held; signing up again after a
    cancellation brings the same sign-up back."""
    worker = own_worker(user)
    activity = upcoming_activities(timezone.localdate()).filter(pk=activity_id).first()
    if activity is None:
        raise ValidationError("该活动不存在、已举行或尚未开放报名。")
    with transaction.atomic():
        kept = Participation.all_objects.select_for_update().filter(activity=activity, worker=worker).first()
        if kept is not None and not kept.is_deleted:
            raise ValidationError(f"您已报名“{activity.title}”。")
        if kept is not None:
            kept.restore()
            return kept
        participation = Participation(activity=activity, worker=worker, note="本人报名")
        participation.full_clean()
        participation.save()
    return participation


def cancel_own(user, activity_id) -> Participation:
    """取消报名: before the day of the activity, and never once attendance is marked."""
    worker = own_worker(user)
    participation = Participation.objects.filter(activity_id=activity_id, worker=worker).select_related(
        "activity").first()
    if participation is None:
        raise ValidationError("您没有报名该活动。")
    if participation.attended:
        raise ValidationError("已签到的活动不能取消报名。")
    if participation.activity.held_on <= timezone.localdate():
        raise ValidationError("活动当天及之后不能取消报名。")
    participation.delete()
    return participation
