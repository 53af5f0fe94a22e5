import re
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from openpark.core import geo, navigation
from openpark.core.exports import ExportReasonForm, export_reason, export_value, full_fields, record_export, tables_xlsx, \
    xlsx_response
from openpark.core.masking import visible_value
from openpark.core.scoping import is_park_wide
from openpark.core.states import TransitionError

from . import reports, services, stations
from .choices import Facility, RedemptionState
from .map import map_layers
from .models import (
    REDEEM_OWN, VIEW_IDENTITY, Activity, LedgerEntry, Participation, Redemption, Reward, Station, StationInspection,
    Worker,
)

NEAREST_LIMIT = 10
EXPIRING_DAYS = 30
LATEST_ENTRIES = 20
REQUEST_KEY = re.compile(r"[0-9a-f]{32}")


def worker_panel(request, worker):
    """The worker's identity as the user may see it, and their points: balance, what expires soon,
    the latest entries."""
    book = services.ledger_of(worker)
    today = timezone.localdate()
    return {"key": "worker", "title": "身份信息与积分", "template": "community/panels/worker.html", "context": {
        "phone": visible_value(worker, "phone", request.user),
        "id_number": visible_value(worker, "id_number", request.user),
        "balance": book.balance, "available": book.available(today), "hours": book.hours,
        "expiring": book.expiring(today, EXPIRING_DAYS),
        "entries": list(LedgerEntry.objects.filter(worker=worker).order_by("-pk")[:LATEST_ENTRIES]),
        "may_see_ledger": request.user.has_perm("community.view_ledgerentry"),
    }}


def activity_panel(request, activity):
    if not request.user.has_perm("community.view_participation"):
        return None
    rows = Participation.objects.filter(activity=activity)
    granted = LedgerEntry.objects.filter(source__startswith=f"activity:{activity.pk}:worker:").count()
    return {"key": "participations", "title": "报名与签到", "template": "community/panels/activity.html", "context": {
        "signed_up": rows.count(), "attended": rows.filter(attended=True).count(), "granted": granted,
        "url": f"{reverse('community:participation_list')}?{urlencode({'q': activity.title})}",
        "may_grant": request.user.has_perm("community.add_ledgerentry") and activity.points > 0,
        "grant_url": reverse("community:activity_grant", args=[activity.pk]),
        "report_url": f"{reverse('community:reports')}?year={activity.held_on.year}"
        if request.user.has_perm(REPORT_PERMISSION) and is_park_wide(request.user) else "",
    }}


def station_panel(request, station):
    """Whether the station is open now, and the map opened on it."""
    now = timezone.localtime().time()
    return {"key": "station-map", "title": "位置与开放", "template": "community/panels/station.html", "context": {
        "open": stations.is_open(station.opens_at, station.closes_at, now), "hours": station.hours,
        "map_url": f"{reverse('community:map')}?station={station.pk}",
    }}


def inspection_panel(request, station):
    """The station's latest inspection against the standard checklist, and what failed in it."""
    if not request.user.has_perm("community.view_stationinspection"):
        return None
    inspections = list(StationInspection.objects.filter(station=station).order_by("-inspected_on", "-pk"))
    latest = inspections[0] if inspections else None
    query = f"?station={station.pk}"
    return {"key": "inspections", "title": "驿站检查", "template": "community/panels/station_inspection.html",
            "context": {
                "latest": latest, "result": latest.result if latest else None, "count": len(inspections),
                "url": reverse("community:stationinspection_list") + query,
                "add_url": reverse("community:stationinspection_add") + query
                if request.user.has_perm("community.add_stationinspection") else "",
            }}


@login_required
@require_POST
@permission_required("community.add_ledgerentry", raise_exception=True)
def grant_activity(request, pk):
    """发放积分: each attendee of the activity gets its points and hours, once."""
    activity = get_object_or_404(Activity.objects.all(), pk=pk)
    try:
        written = services.grant_activity(activity)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已为 {len(written)} 名签到人员发放积分。" if written else "签到人员均已发放过积分，未重复发放。")
    return redirect(activity.get_absolute_url())


# The nearest open station -------------------------------------------------------------------------


def _coordinate(text: str) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    # a number of more than four digits before the point (1e999) is no coordinate, and would read
    # "inf" in the message
    return value if value.is_finite() and value.adjusted() < 4 else None


def _time(text: str):
    try:
        return datetime.strptime((text or "").strip(), "%H:%M").time()
    except ValueError:
        return None


@login_required
@permission_required("community.view_station", raise_exception=True)
def nearest_stations(request):
    """附近驿站: the stations open now, nearest first, from the phone's position (the browser's
    geolocation, when the rider allows it) or from a station chosen as the starting point."""
    error, found, origin = "", None, None
    at = timezone.localtime().time().replace(second=0, microsecond=0)
    if request.GET.get("at"):
        at = _time(request.GET["at"])
        if at is None:
            error, at = "时间格式应为“时:分”，如 14:30。", timezone.localtime().time()
    places = list(Station.objects.order_by("pk"))
    facility = request.GET.get("facility", "")
    labels = dict(Facility.choices)
    if facility and facility not in labels:
        error, facility = "所选的设施不在设施清单中。", ""
    start = request.GET.get("from", "")
    if start:
        chosen = next((s for s in places if str(s.pk) == start), None)
        if chosen is None:
            error = error or "所选的起点站点不存在。"
        else:
            origin = (chosen.longitude, chosen.latitude)
    elif request.GET.get("lon") or request.GET.get("lat"):
        lon, lat = _coordinate(request.GET.get("lon")), _coordinate(request.GET.get("lat"))
        try:
            if lon is None or lat is None:
                raise ValueError("经纬度必须是数字。")
            geo.check_position([lon, lat])
            origin = (lon, lat)
        except ValueError as exc:
            error = error or f"位置无效：{exc}"
    if origin is not None and not error:
        by_pk = {s.pk: s for s in places}
        found = [(by_pk[place.key], round(distance)) for place, distance in stations.nearest_open(
            [stations.Place(s.pk, float(s.longitude), float(s.latitude), s.opens_at, s.closes_at) for s in places
             if not facility or s.has_facility(facility)],
            float(origin[0]), float(origin[1]), at, NEAREST_LIMIT)]
    return render(request, "community/nearest.html", {
        "title": "附近驿站", "breadcrumbs": navigation.breadcrumbs(("附近驿站", ""), module="community"),
        "error": error, "found": found, "at": at, "places": places, "start": start,
        "lon": request.GET.get("lon", ""), "lat": request.GET.get("lat", ""),
        "facilities": Facility.choices, "facility": facility, "facility_label": labels.get(facility, ""),
    }, status=400 if error else 200)


# A rider's own points ---------------------------------------------------------------------------------


MAX_QUANTITY = 100  # as Redemption.quantity allows


def _most(reward, available: int, taken: int) -> int:
    """How many of the reward the worker may ask for now: within stock, limit and points."""
    most = min(reward.stock, MAX_QUANTITY, available // reward.points if reward.points else 0)
    if reward.limit_per_person is not None:
        most = min(most, reward.limit_per_person - taken)
    return max(most, 0)


@login_required
@permission_required("community.view_own_points", raise_exception=True)
def my_points(request):
    """我的积分: the signed-in worker's balance and hours, the points that expire soon, their
    entries, the catalogue they may redeem from (兑换, for who may), and their redemptions, those
    still waiting with a 撤回 button."""
    worker = Worker.objects.filter(user=request.user).select_related("employer", "station").first()
    context = {"title": "我的积分", "breadcrumbs": navigation.breadcrumbs(("我的积分", ""), module="community"),
               "worker": worker}
    if worker is not None:
        today = timezone.localdate()
        book = services.ledger_of(worker)
        available = book.available(today)
        rewards = list(Reward.objects.filter(is_active=True).order_by("points", "name"))
        redemptions = list(Redemption.objects.filter(worker=worker).select_related("reward").order_by("-pk"))
        taken = {}
        for redemption in redemptions:
            if redemption.state not in services.RETURNED:
                taken[redemption.reward_id] = taken.get(redemption.reward_id, 0) + redemption.quantity
        for reward in rewards:
            reward.most = _most(reward, available, taken.get(reward.pk, 0))
            reward.quantities = range(1, reward.most + 1)
        context.update({
            "balance": book.balance, "available": available, "hours": book.hours,
            "expiring": book.expiring(today, EXPIRING_DAYS), "expiring_days": EXPIRING_DAYS,
            "entries": list(LedgerEntry.objects.filter(worker=worker).order_by("-pk")[:100]),
            "rewards": [(reward, reward.stock > 0 and reward.points <= available) for reward in rewards],
            "may_redeem": request.user.has_perm(REDEEM_OWN), "request_key": uuid.uuid4().hex,
            "redemptions": redemptions, "requested": RedemptionState.REQUESTED,
            "may_sign_up": request.user.has_perm(SIGN_UP_OWN), "activities": _upcoming_for(worker, today),
            "today": today,
        })
    return render(request, "community/my_points.html", context)


SIGN_UP_OWN = "community.sign_up_own"


def _upcoming_for(worker, today):
    """The activities of the coming weeks, each with whether the worker has signed up."""
    activities = list(services.upcoming_activities(today).select_related("station", "organiser"))
    mine = set(Participation.objects.filter(worker=worker, activity__in=activities).values_list("activity_id",
                                                                                              flat=True))
    return [(activity, activity.pk in mine) for activity in activities]


@login_required
@require_POST
@permission_required("community.view_own_points", raise_exception=True)
@permission_required(SIGN_UP_OWN, raise_exception=True)
def sign_up_own(request, pk):
    """报名 from 我的积分: always the signed-in rider's own sign-up."""
    return _own_sign_up_step(request, pk, services.sign_up_own,
                             lambda p: f"已报名“{p.activity.title}”（{p.activity.held_on:%Y-%m-%d}）。")


@login_required
@require_POST
@permission_required("community.view_own_points", raise_exception=True)
@permission_required(SIGN_UP_OWN, raise_exception=True)
def cancel_own(request, pk):
    """取消报名 from 我的积分, before the day of the activity."""
    return _own_sign_up_step(request, pk, services.cancel_own, lambda p: f"已取消报名“{p.activity.title}”。")


def _own_sign_up_step(request, pk, step, said):
    """Make the rider's own sign-up step and say how it went, back on 我的积分's activities."""
    try:
        participation = step(request.user, pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, said(participation))
    return redirect(f"{reverse('community:my_points')}#my-activities")


# The map of the service network -----------------------------------------------------------------------


@login_required
@permission_required("community.view_station", raise_exception=True)
def station_map(request):
    """服务站点地图: the centres, the 小哥驿站 and the 靖小蜂 stations, each tier in its colour and size,
    those closed now hollow; `?station=<id>` opens on that station."""
    focus = request.GET.get("station", "")
    return render(request, "community/map.html", {
        "title": "服务站点地图", "breadcrumbs": navigation.breadcrumbs(("服务站点地图", ""), module="community"),
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "focus": focus if focus.isdigit() else "",
        "list_url": reverse("community:station_list"), "nearest_url": reverse("community:nearest_stations"),
    })


@login_required
@permission_required("community.view_station", raise_exception=True)
def station_map_data(request):
    return JsonResponse(map_layers(request.user, settings.MAP_TILE_CRS))
# 活动统计 and the rosters for the party and union offices ------------------------------------------

REPORT_PERMISSION = "community.view_activity"
ROSTER_PERMISSION = "community.view_worker"
FIGURE_HEADERS = list(reports.HEADERS)
ROSTERS = {
    "party": {"title": "党员名册", "flag": "party_member", "kinds": services.PARTY_KINDS,
              "activity_kinds": services.PARTY_ACTIVITIES, "organisations": "党组织", "activities": "党建活动"},
    "union": {"title": "工会会员名册", "flag": "union_member", "kinds": services.UNION_KINDS,
              "activity_kinds": services.UNION_ACTIVITIES, "organisations": "工会组织", "activities": "工会服务活动"},
}


def _park_wide_only(request, what: str) -> None:
    if not is_park_wide(request.user):
        raise PermissionDenied(f"{what}仅向园区管理人员开放。")


def _year(request) -> tuple[int, str]:
    return reports.parse_year(request.GET.get("year") or request.POST.get("year"), timezone.localdate().year)


def _report_sheets(report: reports.Report) -> list:
    park = [(label, *figures.values()) for label, figures in report.park.lines()]
    kinds = [(label, *figures.values()) for label, figures in report.kinds]
    organisers = [(label, *figures.values()) for label, figures in report.organisers]
    teams = [(name, label, *figures.values()) for _, name, months in report.teams for label, figures in months.lines()]
    return [
        (f"{report.year}年全园区按月", ["月份", *FIGURE_HEADERS], park),
        ("按活动类型", ["活动类型", *FIGURE_HEADERS], kinds),
        ("按主办组织", ["主办组织", *FIGURE_HEADERS], organisers),
        ("志愿队伍按月", ["志愿队伍", "月份", *FIGURE_HEADERS], teams),
    ]


@login_required
@permission_required(REPORT_PERMISSION, raise_exception=True)
def activity_report(request):
    """活动统计: the year's activities per month for the whole park, per activity kind, per
    organiser and per volunteer team and month, with an xlsx of the same tables."""
    _park_wide_only(request, "活动统计")
    year, error = _year(request)
    if error:
        return render(request, "community/reports.html", {
            "title": "活动统计", "breadcrumbs": navigation.breadcrumbs(("活动统计", ""), module="community"),
            "error": error, "year": year}, status=400)
    report = services.activity_report(year)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(tables_xlsx(_report_sheets(report)), f"活动统计-{year}年.xlsx")
    may_see_identity = request.user.has_perm(VIEW_IDENTITY)
    return render(request, "community/reports.html", {
        "title": "活动统计", "breadcrumbs": navigation.breadcrumbs(("活动统计", ""), module="community"),
        "year": year, "report": report, "headers": FIGURE_HEADERS,
        "may_export_rosters": request.user.has_perm(ROSTER_PERMISSION), "may_see_identity": may_see_identity,
        "reason_form": ExportReasonForm() if may_see_identity else None,
        "months": reports.MONTH_LABELS,
    })


def _roster_sheets(kind: str, data: dict, year: int, full: set[str]) -> list:
    spec = ROSTERS[kind]

    def shown(worker, name):
        return export_value(name, getattr(worker, name), full, Worker) or ""

    workers = [(w.name, w.employer.name if w.employer else "", w.get_job_type_display(),
                w.station.name if w.station else "", "、".join(teams), shown(w, "phone"), shown(w, "id_number"),
                float(w.hours), w.points, "是" if w.grid_worker else "否") for w, teams in data["workers"]]
    organisations = [(o.name, o.get_kind_display(), o.parent.name if o.parent else "", o.officers, o.enterprises)
                     for o in data["organisations"]]
    activities = [(a.held_on.strftime("%Y-%m-%d"), a.title, a.get_kind_display(), a.organiser.name if a.organiser else "",
                   row.signed_up, row.attended, reports.rate_text(reports.grand_total([row]).rate),
                   float(reports.grand_total([row]).hours)) for a, row in data["activities"]]
    return [
        (spec["title"], ["姓名", "所属企业", "从业类型", "常驻驿站", "志愿队伍", "手机号", "身份证号", "服务时长（小时）",
                         "积分余额", "兼职网格员"], workers),
        (spec["organisations"], ["组织名称", "组织类型", "上级组织", "负责人", "覆盖企业数"], organisations),
        (f"{year}年{spec['activities']}", ["活动日期", "活动名称", "活动类型", "主办组织", "报名人数", "签到人数", "签到率",
                                         "服务时长（小时）"], activities),
    ]


@login_required
@require_http_methods(["GET", "POST"])
@permission_required(ROSTER_PERMISSION, raise_exception=True)
def roster_export(request, kind):
    """党员名册 / 工会会员名册 as xlsx, for the party and the union office: phones and ID numbers
    masked, unless the user may see them and gives a reason (导出事由, POST), which the audit
    trail records with the export."""
    spec = ROSTERS[kind]
    _park_wide_only(request, spec["title"])
    year, error = _year(request)
    reason = ""
    if not error:
        try:
            reason = export_reason(request)
        except ValidationError as exc:
            error = "；".join(exc.messages)
    if error:
        return render(request, "community/reports.html", {
            "title": "活动统计", "breadcrumbs": navigation.breadcrumbs(("活动统计", ""), module="community"),
            "error": error, "year": year}, status=400)
    full = full_fields(Worker, request.user, reason)
    data = services.roster(spec["flag"], spec["kinds"], spec["activity_kinds"], year)
    record_export(Worker, request.user, len(data["workers"]), reason, full, spec["title"])
    return xlsx_response(tables_xlsx(_roster_sheets(kind, data, year, full)), f"{spec['title']}-{year}年.xlsx")


def team_panel(request, team):
    """The team's activities this year, month by month, and the way to the whole report."""
    if not (request.user.has_perm(REPORT_PERMISSION) and is_park_wide(request.user)):
        return None
    year = timezone.localdate().year
    return {"key": "team-months", "title": f"{year}年活动统计", "template": "community/panels/team_months.html",
            "context": {"year": year, "lines": services.team_months(team, year).lines(), "headers": FIGURE_HEADERS,
                        "url": f"{reverse('community:reports')}?year={year}#team-{team.pk}"}}
MEMBERS_SHOWN = 50


def team_members_panel(request, team):
    """The team's members (队员): how many, and the first of them by name, each linked."""
    if not request.user.has_perm("community.view_worker"):
        return None
    members = team.members.select_related("employer").order_by("name", "pk")
    shown = list(members[:MEMBERS_SHOWN + 1])
    return {"key": "team-members", "title": "队员", "template": "community/panels/team_members.html",
            "context": {"members": shown[:MEMBERS_SHOWN], "count": members.count() if len(shown) > MEMBERS_SHOWN
                        else len(shown), "more": len(shown) > MEMBERS_SHOWN,
                        "url": f"{reverse('community:worker_list')}?team={team.pk}"}}


def _whole(text) -> int | None:
    try:
        return int(str(text or "").strip())
    except ValueError:
        return None


@login_required
@require_POST
@permission_required("community.view_own_points", raise_exception=True)
@permission_required(REDEEM_OWN, raise_exception=True)
def redeem_own(request):
    """兑换 from 我的积分: always for the signed-in user's own worker record (a worker named in the
    form is ignored), under the same rules as the staff's 积分兑换."""
    quantity, key = _whole(request.POST.get("quantity")), request.POST.get("request_key", "")
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        messages.error(request, f"兑换数量应为 1 至 {MAX_QUANTITY} 之间的整数。")
    elif not REQUEST_KEY.fullmatch(key):
        messages.error(request, "页面已过期，请刷新后再兑换。")
    else:
        try:
            redemption = services.redeem_own(request.user, _whole(request.POST.get("reward")), quantity, key)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已申请兑换“{redemption.reward.name}” × {redemption.quantity}，"
                                      f"用去 {redemption.points} 分，请等待工作人员批准。")
    return redirect("community:my_points")


@login_required
@require_POST
@permission_required("community.view_own_points", raise_exception=True)
@permission_required(REDEEM_OWN, raise_exception=True)
def withdraw_own(request, pk):
    """撤回 one's own redemption while it is still 已申请: the points and the stock come back."""
    redemption = get_object_or_404(Redemption.objects.filter(worker__user=request.user).select_related("reward"),
                                   pk=pk)
    try:
        services.withdraw_redemption(redemption, user=request.user)
    except (TransitionError, PermissionDenied, ValidationError) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, f"已撤回“{redemption.reward.name}”的兑换申请，{redemption.points} 分已退回。")
    return redirect("community:my_points")
