"""Copies of the test database held in memory, on SQLite: the schema as the migrations leave it
(with the rows they ship), the demo park, and the demo park with its accounts. A module or a browser
test that needs the park gets it by copying the pages of a copy back (SQLite's backup API, a few
milliseconds) instead of loading it again (seconds). PostgreSQL has no such copy: there the park is
loaded each time (`available()` is false).

The park's uploaded files (evidence photos) are kept beside its copy and written into each test's
own media folder (`write_media`), so that the rows and the files always go together."""
import io
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

_copies: dict[str, tuple[sqlite3.Connection, dict[str, bytes]]] = {}
_files_in_use: dict[str, bytes] = {}
_said: dict[str, str] = {}  # what each command said the last time it ran here


def available() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def take(name: str, files: dict[str, bytes] | None = None) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    _copies[name] = (copy, dict(files or {}))


def restore(name: str) -> None:
    """Make the test database exactly the copy: every table, row and sequence."""
    if name not in _copies:
        _build(name)
    if connection.in_atomic_block:
        raise RuntimeError("a copy is restored outside any transaction")
    connection.ensure_connection()
    copy, files = _copies[name]
    copy.backup(connection.connection)
    use_files(files)


def use_files(files: dict[str, bytes]) -> None:
    """The uploaded files that the rows now in the database refer to."""
    _files_in_use.clear()
    _files_in_use.update(files)


def write_media(root) -> None:
    for relative, content in _files_in_use.items():
        path = Path(root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def load_demo() -> dict[str, bytes]:
    """Load the demo park as `make demo` does; the files it uploaded, by their path in the media folder."""
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        _quietly("load_demo")
        return {str(path.relative_to(media)): path.read_bytes() for path in Path(media).rglob("*") if path.is_file()}


def add_demo_accounts() -> None:
    """One demo account per role, as `make demo` creates them."""
    _quietly("create_demo_users")


def said(command: str) -> str:
    """What `command` wrote the last time it built a park here (the first load of the demo park)."""
    return _said[command]


def _quietly(command: str) -> None:
    out = io.StringIO()
    call_command(command, stdout=out)
    _said[command] = out.getvalue()


def _build(name: str) -> None:
    restore("empty")
    files = load_demo()
    take("demo", files)
    add_demo_accounts()
    take("demo_accounts", files)
    if name not in _copies:
        raise KeyError(name)


@contextmanager
def rolled_back_at_the_end(django_db_blocker):
    """A transaction around a whole test module, rolled back when the module ends: what the module
    builds in it is there for each of its tests, which run in savepoints of it (the `db` fixture)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
