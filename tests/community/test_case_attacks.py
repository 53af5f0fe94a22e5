"""What a hostile rider, resident, handler, other enterprise or Open311 client tried on 随手拍 and
must keep failing: reaching another scope's case on any page or endpoint, another reporter's case
through their own pages or a tracking key, bad input on the phone form and on Open311 (answered in
Chinese, 4xx, nothing filed), script in text, the reporter's identity where it is masked, and an
Open311 client flooding the endpoint."""
import json
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from openpark.community import casework
from openpark.community.choices import CaseState as S
from openpark.community.models import Case, Department, DepartmentBinding
from openpark.community.open311 import keys
from openpark.core.models import GridBinding

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(db):
    return keys.issue("12345 热线")[1]


def jpeg(size=(40, 30)):
    buffer = BytesIO()
    Image.new("RGB", size, "green").save(buffer, "JPEG")
    return SimpleUploadedFile("scene.jpg", buffer.getvalue(), "image/jpeg")


def dispatched(case, centre, department):
    for name, fields in (("verify", {}), ("register", {}), ("dispatch", {"department": department})):
        case.machine.apply(case, name, centre, **fields)
    case.refresh_from_db()
    return case


def stranger_handler(make_user):
    other = Department.objects.create(name="建设交通局")
    user = make_user("department")
    DepartmentBinding.objects.create(user=user, department=other)
    return user


# Scope: another department, another grid, other roles ------------------------------------------

@pytest.fixture
def outsiders(make_user, grids):
    other_grid = make_user("grid")
    GridBinding.objects.create(user=other_grid, grid=grids[0])
    return {"handler": stranger_handler(make_user), "grid": other_grid, "enterprise": make_user("enterprise"),
            "steward": make_user("steward")}


def test_outsiders_reach_no_case_page_endpoint_attachment_or_search(new_case, centre, department, outsiders,
                                                                     client_for, api_for):
    dispatched(new_case, centre, department)
    pk = new_case.pk
    for who, user in outsiders.items():
        page = client_for(user)
        for url in (f"/community/cases/{pk}/", f"/community/cases/{pk}/history/", f"/community/cases/{pk}/edit/"):
            assert page.get(url).status_code in (403, 404), (who, url)
        assert page.post(f"/community/cases/{pk}/transitions/accept/", {}).status_code in (403, 404), who
        assert page.post(f"/community/cases/{pk}/transitions/reply/", {"note": "x"}).status_code in (403, 404), who
        api = api_for(user)
        assert api.get(f"/api/community/cases/{pk}/").status_code in (403, 404), who
        assert api.post(f"/api/community/cases/{pk}/transitions/accept/", {}, format="json").status_code in (403, 404)
        assert api.patch(f"/api/community/cases/{pk}/", {"description": "改"}, format="json").status_code in (403, 404)
        attached = api.get("/api/core/attachments/", {"object": f"community.case:{pk}"})
        assert attached.status_code in (403, 404) or attached.json().get("results", attached.json()) in ([], {}), who
        found = page.get("/core/autocomplete/community.case/", {"q": new_case.number})
        assert found.status_code in (403, 404) or new_case.number not in found.content.decode(), who
        data = page.get("/community/cases/map/data/")
        assert data.status_code in (403, 404) or new_case.number not in data.content.decode(), who
        for queue in ("dispatch", "handle", "recheck"):
            listed = page.get(f"/community/cases/queues/{queue}/")
            assert listed.status_code in (403, 404) or new_case.number not in listed.content.decode(), (who, queue)
    new_case.refresh_from_db()
    assert new_case.state == S.DISPATCHED and new_case.description == "路边垃圾堆放"


def test_the_admin_issues_keys_but_works_no_case_and_a_leader_only_views(new_case, make_user, api_for, client_for):
    for role in ("admin", "leader"):
        user = make_user(role)
        assert api_for(user).post(f"/api/community/cases/{new_case.pk}/transitions/verify/", {},
                                  format="json").status_code in (403, 404), role
        assert client_for(user).post(f"/community/cases/{new_case.pk}/transitions/verify/",
                                     {}).status_code in (403, 404), role
    new_case.refresh_from_db()
    assert new_case.state == S.REPORTED


def test_anonymous_visitors_reach_no_staff_page(new_case):
    visitor = Client()
    for url in (f"/community/cases/{new_case.pk}/", "/community/cases/", "/community/cases/map/data/",
                "/community/cases/stats/", "/community/cases/queues/dispatch/", "/community/me/cases/",
                f"/community/me/cases/{new_case.pk}/"):
        response = visitor.get(url)
        assert response.status_code in (302, 403, 404), url
    assert visitor.get(f"/api/community/cases/{new_case.pk}/").status_code in (401, 403)
    assert visitor.post(f"/community/me/cases/{new_case.pk}/withdraw/").status_code in (302, 403)
    new_case.refresh_from_db()
    assert new_case.state == S.REPORTED


def test_another_reporter_cannot_see_withdraw_or_evaluate_ones_case(new_case, make_user, client_for):
    other = client_for(make_user("grid"))
    pk = new_case.pk
    assert other.get(f"/community/me/cases/{pk}/").status_code == 404
    assert other.post(f"/community/me/cases/{pk}/withdraw/").status_code == 404
    assert other.post(f"/community/me/cases/{pk}/photos/", {"photos": [jpeg()]}).status_code == 404
    Case.all_objects.filter(pk=pk).update_unguarded(state=S.CLOSED)
    assert other.post(f"/community/me/cases/{pk}/evaluate/", {"satisfaction": "dissatisfied"}).status_code == 404
    new_case.refresh_from_db()
    assert new_case.state == S.CLOSED and new_case.satisfaction == ""


@pytest.mark.parametrize("key", ["x", "a" * 15, "a" * 65, "a" * 5000, "../../etc", "%00" * 20, "A" * 32])
def test_a_wrong_tracking_key_finds_nothing(new_case, key):
    visitor = Client()
    assert visitor.get(f"/community/track/{key}/").status_code == 404
    assert visitor.post(f"/community/track/{key}/", {"action": "withdraw"}).status_code == 404
    new_case.refresh_from_db()
    assert new_case.state == S.REPORTED


def test_a_closed_case_is_neither_redispatched_nor_edited(new_case, centre, department, api_for, client_for):
    Case.all_objects.filter(pk=new_case.pk).update_unguarded(state=S.CLOSED, department=department)
    api = api_for(centre)
    assert api.post(f"/api/community/cases/{new_case.pk}/transitions/dispatch/", {"department": department.pk},
                    format="json").status_code in (400, 403, 404, 409)
    assert api.patch(f"/api/community/cases/{new_case.pk}/", {"description": "改"}, format="json").status_code in (
        400, 403, 404, 409)
    edited = client_for(centre).post(f"/community/cases/{new_case.pk}/edit/", {"description": "改"}, follow=True)
    assert "不能" in edited.content.decode()
    new_case.refresh_from_db()
    assert new_case.state == S.CLOSED and new_case.description == "路边垃圾堆放"


def test_verifying_twice_grants_the_points_once(new_case, centre, api_for, worker):
    from openpark.community.models import LedgerEntry

    api = api_for(centre)
    assert api.post(f"/api/community/cases/{new_case.pk}/transitions/verify/", {}, format="json").status_code == 200
    assert api.post(f"/api/community/cases/{new_case.pk}/transitions/verify/", {}, format="json").status_code == 400
    assert LedgerEntry.objects.filter(worker=worker, source=f"case:{new_case.pk}").count() == 1


@pytest.mark.parametrize("days", ["0", "-1", "999", "abc", ""])
def test_a_bad_extension_is_refused(new_case, centre, handler, department, api_for, days):
    dispatched(new_case, centre, department)
    new_case.machine.apply(new_case, "accept", handler)
    response = api_for(handler).post(f"/api/community/cases/{new_case.pk}/transitions/request_extension/",
                                     {"days": days, "note": "材料未到"}, format="json")
    assert response.status_code == 400
    new_case.refresh_from_db()
    assert new_case.extension_days == 0


def test_a_bad_resolution_is_refused(new_case, centre, api_for):
    Case.all_objects.filter(pk=new_case.pk).update_unguarded(state=S.CHECKED)
    response = api_for(centre).post(f"/api/community/cases/{new_case.pk}/transitions/close/",
                                    {"resolution": "hacked"}, format="json")
    assert response.status_code == 400
    new_case.refresh_from_db()
    assert new_case.state == S.CHECKED


# Open311: bad input answers 4xx in Chinese and files nothing -------------------------------------

def filing(key, category, **fields):
    return {"api_key": key, "service_code": category.code, "lat": "31.95", "long": "120.25",
            "description": "路边垃圾堆放"} | fields


BAD_FILINGS = {
    "no key": {"api_key": ""},
    "wrong key": {"api_key": "0" * 40},
    "lat string": {"lat": "north"},
    "lat nan": {"lat": "NaN"},
    "lat inf": {"lat": "Infinity"},
    "lat huge": {"lat": "1e999999"},
    "out of china": {"lat": "48.85", "long": "2.35"},
    "long description": {"description": "长" * 100_000},
    "nul in description": {"description": "垃圾\x00堆放"},
    "nul in name": {"first_name": "张\x00三"},
    "nul in address": {"lat": "", "long": "", "address_string": "城南\x00路"},
    "long name": {"first_name": "名" * 200},
    "bad email": {"email": "not-an-email"},
    "javascript media_url": {"media_url": "javascript:alert(1)"},
    "wrong jurisdiction": {"jurisdiction_id": "elsewhere"},
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("case", sorted(BAD_FILINGS))
def test_a_bad_open311_filing_is_refused_in_chinese_and_files_nothing(api_key, category, case_grid, case, fmt):
    before = Case.all_objects.count()
    response = Client().post(f"{BASE}requests.{fmt}", filing(api_key, category, **BAD_FILINGS[case]))
    assert 400 <= response.status_code < 500, response.content[:300]
    text = response.content.decode()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert Case.all_objects.count() == before


def test_a_revoked_key_and_a_non_image_media_file_nothing(api_key, category, case_grid):
    client = Client()
    fake = SimpleUploadedFile("scene.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
                              "image/jpeg")
    assert client.post(f"{BASE}requests.json", {**filing(api_key, category), "media": fake}).status_code == 400
    from openpark.community.models import Open311Key

    Open311Key.all_objects.update_unguarded(is_active=False)
    assert client.post(f"{BASE}requests.json", filing(api_key, category)).status_code == 403
    assert Case.all_objects.count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_other_methods_are_not_allowed(api_key, category, method):
    response = getattr(Client(), method)(f"{BASE}requests.json")
    assert response.status_code == 405
    assert "不支持" in response.json()[0]["description"]


@pytest.mark.parametrize("params", [{"start_date": "yesterday"}, {"end_date": "2026-13-45"},
                                    {"start_date": "2026-12-01T08:00:00"}, {"status": "all"},
                                    {"start_date": "9" * 500}])
def test_garbage_dates_are_refused(category, params):
    response = Client().get(f"{BASE}requests.json", params)
    assert response.status_code == 400


def test_open311_output_is_text_never_markup_nor_identity(api_key, category, case_grid, make_user):
    client = Client()
    made = client.post(f"{BASE}requests.json", filing(api_key, category, description=SCRIPT, first_name=SCRIPT,
                                                       phone="13900001111", email="who@example.com",
                                                       address_string=SCRIPT)).json()
    number = made[0]["service_request_id"]
    for fmt in ("json", "xml"):
        body = client.get(f"{BASE}requests/{number}.{fmt}").content.decode()
        assert "<script>" not in body
        assert "13900001111" not in body and "who@example.com" not in body
    centre = make_user("community")
    assert centre.has_perm("community.view_reporter_identity")


def test_an_open311_client_cannot_flood_the_park(api_key, category, case_grid, settings):
    settings.OPENPARK_OPEN311_FILINGS_PER_HOUR = 3
    client = Client()
    answers = [client.post(f"{BASE}requests.json", filing(api_key, category)).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert Case.all_objects.count() == 3
    refused = client.post(f"{BASE}requests.xml", filing(api_key, category))
    assert refused.status_code == 429 and "频繁" in refused.content.decode()
    # another client keeps its own allowance
    other = keys.issue("第三方随手拍")[1]
    assert client.post(f"{BASE}requests.json", filing(other, category)).status_code == 200


# The phone form ----------------------------------------------------------------------------------

def phone_form(chosen, **fields):
    return {"request_key": "a" * 32, "category": str(chosen.pk), "longitude": "120.25", "latitude": "31.95",
            "description": "路边垃圾"} | fields


BAD_REPORTS = {
    "category text": {"category": "abc"},
    "category huge": {"category": "9" * 40},
    "category negative": {"category": "-1"},
    "lon nan": {"longitude": "NaN"},
    "lon inf": {"longitude": "inf"},
    "lon text": {"longitude": "东经"},
    "out of china": {"longitude": "2.35", "latitude": "48.85"},
    "nul": {"description": "垃\x00圾"},
    "too long": {"description": "长" * 5000},
    "bad request key": {"request_key": "zz"},
}


@pytest.mark.parametrize("case", sorted(BAD_REPORTS))
def test_a_bad_phone_report_is_refused_and_files_nothing(rider, category, case_grid, client_for, case):
    before = Case.all_objects.count()
    response = client_for(rider).post("/community/report/", {**phone_form(category, **BAD_REPORTS[case]),
                                                              "photos": [jpeg()]})
    assert response.status_code == 400
    assert Case.all_objects.count() == before


def _png_bomb():
    buffer = BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, "PNG")
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), "image/png")


@pytest.mark.parametrize("upload", ["svg", "gif", "text", "bomb", "seven"])
def test_bad_photos_are_refused(rider, category, case_grid, client_for, upload):
    photos = {
        "svg": [SimpleUploadedFile("x.jpg", b"<svg onload='alert(1)'/>", "image/jpeg")],
        "gif": [SimpleUploadedFile("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif")],
        "text": [SimpleUploadedFile("x.jpg", b"hello", "image/jpeg")],
        "bomb": [_png_bomb()],
        "seven": [jpeg() for _ in range(7)],
    }[upload]
    response = client_for(rider).post("/community/report/", {**phone_form(category), "photos": photos})
    assert response.status_code == 400
    assert Case.all_objects.count() == 0


# Script in text and the reporter's identity -----------------------------------------------------

def test_script_in_every_text_field_is_text_on_every_page(category, case_grid, department, rider, centre,
                                                          client_for, make_user):
    department.name = SCRIPT
    department.save()
    category.name = SCRIPT
    category.save()
    case = casework.submit(Case(category=category, description=SCRIPT, address=SCRIPT, longitude=D("120.25"),
                                latitude=D("31.95"), location_source="device", reporter_name=SCRIPT), rider)
    case.machine.apply(case, "verify", centre, SCRIPT)
    page = client_for(centre)
    for url in (f"/community/cases/{case.pk}/", "/community/cases/", f"/community/cases/{case.pk}/history/",
                "/community/cases/queues/dispatch/", "/community/cases/stats/"):
        body = page.get(url).content.decode()
        assert SCRIPT not in body, url
    assert SCRIPT not in client_for(rider).get(f"/community/me/cases/{case.pk}/").content.decode()
    data = page.get("/community/cases/map/data/")
    assert "<script" not in data.content.decode()


def test_the_reporter_is_masked_for_roles_without_the_right(category, case_grid, rider, make_user, api_for,
                                                            client_for):
    case = casework.submit(Case(category=category, description="井盖", longitude=D("120.25"), latitude=D("31.95"),
                                location_source="device", reporter_name="张三丰", reporter_phone="13912345678",
                                reporter_email="zhang@example.com"), rider)
    leader = make_user("leader")
    assert not leader.has_perm("community.view_reporter_identity")
    api = json.dumps(api_for(leader).get(f"/api/community/cases/{case.pk}/").json(), ensure_ascii=False)
    page = client_for(leader)
    pages = "".join(page.get(url).content.decode() for url in (
        f"/community/cases/{case.pk}/", f"/community/cases/{case.pk}/history/", "/community/cases/"))
    for secret in ("张三丰", "13912345678", "zhang@example.com"):
        assert secret not in api and secret not in pages, secret


def test_the_export_masks_the_reporter_for_a_leader(category, case_grid, rider, make_user, client_for):
    from tests.sheets import read_xlsx

    casework.submit(Case(category=category, description="井盖", longitude=D("120.25"), latitude=D("31.95"),
                         location_source="device", reporter_name="张三丰", reporter_phone="13912345678"), rider)
    page = client_for(make_user("leader"))
    for response in (page.get("/community/cases/", {"export": "xlsx"}),
                     page.post("/community/cases/", {"export": "xlsx", "export_reason": "核对上报人"})):
        if response.status_code == 200 and response.get("Content-Type", "").startswith("application/vnd"):
            cells = str(read_xlsx(response.content))
            assert "张三丰" not in cells and "13912345678" not in cells and "王骑手" not in cells
        else:
            assert response.status_code in (302, 400, 403, 405)


def test_keys_are_kept_only_as_digests(api_key, category, case_grid):
    from openpark.community.models import Open311Key

    record = Open311Key.objects.get()
    assert api_key not in " ".join(str(getattr(record, f.attname)) for f in Open311Key._meta.concrete_fields)
    key, digest = casework.new_track_key()
    case = casework.submit(Case(category=category, description="井盖", address="城南路", track_digest=digest))
    stored = Case.all_objects.filter(pk=case.pk).values().get()
    assert key not in " ".join(str(value) for value in stored.values())


def test_a_tracking_key_never_reaches_the_log(category, case_grid, caplog):
    key, digest = casework.new_track_key()
    casework.submit(Case(category=category, description="井盖", address="城南路", track_digest=digest))
    visitor = Client()
    with caplog.at_level("INFO"):
        assert visitor.get(f"/community/track/{key}/photos/999/").status_code == 404
        assert visitor.put(f"/community/track/{key}/").status_code == 405
        assert visitor.get(f"/community/track/{key}/").status_code == 200
    assert caplog.records and key not in caplog.text


def test_who_reported_is_told_neither_by_the_history_nor_by_a_filter(new_case, rider, worker, make_user, client_for,
                                                                      api_for, centre):
    leader = make_user("leader")
    history = client_for(leader).get(f"/community/cases/{new_case.pk}/history/").content.decode()
    assert worker.name not in history and f"（{rider.username}）" not in history and str(rider) not in history
    # a filter by the reporter narrows nothing for a role that may not know who reported
    for params in ({"reporter_worker": worker.pk}, {"reporter_worker": worker.pk + 1}):
        listed = client_for(leader).get("/community/cases/", params).content.decode()
        assert new_case.number in listed
        api = api_for(leader).get("/api/community/cases/", params)
        assert api.status_code == 200 and api.json()["count"] == 1
    # the grid centre still finds a reporter's cases
    found = api_for(centre).get("/api/community/cases/", {"reporter_worker": worker.pk + 1}).json()
    assert found.get("count", 0) == 0
    assert worker.name in client_for(centre).get(f"/community/cases/{new_case.pk}/history/").content.decode()


def test_the_timeline_does_not_name_the_reporter_to_whom_may_not_know(new_case, rider, make_user, client_for,
                                                                       centre):
    name = f"（{rider.username}）"
    assert name not in client_for(make_user("leader")).get(f"/community/cases/{new_case.pk}/").content.decode()
    assert name in client_for(centre).get(f"/community/cases/{new_case.pk}/").content.decode()


def test_anonymous_reports_from_one_ipv6_network_share_one_limit(category, case_grid):
    from openpark.community import reporting

    filed = []
    for n in range(reporting.ANONYMOUS_LIMIT + 1):
        visitor = Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
        response = visitor.post("/community/report/", {**phone_form(category, request_key=f"{n:032x}"),
                                                       "photos": [jpeg()]})
        filed.append(response.status_code)
    assert filed == [200] * reporting.ANONYMOUS_LIMIT + [429]
    assert Client(REMOTE_ADDR="2001:db8:1:3::1").post("/community/report/", {
        **phone_form(category, request_key="f" * 32), "photos": [jpeg()]}).status_code == 200


# The park's vocabulary: categories, time limits, departments -------------------------------------

@pytest.mark.parametrize("fields", [{"code": "bad code"}, {"code": "LITTER"}, {"code": "垃圾"}, {"code": "-x"},
                                    {"code": "a" * 33}, {"points": -5}, {"points": 10**6}, {"icon": "nope"},
                                    {"urgency": "asap"}, {"name": ""}, {"code": "x\x00y"}])
def test_a_bad_category_is_refused_by_the_api(centre, api_for, category, department, fields):
    from openpark.community.models import CaseCategory

    before = CaseCategory.all_objects.count()
    data = {"code": "potholes", "name": "路面坑洼", "icon": "litter", "department": department.pk, "urgency": "normal",
            "points": 3} | fields
    response = api_for(centre).post("/api/community/case-categories/", data, format="json")
    assert response.status_code in (400, 403), response.content[:200]
    assert CaseCategory.all_objects.count() == before


@pytest.mark.parametrize("fields", [{"amount": 0}, {"amount": -1}, {"amount": 10**7}, {"unit": "weeks"},
                                    {"stage": "nope"}, {"amount": "x"}])
def test_a_bad_time_limit_is_refused_by_the_api(centre, api_for, category, fields):
    from openpark.community.models import CaseTimeLimit

    data = {"category": category.pk, "stage": "handle", "urgency": "normal", "amount": 2, "unit": "working_days"} | fields
    response = api_for(centre).post("/api/community/case-time-limits/", data, format="json")
    assert response.status_code in (400, 403), response.content[:200]
    assert not CaseTimeLimit.all_objects.exists()


def test_only_the_admin_issues_open311_keys(make_user, client_for):
    from openpark.community.models import Open311Key

    for role in ("community", "leader", "department", "grid"):
        assert client_for(make_user(role)).post("/community/open311-keys/issue/", {"name": "偷偷"}).status_code in (
            403, 404), role
    assert not Open311Key.all_objects.exists()


def test_the_good_category_and_time_limit_are_accepted(centre, api_for, category, department):
    made = api_for(centre).post("/api/community/case-categories/", {
        "code": "potholes", "name": "路面坑洼", "icon": "litter", "department": department.pk, "urgency": "normal",
        "points": 3}, format="json")
    assert made.status_code == 201, made.content[:300]
    made = api_for(centre).post("/api/community/case-time-limits/", {
        "category": category.pk, "stage": "handle", "urgency": "normal", "amount": 2, "unit": "working_days"},
        format="json")
    assert made.status_code == 201, made.content[:300]


def test_a_case_is_never_deleted_through_the_api(new_case, centre, api_for):
    response = api_for(centre).delete(f"/api/community/cases/{new_case.pk}/")
    assert response.status_code == 400 and "不能删除" in response.json()["detail"]
    assert Case.objects.filter(pk=new_case.pk).exists()


def test_the_photos_of_a_closed_case_are_neither_added_nor_deleted(new_case, centre, rider, api_for, client_for):
    from openpark.core.attachments import attach
    from openpark.core.models import Attachment

    photo = attach(new_case, jpeg(), rider, purpose="上报照片")
    Case.all_objects.filter(pk=new_case.pk).update_unguarded(state=S.CLOSED)
    api = api_for(centre)
    assert api.delete(f"/api/core/attachments/{photo.pk}/").status_code in (400, 403, 404)
    added = api.post(f"/api/core/attachments/?object=community.case:{new_case.pk}",
                     {"object": f"community.case:{new_case.pk}", "file": jpeg(), "purpose": "补拍"}, format="multipart")
    assert added.status_code in (400, 403, 404)
    assert client_for(rider).post(f"/community/me/cases/{new_case.pk}/photos/", {"photos": [jpeg()]}).status_code == 302
    assert list(Attachment.objects.filter(object_id=new_case.pk).values_list("pk", flat=True)) == [photo.pk]


def test_another_grid_worker_may_not_add_photos_to_a_case_they_see(new_case, make_user, case_grid, api_for):
    from openpark.core.models import Attachment

    inside = make_user("grid")
    GridBinding.objects.create(user=inside, grid=case_grid)
    added = api_for(inside).post(f"/api/core/attachments/?object=community.case:{new_case.pk}",
                                 {"object": f"community.case:{new_case.pk}", "file": jpeg(), "purpose": "x"},
                                 format="multipart")
    assert added.status_code in (403, 404)
    assert not Attachment.objects.filter(object_id=new_case.pk).exists()


def test_a_grid_worker_who_sees_a_case_may_not_withdraw_or_evaluate_it(new_case, make_user, case_grid, api_for,
                                                                       client_for):
    inside = make_user("grid")
    GridBinding.objects.create(user=inside, grid=case_grid)
    api = api_for(inside)
    refused = api.post(f"/api/community/cases/{new_case.pk}/transitions/withdraw/", {}, format="json")
    assert refused.status_code == 403 and "上报人本人" in str(refused.json())
    assert client_for(inside).post(f"/community/cases/{new_case.pk}/transitions/withdraw/", {}).status_code in (
        302, 403)
    new_case.refresh_from_db()
    assert new_case.state == S.REPORTED
    Case.all_objects.filter(pk=new_case.pk).update_unguarded(state=S.CLOSED)
    refused = api.post(f"/api/community/cases/{new_case.pk}/transitions/evaluate/", {"satisfaction": "dissatisfied"},
                       format="json")
    assert refused.status_code == 403
    new_case.refresh_from_db()
    assert new_case.state == S.CLOSED and new_case.satisfaction == ""


def test_a_reporter_evaluates_once_and_only_with_a_known_satisfaction(new_case, rider, client_for):
    Case.all_objects.filter(pk=new_case.pk).update_unguarded(state=S.CLOSED)
    page = client_for(rider)
    page.post(f"/community/me/cases/{new_case.pk}/evaluate/", {"satisfaction": "<b>great</b>"})
    new_case.refresh_from_db()
    assert new_case.state == S.CLOSED and new_case.satisfaction == ""
    page.post(f"/community/me/cases/{new_case.pk}/evaluate/", {"satisfaction": "satisfied"})
    page.post(f"/community/me/cases/{new_case.pk}/evaluate/", {"satisfaction": "dissatisfied"})
    new_case.refresh_from_db()
    assert new_case.state == S.EVALUATED and new_case.satisfaction == "satisfied"


@pytest.mark.parametrize("url, params", [
    ("/community/cases/map/data/", {"category": "9" * 30}), ("/community/cases/map/data/", {"category": "-1"}),
    ("/community/cases/map/data/", {"reported_from": "0000-00-00"}), ("/community/cases/map/data/", {"group": "x"}),
    ("/community/cases/map/data/", {"crs": "../../etc"}), ("/community/cases/stats/", {"year": "99999999"}),
    ("/community/cases/stats/", {"year": "-1"}), ("/community/cases/stats/", {"year": "NaN"}),
    ("/community/cases/", {"state": "nope"}), ("/community/cases/", {"reporter_worker": "x" * 50}),
    ("/community/cases/", {"sort": "reporter_phone"}), ("/community/cases/queues/nope/", {}),
    ("/api/community/cases/", {"ordering": "reporter_phone"}), ("/api/community/cases/", {"category": "9" * 30}),
])
def test_garbage_in_a_filter_is_a_4xx_or_ignored_never_a_500(new_case, centre, client_for, api_for, url, params):
    client = api_for(centre) if url.startswith("/api/") else client_for(centre)
    response = client.get(url, params)
    assert response.status_code < 500


def test_statistics_are_for_park_wide_roles_only(new_case, handler, rider, make_user, client_for):
    for user in (handler, rider, make_user("enterprise"), make_user("steward")):
        assert client_for(user).get("/community/cases/stats/", {"export": "xlsx"}).status_code == 403


@pytest.mark.parametrize("media", ["bomb", "truncated", "gif"])
def test_a_bad_open311_photo_files_nothing(api_key, category, case_grid, media):
    upload = {
        "bomb": _png_bomb(),
        "truncated": SimpleUploadedFile("x.jpg", jpeg().read()[:200], "image/jpeg"),
        "gif": SimpleUploadedFile("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    }[media]
    response = Client().post(f"{BASE}requests.json", {**filing(api_key, category), "media": upload})
    assert response.status_code == 400, response.content[:300]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()[0]["description"])
    assert Case.all_objects.count() == 0


def test_refused_open311_filings_count_against_the_key_too(api_key, category, case_grid, settings):
    settings.OPENPARK_OPEN311_FILINGS_PER_HOUR = 2
    client = Client()
    answers = [client.post(f"{BASE}requests.json", filing(api_key, category, lat="x")).status_code for _ in range(3)]
    assert answers == [400, 400, 429]


def test_global_search_finds_no_case_beyond_ones_scope(new_case, centre, department, outsiders, client_for):
    dispatched(new_case, centre, department)
    for who, user in outsiders.items():
        for q in (new_case.number, "路边垃圾"):
            body = client_for(user).get("/core/search/", {"q": q}).content.decode()
            assert f"/community/cases/{new_case.pk}/" not in body, (who, q)
    assert f"/community/cases/{new_case.pk}/" in client_for(centre).get("/core/search/", {"q": "路边垃圾"}).content.decode()


def test_the_reporter_sees_the_report_and_the_work_not_staffs_own_files(new_case, rider, centre, client_for):
    from openpark.core.attachments import attach

    filed = attach(new_case, jpeg(), rider, purpose="上报照片")
    internal = attach(new_case, jpeg(), centre, purpose="内部材料")
    page = client_for(rider)
    body = page.get(f"/community/me/cases/{new_case.pk}/").content.decode()
    assert f"/photos/{filed.pk}/" in body and f"/photos/{internal.pk}/" not in body
    assert page.get(f"/community/me/cases/{new_case.pk}/photos/{internal.pk}/").status_code == 404


def test_a_reporter_adds_photos_to_a_case_up_to_a_limit(new_case, rider, client_for, monkeypatch):
    from openpark.community import reporting
    from openpark.core.models import Attachment

    monkeypatch.setattr(reporting, "MAX_ADDED_PHOTOS", 3)
    page = client_for(rider)
    page.post(f"/community/me/cases/{new_case.pk}/photos/", {"photos": [jpeg(), jpeg()]})
    refused = page.post(f"/community/me/cases/{new_case.pk}/photos/", {"photos": [jpeg(), jpeg()]}, follow=True)
    assert "最多补充 3 张" in refused.content.decode()
    assert Attachment.objects.filter(object_id=new_case.pk).count() == 2
