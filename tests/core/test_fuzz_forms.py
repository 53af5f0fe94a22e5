"""No form of the platform answers with a server error, whatever is typed or sent into it.

Every page reachable from the URL resolver is visited (as a superuser, and as the 经发 role); every
form found on them (add and edit pages, filters, dashboards, the actions on detail pages) is
submitted with hostile values in a few of its fields and sensible values in the others."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from openpark.core.generic import pages_registry
from openpark.core.registry import searchable

from ..crawl import crawl, project_patterns, view_name
from ..factories import UserFactory
from ..fuzz import SWEEP, build_park, form_text, fuzz_settings

# Per user: random examples per form, and whether every field is swept with SWEEP's values too.
RUNS = {"superuser": (3, True), "economy": (2, False)}

# Patterns the crawl leaves alone: logging out ends it; the others serve files that only a
# finished background task leaves.
# The addresses transitions had before they became generic actions answer a POST only, linked
# from no page (tests/core/test_workflows.py requests them).
NOT_CRAWLED = {"logout", "core:taskrun_download", "core:importjob_report", "evaluation:run_action",
               "evaluation:disposal_action", "investment:project_advance"}


# Query parameters pages read outside their forms (paging, sorting, exports, periods, return
# addresses), each view sent every set once, as the superuser (on the first of its pages that the
# crawl visited: a view reads its parameters the same way for every record and every role). A
# record's pages (history, timeline, panels) read paging, periods and return addresses: the sets
# marked RECORD_PAGE_SETS name each of them.
PAGE_PARAMETERS = [
    {"page": "99999999999999999999", "per_page": "-1", "sort": "-\x00"},
    {"page": "abc", "per_page": "1e400", "sort": "-updated_at", "export": "xlsx"},
    {"year": "99999", "month": "13", "since": "-1", "export": "figures", "colour": "high_tech"},
    {"year": "0", "export": "top", "scope": "zone", "zone": "99999999999999999999"},
    {"next": "//evil.example/", "colour": "\x00", "format": "json", "earlier": "1", "later": "1e400"},
]
RECORD_PAGE_SETS = [PAGE_PARAMETERS[0], PAGE_PARAMETERS[2], PAGE_PARAMETERS[4]]


def upload_files():
    return st.builds(
        lambda name, content: SimpleUploadedFile(name, content),
        st.sampled_from(["数据.xlsx", "数据.csv", "x.xls", "a\x00.ods", "空.xlsx", "x" * 300 + ".csv", "a.exe"]),
        st.sampled_from([b"", b"\x00" * 10, b"PK\x03\x04garbage", "年份,企业\n２０２１,x\n".encode("gbk"), b"a,b\n1,2\n"]),
    )


@st.composite
def submissions(draw, form, baseline: dict):
    """The form's sensible values, with one to three fields replaced by hostile ones."""
    data = dict(baseline)
    names = sorted(form.fields)
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)) if names else ():
        field = form.fields[name]
        if field.kind == "file":
            data[name] = draw(upload_files())
            continue
        choices = form_text | st.sampled_from(field.options) if field.options else form_text
        data[name] = draw(st.lists(choices, max_size=3) if field.multiple else choices)
    return data


def send(client, form, data):
    with transaction.atomic():  # each submission starts from the same park
        if form.method == "post":
            response = client.post(form.action, data)
        else:
            response = client.get(form.action, {k: v for k, v in data.items() if not hasattr(v, "read")})
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{response.status_code} from {form.method.upper()} {form.action}"


def fuzz_form(client, form, baseline, run, failures, swept: set):
    """Sweep each field with the values of its kind that most often break a server (SWEEP), then
    send random submissions; every failure is recorded, and the next value tried. The add and the
    edit form of a model validate through the same form and model rules: the first of them found
    is swept, both get random submissions."""
    examples, sweep = run
    same_rules = (form.method, model_form_of(form.action), tuple(sorted(form.fields)))
    sweep = sweep and same_rules not in swept
    swept.add(same_rules)
    for name, field in form.fields.items() if sweep else ():
        for value in SWEEP.get(field.kind, ()):
            data = {**baseline, name: [value] if field.multiple else value}
            attempt(failures, form, f"{name}={value[:50]!r}", lambda data=data: send(client, form, data))

    @fuzz_settings(examples)
    @given(submissions(form, baseline))
    def random_submissions(data):
        send(client, form, data)

    attempt(failures, form, "random values", random_submissions)


def model_form_of(action: str) -> str:
    name = view_name(action) or action
    return name.removesuffix("_add").removesuffix("_edit")


def attempt(failures, form, what, call):
    try:
        call()
    except Exception as exc:
        failures.append(f"{form.method.upper()} {form.action} with {what} (form of {form.page}): {exc!r}"[:1500])


def baselines(forms) -> dict:
    """Sensible values for each form: its own, or for an add page those of the same model's edit
    page (an add page shows its fields empty)."""
    by_fields = {}
    for form in forms:
        values = form.baseline()
        key = tuple(sorted(form.fields))
        if key not in by_fields or len(values) > len(by_fields[key]):
            by_fields[key] = values
    return {form.key: by_fields[tuple(sorted(form.fields))] for form in forms}


def distinct(forms):
    """One form of each kind: the edit form of one enterprise stands for all enterprises."""
    kinds = {}
    for form in forms:
        kinds.setdefault((form.method, view_name(form.action), tuple(sorted(form.fields))), form)
    return list(kinds.values())


def delete_and_restore_one_of_each(client, user, check) -> set[str]:
    """Soft-delete a record of each model that can be restored (the first that is not still in use:
    one in use refuses, as its model's tests show), open its history and restore it, with hostile
    and sensible requests; the park is as it was afterwards. The view names reached."""
    reached = set()
    for pages in pages_registry.values():
        candidates = pages.scoped(user).order_by("pk")[:10] if pages.restorable else []
        for obj in candidates:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        obj.delete()
                except ValidationError:
                    transaction.set_rollback(True)
                    continue
                history = reverse(pages.url_name("history"), args=[obj.pk])
                restore = reverse(pages.url_name("restore"), args=[obj.pk])
                check(client.get(history), history)
                for data in ({"next": "//evil.example/"}, {"x": "\x00"}, {}):
                    check(client.post(restore, data), restore)
                check(client.get(restore), restore)
                transaction.set_rollback(True)
            reached |= {pages.url_name("history"), pages.url_name("restore")}
            break
    return reached


def of_one_record(path) -> bool:
    return bool(resolve(path).kwargs)


def one_path_per_view(paths):
    return list({view_name(path): path for path in reversed(paths)}.values())


def editing_views() -> set[str]:
    return {pages.url_name(action) for pages in pages_registry.values() for action in ("add", "edit")
            if action in pages.actions}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, "economy"], ids=["superuser", "经发"])
def test_no_form_answers_with_a_server_error(client, role):
    user = UserFactory(is_superuser=role is None, is_staff=role is None, roles=[role or "leader"])
    park = build_park(user)
    client.force_login(user)
    server_errors = []

    def check(response, url):
        if response.status_code >= 500:
            server_errors.append(f"GET {url}: {response.status_code}")

    type_ahead = [reverse("core:autocomplete", args=[d.key]) + "?q=%00' OR 1=1" for d in searchable(user)]
    thumbnail = reverse("core:attachment_thumbnail", args=[park["photo"].pk])  # an <img>, not a link
    visited, forms, paths = crawl(client, user, check, [park["task"].get_absolute_url(),
                                                        park["job"].get_absolute_url(), thumbnail, *type_ahead])
    visited |= delete_and_restore_one_of_each(client, user, check)
    for path in one_path_per_view(paths) if role is None else ():
        for params in RECORD_PAGE_SETS if of_one_record(path) else PAGE_PARAMETERS:
            with transaction.atomic():
                check(client.get(path, params), f"{path}?{params}")
                transaction.set_rollback(True)
    assert not server_errors, server_errors

    failures, swept = [], set()
    values = baselines(forms)
    for form in distinct(forms):
        fuzz_form(client, form, values[form.key], RUNS[role or "superuser"], failures, swept)
    assert not failures, "\n".join(failures)

    # The crawl reached every page of the resolver, and fuzzed every add and edit page.
    targets = {view_name(form.action) for form in forms if form.method == "post"}
    if role is None:
        unreached = {name for name, _ in project_patterns()} - visited - targets - NOT_CRAWLED
        assert not unreached, f"pages the crawl never reached: {sorted(unreached)}"
        assert editing_views() <= targets, sorted(editing_views() - targets)


# 随手拍 work queues: each queue has an address of its own (the menu's, which the crawl follows);
# `community:case_queue` is the same addresses as code names them, which resolve to those.
NOT_CRAWLED.add("community:case_queue")
# 随手拍 without an account: the tracking page and its photos are reached only through the key shown
# once to the reporter (tests/community/test_phone_report.py requests them).
NOT_CRAWLED |= {"community:track", "community:track_photo"}
# The target form's params fragment is asked by htmx when the metric changes (an hx-get, not a link);
# tests/core/test_targets.py requests it with every kind of metric, an unknown one and bad text.
NOT_CRAWLED.add("core:target_params")
