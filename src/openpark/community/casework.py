"""The work on 随手拍 cases that spans models: filing a case (its number, grid, timer and first
record), the time limit of each stage, the points a true report earns (once), dispatching and
telling the handlers, extensions, closing and evaluation. The transitions of `Case.machine` call
these as their `perform`; the rules that need no database are in `openpark.community.cases`."""
import hashlib
import math
import secrets
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from openpark.core import deadlines, geo
from openpark.core.models import Grid, StateChange
from openpark.core.notifications import notify

from . import cases, services
from .choices import CaseState, Resolution
from .models import CASE_MACHINE, Case, CaseTimeLimit, DepartmentBinding, Worker

S = CaseState
SUBMIT = "submit"  # the first step, recorded as `Case.machine.records` names it
NEARBY_METRES = 200
NEARBY_DAYS = 30


# Filing -----------------------------------------------------------------------------------------

def grid_at(longitude, latitude) -> Grid | None:
    """The grid whose boundary holds the point (the territorial owner), or None."""
    if longitude is None or latitude is None:
        return None
    for grid in Grid.objects.exclude(boundary__isnull=True).only("pk", "boundary"):
        if geo.contains(grid.boundary, float(longitude), float(latitude)):
            return grid
    return None


def new_track_key() -> tuple[str, str]:
    """A tracking key for a reporter without an account, and the digest kept of it."""
    key = secrets.token_urlsafe(18)
    return key, track_digest(key)


def track_digest(key: str) -> str:
    return hashlib.sha256((key or "").encode()).hexdigest()


def submit(case: Case, user=None) -> Case:
    """File a new case as `user` (a reporter with an account, or None): checked whole first, then
    saved, which numbers it, finds its grid and starts its first timer (`Case.save`)."""
    if user is not None and user.is_authenticated:
        case.reporter = user
    before_filing(case)
    case.full_clean(exclude=["number"])
    case.save()
    return case


def before_filing(case: Case) -> None:
    """What a new case takes from its reporter, category and position, on every path that files one."""
    if case.reporter_id and case.reporter_worker_id is None:
        case.reporter_worker = Worker.objects.filter(user_id=case.reporter_id).first()
    if case.reporter_worker_id and not case.reporter_name:
        case.reporter_name = case.reporter_worker.name
    if case.category_id and not case.urgency:
        case.urgency = case.category.urgency
    if case.grid_id is None:
        case.grid = grid_at(case.longitude, case.latitude)


def save_new(case: Case, save) -> None:
    """Save a new case under the next number of its day (a number taken meanwhile is retried), record
    its 上报 and start the verification's timer, all in one transaction."""
    before_filing(case)
    for attempt in range(5):
        try:
            with transaction.atomic():
                _number(case, attempt)
                save()
                _record_submission(case, case.reporter if case.reporter_id else None)
            return
        except IntegrityError:
            if case.request_key and Case.all_objects.filter(reporter_id=case.reporter_id,
                                                            request_key=case.request_key).exists():
                raise ValidationError("这次上报已提交过，未重复上报。") from None
            case.pk = None
    raise ValidationError("案件编号分配冲突，请重试。")


def _number(case: Case, attempt: int) -> None:
    day = timezone.localdate(case.reported_at)
    start = timezone.make_aware(datetime.combine(day, time.min))
    taken = Case.all_objects.filter(reported_at__gte=start, reported_at__lt=start + timedelta(days=1)).count()
    case.number = cases.case_number(day, taken + 1 + attempt)


def _record_submission(case: Case, actor) -> None:
    from openpark.core.states import Transition

    when = case.reported_at
    StateChange.objects.create(
        time=when, user=actor, username=getattr(actor, "username", ""),
        content_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk), transition=SUBMIT,
        from_state="", to_state=S.REPORTED, note="")
    start = Transition(SUBMIT, "上报", (), S.REPORTED, "community.report_case",
                       deadline_for=f"{__name__}.stage_deadline", deadline_label="核实")
    deadlines.after_transition(CASE_MACHINE, case, start, actor, when)


# Time limits -------------------------------------------------------------------------------------

def configured_limits() -> dict:
    return {(row.category_id, row.stage, row.urgency): cases.StageLimit(row.amount, row.unit)
            for row in CaseTimeLimit.objects.all()}


def stage_limit(case: Case, state: str) -> cases.StageLimit | None:
    stage = cases.STAGE_OF_STATE.get(state)
    if stage is None:
        return None
    return cases.stage_limit(stage, case.urgency, configured_limits(), case.category_id)


def stage_deadline(case: Case, transition):
    """The deadline a transition into `transition.target` starts: the limit of the stage that state
    times, for the case's category and urgency."""
    limit = stage_limit(case, transition.target)
    return deadlines.Limit(limit.amount, limit.unit) if limit else None


# Steps --------------------------------------------------------------------------------------------

def verify(case, name, user, note, evidence=(), **fields):
    """核实属实: the reporter's worker record earns the category's points, once (the ledger keeps one
    entry per source)."""
    change = CASE_MACHINE.apply(case, name, user, note, evidence=evidence)
    grant_points(case)
    return change


def grant_points(case: Case) -> None:
    worker, points = case.reporter_worker, case.category.points
    if worker is None or points <= 0:
        return
    source = points_source(case)
    if services.LedgerEntry.objects.filter(worker=worker, source=source).exists():
        return
    services.grant(worker, source, points, f"随手拍 {case.number} 核实属实")


def points_source(case: Case) -> str:
    return f"case:{case.pk}"


def unspent_grant(case: Case) -> tuple[bool, bool]:
    """(whether the case's report earned points, whether all of them are still unspent)."""
    if case.reporter_worker_id is None:
        return False, True
    book = services.ledger_of(case.reporter_worker)
    granted = book.get(points_source(case))
    if granted is None or book.is_reversed(points_source(case)):
        return False, True
    held = next((lot for lot in book.lots() if lot.source == points_source(case)), None)
    return True, held is not None and held.remaining == granted.points


def withdrawal_refusal(case: Case) -> str:
    """Why the reporter may not withdraw the case now ("" when they may): a report found true whose
    points have been spent cannot be taken back."""
    earned, unspent = unspent_grant(case)
    return "" if not earned or unspent else "该案件核实属实所得积分已使用，不能撤回；如问题已不存在，请联系网格中心。"


def withdraw(case, name, user, note, evidence=(), **fields):
    """撤回: the report is taken back; the points its verification earned go back too."""
    change = CASE_MACHINE.apply(case, name, user, note, evidence=evidence)
    earned, _ = unspent_grant(case)
    if earned:
        services.reverse(case.reporter_worker, f"{points_source(case)}:withdrawn", points_source(case),
                         f"随手拍 {case.number} 已撤回")
    return change


def mark_duplicate(case, name, user, note, evidence=(), duplicate_of=None, **fields):
    return CASE_MACHINE.apply(case, name, user, note or f"与 {duplicate_of.number} 重复", evidence=evidence,
                              duplicate_of=duplicate_of)


def dispatch(case, name, user, note, evidence=(), department=None, **fields):
    change = CASE_MACHINE.apply(case, name, user, note, evidence=evidence, department=department)
    handlers = handlers_of(department)
    if handlers:
        notify(handlers, kind="dispatch", title=f"新派遣案件：{case}", body=note, obj=case)
    return change


def owner_of(case: Case):
    """The department a case goes to unless the centre decides otherwise: its category's, else the
    territorial department (属地) of the grid it lies in, else none."""
    if case.category_id and case.category.department_id and case.category.department.is_active:
        return case.category.department
    if case.grid_id:
        return case.grid.territorial_departments.filter(is_active=True, is_deleted=False).order_by("pk").first()
    return None


def handlers_of(department) -> list:
    users = DepartmentBinding.objects.filter(department=department).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=users, is_active=True))


def send_back(case, name, user, note, evidence=(), **fields):
    return CASE_MACHINE.apply(case, name, user, note, evidence=evidence, department=None, returns=case.returns + 1,
                              extension_days=0)


def request_extension(case, name, user, note, evidence=(), days=1, **fields):
    return CASE_MACHINE.apply(case, name, user, note, evidence=evidence, extension_days=days)


def approve_extension(case, name, user, note, evidence=(), **fields):
    days = case.extension_days
    change = CASE_MACHINE.apply(case, name, user, note, evidence=evidence, extension_days=0,
                                extensions=case.extensions + 1)
    extended = deadlines.extend(case, S.HANDLING, deadlines.Limit(days, cases.WORKING_DAYS), user)
    tell_handlers(case, f"延期已批准：{case}", f"新的办理时限：{extended.due_text}。{note}".strip())
    return change


def refuse_extension(case, name, user, note, evidence=(), **fields):
    change = CASE_MACHINE.apply(case, name, user, note, evidence=evidence, extension_days=0)
    tell_handlers(case, f"延期未获批准：{case}", note)
    return change


def tell_handlers(case: Case, title: str, body: str = "") -> None:
    """Tell the handlers of the case's department (an answer to their extension request, a 返工)."""
    handlers = handlers_of(case.department) if case.department_id else []
    if handlers:
        notify(handlers, kind="progress", title=title, body=body, obj=case)


def accept(case, name, user, note, evidence=(), **fields):
    """签收: whoever accepts handles the case (处置人) until someone else replies."""
    return CASE_MACHINE.apply(case, name, user, note, evidence=evidence, handled_by=user)


def reply(case, name, user, note, evidence=(), **fields):
    return CASE_MACHINE.apply(case, name, user, note, evidence=evidence, handled_by=user)


def rework(case, name, user, note, evidence=(), **fields):
    change = CASE_MACHINE.apply(case, name, user, note, evidence=evidence, reworks=case.reworks + 1)
    tell_handlers(case, f"核查未通过，须返工：{case}", note)
    return change


def close(case, name, user, note, evidence=(), resolution="", **fields):
    if case.state == S.PARKED and resolution == Resolution.FIXED:
        from openpark.core.states import TransitionError

        raise TransitionError("挂账案件未经核查，只能以“未解决结案”结案。")
    return CASE_MACHINE.apply(case, name, user, note, evidence=evidence, resolution=resolution,
                              resolution_note=note[:500], closed_at=timezone.now())


def evaluate(case, name, user, note, evidence=(), satisfaction="", **fields):
    return CASE_MACHINE.apply(case, name, user, note, evidence=evidence, satisfaction=satisfaction,
                              evaluation_note=note[:500])


# Reading ------------------------------------------------------------------------------------------

def nearby_open(category, longitude, latitude, exclude=None, metres: int = NEARBY_METRES):
    """Open cases of the category within `metres` of the point, reported in the last NEARBY_DAYS
    days, nearest first: what a reporter is asked about before filing ("是这个吗？")."""
    if longitude is None or latitude is None:
        return []
    lon, lat = float(longitude), float(latitude)
    dlat = metres / 111_000
    dlon = dlat / max(0.1, abs(math.cos(math.radians(lat))))
    since = timezone.now() - timedelta(days=NEARBY_DAYS)
    rows = (Case.objects.filter(category=category, state__in=cases.OPEN_STATES, reported_at__gte=since,
                                latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon))
            .exclude(pk=getattr(exclude, "pk", None)).select_related("category"))
    found = [(geo_distance(lon, lat, float(row.longitude), float(row.latitude)), row) for row in rows]
    return [row for distance, row in sorted(found, key=lambda pair: pair[0]) if distance <= metres]


def geo_distance(lon1, lat1, lon2, lat2) -> float:
    """Metres between two points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def reporter_reliability(worker_ids) -> dict[int, object]:
    """{worker id: share of judged reports that were true, %} (None before any was judged)."""
    rows = (Case.objects.filter(reporter_worker_id__in=list(worker_ids)).values("reporter_worker_id")
            .annotate(true=Count("pk", filter=Q(state__in=cases.VERIFIED_STATES)),
                      false=Count("pk", filter=Q(state=S.INVALID))))
    found = {row["reporter_worker_id"]: cases.reliability(row["true"], row["false"]) for row in rows}
    return {pk: found.get(pk) for pk in worker_ids}
