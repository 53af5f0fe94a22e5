"""The embedded SQLite default holds a small office's concurrent writes: no "database is locked"."""
import threading

import pytest
from django.db import OperationalError, connections, transaction

from openpark.settings import sqlite_options

WRITERS, TRANSACTIONS = 6, 25


@pytest.fixture
def sqlite_alias(tmp_path, django_db_blocker):
    """A SQLite file of its own with the platform's options, outside the test database."""
    alias = "concurrency"
    settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "office.sqlite3"),
                "OPTIONS": sqlite_options()}
    configured = connections.configure_settings({"default": dict(settings), alias: settings})
    connections.settings[alias] = configured[alias]
    with django_db_blocker.unblock():
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, writer INTEGER, seen INTEGER)")
        connections[alias].close()
        yield alias
        connections[alias].close()
    del connections.settings[alias]


def write_after_reading(alias, writer, failures):
    """Each transaction reads, then writes what it read: the pattern of a save after a check."""
    try:
        for _ in range(TRANSACTIONS):
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM ledger")
                seen = cursor.fetchone()[0]
                cursor.execute("INSERT INTO ledger (writer, seen) VALUES (%s, %s)", [writer, seen])
    except OperationalError as exc:
        failures.append(str(exc))
    finally:
        connections[alias].close()


def test_concurrent_writers_all_succeed(sqlite_alias):
    assert connections[sqlite_alias].cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    failures: list[str] = []
    threads = [threading.Thread(target=write_after_reading, args=(sqlite_alias, n, failures)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with connections[sqlite_alias].cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT seen) FROM ledger")
        assert cursor.fetchone() == (WRITERS * TRANSACTIONS, WRITERS * TRANSACTIONS)  # writes serialised
