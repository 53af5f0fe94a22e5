"""The test every declared model inherits (see openpark.core.registry), as NetBox's ViewTestCases:
for each page (list, detail, add, edit, delete, history, export, import) and API endpoint of
every declaration — anonymous users are sent to log in (pages) or get 401 (API), a user without
the permission gets 403, a permitted role gets 200, and a user scoped to one enterprise sees only
that enterprise's rows (404 on others, nothing foreign in lists, exports or search). Each page and
endpoint also keeps to its query budget (tests/query_budgets.json): a page that starts to cost a
query per row fails here. `UPDATE_QUERY_BUDGETS=1` rewrites the file after a deliberate change."""
import functools
import json
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from openpark.core.registry import declarations, searchable
from openpark.core.roles import PARK_WIDE_ROLE_NAMES, ROLES
from openpark.enterprises.models import ContractBinding, ServiceContract
from tests.factories import EnterpriseFactory, UserFactory, bind_enterprise
from tests import snapshots
from tests.fuzz import build_park
from tests.sheets import read_xlsx

BUDGETS_FILE = Path(__file__).resolve().parents[1] / "query_budgets.json"
PAGE_ACTIONS = ("list", "detail", "add", "edit", "delete", "history")
ROW_ACTIONS = {"detail", "edit", "delete", "history"}
DECLARED = sorted(declarations(), key=lambda d: d.key)


def cases(kind: str):
    """(declaration key, action) pairs of the pages or API endpoints, for parametrize ids."""
    if kind == "pages":
        return [(d.key, action) for d in DECLARED for action in PAGE_ACTIONS if action in d.actions]
    return [(d.key, action) for d in DECLARED if d.api is not None for action in ("list", "detail")]


def declaration(key):
    return next(d for d in DECLARED if d.key == key)


# The park: one record of every declared model, built once for the module -----------------------


@pytest.fixture(scope="module")
def park(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back when the module ends; each test runs in a
    savepoint of it, so what a test changes is gone for the next."""
    with snapshots.rolled_back_at_the_end(django_db_blocker):
        with django_db_blocker.unblock():
            root = UserFactory(username="harness_root", is_superuser=True, is_staff=True)
            data = build_park(root)
            data["outsider"] = EnterpriseFactory(name="园区外的另一家企业")
            data["people"] = {slug: _person(slug) for slug in (*(role.slug for role in ROLES), None)}
        yield data


def _person(slug: str | None):
    """A user of the role (None: of no role) and a page client signed in as them, made once for
    the module: the tests only read, so one signed-in user per role serves them all."""
    user = UserFactory(roles=[slug] if slug else [])
    client = Client()
    client.force_login(user)
    return user, client


def person(park, slug: str | None):
    return park["people"][slug]


@functools.cache
def permitted_role(decl, action: str) -> str | None:
    """A park-wide role that holds the permission of the action, or None (the roles' permissions
    are kept in step by every migrate, and no test changes them)."""
    codename = decl.permission(action).split(".", 1)[1]
    for role in ROLES:
        if role.name in PARK_WIDE_ROLE_NAMES and Group.objects.get(name=role.name).permissions.filter(
                codename=codename, content_type__app_label=decl.opts.app_label).exists():
            return role.slug
    return None


def page_url(decl, action: str, user) -> str | None:
    if action not in ROW_ACTIONS:
        return reverse(decl.url_name(action))
    row = decl.scoped(user).order_by("pk").first()
    return reverse(decl.url_name(action), args=[row.pk]) if row is not None else None


def api_url(decl, action: str, user) -> str | None:
    base = f"/api/{decl.opts.app_label}/{decl.api.route}/"
    if action == "list":
        return base
    row = decl.scoped(user).order_by("pk").first()
    return f"{base}{row.pk}/" if row is not None else None


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# Roles ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("key, action", cases("pages"))
def test_pages_answer_each_kind_of_user(park, key, action):
    decl = declaration(key)
    slug = permitted_role(decl, action)
    if slug is None:
        pytest.skip(f"no role may {action} {key}")
    user, client = person(park, slug)
    url = page_url(decl, action, user)
    if url is None:
        pytest.fail(f"the park has no {key} that the role {slug} may see")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"], url
    assert person(park, None)[1].get(url).status_code == 403, url
    assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("key, action", cases("api"))
def test_api_answers_each_kind_of_user(park, key, action):
    decl = declaration(key)
    slug = permitted_role(decl, action)
    user = person(park, slug)[0]
    url = api_url(decl, action, user)
    assert url is not None, f"the park has no {key} that the role {slug} may see"
    assert APIClient().get(url).status_code == 401, url
    assert api_as(person(park, None)[0]).get(url).status_code == 403, url
    assert api_as(user).get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("key", [d.key for d in DECLARED if "list" in d.actions])
def test_exports_answer_each_kind_of_user(park, key):
    decl = declaration(key)
    url = reverse(decl.url_name("list")) + "?export=xlsx"
    assert Client().get(url).status_code == 302
    assert person(park, None)[1].get(url).status_code == 403
    response = person(park, permitted_role(decl, "list"))[1].get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
@pytest.mark.parametrize("key", [d.key for d in DECLARED if d.importer is not None])
def test_import_pages_answer_each_kind_of_user(park, key):
    decl = declaration(key)
    for url in (reverse("core:import_start", args=[decl.importer.name]),
                reverse("core:import_template", args=[decl.importer.name])):
        assert Client().get(url).status_code == 302, url
        assert person(park, "leader")[1].get(url).status_code == 403, url
        assert person(park, permitted_role(decl, "add"))[1].get(url).status_code == 200, url


# Scope ------------------------------------------------------------------------------------------

SCOPED = [d.key for d in DECLARED if getattr(d.model, "scope_enterprise_field", None)]


@pytest.fixture(params=["enterprise", "contract"])
def scoped_user(request, park):
    """A user scoped to the park's first enterprise: an enterprise user bound to it, or a 环保管家
    bound to the park's service contract, which covers it; the outsider's rows are foreign to them."""
    if request.param == "enterprise":
        user = UserFactory(roles=["enterprise"])
        bind_enterprise(user, park["enterprises"][0])
    else:
        user = UserFactory(roles=["steward"])
        contract = ServiceContract.objects.get(enterprises=park["enterprises"][0])
        ContractBinding.objects.create(user=user, contract=contract)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("key", SCOPED)
def test_a_scoped_user_sees_only_its_rows(park, scoped_user, key):
    decl = declaration(key)
    if not scoped_user.has_perm(decl.permission("list")):
        assert logged_in(scoped_user).get(reverse(decl.url_name("list"))).status_code == 403
        return
    mine = set(decl.scoped(scoped_user).values_list("pk", flat=True))
    foreign = decl.model.objects.exclude(pk__in=mine).order_by("pk").first()
    client = logged_in(scoped_user)
    listed = client.get(reverse(decl.url_name("list")), {"per_page": 200})
    assert listed.status_code == 200
    assert {obj.pk for obj, _ in listed.context["rows"]} <= mine
    if foreign is not None:
        for action in sorted(ROW_ACTIONS & set(decl.actions)):
            url = reverse(decl.url_name(action), args=[foreign.pk])
            assert client.get(url).status_code in (403, 404), url
        if decl.api is not None:
            api = api_as(scoped_user)
            assert api.get(f"/api/{decl.opts.app_label}/{decl.api.route}/{foreign.pk}/").status_code in (403, 404)
            listed_api = api.get(f"/api/{decl.opts.app_label}/{decl.api.route}/", {"page_size": 1000}).json()
            assert {row["id"] for row in listed_api["results"]} <= mine


@pytest.mark.django_db
def test_a_scoped_user_finds_nothing_foreign_in_exports_or_search(park, scoped_user):
    outsider = park["outsider"]
    client = logged_in(scoped_user)
    export = read_xlsx(client.get(reverse("enterprises:enterprise_list") + "?export=xlsx").content)
    exported = {str(cell) for row in export for cell in row}
    assert outsider.uscc not in exported and park["enterprises"][0].uscc in exported
    found = client.get(reverse("core:search"), {"q": outsider.name}).context["groups"]
    assert not found
    typed = client.get(reverse("core:autocomplete", args=["enterprises.enterprise"]), {"q": outsider.name}).json()
    assert typed["results"] == []
    assert all(d.key != "core.user" for d in searchable(scoped_user))


# Query budgets ----------------------------------------------------------------------------------


def load_budgets() -> dict:
    return json.loads(BUDGETS_FILE.read_text(encoding="utf-8")) if BUDGETS_FILE.exists() else {}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def measured(park) -> dict[str, int]:
    counts = {}
    for decl in DECLARED:
        for action in ("list", "detail"):
            if action not in decl.actions:
                continue
            user, client = person(park, permitted_role(decl, action))
            client.get(reverse("home"))  # the session and the user's roles are read once
            url = page_url(decl, action, user)
            # Each URL is asked once before it is counted: what a running process has cached (content
            # types, say) is not counted, whichever test of the worker ran before and emptied it.
            client.get(url)
            counts[f"{decl.key} page {action}"] = count_queries(client, url)
            if decl.api is not None:
                endpoint = api_url(decl, action, user)
                api_as(type(user).objects.get(pk=user.pk)).get(endpoint)
                fresh = type(user).objects.get(pk=user.pk)  # as a request finds it: no permissions read yet
                counts[f"{decl.key} api {action}"] = count_queries(api_as(fresh), endpoint)
    return counts


@pytest.mark.django_db
def test_pages_and_endpoints_keep_to_their_query_budgets(park):
    counts = measured(park)
    if os.environ.get("UPDATE_QUERY_BUDGETS"):
        BUDGETS_FILE.write_text(json.dumps(counts, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                encoding="utf-8")
    budgets = load_budgets()
    missing = sorted(set(counts) - set(budgets))
    assert not missing, f"no budget for {missing}: run with UPDATE_QUERY_BUDGETS=1 and check the file in"
    over = {name: (count, budgets[name]) for name, count in counts.items() if count > budgets[name]}
    assert not over, f"over budget (queries, budget): {over}"
