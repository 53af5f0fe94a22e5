"""A rider redeems from their own page (我的积分), for themselves only, under the staff's rules, and
may withdraw a request still waiting: the points and the stock come back, once."""
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from openpark.community import services
from openpark.community.models import LedgerEntry, Redemption
from openpark.core.models import StateChange

PAGE, REDEEM = "community:my_points", "community:redeem_own"


@pytest.fixture
def rider(make_user, worker):
    user = make_user("grid")
    worker.user = user
    worker.save()
    services.grant(worker, "start", 30, "志愿服务", hours=3)
    return user


def redeem(client, reward, quantity=1, key=None, **extra):
    return client.post(reverse(REDEEM), {"reward": reward.pk, "quantity": quantity,
                                         "request_key": key or uuid.uuid4().hex, **extra}, follow=True)


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def state_of(worker, reward):
    worker.refresh_from_db()
    reward.refresh_from_db()
    return (worker.points, reward.stock, Redemption.all_objects.count(), LedgerEntry.objects.count(),
            StateChange.objects.count())


def test_a_rider_redeems_from_their_page(client_for, rider, worker, reward):
    page = client_for(rider).get(reverse(PAGE))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'action="/community/me/redeem/"' in html and 'name="quantity"' in html
    assert [list(r.quantities) for r, _ in page.context["rewards"]] == [[1, 2]]  # limit 2, 30 points
    response = redeem(client_for(rider), reward, 2)
    assert said(response) == ["已申请兑换“骑行雨衣” × 2，用去 20 分，请等待工作人员批准。"]
    redemption = Redemption.objects.get()
    assert (redemption.worker, redemption.quantity, redemption.points, redemption.state) == (
        worker, 2, 20, "requested")
    worker.refresh_from_db()
    reward.refresh_from_db()
    assert (worker.points, reward.stock) == (10, 1)
    entry = LedgerEntry.objects.get(source=redemption.source)
    assert (entry.kind, entry.points) == ("redemption", -20)
    assert "已申请" in response.content.decode() and "撤回" in response.content.decode()


@pytest.mark.parametrize("case, message", [
    ("points", "积分不足：可用 30 分，需要 40 分。"),
    ("stock", "兑换品“骑行雨衣”库存不足（剩余 3 件）。"),
    ("limit", "“骑行雨衣”每人限兑 2 件，已兑 0 件。"),
    ("inactive", "兑换品“骑行雨衣”已下架。"),
    ("quantity", "兑换数量应为 1 至 100 之间的整数。"),
    ("missing", "所选兑换品不存在。"),
    ("key", "页面已过期，请刷新后再兑换。"),
])
def test_each_refusal_is_said_and_writes_nothing(client_for, rider, worker, reward, case, message):
    reward.points, reward.limit_per_person = 10, None
    quantity, extra = 1, {}
    if case == "points":
        reward.points, quantity = 40, 1
    elif case == "stock":
        quantity = 4
    elif case == "limit":
        reward.limit_per_person, quantity = 2, 3
    elif case == "inactive":
        reward.is_active = False
    reward.save()
    before = state_of(worker, reward)
    client = client_for(rider)
    if case == "quantity":
        response = client.post(reverse(REDEEM), {"reward": reward.pk, "quantity": "0",
                                                 "request_key": uuid.uuid4().hex}, follow=True)
    elif case == "missing":
        response = client.post(reverse(REDEEM), {"reward": 99999, "quantity": 1,
                                                 "request_key": uuid.uuid4().hex}, follow=True)
    elif case == "key":
        response = client.post(reverse(REDEEM), {"reward": reward.pk, "quantity": 1, "request_key": "x"}, follow=True)
    else:
        response = redeem(client, reward, quantity, **extra)
    assert said(response) == [message]
    assert state_of(worker, reward) == before


def test_a_rider_cannot_redeem_for_another_worker(client_for, rider, worker, other_worker, reward):
    services.grant(other_worker, "theirs", 50, "别人的积分")
    redeem(client_for(rider), reward, 1, worker=other_worker.pk, worker_id=other_worker.pk)
    redemption = Redemption.objects.get()
    assert redemption.worker == worker
    other_worker.refresh_from_db()
    assert other_worker.points == 50


def test_a_user_without_a_worker_record_redeems_nothing(make_user, client_for, worker, reward):
    response = redeem(client_for(make_user("grid")), reward)
    assert said(response) == ["您的账号尚未关联从业人员档案，不能兑换。"] and not Redemption.objects.exists()


def test_the_same_form_sent_twice_redeems_once(client_for, rider, worker, reward):
    key = uuid.uuid4().hex
    redeem(client_for(rider), reward, 1, key=key)
    again = redeem(client_for(rider), reward, 1, key=key)
    assert said(again) == ["这次兑换已提交过，未重复兑换。"]
    worker.refresh_from_db()
    assert Redemption.objects.count() == 1 and worker.points == 20


def test_a_repeated_key_at_the_database_is_refused_too(rider, worker, reward):
    """Two submissions at once both pass the first look: the unique key refuses the second insert."""
    key = uuid.uuid4().hex
    services.redeem_own(rider, reward.pk, 1, key)

    original = Redemption.all_objects.filter

    def blind(*args, **kwargs):  # the second request does not see the first one's row yet
        if "request_key" in kwargs:
            return Redemption.all_objects.none()
        return original(*args, **kwargs)

    Redemption.all_objects.filter = blind
    try:
        with pytest.raises(ValidationError, match="这次兑换已提交过"):
            services.redeem_own(rider, reward.pk, 1, key)
    finally:
        del Redemption.all_objects.filter
    worker.refresh_from_db()
    reward.refresh_from_db()
    assert (Redemption.objects.count(), worker.points, reward.stock) == (1, 20, 2)


def test_withdrawal_returns_the_points_exactly_once(client_for, rider, worker, reward):
    redeem(client_for(rider), reward, 2)
    redemption = Redemption.objects.get()
    url = reverse("community:withdraw_own", args=[redemption.pk])
    response = client_for(rider).post(url, follow=True)
    assert said(response) == ["已撤回“骑行雨衣”的兑换申请，20 分已退回。"]
    redemption.refresh_from_db()
    worker.refresh_from_db()
    reward.refresh_from_db()
    assert (redemption.state, worker.points, reward.stock) == ("withdrawn", 30, 3)
    assert "已撤回" in response.content.decode()
    again = client_for(rider).post(url, follow=True)
    assert said(again) == ["当前状态为“已撤回”，不能撤回。"]
    worker.refresh_from_db()
    assert worker.points == 30 and LedgerEntry.objects.filter(source=f"withdrawal:{redemption.pk}").count() == 1
    # a withdrawn request no longer counts against the limit
    redeem(client_for(rider), reward, 2)
    assert Redemption.objects.filter(state="requested").count() == 1


def test_only_a_waiting_request_of_ones_own_can_be_withdrawn(make_user, client_for, rider, worker, other_worker,
                                                             reward):
    services.grant(other_worker, "theirs", 50, "别人的积分")
    theirs = Redemption.objects.create(worker=other_worker, reward=reward)
    assert client_for(rider).post(reverse("community:withdraw_own", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "requested"
    staff = make_user("community")
    assert [t.name for t in Redemption.machine.available(theirs, staff)] == ["approve", "refuse"]
    with pytest.raises(PermissionDenied, match="只能撤回本人的兑换申请"):
        services.withdraw_redemption(theirs, user=rider)
    mine = Redemption.objects.create(worker=worker, reward=reward)
    Redemption.machine.apply(mine, "approve", staff)
    response = client_for(rider).post(reverse("community:withdraw_own", args=[mine.pk]), follow=True)
    assert said(response) == ["当前状态为“已批准”，不能撤回。"]
    mine.refresh_from_db()
    assert mine.state == "approved"


def test_the_routes_need_the_rights_and_a_post(make_user, client_for, rider, reward):
    economy = client_for(make_user("economy"))
    assert economy.post(reverse(REDEEM), {"reward": reward.pk, "quantity": 1}).status_code == 403
    assert economy.post(reverse("community:withdraw_own", args=[1])).status_code == 403
    assert client_for(rider).get(reverse(REDEEM)).status_code == 405
    assert client_for(rider).get(reverse("community:withdraw_own", args=[1])).status_code == 405
    assert not Redemption.objects.exists()


def test_the_forms_are_csrf_protected(rider, reward):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rider)
    assert client.post(reverse(REDEEM), {"reward": reward.pk, "quantity": 1,
                                         "request_key": uuid.uuid4().hex}).status_code == 403
    assert not Redemption.objects.exists()


def test_a_waiting_request_is_in_the_office_s_todo_and_the_rider_hears_of_each_step(make_user, client_for, rider,
                                                                                     worker, reward):
    """批准 and 确认领取 wait in the 待办 of whoever may make them; the rider is told of each step in
    their 通知, with a link to their own page, and not of their own 撤回."""
    from openpark.core import workflows
    from openpark.core.models import Notification

    redeem(client_for(rider), reward, 1)
    redemption = Redemption.objects.get()
    officer = make_user("community")
    waiting = {(type(item.obj).__name__, item.obj.pk): item.transition.name for item in workflows.awaiting(officer)}
    assert waiting[("Redemption", redemption.pk)] == "approve"
    assert workflows.awaiting(rider) == []
    response = client_for(officer).post(reverse("community:redemption_transition", args=[redemption.pk, "approve"]),
                                        follow=True)
    assert "已批准，待本人领取" in response.content.decode()
    told = Notification.objects.get(recipient=rider)
    assert (told.kind, told.url) == ("progress", reverse(PAGE)) and "已批准" in told.title
    waiting = {(type(item.obj).__name__, item.obj.pk): item.transition.name for item in workflows.awaiting(officer)}
    assert waiting[("Redemption", redemption.pk)] == "hand_over"
    assert not Notification.objects.filter(recipient=officer).exists()  # who made the step is not told of it
    redeem(client_for(rider), reward, 1)
    mine = Redemption.objects.filter(state="requested").get()
    client_for(rider).post(reverse("community:withdraw_own", args=[mine.pk]))
    assert Notification.objects.filter(recipient=rider).count() == 1
