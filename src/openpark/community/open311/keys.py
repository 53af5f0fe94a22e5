"""The keys Open311 clients file cases with (api_key). A key is shown once, when it is issued; only
its SHA-256 digest and its first eight characters (to tell keys apart) are kept."""
import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from openpark.community.models import Open311Key

KEY_BYTES = 20  # 40 hexadecimal characters
PREFIX_LENGTH = 8
TOUCH_INTERVAL = timedelta(minutes=1)  # last use is written at most this often


def digest(key: str) -> str:
    return hashlib.sha256((key or "").encode()).hexdigest()


def issue(name: str, user=None) -> tuple[Open311Key, str]:
    """A new key for the client `name`: (the saved Open311Key, the key to show once)."""
    key = secrets.token_hex(KEY_BYTES)
    record = Open311Key(name=name.strip()[:100] or "Open311 客户端", prefix=key[:PREFIX_LENGTH], digest=digest(key),
                        issued_by=user if user is not None and user.is_authenticated else None)
    record.full_clean()
    record.save()
    return record, key


def find(key: str) -> Open311Key | None:
    """The key in use with this value, its last use noted; None for an unknown or revoked key."""
    key = (key or "").strip()
    if not key:
        return None
    record = Open311Key.objects.filter(digest=digest(key), is_active=True).first()
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > TOUCH_INTERVAL:
        Open311Key.all_objects.filter(pk=record.pk).update_unguarded(last_used_at=now)
        record.last_used_at = now
    return record
