"""A rider signs up for the coming activities from their own page (我的积分), for themselves only,
and may cancel before the day; nothing else is theirs to change."""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openpark.community.models import Activity, Participation

PAGE = "community:my_points"


@pytest.fixture
def rider(make_user, worker):
    user = make_user("grid")
    worker.user = user
    worker.save()
    return user


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


@pytest.fixture
def coming(db):
    return Activity.objects.create(title="骑手消防安全培训", kind="fire_safety", held_on=day(7), hours=2, points=10,
                                   place="党群服务中心")


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_rider_signs_up_and_cancels_from_their_page(client_for, rider, worker, coming):
    client = client_for(rider)
    page = client.get(reverse(PAGE)).content.decode()
    assert "骑手消防安全培训" in page and reverse("community:sign_up_own", args=[coming.pk]) in page
    response = client.post(reverse("community:sign_up_own", args=[coming.pk]), follow=True)
    assert said(response) == [f"已报名“骑手消防安全培训”（{coming.held_on:%Y-%m-%d}）。"]
    joined = Participation.objects.get()
    assert (joined.worker, joined.activity, joined.attended) == (worker, coming, False)
    assert "已报名" in response.content.decode() and reverse("community:cancel_own", args=[coming.pk]) in \
        response.content.decode()
    response = client.post(reverse("community:sign_up_own", args=[coming.pk]), follow=True)
    assert said(response) == ["您已报名“骑手消防安全培训”。"] and Participation.objects.count() == 1
    response = client.post(reverse("community:cancel_own", args=[coming.pk]), follow=True)
    assert said(response) == ["已取消报名“骑手消防安全培训”。"] and not Participation.objects.exists()
    assert Participation.all_objects.get().is_deleted  # kept, as every deletion of a record
    client.post(reverse("community:sign_up_own", args=[coming.pk]))  # signing up again brings it back
    assert Participation.objects.get().pk == joined.pk


@pytest.mark.parametrize("offset, message", [(-1, "该活动不存在、已举行或尚未开放报名。"),
                                             (90, "该活动不存在、已举行或尚未开放报名。")])
def test_a_past_or_far_activity_takes_no_sign_up(client_for, rider, offset, message):
    activity = Activity.objects.create(title="技能比武", kind="skills_contest", held_on=day(offset))
    response = client_for(rider).post(reverse("community:sign_up_own", args=[activity.pk]), follow=True)
    assert said(response) == [message] and not Participation.objects.exists()


def test_no_cancelling_on_the_day_or_once_attended(client_for, rider, worker, coming):
    today = Activity.objects.create(title="主题党日", kind="party_day", held_on=day(0))
    Participation.objects.create(activity=today, worker=worker)
    Participation.objects.create(activity=coming, worker=worker, attended=True)
    for activity, message in ((today, "活动当天及之后不能取消报名。"), (coming, "已签到的活动不能取消报名。")):
        response = client_for(rider).post(reverse("community:cancel_own", args=[activity.pk]), follow=True)
        assert said(response) == [message]
    assert Participation.objects.count() == 2


def test_only_ones_own_sign_up(make_user, client_for, rider, worker, other_worker, coming):
    Participation.objects.create(activity=coming, worker=other_worker)
    # the rider's cancel reaches only their own sign-up, whatever the form says
    response = client_for(rider).post(reverse("community:cancel_own", args=[coming.pk]),
                                      {"worker": other_worker.pk}, follow=True)
    assert said(response) == ["您没有报名该活动。"] and Participation.objects.filter(worker=other_worker).exists()
    response = client_for(make_user("grid")).post(reverse("community:sign_up_own", args=[coming.pk]), follow=True)
    assert said(response) == ["您的账号尚未关联从业人员档案。"]
    for role in ("leader", "economy", "enterprise"):
        assert client_for(make_user(role)).post(reverse("community:sign_up_own", args=[coming.pk])).status_code == 403
    assert client_for(rider).get(reverse("community:sign_up_own", args=[coming.pk])).status_code == 405
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(rider)
    assert forged.post(reverse("community:sign_up_own", args=[coming.pk])).status_code == 403
    assert not Participation.objects.filter(worker=worker).exists()
