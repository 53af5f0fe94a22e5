"""Points on the database: activity grants once per attendee, redemptions take points oldest
first and hold stock, a refusal returns both, the ledger is append-only, expiry runs in bulk."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openpark.community import services
from openpark.community.models import Activity, LedgerEntry, Participation, Redemption
from openpark.core.models import FrozenRecordError, StateChange


@pytest.fixture
def activity(worker, other_worker):
    activity = Activity.objects.create(title="消防安全培训", kind="fire_safety", held_on=timezone.localdate(),
                                       hours="2.5", points=15)
    Participation.objects.create(activity=activity, worker=worker, attended=True)
    Participation.objects.create(activity=activity, worker=other_worker, attended=False)
    return activity


def test_an_activity_grants_its_attendees_once(activity, worker, other_worker):
    assert len(services.grant_activity(activity)) == 1
    assert services.grant_activity(activity) == []  # the same event again writes nothing
    worker.refresh_from_db()
    other_worker.refresh_from_db()
    assert (worker.points, worker.hours, other_worker.points) == (15, 2.5, 0)
    entry = LedgerEntry.objects.get(worker=worker)
    assert entry.source == f"activity:{activity.pk}:worker:{worker.pk}" and entry.reason == "参加活动：消防安全培训"


def test_an_activity_not_yet_held_grants_nothing(activity):
    activity.held_on = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError, match="活动尚未举行"):
        services.grant_activity(activity)
    assert not LedgerEntry.objects.exists()


def test_ledger_entries_cannot_be_changed_or_deleted(activity, worker):
    services.grant_activity(activity)
    entry = LedgerEntry.objects.get(worker=worker)
    entry.points = 1000
    with pytest.raises(FrozenRecordError, match="积分流水只能追加"):
        entry.save()
    with pytest.raises(FrozenRecordError):
        LedgerEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(FrozenRecordError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).points == 15


def test_a_redemption_takes_points_and_holds_stock(worker, reward):
    services.grant(worker, "g1", 25, "志愿服务")
    redemption = Redemption(worker=worker, reward=reward, quantity=2)
    redemption.full_clean()
    redemption.save()
    worker.refresh_from_db()
    reward.refresh_from_db()
    assert (redemption.points, worker.points, reward.stock) == (20, 5, 1)
    assert LedgerEntry.objects.get(source=redemption.source).points == -20


@pytest.mark.parametrize("quantity, message", [
    (3, "每人限兑 2 件"), (2, None),
])
def test_a_redemption_keeps_to_the_limit_and_the_balance(worker, reward, quantity, message):
    services.grant(worker, "g1", 15, "志愿服务")
    redemption = Redemption(worker=worker, reward=reward, quantity=quantity)
    with pytest.raises(ValidationError) as caught:
        redemption.full_clean()
    assert (message or "积分不足：可用 15 分，需要 20 分。") in str(caught.value)
    assert not Redemption.objects.exists()


def test_redeeming_through_the_api_refuses_in_chinese_and_changes_nothing(make_user, api_for, worker, reward):
    api = api_for(make_user("community"))
    response = api.post("/api/community/redemptions/", {"worker": worker.pk, "reward": reward.pk}, format="json")
    assert response.status_code == 400 and "积分不足" in response.content.decode()
    services.grant(worker, "g1", 10, "志愿服务")
    response = api.post("/api/community/redemptions/", {"worker": worker.pk, "reward": reward.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "requested" and response.json()["points"] == 10


def test_refusing_returns_the_points_and_the_stock(make_user, client_for, worker, reward):
    services.grant(worker, "g1", 10, "志愿服务")
    redemption = Redemption.objects.create(worker=worker, reward=reward)
    client = client_for(make_user("community"))
    url = reverse("community:redemption_transition", args=[redemption.pk, "refuse"])
    assert client.post(url, {"note": ""}).status_code in (200, 400)  # a refusal needs its reason
    redemption.refresh_from_db()
    assert redemption.state == "requested"
    response = client.post(url, {"note": "库存盘点有误"})
    assert response.status_code == 302
    redemption.refresh_from_db()
    worker.refresh_from_db()
    reward.refresh_from_db()
    assert (redemption.state, worker.points, reward.stock) == ("refused", 10, 3)
    reversal = LedgerEntry.objects.get(kind="reversal")
    assert reversal.ref == redemption.source and reversal.points == 10 and "库存盘点有误" in reversal.reason
    assert StateChange.objects.filter(transition="refuse", object_id=str(redemption.pk)).exists()


def test_approve_then_hand_over(make_user, client_for, worker, reward):
    services.grant(worker, "g1", 10, "志愿服务")
    redemption = Redemption.objects.create(worker=worker, reward=reward)
    client = client_for(make_user("community"))
    for name in ("approve", "hand_over"):
        assert client.post(reverse("community:redemption_transition", args=[redemption.pk, name]), {}).status_code == 302
    redemption.refresh_from_db()
    worker.refresh_from_db()
    assert redemption.state == "handed_over" and worker.points == 0
    refuse = reverse("community:redemption_transition", args=[redemption.pk, "refuse"])
    client.post(refuse, {"note": "晚了"})
    redemption.refresh_from_db()
    assert redemption.state == "handed_over"  # what has been handed over is not refused


def test_a_grid_worker_cannot_approve(make_user, client_for, worker, reward):
    services.grant(worker, "g1", 10, "志愿服务")
    redemption = Redemption.objects.create(worker=worker, reward=reward)
    response = client_for(make_user("grid")).post(
        reverse("community:redemption_transition", args=[redemption.pk, "approve"]), {})
    assert response.status_code in (403, 404)
    redemption.refresh_from_db()
    assert redemption.state == "requested"


def test_expiry_runs_for_all_workers_at_once(worker, other_worker, django_assert_max_num_queries):
    long_ago = timezone.localdate() - timedelta(days=400)
    services.post(worker, lambda book: book.grant("old", long_ago, 10, "旧积分"))
    services.post(other_worker, lambda book: book.grant("old", long_ago, 7, "旧积分"))
    services.grant(worker, "new", 5, "新积分")
    with django_assert_max_num_queries(20):
        assert services.expire_points() == 2
    worker.refresh_from_db()
    other_worker.refresh_from_db()
    assert (worker.points, other_worker.points) == (5, 0)
    assert services.expire_points() == 0


def test_the_validity_period_is_configurable(settings, worker):
    settings.OPENPARK_POINTS_VALIDITY_DAYS = 30
    services.grant(worker, "g1", 5, "志愿服务", on=date(2026, 1, 1))
    assert LedgerEntry.objects.get(source="g1").expires_on == date(2026, 1, 31)


def test_the_activity_page_grants_its_attendees_once(make_user, client_for, activity, worker):
    client = client_for(make_user("community"))
    page = client.get(activity.get_absolute_url()).content.decode()
    assert 'id="activity-grant"' in page and "签到 1 人，已发放积分 0 人" in page
    url = reverse("community:activity_grant", args=[activity.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "已为 1 名签到人员发放积分。" in response.content.decode()
    response = client.post(url, follow=True)
    assert "均已发放过积分，未重复发放" in response.content.decode()
    worker.refresh_from_db()
    assert worker.points == 15 and LedgerEntry.objects.count() == 1


def test_only_who_may_write_points_grants_them(make_user, client_for, activity):
    client = client_for(make_user("leader"))
    assert 'id="activity-grant"' not in client.get(activity.get_absolute_url()).content.decode()
    assert client.post(reverse("community:activity_grant", args=[activity.pk])).status_code == 403
    assert not LedgerEntry.objects.exists()


def test_the_beat_schedule_expires_points_daily(settings, worker):
    import io

    from django.core.management import call_command

    assert settings.CELERY_BEAT_SCHEDULE["points_expiry"]["task"] == "community.expire_points"
    services.post(worker, lambda book: book.grant("old", timezone.localdate() - timedelta(days=400), 10, "旧积分"))
    out = io.StringIO()
    call_command("run_periodic_checks", "points_expiry", stdout=out, stderr=io.StringIO())
    assert "points_expiry：community.expire_points 已完成。" in out.getvalue()
    worker.refresh_from_db()
    assert worker.points == 0 and LedgerEntry.objects.filter(kind="expiry").count() == 1


def test_a_redemption_is_never_deleted_and_once_closed_never_changed(make_user, api_for, worker, reward):
    services.grant(worker, "g1", 10, "志愿服务")
    redemption = Redemption.objects.create(worker=worker, reward=reward)
    response = api_for(make_user("community")).delete(f"/api/community/redemptions/{redemption.pk}/")
    assert response.status_code == 400 and "兑换记录不能删除" in response.json()["detail"]
    with pytest.raises(FrozenRecordError):
        Redemption.objects.filter(pk=redemption.pk).delete()
    with pytest.raises(FrozenRecordError):
        redemption.delete()
    assert Redemption.objects.filter(pk=redemption.pk).exists()
    services.refuse_redemption(redemption, "refuse", None, "重复申请")
    redemption.refresh_from_db()
    redemption.note = "改说明"
    with pytest.raises(FrozenRecordError, match="已领取、已驳回或已撤回的兑换不能修改"):
        redemption.save()
