import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _serve_one_request_at_a_time():
    """On SQLite the tests' database is in memory, and the live server's threads all use the test
    thread's one connection: two requests at once (the wall reloading while its map fetches its
    data) could leave both waiting on that connection for good, and a run hung. Over such a
    shared connection the live server answers one request at a time; with a database server
    (PostgreSQL) each thread has its own connection, and the server stays threaded."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

    threaded = LiveServerThread._create_server

    def create_server(self, connections_override=None):
        if not connections_override:
            return threaded(self, connections_override=connections_override)
        return WSGIServer((self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False)

    LiveServerThread._create_server = create_server


_serve_one_request_at_a_time()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("OPENPARK_REQUIRE_BROWSER"):
            pytest.fail(f"浏览器测试需要 Debian 的 Chromium（{CHROMIUM}），请先 apt-get install -y chromium fonts-noto-cjk。")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's guard would then refuse
    # the ORM calls of the fixtures, which are in fact synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo_park(committed_demo_park, browser):
    """The demo park with its accounts, committed so that the live server sees it. When the test
    ends its pages are closed before the database is emptied: a page left open (the wall reloads
    itself, a map fetches its data) would otherwise still be asking the live server while the
    database under it is being replaced."""
    yield
    for context in browser.contexts:
        context.close()
