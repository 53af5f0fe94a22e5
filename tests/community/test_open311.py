"""Open311 GeoReport v2 at /open311/v2/: every resource in XML and JSON with the specification's
fields in its order, filing with an api_key (and every refusal filing nothing), the filters and
default window of GET requests, the statuses, and what never goes out (the reporter's identity)."""
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal as D
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from openpark.community import casework, cases
from openpark.community.choices import CaseChannel, CaseState, Resolution
from openpark.community.models import Case, CaseCategory, Open311Key
from openpark.community.open311 import keys
from openpark.core.models import Attachment

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
FORMATS = ("json", "xml")
# The specification's fields, in its order.
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
DEFINITION_FIELDS = ["service_code", "attributes"]
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
CREATED_FIELDS = ["service_request_id", "token", "service_notice", "account_id"]
TOKEN_FIELDS = ["service_request_id", "token"]
ERROR_FIELDS = ["code", "description"]
UPDATE_FIELDS = ["update_id", "service_request_id", "status", "updated_datetime", "description"]


@pytest.fixture
def api_key(db):
    _, key = keys.issue("12345 热线")
    return key


@pytest.fixture
def public():
    return Client()


def fetch(client, path, fmt, **params):
    return client.get(f"{BASE}{path}.{fmt}", params)


def xml_of(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def rows_of(response, fmt, root, item, fields):
    """The items of a list document, each as {field: text}, after checking the element names and
    their order against `fields`."""
    if fmt == "xml":
        document = xml_of(response)
        assert document.tag == root
        assert all(child.tag == item for child in document)
        for child in document:
            assert [e.tag for e in child] == fields
        return [{e.tag: (e.text or "") for e in child} for child in document]
    document = json_of(response)
    assert isinstance(document, list)
    for row in document:
        assert list(row) == fields
    return document


def errors_of(response, fmt, status):
    assert response.status_code == status
    rows = rows_of(response, fmt, "errors", "error", ERROR_FIELDS)
    assert rows and all(str(row["code"]) == str(status) and row["description"] for row in rows)
    return [row["description"] for row in rows]


def post(client, fmt, data, **extra):
    return client.post(f"{BASE}requests.{fmt}", data, **extra)


def filing(api_key, category, **fields):
    return {"api_key": api_key, "service_code": category.code, "lat": "31.95", "long": "120.25",
            "description": "路边垃圾堆放", **fields}


def photo(name="scene.jpg", kind="JPEG"):
    buffer = BytesIO()
    image = Image.new("RGB", (40, 30), "green")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    image.save(buffer, kind, exif=exif) if kind == "JPEG" else image.save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), f"image/{kind.lower()}")


def filed_case(category, days_ago=0, **fields) -> Case:
    case = Case(category=category, description="井盖缺失", latitude=D("31.95"), longitude=D("120.25"),
                location_source="device", channel=CaseChannel.PHONE, **fields)
    if days_ago:
        case.reported_at = timezone.now() - timedelta(days=days_ago)
    return casework.submit(case)


def set_state(case, state, **fields):
    Case.all_objects.filter(pk=case.pk).update_unguarded(state=state, **fields)
    case.refresh_from_db()
    return case


# Discovery and services -------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_its_specification_and_formats(public, category, fmt):
    response = fetch(public, "discovery", fmt)
    assert response.status_code == 200
    if fmt == "xml":
        document = xml_of(response)
        assert document.tag == "discovery" and [e.tag for e in document] == DISCOVERY_FIELDS
        endpoints = document.find("endpoints")
        assert [e.tag for e in endpoints] == ["endpoint"]
        endpoint = endpoints.find("endpoint")
        assert [e.tag for e in endpoint] == ENDPOINT_FIELDS
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint.findtext("type") == "production"
        assert endpoint.findtext("url") == "http://testserver/open311/v2"
        assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
        assert [f.tag for f in endpoint.find("formats")] == ["format", "format"]
        return
    document = json_of(response)
    assert list(document) == DISCOVERY_FIELDS and list(document["endpoints"][0]) == ENDPOINT_FIELDS
    endpoint = document["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2" and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert document["changeset"].endswith("+08:00")


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_categories_people_may_report(public, category, fmt):
    category.group, category.keywords, category.description = "市容环境", "垃圾,堆放", "乱扔乱堆的垃圾"
    category.save()
    CaseCategory.objects.create(code="old", name="停用类别", is_active=False, anonymous_allowed=True)
    CaseCategory.objects.create(code="staff-only", name="内部类别", anonymous_allowed=False)
    rows = rows_of(fetch(public, "services", fmt), fmt, "services", "service", SERVICE_FIELDS)
    assert [row["service_code"] for row in rows] == ["litter"]
    row = rows[0]
    assert row["service_name"] == "乱扔垃圾" and row["group"] == "市容环境" and row["keywords"] == "垃圾,堆放"
    assert row["type"] == "realtime" and row["description"] == "乱扔乱堆的垃圾"
    assert row["metadata"] in (False, "false")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_and_an_unknown_service(public, category, fmt):
    response = fetch(public, "services/litter", fmt)
    assert response.status_code == 200
    if fmt == "xml":
        document = xml_of(response)
        assert document.tag == "service_definition" and [e.tag for e in document] == DEFINITION_FIELDS
        assert document.findtext("service_code") == "litter" and list(document.find("attributes")) == []
    else:
        assert json_of(response) == {"service_code": "litter", "attributes": []}
    errors_of(fetch(public, "services/nothing", fmt), fmt, 404)


# Filing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_a_filed_request_is_a_case_read_back_by_id_and_by_token(public, api_key, category, case_grid, fmt):
    response = post(public, fmt, filing(api_key, category, first_name="小明", last_name="王", email="wang@example.cn",
                                        phone="13900139000", account_id="acc-7", device_id="dev-1",
                                        address_string="城南路 8 号"))
    assert response.status_code == 200, response.content
    [created] = rows_of(response, fmt, "service_requests", "request", CREATED_FIELDS)
    case = Case.objects.get()
    assert created["service_request_id"] == case.number and created["token"] == case.open311_token
    assert len(case.open311_token) == 32 and created["account_id"] == "acc-7"
    assert "个工作日内处置" in created["service_notice"]
    assert case.channel == CaseChannel.OPEN311 and case.anonymous and case.reporter is None
    assert case.open311_client == Open311Key.objects.get() and Open311Key.objects.get().last_used_at
    assert (case.reporter_name, case.reporter_email, case.reporter_phone) == ("王小明", "wang@example.cn",
                                                                               "13900139000")
    assert case.grid == case_grid and case.state == CaseState.REPORTED and case.address == "城南路 8 号"

    [row] = rows_of(fetch(public, f"requests/{case.number}", fmt), fmt, "service_requests", "request", REQUEST_FIELDS)
    assert row["service_request_id"] == case.number and row["status"] == "open"
    assert row["status_notes"] == "待核实" and row["service_code"] == "litter" and row["service_name"] == "乱扔垃圾"
    assert row["description"] == "路边垃圾堆放" and row["address"] == "城南路 8 号"
    assert str(row["lat"]) == "31.95" and str(row["long"]) == "120.25"
    assert row["requested_datetime"].endswith("+08:00") and row["updated_datetime"].endswith("+08:00")
    assert row["media_url"] in ("", None)

    [by_token] = rows_of(fetch(public, f"tokens/{case.open311_token}", fmt), fmt, "service_requests", "request",
                         TOKEN_FIELDS)
    assert by_token == {"service_request_id": case.number, "token": case.open311_token}
    errors_of(fetch(public, "tokens/" + "0" * 32, fmt), fmt, 404)
    errors_of(fetch(public, "requests/SSP000", fmt), fmt, 404)


def test_an_address_alone_or_an_address_id_is_a_location(public, api_key, category):
    assert post(public, "json", {"api_key": api_key, "service_code": "litter", "address_string": "城南路口"}).status_code == 200
    assert post(public, "json", {"api_key": api_key, "service_code": "litter", "address_id": "A-17"}).status_code == 200
    assert sorted(Case.objects.values_list("address", flat=True)) == ["地址编号 A-17", "城南路口"]
    assert set(Case.objects.values_list("location_source", flat=True)) == {"address"}


def revoked(api_key):
    Open311Key.objects.update(is_active=False)
    return api_key


REFUSALS = {
    "no key": (lambda key, category: {**filing(key, category), "api_key": ""}, 403),
    "wrong key": (lambda key, category: {**filing(key, category), "api_key": "f" * 40}, 403),
    "revoked key": (lambda key, category: filing(revoked(key), category), 403),
    "no service_code": (lambda key, category: {**filing(key, category), "service_code": ""}, 400),
    "unknown service_code": (lambda key, category: {**filing(key, category), "service_code": "nothing"}, 404),
    "no location": (lambda key, category: {"api_key": key, "service_code": "litter", "description": "x"}, 400),
    "lat not a number": (lambda key, category: filing(key, category, lat="north"), 400),
    "long missing": (lambda key, category: filing(key, category, long=""), 400),
    "outside China": (lambda key, category: filing(key, category, lat="48.85", long="2.35"), 400),
    "lat and long swapped": (lambda key, category: filing(key, category, lat="120.25", long="31.95"), 400),
    "description too long": (lambda key, category: filing(key, category, description="堆" * 1001), 400),
    "bad email": (lambda key, category: filing(key, category, email="not-an-email"), 400),
    "media_url not http": (lambda key, category: filing(key, category, media_url="file:///etc/passwd"), 400),
    "wrong jurisdiction": (lambda key, category: filing(key, category, jurisdiction_id="elsewhere"), 404),
    "phone too long": (lambda key, category: filing(key, category, phone="1" * 30), 400),
    "name too long": (lambda key, category: filing(key, category, first_name="名" * 60), 400),
    "address too long": (lambda key, category: filing(key, category, address_string="路" * 201), 400),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_a_refused_request_files_nothing(public, api_key, category, refusal, fmt):
    make, status = REFUSALS[refusal]
    response = post(public, fmt, make(api_key, category))
    descriptions = errors_of(response, fmt, status)
    assert Case.all_objects.count() == 0
    if refusal == "description too long":
        assert "不能超过 1000 字" in descriptions[0]
    if refusal == "outside China":
        assert descriptions[0].startswith("long: ") and "不在中国境内" in descriptions[0]


def test_a_photo_is_attached_without_its_metadata_and_published(public, api_key, category):
    response = post(public, "json", filing(api_key, category, media=photo(), media_url="https://img.example.cn/a.jpg"))
    assert response.status_code == 200, response.content
    case = Case.objects.get()
    attachment = Attachment.objects.get()
    assert attachment.purpose == cases.REPORT_PHOTO and attachment.uploaded_by is None
    with attachment.file.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    [row] = json_of(fetch(public, f"requests/{case.number}", "json"))
    url = reverse("open311:media", args=[case.number, attachment.pk])
    assert row["media_url"] == f"http://testserver{url}"
    served = public.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert public.get(reverse("open311:media", args=[case.number, attachment.pk + 1])).status_code == 404
    # A handler's evidence is not published.
    evidence = photo_of_evidence(case)
    assert public.get(reverse("open311:media", args=[case.number, evidence.pk])).status_code == 404


def photo_of_evidence(case):
    from openpark.core.attachments import attach

    return attach(case, photo("after.jpg"), None, purpose="处置后", evidence=True)


def test_a_media_url_is_kept_and_passed_on_never_fetched(public, api_key, category):
    response = post(public, "xml", filing(api_key, category, media_url="https://img.example.cn/a.jpg"))
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.media_url == "https://img.example.cn/a.jpg"
    [row] = rows_of(fetch(public, f"requests/{case.number}", "xml"), "xml", "service_requests", "request",
                    REQUEST_FIELDS)
    assert row["media_url"] == "https://img.example.cn/a.jpg"


def test_media_that_is_not_a_photo_files_nothing(public, api_key, category):
    pdf = SimpleUploadedFile("scan.jpg", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "image/jpeg")
    errors_of(post(public, "json", filing(api_key, category, media=pdf)), "json", 400)
    assert Case.all_objects.count() == 0 and Attachment.all_objects.count() == 0


def test_the_key_command_prints_a_working_key(public, category):
    out, err = StringIO(), StringIO()
    call_command("open311_key", name="第三方随手拍", stdout=out, stderr=err)
    key = out.getvalue().strip()
    record = Open311Key.objects.get()
    assert len(key) == 40 and record.prefix == key[:8] and record.digest == keys.digest(key) and key not in record.digest
    assert "第三方随手拍" in err.getvalue()
    assert post(public, "json", filing(key, category)).status_code == 200
    assert Case.objects.get().open311_client == record


# Reading ----------------------------------------------------------------------------------------

STATUS_OF = {
    CaseState.REPORTED: ("open", "待核实"), CaseState.VERIFIED: ("open", "待立案"),
    CaseState.REGISTERED: ("open", "待派遣"), CaseState.DISPATCHED: ("open", "待签收"),
    CaseState.HANDLING: ("open", "处置中"), CaseState.REPLIED: ("open", "待核查"),
    CaseState.CHECKED: ("open", "待结案"), CaseState.PARKED: ("open", "挂账"),
    CaseState.CLOSED: ("closed", "已结案：已解决"), CaseState.EVALUATED: ("closed", "已评价：已解决"),
    CaseState.WITHDRAWN: ("closed", "已撤回"), CaseState.INVALID: ("closed", "不予立案"),
    CaseState.DUPLICATE: ("closed", "重复上报"),
}


def test_every_state_has_its_status_and_notes(public, category):
    assert set(STATUS_OF) == set(CaseState)
    for state, (status, notes) in STATUS_OF.items():
        case = set_state(filed_case(category), state,
                         **({"resolution": Resolution.FIXED} if state in cases.DONE_STATES else {}))
        [row] = json_of(fetch(public, f"requests/{case.number}", "json"))
        assert (row["status"], row["status_notes"]) == (status, notes), state
        assert cases.open311_status(state) == status


def test_a_case_closed_unfixed_says_why_and_a_duplicate_which_case(public, category):
    first = filed_case(category)
    unfixed = set_state(filed_case(category), CaseState.CLOSED, resolution=Resolution.NOT_FIXED,
                        resolution_note="产权单位拒绝整改")
    twin = set_state(filed_case(category), CaseState.DUPLICATE, duplicate_of=first)
    rows = {row["service_request_id"]: row for row in json_of(fetch(public, "requests", "json"))}
    assert rows[unfixed.number]["status_notes"] == "已结案：未解决结案：产权单位拒绝整改"
    assert rows[twin.number]["status_notes"] == f"重复上报（与 {first.number} 重复）"


def test_the_cases_of_internal_categories_are_not_published(public, category):
    internal = CaseCategory.objects.create(code="hazard", name="企业安全隐患", anonymous_allowed=False)
    hidden = filed_case(internal)
    shown = filed_case(category)
    assert [row["service_request_id"] for row in json_of(fetch(public, "requests", "json"))] == [shown.number]
    errors_of(fetch(public, f"requests/{hidden.number}", "json"), "json", 404)
    errors_of(fetch(public, f"requests/{hidden.number}/updates", "xml"), "xml", 404)
    assert json_of(fetch(public, "requests", "json", service_request_id=hidden.number)) == []


def test_the_department_working_a_case_is_the_agency_responsible(public, category, department):
    case = set_state(filed_case(category), CaseState.DISPATCHED, department=department)
    [row] = rows_of(fetch(public, f"requests/{case.number}", "xml"), "xml", "service_requests", "request",
                    REQUEST_FIELDS)
    assert row["agency_responsible"] == "城市管理办公室"


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_filters(public, category, department, fmt):
    other = CaseCategory.objects.create(code="manhole", name="井盖缺失", department=department, anonymous_allowed=True)
    recent = filed_case(category, days_ago=1)
    week = filed_case(other, days_ago=7)
    old = filed_case(category, days_ago=120)
    closed = set_state(filed_case(category, days_ago=3), CaseState.CLOSED, resolution=Resolution.FIXED)

    def ids(**params):
        response = fetch(public, "requests", fmt, **params)
        assert response.status_code == 200, response.content
        return [row["service_request_id"] for row in rows_of(response, fmt, "service_requests", "request",
                                                              REQUEST_FIELDS)]

    # Newest first, the last 90 days by default.
    assert ids() == [recent.number, closed.number, week.number]
    assert ids(service_code="manhole") == [week.number]
    assert ids(service_code="manhole,litter") == [recent.number, closed.number, week.number]
    assert ids(status="closed") == [closed.number]
    assert ids(status="open") == [recent.number, week.number]
    assert ids(status="open,closed") == [recent.number, closed.number, week.number]
    since = (timezone.now() - timedelta(days=200)).isoformat()
    assert ids(start_date=since) == [recent.number, closed.number, week.number, old.number]
    until = (timezone.now() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(end_date=until) == [week.number, old.number]
    assert ids(start_date=since, end_date=until) == [week.number, old.number]
    assert ids(start_date=timezone.localdate().isoformat()) == []
    # Ids override every other parameter, the window included.
    assert ids(service_request_id=f"{old.number},{week.number}", status="closed") == [week.number, old.number]
    assert ids(jurisdiction_id="openpark", service_code="litter", status="open") == [recent.number]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("params", [{"start_date": "yesterday"}, {"end_date": "2026-13-40T00:00:00Z"},
                                    {"start_date": "2026-11-01T08:00:00"}, {"status": "pending"},
                                    {"start_date": "2026-12-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"}])
def test_a_bad_filter_is_refused_in_both_languages(public, category, params, fmt):
    [description] = errors_of(fetch(public, "requests", fmt, **params), fmt, 400)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in description) and any(ch.isascii() and ch.isalpha() for ch in description)


def test_at_most_1000_requests_newest_first_in_a_few_queries(public, category, django_assert_max_num_queries):
    now = timezone.now()
    Case.objects.bulk_create(Case(number=f"SSP{i:012d}", category=category, description="x", address="城南路",
                                  reported_at=now - timedelta(minutes=i)) for i in range(1001))
    with django_assert_max_num_queries(8):
        rows = json_of(fetch(public, "requests", "json"))
    assert len(rows) == 1000
    assert rows[0]["service_request_id"] == "SSP000000000000" and rows[-1]["service_request_id"] == "SSP000000000999"


def test_expected_datetime_is_when_the_running_stage_is_due(public, category):
    from openpark.core.models import Deadline

    case = filed_case(category)
    [row] = json_of(fetch(public, f"requests/{case.number}", "json"))
    running = Deadline.objects.of(case).get(met_at__isnull=True)  # 核实: 30 minutes of working time
    assert row["expected_datetime"] == timezone.localtime(running.due_at).isoformat(timespec="seconds")
    # A limit in working days is due at the end of its day.
    Deadline.objects.of(case).update(due_at=None, due_on=timezone.localdate() + timedelta(days=3))
    [row] = json_of(fetch(public, f"requests/{case.number}", "json"))
    assert row["expected_datetime"] == f"{timezone.localdate() + timedelta(days=3):%Y-%m-%d}T23:59:59+08:00"
    assert set_state(case, CaseState.WITHDRAWN) and Deadline.objects.of(case).update(met_at=timezone.now())
    [row] = json_of(fetch(public, f"requests/{case.number}", "json"))
    assert row["expected_datetime"] == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_jurisdiction_is_not_found(public, category, fmt):
    assert fetch(public, "services", fmt, jurisdiction_id="openpark").status_code == 200
    for path in ("discovery", "services", "services/litter", "requests"):
        errors_of(fetch(public, path, fmt, jurisdiction_id="elsewhere"), fmt, 404)


def test_an_unknown_resource_or_method_answers_with_the_error_list(public, category):
    errors_of(public.get(f"{BASE}nothing"), "xml", 404)
    errors_of(public.get(f"{BASE}requests.html"), "xml", 404)
    errors_of(public.get(f"{BASE}nothing.json"), "json", 404)
    response = public.put(f"{BASE}requests.json")
    errors_of(response, "json", 405)
    assert "POST" in response["Allow"]
    errors_of(public.post(f"{BASE}services.xml"), "xml", 405)


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_list_each_step_without_notes(public, category, make_user, fmt):
    case = filed_case(category)
    centre = make_user("community")
    case.machine.apply(case, "verify", centre, "内部备注：已电话联系上报人")
    case.refresh_from_db()
    response = fetch(public, f"requests/{case.number}/updates", fmt)
    assert response.status_code == 200
    rows = rows_of(response, fmt, "service_request_updates", "request_update", UPDATE_FIELDS)
    assert [row["description"] for row in rows] == ["上报：待核实", "核实属实：待立案"]
    assert {row["status"] for row in rows} == {"open"}
    assert all(row["service_request_id"] == case.number and row["updated_datetime"].endswith("+08:00") for row in rows)
    assert "内部备注" not in response.content.decode()
    errors_of(fetch(public, "requests/SSP000/updates", fmt), fmt, 404)


def test_no_reporter_identity_goes_out(public, api_key, category, make_user):
    identity = {"first_name": "小明", "last_name": "王", "email": "wang@example.cn", "phone": "13900139000"}
    response = post(public, "json", filing(api_key, category, **identity))
    case = Case.objects.get()
    centre = make_user("community")
    case.machine.apply(case, "verify", centre, "已联系王小明 13900139000")
    case.refresh_from_db()
    bodies = [response.content]
    for fmt in FORMATS:
        for path in ("requests", f"requests/{case.number}", f"requests/{case.number}/updates",
                     f"tokens/{case.open311_token}"):
            got = fetch(public, path, fmt)
            assert got.status_code == 200
            bodies.append(got.content)
    text = b"".join(bodies).decode()
    for value in ("王小明", "小明", "wang@example.cn", "13900139000"):
        assert value not in text


def test_markup_in_a_description_is_text(public, api_key, category):
    typed = '<script>alert("x")</script> & <b>垃圾</b>\x07'
    assert post(public, "json", filing(api_key, category, description=typed)).status_code == 200
    number = Case.objects.get().number
    xml_response = fetch(public, f"requests/{number}", "xml")
    assert b"<script>" not in xml_response.content and b"&lt;script&gt;" in xml_response.content
    assert xml_of(xml_response).find("request").findtext("description") == typed.replace("\x07", "")
    json_response = fetch(public, f"requests/{number}", "json")
    assert b"<script>" not in json_response.content
    assert json_of(json_response)[0]["description"] == typed


def test_public_reads_need_no_key_and_post_needs_no_csrf_token(category, api_key):
    client = Client(enforce_csrf_checks=True)
    assert client.get(f"{BASE}requests.json").status_code == 200
    assert client.get(f"{BASE}requests.json")["Access-Control-Allow-Origin"] == "*"
    response = client.post(f"{BASE}requests.json", filing(api_key, category))
    assert response.status_code == 200 and "Content-Security-Policy" in response


# Issuing keys -----------------------------------------------------------------------------------

def test_an_administrator_issues_a_key_shown_once(client_for, make_user, category):
    admin = make_user("admin")
    client = client_for(admin)
    listing = client.get(reverse("community:open311key_list"))
    issue_url = reverse("community:open311_key_issue")
    assert issue_url in listing.content.decode()
    assert client.get(issue_url).status_code == 200
    assert client.post(issue_url, {"name": ""}).status_code == 400
    response = client.post(issue_url, {"name": "12345 热线"}, follow=True)
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    key = response.context["key"]
    record = Open311Key.objects.get()
    reloaded = client.get(response.redirect_chain[-1][0], follow=True)  # a reload issues nothing and shows no key
    assert Open311Key.objects.count() == 1 and key not in reloaded.content.decode()
    assert "密钥只在签发时显示一次" in reloaded.content.decode()
    assert record.issued_by == admin and record.digest == keys.digest(key) and key in response.content.decode()
    assert key not in client.get(reverse("community:open311key_detail", args=[record.pk])).content.decode()
    assert keys.find(key) == record
    record.is_active = False
    record.save()
    assert keys.find(key) is None


def test_others_may_not_issue_keys(client_for, make_user):
    for role in ("community", "grid"):
        response = client_for(make_user(role)).get(reverse("community:open311_key_issue"))
        assert response.status_code == 403
    assert Client().get(reverse("community:open311_key_issue")).status_code == 302


# A generic client against the live server ---------------------------------------------------------

def test_a_generic_georeport_client_lists_files_and_reads_back(live_server, empty_afterwards, category, department):
    """The `georeport` package (a thin GeoReport v2 client, which reads XML with xmltodict) sees our
    services and requests; it files nothing, so filing is a plain form POST, as any client makes it."""
    georeport = pytest.importorskip("georeport")
    import requests

    CaseCategory.objects.create(code="manhole", name="井盖缺失", department=department, anonymous_allowed=True)
    _, key = keys.issue("通用客户端")
    root = f"{live_server.url}/open311/v2"
    for fmt in FORMATS:
        client = georeport.GeoReport(root, jurisdiction="openpark", api_key=key, output_format=fmt)
        services = client.get_service_list()
        assert [s["service_code"] for s in services] == ["litter", "manhole"]
        assert services[0]["service_name"] == "乱扔垃圾" and services[0]["type"] == "realtime"
        assert client.get_service_definition("litter")["service_code"] == "litter"

        numbers = []
        for description in ("路边垃圾堆放", "垃圾桶满溢 <2 个>"):
            response = requests.post(f"{root}/requests.{fmt}", data={
                "jurisdiction_id": "openpark", "api_key": key, "service_code": "litter", "lat": "31.95",
                "long": "120.25", "description": description, "first_name": "明", "last_name": "李"}, timeout=30)
            assert response.status_code == 200, response.text
            numbers.append(response.json()[0]["service_request_id"] if fmt == "json"
                           else ET.fromstring(response.content).findtext("request/service_request_id"))

        one = client.get_service_request(numbers[1])
        assert one["service_request_id"] == numbers[1] and one["status"] == "open"
        assert one["description"] == "垃圾桶满溢 <2 个>" and one["service_code"] == "litter"
        listed = client.get_service_requests(service_code="litter", status="open")
        assert [r["service_request_id"] for r in listed][:2] == [numbers[1], numbers[0]]
        assert "李明" not in str(listed)
        token = Case.objects.get(number=numbers[0]).open311_token
        by_token = requests.get(f"{root}/tokens/{token}.json", timeout=30).json()
        assert by_token == [{"service_request_id": numbers[0], "token": token}]
    refused = requests.post(f"{root}/requests.json", data={"api_key": "nope", "service_code": "litter"}, timeout=30)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403


@pytest.mark.parametrize("state", [CaseState.WITHDRAWN, CaseState.INVALID])
def test_a_withdrawn_or_untrue_report_is_left_out_and_keeps_its_text_place_and_photo(public, category, state,
                                                                                      api_key):
    response = post(public, "json", {**filing(api_key, category, description="楼下的私事"), "media": photo()})
    assert response.status_code == 200
    case = Case.objects.get()
    [row] = json_of(fetch(public, f"requests/{case.number}", "json"))
    media = row["media_url"]
    assert media and public.get(media).status_code == 200
    set_state(case, state)
    assert [r["service_request_id"] for r in json_of(fetch(public, "requests", "json"))] == []
    [row] = json_of(fetch(public, f"requests/{case.number}", "json"))
    assert row["status"] == "closed" and row["description"] == row["address"] == row["media_url"] == ""
    assert row["lat"] is None and row["long"] is None  # as a request filed without a position reads
    assert public.get(media).status_code == 404
