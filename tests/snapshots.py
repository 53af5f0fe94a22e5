"""Copies of the test database: the schema as the migrations leave it (with the rows they ship), the
demo park, and the demo park with its accounts. A module or a browser test that needs the park gets
it from a copy instead of loading it again (seconds). On SQLite the copies are held in memory and
copied back page by page (SQLite's backup API, a few milliseconds); on PostgreSQL they are databases
of their own, and the test database is made anew from one (`CREATE DATABASE ... TEMPLATE`, well
under a second), the copies dropped when the session ends.

The park's uploaded files (evidence photos) are kept beside its copy and written into each test's
own media folder (`write_media`), so that the rows and the files always go together."""
import io
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

_copies: dict[str, tuple[sqlite3.Connection | str, dict[str, bytes]]] = {}
_files_in_use: dict[str, bytes] = {}
_said: dict[str, str] = {}  # what each command said the last time it ran here


def available() -> bool:
    return connection.vendor == "postgresql" or (connection.vendor == "sqlite" and connection.is_in_memory_db())


def take(name: str, files: dict[str, bytes] | None = None) -> None:
    if connection.vendor == "postgresql":
        copy = _copy_name(name)
        _postgres_copy(connection.settings_dict["NAME"], copy)
    else:
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
    copy, files = _copies[name]
    if connection.vendor == "postgresql":
        _postgres_copy(copy, connection.settings_dict["NAME"])
    else:
        connection.ensure_connection()
        copy.backup(connection.connection)
    use_files(files)


def drop_copies() -> None:
    """The copies made on PostgreSQL, dropped at the end of the session (SQLite's go with the process)."""
    for name, (copy, _) in list(_copies.items()):
        if isinstance(copy, str):
            with _server() as server:
                server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))
        del _copies[name]


def _copy_name(name: str) -> str:
    return f"{connection.settings_dict['NAME']}_{name}"[:63]


def _server():
    """A connection to the server's maintenance database, outside Django's (which the copying closes)."""
    settings = connection.settings_dict
    return psycopg.connect(dbname="postgres", host=settings["HOST"] or None, port=settings["PORT"] or None,
                           user=settings["USER"] or None, password=settings["PASSWORD"] or None, autocommit=True)


def _postgres_copy(source: str, target: str) -> None:
    """`target` made anew as a copy of `source`. A database is copied only while nobody is connected
    to it: this process's connection is closed, and others (the live server's thread, which reconnects
    by its health check) are ended; an autovacuum worker that comes by is waited out."""
    connection.close()
    with _server() as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
        for attempt in range(50):
            server.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", [source])
            try:
                server.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                    sql.Identifier(target), sql.Identifier(source)))
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 49:
                    raise
                time.sleep(0.1)


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
