"""Who is acting, for the change record: the current request, or an explicit actor in commands
and background tasks."""
import contextvars
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass
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


_current = contextvars.ContextVar("openpark_actor", default=Actor())


def current_actor() -> Actor:
    return _current.get()


def request_id_from(header: str | None) -> str:
    """Keep a caller's request id when it is well-formed, otherwise make one."""
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


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
