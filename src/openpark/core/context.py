"""Who is acting, for the change record: the current request, or an explicit actor in commands
and background tasks."""
import contextvars
import ipaddress
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    request_id: str = ""
    source: str = ""
    request: object | None = None

    def resolved_user(self):
        """The authenticated user; read late, as DRF authenticates tokens inside the view."""
        if self.request is not None:
            user = getattr(self.request, "user", None)
            return user if user is not None and user.is_authenticated else None
        return self.user


NOBODY = Actor()  # no request, no command: a change made from a shell
_current = contextvars.ContextVar("openpark_actor", default=None)


def current_actor() -> Actor:
    return _current.get() or NOBODY


def request_id_for(request) -> str:
    """The request's id: made here, or taken from a trusted proxy's well-formed X-Request-ID.
    A client's own header is never believed: it would let anyone stamp records with an id of
    their choosing."""
    header = request.headers.get("X-Request-ID")
    if header and _REQUEST_ID.match(header) and from_trusted_proxy(request):
        return header
    return uuid.uuid4().hex


def _networks(values) -> list:
    return [ipaddress.ip_network(value, strict=False) for value in values]


def _is_trusted(address: str) -> bool:
    from django.conf import settings

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(settings.TRUSTED_PROXIES))


def from_trusted_proxy(request) -> bool:
    return _is_trusted(request.META.get("REMOTE_ADDR", ""))


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or, behind a trusted proxy (TRUSTED_PROXIES), the
    last address in X-Forwarded-For that is not itself a trusted proxy. Addresses the client
    wrote further left are not believed."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not from_trusted_proxy(request):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address):
            return address if _is_address(address) else remote
    return remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@contextmanager
def acting_request(request):
    token = _current.set(
        Actor(request=request, request_id=request.id, source=client_address(request))
    )
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def acting_as(user=None, source: str = "", request_id: str = ""):
    """Attribute changes made inside the block to `user` (commands, tasks, imports)."""
    token = _current.set(
        Actor(user=user, source=source, request_id=request_id or uuid.uuid4().hex)
    )
    try:
        yield
    finally:
        _current.reset(token)
