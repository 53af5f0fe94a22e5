"""GeoReport v2 over 随手拍 cases.

Public reads need no key, as the specification has it; filing a request needs an api_key
(`keys.find`). What goes out is what the public may know of a case: its category, description,
place, where it stands (the state, and for a closed case whether it was fixed and, if not, why),
the department working it and the reporter's photo. Never who reported it, nor the notes staff
write on its steps. Every answer is in the format the path asks for (`.xml` or `.json`); errors too,
as the specification's error list.
"""
import functools
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from openpark.core import attachments
from openpark.core.attachment_views import file_response
from openpark.core.deadlines import Limit
from openpark.core.models import Attachment, Deadline

from .. import casework, cases
from ..choices import CaseChannel, CaseStage, CaseState, LocationSource, Resolution, Urgency
from ..models import CASE_MACHINE, Case, CaseCategory
from . import keys
from .formats import JSON, XML, errors, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FIRST_CHANGESET = "2026-12-01T00:00:00+08:00"  # the endpoint's first version, before any category
WINDOW_DAYS = 90
MAX_REQUESTS = 1000
DEFAULT_JURISDICTION = "openpark"
IMAGE_TYPES = {mime for mime, kind in attachments.KINDS.items() if kind.image_format}
# A service request's fields, in the specification's order.
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url")


def jurisdiction() -> str:
    return getattr(settings, "OPENPARK_OPEN311_JURISDICTION", DEFAULT_JURISDICTION)


def stamp(when) -> str:
    """ISO 8601 in the park's time, with its offset: 2026-12-01T09:30:00+08:00."""
    return timezone.localtime(when).isoformat(timespec="seconds") if when else ""


def open311(*methods):
    """A resource answering `methods` (GET also answers HEAD), after the checks every call makes:
    the method (405 otherwise) and the jurisdiction, when given (404 unless it is ours). Public
    reads may be made from a browser on another site; filing is authenticated by its api_key
    alone, never by a session, and so needs no CSRF token."""
    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, fmt, *args, **kwargs):
            if request.method not in allowed:
                response = errors(fmt, 405, f"不支持 {request.method[:10]} 请求（method not allowed）。")
                response["Allow"] = ", ".join(allowed)
                return response
            given = (request.POST.get("jurisdiction_id") if request.method == "POST" else None) \
                or request.GET.get("jurisdiction_id")
            if given and given.strip() != jurisdiction():
                return errors(fmt, 404, f"没有这个辖区（jurisdiction_id not found: {given.strip()[:50]}）。")
            response = view(request, fmt, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return csrf_exempt(wrapped)

    return decorate


# Discovery and services -------------------------------------------------------------------------

def public_categories():
    """The services: the categories in use that people without an account may report (what an
    Open311 client files is an anonymous report)."""
    return CaseCategory.objects.filter(is_active=True, anonymous_allowed=True).order_by("order", "code")


def base_url(request) -> str:
    return request.build_absolute_uri(reverse("open311:services", args=[XML]).rsplit("/", 1)[0])


@open311("GET")
def discovery(request, fmt):
    """GET discovery: where the endpoint is, what it speaks and whom to ask for a key."""
    changed = CaseCategory.objects.aggregate(last=Max("updated_at"))["last"]
    changeset = stamp(changed) if changed else FIRST_CHANGESET
    issuer = getattr(settings, "OPENPARK_ISSUER", "")
    document = {
        "changeset": changeset,
        "contact": getattr(settings, "OPENPARK_OPEN311_CONTACT", "") or issuer,
        "key_service": f"接口密钥（api_key）由{issuer}系统管理员签发，请与其联系。",
        "endpoints": [{
            "specification": SPECIFICATION, "url": base_url(request), "changeset": changeset, "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return respond(fmt, "discovery", document)


@open311("GET")
def services(request, fmt):
    """GET services: the categories people may report."""
    return respond(fmt, "services", [{
        "service_code": category.code, "service_name": category.name, "description": category.description,
        "metadata": False, "type": "realtime", "keywords": category.keywords, "group": category.group,
    } for category in public_categories()])


@open311("GET")
def service_definition(request, fmt, code):
    """GET services/{service_code}: the service's attributes (none: every category files alike)."""
    category = public_categories().filter(code=code).first()
    if category is None:
        return errors(fmt, 404, f"没有这个服务类别（service_code not found: {code[:50]}）。")
    return respond(fmt, "service_definition", {"service_code": category.code, "attributes": []})


# Service requests: reading ----------------------------------------------------------------------

def status_notes(case: Case) -> str:
    """Where the case stands, in words: its state, for a closed case whether it was fixed (and if
    not, why), for a duplicate which case it repeats."""
    label = CaseState(case.state).label
    if case.state in cases.DONE_STATES and case.resolution == Resolution.FIXED:
        return f"{label}：{Resolution.FIXED.label}"
    if case.state in cases.DONE_STATES and case.resolution == Resolution.NOT_FIXED:
        reason = case.resolution_note.strip()
        return f"{label}：{Resolution.NOT_FIXED.label}" + (f"：{reason}" if reason else "")
    if case.state == CaseState.DUPLICATE and case.duplicate_of_id:
        return f"{label}（与 {case.duplicate_of.number} 重复）"
    return str(label)


def service_notice(category_id: int, urgency: str, limits) -> str:
    """What the park does with a request of the category and urgency: the time it has to handle it."""
    urgency = urgency or Urgency.NORMAL
    limit = cases.stage_limit(CaseStage.HANDLE, urgency, limits, category_id)
    return (f"已受理，网格中心核实后立案派遣；{Urgency(urgency).label}问题由处置部门签收后 "
            f"{Limit(limit.amount, limit.unit).text}内处置。")


def expected_times(pks) -> dict[str, datetime]:
    """{case id (text): when the stage it waits in is due}: the moment of a limit in minutes, the
    end of the day of a limit in working days."""
    rows = (Deadline.objects.of_many(Case, pks).filter(met_at__isnull=True)
            .values_list("object_id", "due_at", "due_on")) if pks else []
    return {object_id: due_at or timezone.make_aware(datetime.combine(due_on, time.max.replace(microsecond=0)))
            for object_id, due_at, due_on in rows}


def report_photos(pks) -> dict[int, Attachment]:
    """{case id: the first photo filed with it}: what `media_url` points at."""
    found = {}
    rows = (Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id__in=list(pks),
                                      purpose=cases.REPORT_PHOTO, evidence=False, mime_type__in=IMAGE_TYPES)
            .order_by("created_at", "pk").only("pk", "object_id"))
    for photo in rows:
        found.setdefault(photo.object_id, photo)
    return found


# A report its reporter took back, or found untrue, is no public business: it is left out of the
# list, and read by its id it says only how it ended (no text, place or photo).
NOT_PUBLIC_STATES = frozenset({CaseState.WITHDRAWN, CaseState.INVALID})


def request_rows(request, rows: list[Case]) -> list[dict]:
    pks = [case.pk for case in rows]
    limits = casework.configured_limits() if rows else {}
    photos = report_photos(pks) if rows else {}
    expected = expected_times(pks)
    out = []
    for case in rows:
        photo = photos.get(case.pk)
        media = (request.build_absolute_uri(reverse("open311:media", args=[case.number, photo.pk]))
                 if photo else case.media_url)
        values = (
            case.number, cases.open311_status(case.state), status_notes(case), case.category.name,
            case.category.code, case.description, case.department.name if case.department_id else "",
            service_notice(case.category_id, case.urgency, limits), stamp(case.reported_at), stamp(case.updated_at),
            stamp(expected.get(str(case.pk))), case.address, "", "", case.latitude, case.longitude, media,
        )
        row = dict(zip(REQUEST_FIELDS, values))
        if case.state in NOT_PUBLIC_STATES:
            row.update(description="", address="", lat=None, long=None, media_url="")
        out.append(row)
    return out


def public_cases():
    """The cases a client may read: those of the categories open to the public (a category people
    may not report without an account is the park's internal business, and so are its cases)."""
    return (Case.objects.filter(category__anonymous_allowed=True)
            .select_related("category", "department", "duplicate_of").order_by("-reported_at", "-pk"))


class BadQuery(ValueError):
    pass


def moment(name: str, value: str, end: bool = False):
    """A start_date or end_date: ISO 8601 with its zone (2026-12-01T08:00:00+08:00, …Z), or a day
    (from its start, or to its end for end_date, in the park's time)."""
    value = value.strip()
    try:
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            parsed = timezone.make_aware(datetime.combine(day, time.max if end else time.min))
        else:
            parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadQuery(f"{name} 不是有效的日期时间，应如 2026-12-01T08:00:00+08:00（{name} is not an ISO 8601 datetime）。")
    if timezone.is_naive(parsed):
        raise BadQuery(f"{name} 须带时区，如 +08:00 或 Z（{name} must include a time zone）。")
    return parsed


def _listed(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def filtered(query) -> list[Case]:
    """GET requests' rows: by ids (which override everything else), or by service, status and the
    time window (by default the last 90 days); newest first, at most 1,000."""
    rows = public_cases().exclude(state__in=NOT_PUBLIC_STATES)
    ids = _listed(query.get("service_request_id", ""))
    if ids:
        return list(rows.filter(number__in=ids[:MAX_REQUESTS])[:MAX_REQUESTS])
    codes = _listed(query.get("service_code", ""))
    if codes:
        rows = rows.filter(category__code__in=codes)
    statuses = set(_listed(query.get("status", "")))
    if statuses - {"open", "closed"}:
        raise BadQuery("status 只能是 open 或 closed，多个以逗号分隔（status must be open or closed）。")
    if statuses == {"open"}:
        rows = rows.filter(state__in=cases.OPEN_STATES)
    elif statuses == {"closed"}:
        rows = rows.exclude(state__in=cases.OPEN_STATES)
    start = moment("start_date", query["start_date"]) if query.get("start_date", "").strip() else None
    end = moment("end_date", query["end_date"], end=True) if query.get("end_date", "").strip() else None
    if start and end and start > end:
        raise BadQuery("start_date 不能晚于 end_date（start_date is after end_date）。")
    if start is None and end is None:
        start = timezone.now() - timedelta(days=WINDOW_DAYS)
    if start is not None:
        rows = rows.filter(reported_at__gte=start)
    if end is not None:
        rows = rows.filter(reported_at__lte=end)
    return list(rows[:MAX_REQUESTS])


@open311("GET", "POST")
def requests_view(request, fmt):
    """GET requests: the service requests asked for. POST requests: file one."""
    if request.method == "POST":
        return file_request(request, fmt)
    try:
        rows = filtered(request.GET)
    except BadQuery as exc:
        return errors(fmt, 400, str(exc))
    return respond(fmt, "service_requests", request_rows(request, rows))


def case_or_404(number: str) -> Case:
    return get_object_or_404(public_cases().exclude(state__in=NOT_PUBLIC_STATES), number=number)


@open311("GET")
def request_detail(request, fmt, request_id):
    """GET requests/{service_request_id}: one request, as a list of one."""
    case = public_cases().filter(number=request_id).first()
    if case is None:
        return errors(fmt, 404, f"没有这个服务请求（service_request_id not found: {request_id[:30]}）。")
    return respond(fmt, "service_requests", request_rows(request, [case]))


@open311("GET")
def token_detail(request, fmt, token):
    """GET tokens/{token}: the service request a token was given for."""
    token = token.strip().lower()
    case = Case.objects.filter(open311_token=token, category__anonymous_allowed=True).only(
        "number", "open311_token").first() if token else None
    if case is None:
        return errors(fmt, 404, "没有这个令牌（token not found）。")
    return respond(fmt, "service_requests", [{"service_request_id": case.number, "token": case.open311_token}])


def step_words(change, case: Case) -> str:
    """A recorded step in words, without its note: "派遣：待签收"; a closing says how it ended."""
    transition = CASE_MACHINE.transitions.get(change.transition)
    done = transition.label if transition else CASE_MACHINE.records.get(change.transition, change.transition)
    words = f"{done}：{CASE_MACHINE.label(change.to_state)}"
    if change.to_state == CaseState.CLOSED and case.resolution:
        words += f"（{Resolution(case.resolution).label}）"
    return words


@open311("GET")
def request_updates(request, fmt, request_id):
    """GET requests/{service_request_id}/updates (an extension): each step of the case, oldest first."""
    case = public_cases().filter(number=request_id).first()
    if case is None:
        return errors(fmt, 404, f"没有这个服务请求（service_request_id not found: {request_id[:30]}）。")
    return respond(fmt, "service_request_updates", [{
        "update_id": change.pk, "service_request_id": case.number, "status": cases.open311_status(change.to_state),
        "updated_datetime": stamp(change.time), "description": step_words(change, case),
    } for change in CASE_MACHINE.history(case).order_by("time", "pk")])


def media(request, request_id, pk):
    """The photo a request was filed with (re-encoded without its metadata when it was attached)."""
    case = case_or_404(request_id)
    photo = get_object_or_404(Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=case.pk, purpose=cases.REPORT_PHOTO,
        evidence=False, mime_type__in=IMAGE_TYPES), pk=pk)
    response = file_response(photo)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def not_found(request, path=""):
    """Any other path under the endpoint: the specification's error list (in XML, its required format)."""
    fmt = JSON if request.path.endswith(".json") else XML
    return errors(fmt, 404, "没有这个接口（no such GeoReport v2 resource）。")


not_found = csrf_exempt(not_found)


# Service requests: filing -----------------------------------------------------------------------

def _coordinate(name: str, value: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        raise BadQuery(f"{name} 须为数字（{name} must be a number）。") from None
    if not number.is_finite() or number.adjusted() >= 4:  # 1e999999 is no degree, and no quantizing either
        raise BadQuery(f"{name} 须为数字（{name} must be a number）。")
    return number.quantize(Decimal("0.000001"))


def reporter_name(first: str, last: str) -> str:
    """A Chinese name is written family name first, without a space; others first name first."""
    first, last = first.strip(), last.strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


# The model's field names as the client knows them.
FIELD_NAMES = {"latitude": "lat", "longitude": "long", "address": "address_string", "reporter_email": "email",
               "reporter_phone": "phone", "reporter_name": "first_name, last_name", "category": "service_code"}


def _errors_of(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [message if field == "__all__" else f"{FIELD_NAMES.get(field, field)}: {message}"
            for field, messages in exc.message_dict.items() for message in messages]


# A client's filings per hour, refused ones included (settings.OPENPARK_OPEN311_FILINGS_PER_HOUR): a
# leaked key, or a client gone wrong, floods the grid centre's 核实 queue, or the server, no faster.
FILING_WINDOW = 3600


def filings_per_hour() -> int:
    return settings.OPENPARK_OPEN311_FILINGS_PER_HOUR


def _filings_key(client) -> str:
    return f"community:open311:filed:{client.pk}"


def throttled(client) -> bool:
    return (cache.get(_filings_key(client)) or 0) >= filings_per_hour()


def count_filing(client) -> None:
    key = _filings_key(client)
    cache.add(key, 0, FILING_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, FILING_WINDOW)


def file_request(request, fmt):
    """POST requests: file a case for the client holding the api_key; nothing is kept on any error."""
    data = request.POST
    client = keys.find(data.get("api_key", ""))
    if client is None:
        return errors(fmt, 403, "api_key 缺失、无效或已停用（invalid api_key received -- can't proceed with create_request）。")
    if throttled(client):
        return errors(fmt, 429, f"提交过于频繁：每个接口密钥每小时最多提交 {filings_per_hour()} 个服务请求，请稍后再试"
                                f"（too many requests for this api_key）。")
    count_filing(client)  # refused ones too: each may carry a photo to decode
    if any("\x00" in value for values in data.lists() for value in values[1]):
        return errors(fmt, 400, "提交的内容不能含有空字符（\\u0000）（NUL characters are not allowed）。")
    code = data.get("service_code", "").strip()
    if not code:
        return errors(fmt, 400, "缺少 service_code（service_code is required）。")
    category = public_categories().filter(code=code).first()
    if category is None:
        return errors(fmt, 404, f"没有这个服务类别（service_code not found: {code[:50]}）。")
    problems = []
    lat_text, long_text = data.get("lat", "").strip(), data.get("long", "").strip()
    latitude = longitude = None
    if lat_text or long_text:
        try:
            latitude, longitude = _coordinate("lat", lat_text), _coordinate("long", long_text)
        except BadQuery as exc:
            problems.append(str(exc))
    address = data.get("address_string", "").strip()
    address_id = data.get("address_id", "").strip()
    if not address and address_id:
        address = f"地址编号 {address_id}"
    if not (lat_text or long_text or address):
        problems.append("须提供位置：lat 和 long、address_string 或 address_id（a location is required: lat & long, "
                        "address_string or address_id）。")
    photo = request.FILES.get("media")
    if photo is not None:
        head = photo.read(2048)
        photo.seek(0)
        guessed = filetype.guess(head)
        if guessed is None or guessed.mime not in IMAGE_TYPES:
            problems.append("media 须为 JPEG、PNG 或 WebP 照片（media must be a JPEG, PNG or WebP image）。")
    if problems:
        return errors(fmt, 400, *problems)
    case = Case(
        category=category, urgency=category.urgency, description=data.get("description", ""),
        latitude=latitude, longitude=longitude, address=address,
        location_source=LocationSource.DEVICE if latitude is not None else LocationSource.ADDRESS,
        channel=CaseChannel.OPEN311, open311_client=client, open311_token=uuid.uuid4().hex, anonymous=True,
        reporter_name=reporter_name(data.get("first_name", ""), data.get("last_name", "")),
        reporter_email=data.get("email", "").strip(), reporter_phone=data.get("phone", "").strip(),
        media_url=data.get("media_url", "").strip(),
    )
    try:
        with transaction.atomic():
            casework.submit(case)
            if photo is not None:
                attachments.attach(case, photo, None, purpose=cases.REPORT_PHOTO)
    except ValidationError as exc:
        return errors(fmt, 400, *_errors_of(exc))
    return respond(fmt, "service_requests", [{
        "service_request_id": case.number, "token": case.open311_token,
        "service_notice": service_notice(case.category_id, case.urgency, casework.configured_limits()),
        "account_id": data.get("account_id", "").strip()[:100] or None,
    }])
