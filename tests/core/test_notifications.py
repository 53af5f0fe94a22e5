"""In-app notifications: made in one insert for any number of recipients, handed to the
configured senders after the commit."""
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpark.core import senders
from openpark.core.models import Notification
from openpark.core.notifications import notify, unread_count
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
