"""What the benchmark scripts share: Django on a throw-away database, never the dev one."""
import json
import os
import shutil
import subprocess
import sys
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(data_dir: str, database_url: str | None = None) -> None:
    """Django on a fresh database, migrated, with the demo park's zones; query logging off, as in
    production. The database is a SQLite file in `data_dir`, or the (empty) PostgreSQL database of
    `database_url`; DATABASE_URL from the environment is never used."""
    os.environ["OPENPARK_DATA_DIR"] = data_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # never the dev (or any other) database
    os.environ.setdefault("DEBUG", "1")  # only so that settings need no SECRET_KEY
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpark.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.conf import settings

    django.setup()
    if not database_url:
        database = Path(settings.DATABASES["default"]["NAME"]).resolve()
        if not database.is_relative_to(Path(data_dir).resolve()):
            raise SystemExit(f"refusing to run: the database {database} is not in the temporary directory")
    settings.DEBUG = False  # DEBUG would log every query, a cost production does not pay
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from openpark.core.context import acting_as
    from openpark.core.facts import park_facts
    from openpark.enterprises.models import Zone

    with acting_as(source="benchmark"):
        for order, name in enumerate(park_facts()["park"]["zones"], start=1):
            Zone.objects.create(name=name, order=order)


@contextmanager
def fresh_postgres_database(server_url: str):
    """A new, empty database on the server of `server_url` (postgres://user@host:port/any), dropped
    afterwards; yields its URL."""
    import psycopg

    name = f"openpark_bench_{uuid.uuid4().hex[:12]}"
    base, _, _ = server_url.rpartition("/")
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure_on_a_throwaway_database(measure, args) -> None:
    """Run `measure(args, data_dir, database_url)` in a throw-away data folder, on a fresh
    PostgreSQL database when `args.worker` is "postgresql", else on SQLite in that folder."""
    data_dir = tempfile.mkdtemp(prefix="openpark-bench-")
    try:
        if args.worker == "postgresql":
            with fresh_postgres_database(args.postgres) as url:
                measure(args, data_dir, url)
        else:
            measure(args, data_dir, None)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run_worker(script: str, backend: str, arguments: list[str]) -> dict:
    """Run `script` as a worker on one database in a process of its own; the figures it printed
    last, as JSON."""
    done = subprocess.run([sys.executable, script, "--worker", backend, *arguments], stdout=subprocess.PIPE, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout)
        raise SystemExit(f"the {backend} run failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(function, loads: int) -> dict:
    """`function` run once to warm up, then `loads` times: the median, the slowest and every time."""
    function()  # warm-up: connection, caches, first parse of templates
    seconds = []
    for _ in range(loads):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return {"median": statistics.median(seconds), "max": max(seconds), "all": seconds}
