"""API tokens: random keys of which only a digest is kept. A key is shown once, when it is
issued; nobody, administrators included, can read it back."""
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import crypto

KEY_BYTES = 20  # 40 hexadecimal characters, as DRF's own tokens
PREFIX_LENGTH = 8
MAX_DAYS = 3650
TOUCH_INTERVAL = timedelta(minutes=1)  # last use is written at most this often


def issue(user, name: str, days: int | None = None):
    """A new token for `user`: (the saved ApiToken, the key to show once)."""
    from .models import ApiToken

    days = settings.API_TOKEN_DAYS if days is None else days
    key = secrets.token_hex(KEY_BYTES)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100] or "接口访问", prefix=key[:PREFIX_LENGTH], digest=crypto.digest(key),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, key


def find(key: str):
    """The live token with this key, or None (unknown, expired, or its account disabled or locked)."""
    from .models import ApiToken

    token = (
        ApiToken.objects.select_related("user")
        .filter(digest__in=crypto.candidate_digests(key or ""))
        .first()
    )
    if token is None or token.is_expired or not token.user.may_sign_in:
        return None
    _touch(token)
    return token


def _touch(token) -> None:
    from .models import ApiToken

    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
