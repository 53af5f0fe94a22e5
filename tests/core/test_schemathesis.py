"""schemathesis over the whole OpenAPI schema, in-process against the WSGI application, as an
administrator, an enterprise user and the 经发 role, each with a token from /api/auth/token/.

Every operation of /api/schema/ receives valid and invalid requests generated from the schema;
no answer may be a server error, and every refusal (4xx) says why in Chinese."""
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import resolve
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from openpark.core.text import is_chinese
from openpark.core.scoping import scope_queryset

from ..factories import PASSWORD, UserFactory, bind_enterprise
from ..fuzz import build_park, fuzz_settings

EXAMPLES_PER_OPERATION = 2
# The administrator also sends some of schemathesis' coverage cases (boundary values and
# each kind of invalid value for every parameter), spread over the whole list of each operation.
COVERAGE_CASES_PER_OPERATION = 5
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def chinese_detail(ctx, response, case):
    """A 4xx answer carries a `detail` in Chinese."""
    if 400 <= response.status_code < 500:
        try:
            detail = response.json().get("detail", "")
        except (ValueError, AttributeError):
            detail = ""
        assert is_chinese(detail), f"{response.status_code} without a Chinese detail: {response.text[:300]}"


@contextmanager
def wsgi_app():
    """The application as a WSGI server runs it, sharing the test's database transaction: the
    connection is not closed at the end of each request, as Django's test client arranges too
    (which reconnects the signal after each of its own requests: so no test client inside)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


KINDS = ["admin", "enterprise", "economy"]


@dataclass
class Caller:
    """One of the users every generated request is sent as, with the token it sends and, for each
    operation on one record, the id of a record it may see."""
    kind: str
    user: object
    headers: dict


def api_user(kind, enterprise):
    if kind == "admin":
        return UserFactory(is_superuser=True, is_staff=True, roles=["admin"])
    user = UserFactory(roles=[kind])
    if kind == "enterprise":
        bind_enterprise(user, enterprise)
    return user


def token_for(client, user) -> str:
    response = client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.mark.django_db
def test_the_api_schema_under_schemathesis(client):
    """Each request is generated once and sent as each of the three users: generating is what
    costs, and each user must answer every request without a server error."""
    park = build_park()
    callers = []
    for kind in KINDS:
        user = api_user(kind, park["enterprises"][0])
        callers.append(Caller(kind, user, {"Authorization": f"Token {token_for(client, user)}"}))
    with wsgi_app() as app:
        run_schemathesis(app, callers, EXAMPLES_PER_OPERATION)


def run_schemathesis(app, callers: list[Caller], examples: int):
    admin = callers[0]
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=admin.headers)

    def call(caller, case):
        with transaction.atomic():  # each request starts from the same park
            response = case.call(headers=caller.headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=[not_a_server_error, chinese_detail], headers=caller.headers)

    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        ids = {caller.kind: existing_id(operation, caller.user) for caller in callers}
        send_to_all = sent_by(callers, call, ids)
        random_cases = st.one_of(*(operation.as_strategy(mode, path_parameters=ids["admin"]) for mode in MODES))
        runs = [partial(call, admin, case) for case in coverage_cases(schema, operation)]
        runs.append(fuzz_settings(examples)(given(random_cases)(send_to_all)))
        for run in runs:
            try:
                run()
            except Exception as exc:  # every operation is tried; the failures are listed together
                failures.append(f"{operation.label}: {exc}"[:3000])
    assert operations > 100
    assert not failures, "\n\n".join(failures)


def sent_by(callers: list[Caller], call, ids: dict):
    """A function that sends one generated case as each caller, on a record that caller may see
    when the case names the record generated for the administrator."""
    def send(case):
        generated = dict(case.path_parameters or {})
        for caller in callers:
            own = ids[caller.kind]
            if own and generated.get("id") == ids["admin"].get("id"):
                case.path_parameters = {**generated, **own}
            call(caller, case)
            case.path_parameters = generated
    return send


def existing_id(operation, user) -> dict:
    """For an operation on one record, the id of a record the user may see (random ids find none)."""
    if "{id}" not in operation.path:
        return {}
    viewset = resolve(operation.path.replace("{id}", "0")).func.cls
    obj = scope_queryset(viewset.queryset.model.objects.order_by("pk"), user).first()
    return {"id": obj.pk if isinstance(obj.pk, int) else str(obj.pk)} if obj is not None else {}


def coverage_cases(schema, operation) -> list:
    cases = list(schema.iter_coverage_cases(
        operation, generation_modes=MODES, generation_config=schema.config.generation_for(operation=operation)))
    step = max(1, len(cases) // COVERAGE_CASES_PER_OPERATION)
    return cases[::step][:COVERAGE_CASES_PER_OPERATION]
