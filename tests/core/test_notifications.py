"""In-app notifications: made in one insert for any number of recipients, handed to the
configured senders after the commit."""
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from openpark.core import senders
from openpark.core.models import Notification
from openpark.core.notifications import inbox, mark_read, notify, notify_many, unread_count
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


class Collecting(senders.Sender):
    sent = []

    def send(self, notification):
        self.sent.append((notification.recipient_id, notification.title))


class Failing(senders.Sender):
    def send(self, notification):
        raise RuntimeError("短信网关不可用")


def queries_to_notify(users) -> int:
    with CaptureQueriesContext(connection) as queries:
        notify(users, kind="dispatch", title="新派单")
    return len(queries)


def test_notifying_many_costs_what_notifying_one_does():
    one, many = UserFactory.create_batch(1), UserFactory.create_batch(30)
    assert queries_to_notify(many) == queries_to_notify(one) == 1
    assert Notification.objects.filter(recipient__in=many).count() == 30


def test_repeats_and_inactive_users_are_left_out_and_the_object_gives_the_link():
    active, inactive = UserFactory(), UserFactory(is_active=False)
    enterprise = EnterpriseFactory()
    made = notify([active, active, active.pk, inactive], kind="escalation", title="问题上报", obj=enterprise)
    assert [n.recipient_id for n in made] == [active.pk]
    assert made[0].url == enterprise.get_absolute_url() and made[0].get_kind_display() == "督办/上报"
    assert unread_count(active) == 1 and unread_count(inactive) == 0


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        notify([UserFactory()], kind="gossip", title="?")


def test_senders_get_each_notification_after_the_commit(settings, django_capture_on_commit_callbacks, caplog):
    settings.NOTIFICATION_SENDERS = ["tests.core.test_notifications.Failing",
                                     "tests.core.test_notifications.Collecting",
                                     "openpark.core.senders.LoggingSender"]
    Collecting.sent.clear()
    users = UserFactory.create_batch(2)
    with caplog.at_level(logging.INFO, logger="openpark.notifications"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notify(users, kind="overdue", title="问题已逾期")
        assert Collecting.sent == []  # nothing leaves before the commit
        for callback in callbacks:
            callback()
    assert sorted(Collecting.sent) == sorted((u.pk, "问题已逾期") for u in users)
    assert "通知发送失败（Failing）" in caplog.text and "通知 已逾期" in caplog.text


def test_many_messages_to_many_people_are_one_insert_and_one_hand_over(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_SENDERS = ["tests.core.test_notifications.Collecting"]
    Collecting.sent.clear()
    users, enterprise = UserFactory.create_batch(3), EnterpriseFactory()
    messages = [{"kind": "overdue", "title": f"逾期{n}", "obj": enterprise} for n in range(10)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with CaptureQueriesContext(connection) as queries:
            made = notify_many(users, messages)
    assert len(queries) == 1 and len(callbacks) == 1 and len(made) == 30
    assert len(Collecting.sent) == 30 and made[0].url == enterprise.get_absolute_url()
    with pytest.raises(ValueError):
        notify_many(users, [{"kind": "gossip", "title": "?"}])
    assert notify_many(users, []) == []


# The inbox ---------------------------------------------------------------------------------------


@pytest.fixture
def two_people():
    me, other = UserFactory(), UserFactory()
    notify([me], kind="dispatch", title="派给我的工单", body="请于三个工作日内处理", url="/core/search/?q=x")
    notify([me], kind="instruction", title="<b>领导批示</b>", url="https://evil.example/")
    notify([other], kind="overdue", title="别人的逾期提醒")
    return me, other


def test_the_inbox_shows_only_ones_own_with_the_unread_badge(two_people, client_for):
    me, _ = two_people
    page = client_for(me).get(reverse("core:notification_list")).content.decode()
    assert "派给我的工单" in page and "别人的逾期提醒" not in page
    assert "&lt;b&gt;领导批示&lt;/b&gt;" in page and "evil.example" not in page  # escaped, no foreign link
    assert '<span class="badge" title="2 条未读">2</span>' in page
    assert "派单" in page and "批示" in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(two_people, client_for):
    me, other = two_people
    client = client_for(me)
    mine = Notification.objects.get(recipient=me, kind="dispatch")
    response = client.post(reverse("core:notification_read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/core/search/?q=x"
    assert unread_count(me) == 1
    theirs = Notification.objects.get(recipient=other)
    assert client.post(reverse("core:notification_read", args=[theirs.pk])).status_code == 404
    assert unread_count(other) == 1
    unread_page = client.get(reverse("core:notification_list"), {"unread": "1"}).content.decode()
    assert "领导批示" in unread_page and "派给我的工单" not in unread_page


def test_mark_all_read_touches_only_ones_own(two_people, client_for):
    me, other = two_people
    response = client_for(me).post(reverse("core:notification_read_all"))
    assert response.status_code == 302 and unread_count(me) == 0 and unread_count(other) == 1
    page = client_for(me).get(reverse("core:notification_list")).content.decode()
    assert "已将 2 条通知标为已读" in page and 'class="badge"' not in page


def test_the_api_gives_only_ones_own(two_people, api_for):
    me, other = two_people
    api = api_for(me)
    listed = api.get("/api/core/notifications/").json()["results"]
    assert {row["title"] for row in listed} == {"派给我的工单", "<b>领导批示</b>"}
    assert {row["kind_display"] for row in listed} == {"派单", "批示"}
    assert len(api.get("/api/core/notifications/", {"unread": "1"}).json()["results"]) == 2
    theirs = Notification.objects.get(recipient=other)
    assert api.get(f"/api/core/notifications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/core/notifications/{theirs.pk}/read/").status_code == 404
    first = listed[0]["id"]
    assert api.get(f"/api/core/notifications/{first}/").json()["read_at"] is None
    assert api.post(f"/api/core/notifications/{first}/read/").json()["read_at"] is not None
    assert api.post("/api/core/notifications/read-all/").json() == {"marked": 1}
    assert unread_count(other) == 1
    assert APIClient().get("/api/core/notifications/").status_code == 401


def badge_counts(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries if 'FROM "core_notification"' in q["sql"])


def test_the_badge_costs_one_query_and_none_for_anonymous_pages(client, client_for):
    assert badge_counts(client, reverse("login")) == 0
    user = UserFactory()
    notify([user], kind="other", title="一条")
    assert badge_counts(client_for(user), reverse("core:search")) == 1


def test_the_inbox_page_and_the_api_list_and_mark_read_alike(two_people, client_for, api_for):
    """Both read one's notifications through `openpark.core.notifications` (inbox, mark_read)."""
    me, other = two_people
    page, api = client_for(me), api_for(me)

    def page_ids(**params) -> list[int]:
        return [n.pk for n, _ in page.get(reverse("core:notification_list"), params).context["rows"]]

    def api_ids(**params) -> list[int]:
        return [row["id"] for row in api.get("/api/core/notifications/", params).json()["results"]]

    assert page_ids() == api_ids() == list(inbox(me).values_list("pk", flat=True)) and len(page_ids()) == 2
    first, second = page_ids()
    page.post(reverse("core:notification_read", args=[first]))
    read_by_page = Notification.objects.get(pk=first).read_at
    read_by_api = api.post(f"/api/core/notifications/{second}/read/").json()["read_at"]
    assert read_by_page is not None and read_by_api is not None
    assert page_ids(unread="1") == api_ids(unread="1") == []
    # Read again, by the other path: each keeps the time it was first read.
    api.post(f"/api/core/notifications/{first}/read/")
    page.post(reverse("core:notification_read", args=[second]))
    assert Notification.objects.get(pk=first).read_at == read_by_page
    assert api.get(f"/api/core/notifications/{second}/").json()["read_at"] == read_by_api
    assert unread_count(me) == 0 and unread_count(other) == 1


def test_marking_read_keeps_the_first_time_and_touches_one_row(two_people):
    me, _ = two_people
    notification = inbox(me, unread_only=True).first()
    with CaptureQueriesContext(connection) as queries:
        assert mark_read(notification).read_at is not None
    assert len(queries) == 1
    first_read = notification.read_at
    stale = Notification.objects.get(pk=notification.pk)
    stale.read_at = None  # an instance read before someone else marked it
    assert mark_read(stale).read_at == first_read
    assert mark_read(notification).read_at == first_read
    assert inbox(me, unread_only=True).count() == unread_count(me) == 1
