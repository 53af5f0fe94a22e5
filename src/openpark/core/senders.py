"""Where a notification goes besides the in-app inbox: a pluggable sender per channel.

The setting `NOTIFICATION_SENDERS` lists the senders as dotted paths to `Sender` subclasses; the
default only writes each notification to the log (`openpark.notifications`). A park that sends
SMS or WeChat template messages adds its own sender (see docs/notifications.md): `notify` hands
every notification to every configured sender once its transaction has committed, and a sender
that fails is logged without undoing the notification or stopping the others.
"""
import logging
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

DEFAULT_SENDERS = ("openpark.core.senders.LoggingSender",)

logger = logging.getLogger("openpark.notifications")


class Sender:
    """One channel. `send` delivers one notification (recipient, kind, title, body, url); it
    runs after the commit, outside any request's transaction."""

    def send(self, notification) -> None:
        raise NotImplementedError

    def send_many(self, notifications) -> None:
        """Deliver a batch; a channel with a bulk interface overrides this."""
        for notification in notifications:
            self.send(notification)


class LoggingSender(Sender):
    """Writes each notification to the log: the default, which needs no outside service."""

    def send(self, notification) -> None:
        logger.info("通知 %s → %s：%s", notification.get_kind_display(), notification.recipient_id,
                    notification.title)


@lru_cache(maxsize=1)
def configured_senders() -> tuple[Sender, ...]:
    paths = getattr(settings, "NOTIFICATION_SENDERS", DEFAULT_SENDERS)
    return tuple(import_string(path)() for path in paths)


@receiver(setting_changed)
def _forget_senders(setting, **kwargs):
    if setting == "NOTIFICATION_SENDERS":
        configured_senders.cache_clear()


def deliver(notifications) -> None:
    """Hand the notifications to every configured sender; one sender's failure is logged and
    stops neither the others nor the caller."""
    for sender in configured_senders():
        try:
            sender.send_many(notifications)
        except Exception:
            logger.exception("通知发送失败（%s）", type(sender).__name__)
