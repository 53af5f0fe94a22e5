"""Every route of the platform is requested by at least one test.

Each request a test makes through Django's test client (pages and API alike) is resolved and its
route noted; at the end of a whole run (`make test` sets OPENPARK_ROUTE_COVERAGE=1) the routes of
the URL resolver that no test requested fail the run, listed by name. With pytest-xdist each worker
writes what it saw to a file, and the controller adds them up. The Django admin's own routes are
left out: they are the framework's, and the admin tests open the pages the platform uses."""
import os
import re
from pathlib import Path

import pytest

SEEN_DIR = Path(__file__).resolve().parents[1] / "test-artifacts" / "routes"
LEFT_OUT = ("admin/",)


def enabled(config) -> bool:
    return bool(os.environ.get("OPENPARK_ROUTE_COVERAGE"))


def all_routes() -> dict[str, str]:
    """{route pattern: view name} of every URL pattern of the project (the admin left out)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = {}

    def walk(resolver, prefix: str, namespace: str):
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern)
            if pattern.startswith(LEFT_OUT):
                continue
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, pattern, inner)
            elif isinstance(entry, URLPattern):
                found[normalise(pattern)] = f"{namespace}{entry.name or entry.lookup_str}"

    walk(get_resolver(), "", "")
    return found


def normalise(route: str) -> str:
    """The same route written by `path()` or by a router's regular expression."""
    return re.sub(r"[\^$]", "", route).replace("\\.", ".")


_seen: set[str] = set()


@pytest.fixture(autouse=True, scope="session")
def _note_routes(request):
    if not enabled(request.config):
        yield
        return
    from django.test import Client

    original = Client.request

    def noting(self, **environ):
        response = original(self, **environ)
        try:
            route = response.resolver_match.route  # lazy: a path no route matches raises here
        except Exception:
            route = None
        if route is not None:
            _seen.add(normalise(route))
        return response

    Client.request = noting
    yield
    Client.request = original


def pytest_sessionstart(session):
    if enabled(session.config) and not hasattr(session.config, "workerinput"):
        for path in SEEN_DIR.glob("*.txt"):
            path.unlink()


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if not enabled(config):
        return
    worker = getattr(config, "workerinput", {}).get("workerid")
    SEEN_DIR.mkdir(parents=True, exist_ok=True)
    if worker is not None:
        (SEEN_DIR / f"{worker}.txt").write_text("\n".join(sorted(_seen)), encoding="utf-8")
        return
    seen = set(_seen)
    for path in SEEN_DIR.glob("*.txt"):
        seen |= set(path.read_text(encoding="utf-8").split("\n"))
        path.unlink()
    missing = {route: name for route, name in all_routes().items() if route not in seen}
    if missing and session.testsfailed == 0 and exitstatus == 0:
        listed = "\n".join(f"  {name}  ({route})" for route, name in sorted(missing.items(), key=lambda r: r[1]))
        session.config.get_terminal_writer().line(f"\n没有测试请求过的路由 ({len(missing)}):\n{listed}", red=True)
        session.exitstatus = 1
