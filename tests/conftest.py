import gc
from datetime import datetime

import django.test.client
import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from . import snapshots
from .factories import EnterpriseFactory, GridFactory, UserFactory, bind_enterprise, bind_grid

pytest_plugins = ["tests.route_coverage"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files (imports, reports) go to the test's own folder, never to ./data."""
    settings.MEDIA_ROOT = tmp_path / "media"
    snapshots.write_media(settings.MEDIA_ROOT)  # the files of the demo park, when a test has it


def store_page_templates(store, signal, sender, template, context, **kwargs):
    """The test client keeps a copy of the context of every template a response renders, each
    form widget's included: a quarter of the time of a page with a form. Tests read the pages'
    contexts (`response.context["form"]`), never a widget's, so widgets are not kept."""
    if not (template.name or "").startswith("django/forms/"):
        keep_every_template(store, signal, sender, template, context, **kwargs)


keep_every_template = django.test.client.store_rendered_templates
django.test.client.store_rendered_templates = store_page_templates


@pytest.fixture(autouse=True)
def fresh_calendar():
    """The working-day calendar is cached; a rolled-back test must not leave its days."""
    from openpark.core import calendars

    calendars.forget()
    calendars.forget_in_this_process()
    yield
    calendars.forget()
    calendars.forget_in_this_process()


@pytest.fixture(autouse=True)
def chinese():
    """Messages outside a request in Chinese too, as the platform runs."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the migrations leave it, kept as a copy to return to."""
    if snapshots.available():
        with django_db_blocker.unblock():
            snapshots.take("empty")
    yield
    with django_db_blocker.unblock():
        snapshots.drop_copies()


@pytest.fixture(scope="module")
def demo_park(request, django_db_setup, django_db_blocker):
    """The demo park for a whole test module; each test runs in a transaction of its own (the `db`
    fixture), so what one test changes is gone before the next. The park is a copy of the database
    made once per session, and the module ends by returning to the empty copy (a file-based SQLite
    database has no copies: there it is loaded inside a transaction rolled back at the end). Every
    test of the module must see the park, so the module asks for it with
    `pytestmark = pytest.mark.usefixtures("demo_park", "db")`."""
    asked = [mark for mark in request.node.iter_markers("usefixtures") if "demo_park" in mark.args]
    if not asked:
        pytest.fail(f"{request.node.name}: ask for the demo park for the whole module (pytestmark)")
    if snapshots.available():
        with django_db_blocker.unblock():
            snapshots.restore("demo")
        yield
        with django_db_blocker.unblock():
            snapshots.restore("empty")
        return
    with snapshots.rolled_back_at_the_end(django_db_blocker):
        with django_db_blocker.unblock():
            snapshots.use_files(snapshots.load_demo())
        yield
        snapshots.use_files({})


@pytest.fixture
def empty_afterwards(django_db_setup, django_db_blocker):
    """After a transactional test (and its flush), the database as the migrations left it, with the
    rows they ship that the flush removed."""
    yield
    snapshots.use_files({})
    if snapshots.available():
        with django_db_blocker.unblock():
            snapshots.restore("empty")


@pytest.fixture
def committed_demo_park(empty_afterwards, transactional_db, settings):
    """The demo park with its accounts, committed, so that a live server or another process sees it."""
    if snapshots.available():
        snapshots.restore("demo_accounts")
    else:
        from openpark.enterprises.industry import load_table
        from openpark.enterprises.models import Industry

        load_table(Industry)  # a transactional test starts from empty tables
        snapshots.use_files(snapshots.load_demo())
        snapshots.add_demo_accounts()
    snapshots.write_media(settings.MEDIA_ROOT)


@pytest.fixture
def clock_at(monkeypatch):
    """Set the clock (`timezone.now`) to a local time: `clock_at(2026, 11, 30, 9, 0)`."""
    def set_clock(*args):
        moment = timezone.make_aware(datetime(*args))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_clock


@pytest.fixture
def make_user(db):
    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def client_for(client):
    """A page client logged in as the given user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for(db):
    def login(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    return login


@pytest.fixture
def enterprises(db):
    return EnterpriseFactory.create_batch(3)


@pytest.fixture
def enterprise_user(make_user, enterprises):
    user = make_user("enterprise")
    bind_enterprise(user, enterprises[0])
    return user


@pytest.fixture
def grids(db):
    return GridFactory.create_batch(2)


@pytest.fixture
def grid_user(make_user, grids):
    user = make_user("grid")
    bind_grid(user, grids[0])
    return user


def pytest_configure(config):
    # A test run makes millions of short-lived objects (queries, templates, forms) beside a large,
    # long-lived heap (the platform, the copies of the park): collecting the young generation less
    # often, and never scanning what was loaded before the tests began, takes a sixth off the run.
    gc.set_threshold(50_000, 20, 100)
    config.addinivalue_line(
        "markers", "upgrade: builds the previous release's demo park and migrates it to this code (in the normal suite)")


# The longest tests start first within each of pytest-django's groups (tests in a transaction, then
# transactional ones, which empty the tables, then those without the database), so that the workers
# finish together rather than one waiting for the other's last long test.
LONGEST_FIRST = ("test_fuzz_forms.py", "test_csp.py", "test_schemathesis.py", "test_upgrade_in_place.py",
                 "test_fuzz_serializers.py", "test_settings.py", "test_backups.py")


@pytest.hookimpl(tryfirst=True)  # before pytest-django's grouping, which keeps this order within groups
def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()
