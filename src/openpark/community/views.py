import re
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.urls import reverse
from django.utils import timezone

from openpark.core import geo, navigation
from openpark.core.masking import visible_value
from openpark.core.states import TransitionError

from . import services, stations
from .choices import RedemptionState
from .models import REDEEM_OWN, Activity, LedgerEntry, Participation, Redemption, Reward, Station, Worker

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
        "url": f"{reverse('community:participation_list')}?q={activity.title}",
        "may_grant": request.user.has_perm("community.add_ledgerentry") and activity.points > 0,
        "grant_url": reverse("community:activity_grant", args=[activity.pk]),
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
    return value if value.is_finite() else None


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
            [stations.Place(s.pk, float(s.longitude), float(s.latitude), s.opens_at, s.closes_at) for s in places],
            float(origin[0]), float(origin[1]), at, NEAREST_LIMIT)]
    return render(request, "community/nearest.html", {
        "title": "附近驿站", "breadcrumbs": navigation.breadcrumbs(("附近驿站", ""), module="community"),
        "error": error, "found": found, "at": at, "places": places, "start": start,
        "lon": request.GET.get("lon", ""), "lat": request.GET.get("lat", ""),
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
        })
    return render(request, "community/my_points.html", context)


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
