"""随手拍 for the reporter: a problem reported from a phone (photos, a category, the position),
the open cases nearby that may be the same one ("是这个吗？"), the reporter's own cases with their
steps, photos, 撤回 and 评价, and the tracking page of a reporter without an account."""
import uuid

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openpark.core import geo, navigation, workflows
from openpark.core.attachment_views import file_response
from openpark.core.attachments import attachments_of
from openpark.core.generic import error_message
from openpark.core.models import Attachment
from openpark.core.states import TransitionError

from . import casework, cases, reporting
from .choices import CaseState, Satisfaction
from .models import CASE_MACHINE, REPORT_OWN, Case
from .queue_views import case_point

NEARBY_SHOWN = 5
CASES_PER_PAGE = 30
TRACKS_KEPT = 5  # the tracking links a browser's session remembers, for a form sent twice
# The chosen photos shown before they are sent (object URLs), and Compressor.js turning a photo
# taken sideways upright (a data: URL).
PREVIEWS = csp_update({"img-src": ["blob:", "data:"]})


def _may_report(user) -> None:
    """Reporters with an account need the grid role's right; people without one may report the
    categories that allow it."""
    if user.is_authenticated and not user.has_perm(REPORT_OWN):
        raise PermissionDenied("您的账号没有随手拍上报权限。")


def _form_context(request, data=None, errors=None) -> dict:
    user = request.user
    data = data or {}
    return {
        "title": "随手拍", "categories": list(reporting.categories_for(user)),
        "request_key": key if reporting.REQUEST_KEY.fullmatch(key := data.get("request_key") or "") else uuid.uuid4().hex, "data": data, "errors": errors or {},
        "anonymous": not user.is_authenticated, "max_photos": reporting.MAX_PHOTOS,
        "breadcrumbs": navigation.breadcrumbs(("随手拍", ""), module="community") if user.is_authenticated else None,
        "nearby_url": reverse("community:report_nearby"),
    }


@PREVIEWS
@never_cache  # the answer to a report without an account holds its tracking key
@require_http_methods(["GET", "POST"])
def report(request):
    """随手拍: one screen on a phone; photos, a category from large icons, the position (the
    phone's, else a photo's, else an address), an optional text; filed once, with its number."""
    _may_report(request.user)
    anonymous = not request.user.is_authenticated
    if request.method == "GET":
        return render(request, "community/report.html", _form_context(request))
    if anonymous:
        if reporting.throttled(request):
            return render(request, "community/report.html",
                          _form_context(request, request.POST, {"__all__": [reporting.THROTTLED]}), status=429)
        reporting.count_anonymous(request, "tried")
    try:
        filed = reporting.file_report(request.user, request.POST, request.FILES)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return render(request, "community/report.html", _form_context(request, request.POST, errors), status=400)
    track_key = filed.track_key
    if anonymous:
        tracks = request.session.get("community_tracks", {})
        if filed.again:
            track_key = tracks.get(filed.case.request_key, "")
        else:
            reporting.count_anonymous(request)
            tracks = dict(list(tracks.items())[-(TRACKS_KEPT - 1):])
            tracks[filed.case.request_key] = track_key
            request.session["community_tracks"] = tracks
    return render(request, "community/report_done.html", {
        "title": "上报成功" if not filed.again else "已上报", "case": filed.case, "again": filed.again,
        "anonymous": anonymous,
        "track_url": request.build_absolute_uri(reverse("community:track", args=[track_key])) if track_key else "",
        "case_url": reverse("community:my_case", args=[filed.case.pk]) if not anonymous else "",
    })


@require_GET
def report_nearby(request):
    """是这个吗？ The open cases of the category near the position, nearest first, as a fragment of
    the phone page (every text escaped by the template)."""
    _may_report(request.user)
    category = reporting.category_for(request.user, request.GET.get("category"))
    try:
        lon, lat = reporting.coordinate(request.GET.get("longitude")), reporting.coordinate(request.GET.get("latitude"))
        if category is None:
            raise ValueError("请选择问题类别。")
        if lon is None or lat is None:
            raise ValueError("位置未知。")
        geo.check_position([lon, lat])
    except ValueError as exc:
        return render(request, "community/report_nearby.html", {"error": str(exc)}, status=400)
    rows = casework.nearby_open(category, lon, lat)[:NEARBY_SHOWN]
    return render(request, "community/report_nearby.html", {
        "rows": [(row, round(casework.geo_distance(float(lon), float(lat), float(row.longitude), float(row.latitude))))
                 for row in rows],
        "show_description": request.user.is_authenticated,
    })


# The reporter's own cases ---------------------------------------------------------------------------

def _photos(case) -> list:
    """What the reporter sees of the case's photos: those filed with it and added later, and the
    evidence of its steps (the photos of the work done); never the files staff attach for
    themselves on the case's 附件 panel."""
    return [a for a in attachments_of(case)
            if a.is_image and (a.evidence or a.purpose in (cases.REPORT_PHOTO, reporting.ADDED_PHOTO))]


def first_photos(case_ids: list[int]) -> dict[int, int]:
    """{case id: the id of its first photo} for the cases that have one: one query, however many."""
    if not case_ids:
        return {}
    firsts: dict[int, int] = {}
    photos = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id__in=case_ids,
                                       mime_type__startswith="image/").order_by("object_id", "pk")
    for object_id, pk in photos.values_list("object_id", "pk"):
        firsts.setdefault(object_id, pk)
    return firsts


@login_required
def my_cases(request):
    """我的随手拍: the signed-in reporter's cases, newest first, with where each stands."""
    rows = Case.objects.filter(reporter=request.user).select_related("category").order_by("-reported_at", "-pk")
    page = Paginator(rows, CASES_PER_PAGE).get_page(request.GET.get("page"))
    firsts = first_photos([case.pk for case in page])
    return render(request, "community/my_cases.html", {
        "title": "我的随手拍", "page": page,
        "rows": [(case, firsts.get(case.pk), (case.address or case.description or "").strip()) for case in page],
        "may_report": request.user.has_perm(REPORT_OWN),
        "breadcrumbs": navigation.breadcrumbs(("我的随手拍", ""), module="community"),
    })


def _own_case(request, pk) -> Case:
    return get_object_or_404(Case.objects.select_related("category", "department", "grid"), pk=pk, reporter=request.user)


def _step_label(name: str) -> str:
    transition = CASE_MACHINE.transitions.get(name)
    return transition.label if transition else CASE_MACHINE.records.get(name, "")


def _steps_context(case) -> dict:
    steps = [(change, _step_label(change.transition), after, cases.note_for_reporter(change.transition, change.note))
             for change, before, after in case.machine.history_rows(case)]
    withdrawable = case.state in cases.WITHDRAWABLE_STATES
    refusal = casework.withdrawal_refusal(case) if withdrawable else ""
    return {
        "case": case, "steps": steps, "photos": _photos(case),
        "may_add_photos": case.is_open,
        "may_withdraw": withdrawable and not refusal, "withdraw_refusal": refusal,
        "may_evaluate": case.state == CaseState.CLOSED, "satisfactions": Satisfaction.choices,
        "max_photos": reporting.MAX_PHOTOS, "where": case_point(case, with_map_link=False),
    }


@PREVIEWS
@login_required
def my_case(request, pk):
    """One of the signed-in reporter's own cases: where it stands, each step made on it, its
    photos, and what the reporter may still do (补充照片, 撤回, 评价)."""
    case = _own_case(request, pk)
    may_act = request.user.has_perm(REPORT_OWN)
    context = _steps_context(case)
    if context["where"] and request.user.has_perm("community.view_case"):
        context["where"] = case_point(case)
    if not may_act:
        context.update(may_add_photos=False, may_withdraw=False, may_evaluate=False, withdraw_refusal="")
    return render(request, "community/my_case.html", {
        **context, "title": f"我的随手拍 {case.number}",
        "photo_url": "community:my_case_photo", "photo_args": [case.pk],
        "photos_action": reverse("community:my_case_photos", args=[case.pk]),
        "withdraw_action": reverse("community:my_case_withdraw", args=[case.pk]),
        "evaluate_action": reverse("community:my_case_evaluate", args=[case.pk]),
        "breadcrumbs": navigation.breadcrumbs(("我的随手拍", reverse("community:my_cases")), (case.number, ""),
                                              module="community"),
    })


@login_required
def my_case_photo(request, pk, photo):
    """A photo of one's own case: the thumbnail, or the photo itself with ?full=1."""
    case = _own_case(request, pk)
    attachment = next((a for a in _photos(case) if a.pk == photo), None)
    if attachment is None:
        raise Http404("未找到该照片。")
    return file_response(attachment, thumbnail=request.GET.get("full") != "1")


@PREVIEWS
@login_required
@require_POST
def my_case_photos(request, pk):
    """补充照片 to one's own open case."""
    case = _own_case(request, pk)
    if not request.user.has_perm(REPORT_OWN):
        raise PermissionDenied("您的账号没有随手拍上报权限。")
    _add_photos(request, case, request.user)
    return redirect("community:my_case", pk=case.pk)


@login_required
@require_POST
def my_case_withdraw(request, pk):
    """撤回 one's own case, before it is dispatched."""
    case = _own_case(request, pk)
    _step(request, case, "withdraw", request.user)
    return redirect("community:my_case", pk=case.pk)


@login_required
@require_POST
def my_case_evaluate(request, pk):
    """评价 one's own case once it is closed."""
    case = _own_case(request, pk)
    _step(request, case, "evaluate", request.user)
    return redirect("community:my_case", pk=case.pk)


def _add_photos(request, case, user) -> None:
    try:
        added = reporting.add_photos(case, user, request.FILES)
    except ValidationError as exc:
        messages.error(request, f"未能补充照片：{error_message(exc)}")
    else:
        messages.success(request, f"已补充 {added} 张照片。")


def _step(request, case, name, user) -> None:
    """Make the reporter's step through the case's machine: user is the reporter's account, or
    None for a reporter proven by the case's tracking key."""
    transition = CASE_MACHINE.transitions[name]
    try:
        workflows.perform(case, transition, user, request.POST, request.FILES)
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        messages.error(request, f"未能{transition.label}：{error_message(exc)}")
    else:
        messages.success(request, transition.done or f"已{transition.label}。")


# A reporter without an account: the tracking page -------------------------------------------------

def _tracked(key) -> Case:
    case = reporting.case_for_key(key)
    if case is None:
        raise Http404("跟踪链接无效，请检查是否完整复制。")
    return case


@PREVIEWS
@never_cache
@require_http_methods(["GET", "POST"])
def track(request, key):
    """The case a tracking key follows, for the reporter without an account: where it stands and
    each step; POST action=photos (补充照片, while open), withdraw (before dispatch), evaluate (once
    closed). Each step is made as the system (user None), after the key was checked."""
    case = _tracked(key)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "photos":
            if reporting.throttled(request):
                messages.error(request, reporting.THROTTLED)
            else:
                reporting.count_anonymous(request, "tried")
                _add_photos(request, case, None)
        elif action in ("withdraw", "evaluate"):
            _step(request, case, action, None)
        else:
            messages.error(request, "未知的操作。")
        return redirect("community:track", key=key)
    return render(request, "community/track.html", {
        **_steps_context(case), "title": f"随手拍 {case.number}",
        "photo_url": "community:track_photo", "photo_args": [key],
        "photos_action": reverse("community:track", args=[key]), "withdraw_action": reverse("community:track", args=[key]),
        "evaluate_action": reverse("community:track", args=[key]), "tracked": True,
    })


@never_cache
@require_GET
def track_photo(request, key, photo):
    case = _tracked(key)
    attachment = next((a for a in _photos(case) if a.pk == photo), None)
    if attachment is None:
        raise Http404("未找到该照片。")
    return file_response(attachment, thumbnail=request.GET.get("full") != "1")
