"""In-app notifications: a case dispatched to someone, an escalation, a deadline coming or
passed, a leader's instruction.

`notify` writes one notification per recipient in one insert, whatever their number (`notify_many`
several messages to them in one insert too), and hands
them to the configured senders (`openpark.core.senders`) once the transaction commits, so that an
SMS never announces what was rolled back.

Reading them is here too, for the inbox page and the API alike: `inbox` (one's own, or the unread
ones), `mark_read` (one) and `mark_all_read`; `unread_count` for the top bar's badge.
"""
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from . import senders
from .choices import NotificationKind
from .models import Notification


def notify(recipients, *, kind: str, title: str, body: str = "", url: str = "", obj=None) -> list[Notification]:
    """Notify each of `recipients` (users or user ids; repeats and inactive users are left out)
    and return the notifications made."""
    return notify_many(recipients, [{"kind": kind, "title": title, "body": body, "url": url, "obj": obj}])


def notify_many(recipients, messages) -> list[Notification]:
    """Each of `messages` (dicts of notify's kind, title, body, url and obj) to each of
    `recipients`, in one insert and one hand-over to the senders, whatever their number."""
    ids = _recipient_ids(recipients)
    made = []
    for message in messages:
        kind, obj, url = message["kind"], message.get("obj"), message.get("url") or ""
        if kind not in NotificationKind.values:
            raise ValueError(f"unknown notification kind: {kind!r}")
        if obj is not None and not url and hasattr(obj, "get_absolute_url"):
            url = obj.get_absolute_url()
        target = {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk} \
            if obj is not None else {}
        made += [Notification(recipient_id=recipient_id, kind=kind, title=message["title"][:200],
                              body=message.get("body") or "", url=url[:500], **target) for recipient_id in ids]
    made = Notification.objects.bulk_create(made)
    if made:
        transaction.on_commit(lambda: senders.deliver(made))
    return made


def _recipient_ids(recipients) -> list[int]:
    ids = []
    for recipient in recipients:
        if recipient is None or getattr(recipient, "is_active", True) is False:
            continue
        ids.append(getattr(recipient, "pk", recipient))
    return list(dict.fromkeys(ids))


def inbox(user, *, unread_only: bool = False):
    """`user`'s own notifications, newest first; only the unread ones with `unread_only`. Nobody
    reads another's: a notification looked up in here is one's own or not found."""
    notifications = Notification.objects.filter(recipient=user)
    return notifications.unread() if unread_only else notifications


def unread_count(user) -> int:
    return inbox(user, unread_only=True).count()


def mark_read(notification: Notification) -> Notification:
    """Mark one notification read; one read already keeps the time it was first read."""
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk).mark_read(now):
            notification.read_at = now
        else:  # read meanwhile, elsewhere
            notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    """Mark all of `user`'s unread notifications read; how many were."""
    return inbox(user, unread_only=True).mark_read()
