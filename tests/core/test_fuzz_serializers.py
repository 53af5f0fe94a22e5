"""No API endpoint answers with a server error, whatever JSON is sent to its serializer.

Every endpoint of the API that creates (POST) or changes (PATCH) records is found through the URL
resolver; each writable field of its serializer receives hostile values (wrong types, extremes,
NUL characters, deep nesting) while the others keep a record's sensible values."""
import json

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from ..factories import UserFactory
from ..fuzz import RAW_BODIES, build_park, fuzz_settings, json_values

EXAMPLES = 4
DEEP = json.loads("[" * 80 + "1" + "]" * 80)  # deeper than any JSON field needs
# Each writable field receives each of these once: on create all, on update (which validates the
# same fields against a stored record) the three that reach deepest.
SWEEP = {
    "post": [10**20, "99999999999999999999", 1e308, "a\x00b", {"a": [1]}, "99999-01-01", DEEP],
    "patch": [10**20, "a\x00b", DEEP],
}


def api_routes(resolver=None):
    """(route name, viewset class, actions by method) of every route of the API's viewsets."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from api_routes(entry)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "actions", None) and entry.name \
                and not str(entry.pattern).endswith(r"\.(?P<format>[a-z0-9]+)/?$"):
            yield entry.name, entry.callback.cls, entry.callback.actions


def targets(api):
    """(method, url, writable fields, a record's values) for each create and update endpoint."""
    found = []
    for name, viewset, actions in api_routes():
        obj = viewset.queryset.model.objects.order_by("pk").first() if viewset.queryset is not None else None
        if actions.get("post") == "create":
            method, url = "post", reverse(name)
        elif actions.get("patch") == "partial_update" and obj is not None:
            method, url = "patch", reverse(name, kwargs={"pk": obj.pk})
        else:
            continue
        writable = [n for n, f in viewset.serializer_class().fields.items() if not f.read_only]
        record = api.get(reverse(name.replace("-list", "-detail"), kwargs={"pk": obj.pk})).data if obj else {}
        found.append((method, url, writable, {n: record[n] for n in writable if n in record}))
    return found


def send(api, method, url, body: str):
    with transaction.atomic():  # each request starts from the same park
        response = getattr(api, method)(url, body, content_type="application/json")
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{response.status_code} from {method.upper()} {url}: {body[:200]!r}"


def fuzz_endpoint(api, method, url, writable, record, failures):
    def attempt(what, call):
        try:
            call()
        except Exception as exc:
            failures.append(f"{method.upper()} {url} with {what}: {exc!r}"[:1500])

    for name in writable:
        for value in SWEEP[method]:
            body = json.dumps({**record, name: value})
            attempt(f"{name}={str(value)[:40]!r}", lambda body=body: send(api, method, url, body))
    for body in RAW_BODIES:
        attempt(f"body {body[:40]!r}", lambda body=body: send(api, method, url, body))

    @fuzz_settings(EXAMPLES)
    @given(st.dictionaries(st.sampled_from(writable), json_values, min_size=1, max_size=3))
    def random_values(changes):
        send(api, method, url, json.dumps({**record, **changes}))

    attempt("random values", random_values)


@pytest.mark.django_db
def test_no_serializer_answers_with_a_server_error():
    user = UserFactory(is_superuser=True, is_staff=True)
    build_park(user)
    api = APIClient()
    api.force_authenticate(user)
    found = targets(api)
    assert {method for method, *_ in found} == {"post", "patch"} and len(found) > 20

    failures = []
    for method, url, writable, record in found:
        fuzz_endpoint(api, method, url, writable, record, failures)
    assert not failures, "\n".join(failures)
