"""A rider's own page: their balance, hours, history, expiring points and the catalogue."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from openpark.community import services
from openpark.community.models import Redemption, Reward

URL = "community:my_points"


def test_a_rider_sees_their_own_points(make_user, client_for, worker, other_worker, reward):
    rider = make_user("grid")
    worker.user = rider
    worker.save()
    today = timezone.localdate()
    services.post(worker, lambda book: book.grant("old", today - timedelta(days=350), 12, "志愿服务", hours=3))
    services.grant(worker, "new", 8, "技能比武", hours=2)
    Redemption.objects.create(worker=worker, reward=reward)  # 10 points, from the oldest grant first
    services.grant(other_worker, "theirs", 99, "别人的积分")
    Reward.objects.create(name="电动车头盔", points=50, stock=2)
    Reward.objects.create(name="下架物品", points=1, stock=2, is_active=False)
    response = client_for(rider).get(reverse(URL))
    assert response.status_code == 200
    assert (response.context["balance"], response.context["available"], response.context["hours"]) == (10, 10, 5)
    assert [(lot.source, lot.remaining) for lot in response.context["expiring"]] == [("old", 2)]
    assert [e.reason for e in response.context["entries"]] == ["兑换：骑行雨衣 × 1", "技能比武", "志愿服务"]
    assert [(r.name, ok) for r, ok in response.context["rewards"]] == [("骑行雨衣", True), ("电动车头盔", False)]
    html = response.content.decode()
    assert "别人的积分" not in html and "下架物品" not in html
    assert "2 分将于" in html and "10</strong> 分" in html


def test_a_user_with_no_worker_record_is_told_plainly(make_user, client_for, worker):
    response = client_for(make_user("grid")).get(reverse(URL))
    assert response.status_code == 200 and response.context["worker"] is None
    assert "尚未关联从业人员档案" in response.content.decode()


def test_the_page_is_for_riders(make_user, client_for):
    assert client_for(make_user("economy")).get(reverse(URL)).status_code == 403
