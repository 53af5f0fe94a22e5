#!/usr/bin/env python
"""Benchmark: the park cockpit on the demo park, against the economic dashboard in the same run.

    DEBUG=1 .venv/bin/python benchmarks/cockpit.py [--loads 10] [--backends sqlite,postgresql]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

For each database, in its own subprocess (so that each gets its own settings):

1. Loads the Chengnan demo park (`load_demo`: 300 enterprises, three years of facts, the
   亩均 runs, 175 projects) into a fresh database, and signs in a park leader.
2. Times, median and maximum of --loads runs after one warm-up: the cockpit's figures alone
   (every tile the leader sees: `openpark.core.cockpit.panels_for`), the cockpit page, its wall
   display, and the map data it loads (enterprises coloured by 亩均 class), each as the leader's
   browser gets it (through Django's test client), with the queries each page runs.
3. Baseline, in the same run: the economic dashboard's page in its default view (the latest
   year, every enterprise, 同口径) for the same leader: one module's page, where the cockpit
   holds the figures of three modules and the map.
4. Prints the figures, the ratio cockpit page / baseline page, and whether every load of the
   cockpit (page and map data together) is under 1 s.

Nothing touches the dev database: SQLite lives in a temporary directory, and PostgreSQL gets a
new database, dropped at the end. Query logging is off, as in production.
"""
import argparse
import io
import json
import os
import platform
import sys
import time

from common import measure_on_a_throwaway_database, run_worker, setup_django, timed

TARGET_SECONDS = 1.0



def queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def measure(args, data_dir: str, database_url: str | None) -> None:
    setup_django(data_dir, database_url)
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from openpark.core import cockpit
    from openpark.core.models import User
    from openpark.core.roles import ROLES_BY_SLUG
    from openpark.evaluation.cockpit import last_published_run

    started = time.perf_counter()
    call_command("load_demo", stdout=io.StringIO())
    load_seconds = time.perf_counter() - started
    print(f"  {connection.vendor}: demo park loaded in {load_seconds:.1f} s", file=sys.stderr, flush=True)
    user = User.objects.create(username="bench-leader")
    user.groups.set(Group.objects.filter(name=ROLES_BY_SLUG["leader"].name))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    run = last_published_run()
    urls = {
        "cockpit": reverse("cockpit"),
        "wall": reverse("cockpit_wall"),
        "map data": reverse("enterprises:map_data") + f"?colour=grade&year={run.year}",
        "baseline: economic dashboard": reverse("economy:dashboard"),
    }

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return get

    def figures():
        fresh = User.objects.get(pk=user.pk)  # permissions read anew, as on each request
        return cockpit.panels_for(fresh)

    results = {"figures": timed(figures, args.loads)}
    for label, url in urls.items():
        results[label] = {**timed(page(url), args.loads), "queries": queries(client, url)}
    together = [a + b for a, b in zip(results["cockpit"]["all"], results["map data"]["all"])]
    print(json.dumps({"vendor": connection.vendor, "version": _version(connection), "load_seconds": load_seconds,
                      "results": results, "cockpit_with_map_max": max(together)}, ensure_ascii=False))


def _version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        return cursor.fetchone()[0]


def report(result: dict) -> bool:
    """Print one database's figures; whether every load of the cockpit met the target."""
    print(f"\n{result['vendor']} {result['version']}: demo park (loaded in {result['load_seconds']:.1f} s)")
    print(f"  {'median':>8}{'max':>9}{'queries':>9}  what")
    for label, times in result["results"].items():
        count = f"{times['queries']}" if "queries" in times else ""
        print(f"  {times['median']:>7.3f}s{times['max']:>8.3f}s{count:>9}  {label}")
    cockpit, baseline = result["results"]["cockpit"], result["results"]["baseline: economic dashboard"]
    print(f"  ratio cockpit page / economic dashboard page (medians): {cockpit['median'] / baseline['median']:.2f}")
    print(f"  slowest cockpit load, page and map data together: {result['cockpit_with_map_max']:.3f} s")
    return result["cockpit_with_map_max"] < TARGET_SECONDS and result["results"]["wall"]["max"] < TARGET_SECONDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=10, help="timed loads of each page (after one warm-up)")
    parser.add_argument("--backends", default="sqlite", help="sqlite, postgresql or both, comma-separated")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server to create the throw-away database on")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return measure_on_a_throwaway_database(measure, args)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    results = [run_worker(__file__, backend, ["--loads", str(args.loads), "--postgres", args.postgres])
               for backend in args.backends.split(",")]
    reports = [report(result) for result in results]  # every database's figures printed
    met = all(reports)
    print(f"\nTarget: every load of the cockpit (page and its map data) and of the wall display under "
          f"{TARGET_SECONDS:.0f} s: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
