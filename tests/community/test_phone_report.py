"""随手拍 from a phone: photos (their position read, then stored small and without EXIF), the
position, nearby open cases, one filing per form, reporting without an account (its tracking link
and its limit), and the reporter's own cases (撤回 before dispatch, 评价 after closing)."""
import re
import uuid
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from openpark.community import reporting
from openpark.community.choices import CaseState as S
from openpark.community.models import CASE_MACHINE, Case, CaseCategory, LedgerEntry
from openpark.core.models import Attachment

pytestmark = pytest.mark.django_db

REPORT = "/community/report/"
NEARBY = "/community/report/nearby/"
GPS_IFD = 0x8825
MAKE, MODEL = 0x010F, 0x0110


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def photo(name="scene.jpg", size=(3000, 2000), gps=None, camera=True, fmt="JPEG"):
    """A photo as a phone takes it: its camera's make and model and, when given, its position
    ((longitude, latitude) in degrees) in the EXIF GPS block."""
    exif = Image.Exif()
    if camera:
        exif[MAKE], exif[MODEL] = "Canon", "EOS R5"
    if gps:
        lon, lat = gps
        block = exif.get_ifd(GPS_IFD)
        block[1], block[2] = "N", _dms(lat)
        block[3], block[4] = "E", _dms(lon)
    buffer = BytesIO()
    Image.new("RGB", size, "orange").save(buffer, fmt, exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def _dms(degrees: float):
    whole = int(degrees)
    minutes = (degrees - whole) * 60
    return float(whole), float(int(minutes)), round((minutes - int(minutes)) * 60, 4)


def form(category, **fields):
    data = {"request_key": uuid.uuid4().hex, "category": str(category.pk), "description": "路灯不亮"}
    data.update(fields)
    return data


def reopened(stored):
    with stored.open("rb") as handle:
        image = Image.open(BytesIO(handle.read()))
        image.load()
    return image


@pytest.fixture
def other_category(db, department):
    return CaseCategory.objects.create(code="light", name="路灯损坏", icon="light", department=department, points=3)


def advance(case, *names):
    """Steps made by the system, as far as the test needs the case."""
    for name in names:
        CASE_MACHINE.apply(case, name, None, "处理说明", evidence=None)
        case.refresh_from_db()
    return case


# Filing with photos ----------------------------------------------------------------------------------

def test_the_page_offers_the_categories_by_their_icons(client_for, rider, category, other_category):
    page = client_for(rider).get(REPORT)
    assert page.status_code == 200
    text = page.content.decode()
    assert "ssp-icon-litter" in text and "ssp-icon-light" in text and "乱扔垃圾" in text
    assert 'capture="environment"' in text and 'accept="image/*"' in text
    assert re.search(r'name="request_key" value="[0-9a-f]{32}"', text)
    assert "onclick" not in text and "<script>" not in text


def test_a_photo_gives_its_position_and_is_stored_small_without_exif(client_for, rider, worker, category, case_grid):
    upload = photo(gps=(120.25, 31.95))
    response = client_for(rider).post(REPORT, form(category, photos=[upload]))
    assert response.status_code == 200, response.content.decode()
    case = Case.objects.get()
    assert case.location_source == "photo"
    assert (case.longitude, case.latitude) == (D("120.250000"), D("31.950000"))
    assert case.grid == case_grid and case.reporter == rider and case.reporter_worker == worker
    assert case.anonymous is False and case.urgency == category.urgency and case.state == S.REPORTED
    assert case.number in response.content.decode()
    assert reverse("community:my_case", args=[case.pk]) in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.purpose == "上报照片" and attachment.object_id == case.pk
    for stored in (attachment.file, attachment.thumbnail):
        image = reopened(stored)
        exif = image.getexif()
        assert dict(exif) == {} and dict(exif.get_ifd(GPS_IFD)) == {}
        assert "exif" not in image.info
        assert max(image.size) <= 1600
    assert reopened(attachment.file).size == (1600, 1067)


def test_the_core_attach_itself_leaves_the_position_and_the_camera_behind(rider, new_case):
    """The phone page shrinks a photo before it attaches it; attaching the original drops its EXIF all
    the same (the other ways in: 补充照片 evidence, the 附件 panel)."""
    from openpark.core.attachments import attach

    original = photo(gps=(120.25, 31.95), size=(200, 100))
    assert dict(Image.open(BytesIO(original.read())).getexif().get_ifd(GPS_IFD))
    attachment = attach(new_case, original, rider, purpose="上报照片")
    for stored in (attachment.file, attachment.thumbnail):
        exif = reopened(stored).getexif()
        assert dict(exif) == {} and dict(exif.get_ifd(GPS_IFD)) == {}


def test_the_phone_position_wins_over_the_photo(client_for, rider, category):
    response = client_for(rider).post(REPORT, form(category, photos=[photo(gps=(120.25, 31.95))],
                                                  longitude="120.263000", latitude="31.965000"))
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.location_source == "device"
    assert (case.longitude, case.latitude) == (D("120.263000"), D("31.965000"))


def test_an_address_serves_when_there_is_no_position(client_for, rider, category):
    response = client_for(rider).post(REPORT, form(category, photos=[photo(gps=None)], address="城南路 88 号"))
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.location_source == "address" and case.address == "城南路 88 号" and case.latitude is None


@pytest.mark.parametrize("fields, message", [
    ({"category": ""}, "请选择问题类别。"),
    ({"photos": []}, "请至少拍一张照片。"),
    ({"longitude": "120.2", "latitude": ""}, "手机定位无效"),
    ({"longitude": "2.35", "latitude": "48.85"}, "不在中国境内"),
    ({"request_key": "x"}, "页面已过期"),
    ({"description": "a\x00b"}, "问题描述："),
    ({"description": "长" * 1001}, "问题描述："),
    ({"address": "x" * 5000}, "地址："),
    ({"longitude": "a\x00b"}, "经度："),
])
def test_bad_input_is_shown_in_chinese_and_changes_nothing(client_for, rider, category, fields, message):
    data = form(category, photos=[photo(gps=(120.25, 31.95))])
    data.update(fields)
    response = client_for(rider).post(REPORT, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.all_objects.exists() and not Attachment.objects.exists()


def test_no_position_at_all_is_refused(client_for, rider, category):
    response = client_for(rider).post(REPORT, form(category, photos=[photo(gps=None)]))
    assert response.status_code == 400
    assert "未能确定位置" in response.content.decode()
    assert not Case.all_objects.exists()


def test_a_file_that_is_no_photo_is_refused(client_for, rider, category):
    fake = SimpleUploadedFile("scene.jpg", b"%PDF-1.4 not a photo", "image/jpeg")
    response = client_for(rider).post(REPORT, form(category, photos=[fake], address="城南路"))
    assert response.status_code == 400
    assert "不是可用的照片" in response.content.decode()
    assert not Case.all_objects.exists() and not Attachment.objects.exists()


def test_a_form_sent_twice_files_once(client_for, rider, category):
    client = client_for(rider)
    data = form(category, address="城南路 88 号")
    first = client.post(REPORT, {**data, "photos": [photo()]})
    second = client.post(REPORT, {**data, "photos": [photo()]})
    assert first.status_code == second.status_code == 200
    case = Case.objects.get()
    assert case.number in second.content.decode() and "未重复上报" in second.content.decode()
    assert Attachment.objects.count() == 1


def test_a_signed_in_user_without_the_right_may_not_report(client_for, handler, category):
    assert client_for(handler).get(REPORT).status_code == 403


# 是这个吗？ ------------------------------------------------------------------------------------------

def test_nearby_open_cases_of_the_category_are_offered(client_for, rider, category, other_category, new_case,
                                                      department):
    from openpark.community import casework

    far = casework.submit(Case(category=category, longitude=D("120.28"), latitude=D("31.98"),
                               location_source="device"), rider)
    ended = casework.submit(Case(category=category, longitude=D("120.2501"), latitude=D("31.9501"),
                                 location_source="device"), rider)
    CASE_MACHINE.apply(ended, "withdraw", rider)
    closed = casework.submit(Case(category=category, longitude=D("120.2502"), latitude=D("31.9502"),
                                  location_source="device"), rider)
    advance(closed, "verify", "register")
    CASE_MACHINE.apply(closed, "dispatch", None, "", department=department)
    advance(closed, "accept", "reply", "recheck_pass", "close")
    assert closed.state == S.CLOSED
    other = casework.submit(Case(category=other_category, longitude=D("120.2501"), latitude=D("31.9501"),
                                 location_source="device"), rider)
    response = client_for(rider).get(NEARBY, {"category": category.pk, "longitude": "120.2502",
                                              "latitude": "31.9502"})
    assert response.status_code == 200
    text = response.content.decode()
    assert new_case.number in text and "是这个" in text and "不是，继续上报" in text
    for number in (far.number, ended.number, closed.number, other.number):
        assert number not in text


def test_nearby_shows_a_description_as_text(client_for, rider, category, new_case):
    Case.objects.filter(pk=new_case.pk).update(description="<script>alert(1)</script>")
    text = client_for(rider).get(NEARBY, {"category": category.pk, "longitude": "120.25",
                                          "latitude": "31.95"}).content.decode()
    assert new_case.number in text
    assert "<script>alert" not in text and "&lt;script&gt;" in text


def test_nearby_without_a_position_says_so(client_for, rider, category):
    response = client_for(rider).get(NEARBY, {"category": category.pk, "longitude": "abc", "latitude": ""})
    assert response.status_code == 400 and "位置" in response.content.decode()


# Without an account ---------------------------------------------------------------------------------------

def test_without_an_account_only_open_categories_are_offered_and_refused_otherwise(client, category, other_category):
    page = client.get(REPORT)
    assert page.status_code == 200
    assert category.name in page.content.decode() and other_category.name not in page.content.decode()
    response = client.post(REPORT, form(other_category, photos=[photo()], address="城南路"))
    assert response.status_code == 400 and "需登录后上报" in response.content.decode()
    assert not Case.all_objects.exists()


def test_an_anonymous_report_is_followed_by_its_tracking_link(client, category, worker):
    response = client.post(REPORT, form(category, photos=[photo(gps=(120.25, 31.95))]))
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.anonymous and case.reporter is None and case.reporter_worker is None and case.track_digest
    link = re.search(r'id="report-track" href="https?://[^/]+(/community/track/([A-Za-z0-9_-]+)/)"',
                     response.content.decode())
    assert link, response.content.decode()
    path, key = link.group(1), link.group(2)
    assert key not in case.track_digest
    page = client.get(path)
    assert page.status_code == 200 and case.number in page.content.decode() and "待核实" in page.content.decode()
    photo_row = Attachment.objects.get()
    assert client.get(f"{path}photos/{photo_row.pk}/").status_code == 200
    assert client.get(f"{path}photos/{photo_row.pk + 99}/").status_code == 404
    assert client.get("/community/track/wrong-key-0000000000000/").status_code == 404
    # A verified anonymous report earns nobody points.
    from openpark.community import casework

    casework.verify(case, "verify", None, "")
    assert not LedgerEntry.objects.exists()


def test_anonymous_reports_are_limited_per_address(client, category):
    for _ in range(reporting.ANONYMOUS_LIMIT):
        assert client.post(REPORT, form(category, photos=[photo(size=(40, 30))], address="城南路")).status_code == 200
    refused = client.post(REPORT, form(category, photos=[photo(size=(40, 30))], address="城南路"))
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert Case.objects.count() == reporting.ANONYMOUS_LIMIT


def _anonymous_case(client, category):
    response = client.post(REPORT, form(category, photos=[photo(size=(40, 30))], longitude="120.25",
                                        latitude="31.95"))
    path = re.search(r'id="report-track" href="https?://[^/]+(/community/track/[A-Za-z0-9_-]+/)"',
                     response.content.decode()).group(1)
    return Case.objects.get(), path


def test_a_tracking_link_adds_photos_withdraws_before_dispatch(client, category):
    case, path = _anonymous_case(client, category)
    assert client.post(path, {"action": "photos", "photos": [photo(size=(60, 40))]}).status_code == 302
    assert Attachment.objects.filter(object_id=case.pk).count() == 2
    assert client.post(path, {"action": "withdraw"}).status_code == 302
    case.refresh_from_db()
    assert case.state == S.WITHDRAWN


def test_a_tracking_link_evaluates_after_closing_but_cannot_withdraw_after_dispatch(client, category, department):
    case, path = _anonymous_case(client, category)
    advance(case, "verify", "register")
    CASE_MACHINE.apply(case, "dispatch", None, "", department=department)
    client.post(path, {"action": "withdraw"})
    case.refresh_from_db()
    assert case.state == S.DISPATCHED
    advance(case, "accept", "reply", "recheck_pass", "close")
    assert client.post(path, {"action": "evaluate", "satisfaction": "satisfied", "note": "很快"}).status_code == 302
    case.refresh_from_db()
    assert case.state == S.EVALUATED and case.satisfaction == "satisfied"
    assert "已评价" in client.get(path).content.decode()


# The reporter's own cases ------------------------------------------------------------------------------------

def test_my_cases_lists_only_my_own_in_local_time(client_for, rider, make_user, category, new_case):
    from openpark.community import casework

    someone = make_user("grid")
    theirs = casework.submit(Case(category=category, address="别处", location_source="address"), someone)
    page = client_for(rider).get("/community/me/cases/")
    text = page.content.decode()
    assert page.status_code == 200
    assert new_case.number in text and theirs.number not in text and "待核实" in text
    from django.utils import timezone

    assert timezone.localtime(new_case.reported_at).strftime("%Y-%m-%d %H:%M") in text


def test_another_users_case_is_not_found(client_for, make_user, new_case):
    someone = client_for(make_user("grid"))
    assert someone.get(f"/community/me/cases/{new_case.pk}/").status_code == 404
    assert someone.post(f"/community/me/cases/{new_case.pk}/withdraw/").status_code == 404
    assert someone.post(f"/community/me/cases/{new_case.pk}/evaluate/").status_code == 404
    assert someone.post(f"/community/me/cases/{new_case.pk}/photos/").status_code == 404
    assert someone.get(f"/community/me/cases/{new_case.pk}/photos/1/").status_code == 404


def test_my_case_shows_steps_photos_and_text_escaped(client_for, rider, new_case):
    from openpark.core.attachments import attach

    Case.objects.filter(pk=new_case.pk).update(description="<script>alert(1)</script>")
    attachment = attach(new_case, photo(size=(80, 60)), rider, purpose="上报照片")
    client = client_for(rider)
    text = client.get(f"/community/me/cases/{new_case.pk}/").content.decode()
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "上报" in text and f"/community/me/cases/{new_case.pk}/photos/{attachment.pk}/" in text
    thumb = client.get(f"/community/me/cases/{new_case.pk}/photos/{attachment.pk}/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client.get(f"/community/me/cases/{new_case.pk}/photos/{attachment.pk}/?full=1").status_code == 200


def test_i_add_photos_to_my_open_case(client_for, rider, new_case):
    client = client_for(rider)
    response = client.post(f"/community/me/cases/{new_case.pk}/photos/", {"photos": [photo(gps=(120.25, 31.95))]})
    assert response.status_code == 302
    stored = Attachment.objects.get(object_id=new_case.pk)
    assert dict(reopened(stored.file).getexif()) == {}


def test_i_withdraw_my_case_before_dispatch_only(client_for, rider, new_case, department):
    client = client_for(rider)
    advance(new_case, "verify", "register")
    CASE_MACHINE.apply(new_case, "dispatch", None, "", department=department)
    client.post(f"/community/me/cases/{new_case.pk}/withdraw/")
    new_case.refresh_from_db()
    assert new_case.state == S.DISPATCHED
    assert "不能撤回" in client.get(f"/community/me/cases/{new_case.pk}/").content.decode()


def test_i_withdraw_my_reported_case(client_for, rider, new_case):
    response = client_for(rider).post(f"/community/me/cases/{new_case.pk}/withdraw/")
    assert response.status_code == 302
    new_case.refresh_from_db()
    assert new_case.state == S.WITHDRAWN


def test_i_evaluate_my_case_once_closed(client_for, rider, new_case, department):
    client = client_for(rider)
    client.post(f"/community/me/cases/{new_case.pk}/evaluate/", {"satisfaction": "satisfied"})
    new_case.refresh_from_db()
    assert new_case.state == S.REPORTED
    advance(new_case, "verify", "register")
    CASE_MACHINE.apply(new_case, "dispatch", None, "", department=department)
    advance(new_case, "accept", "reply", "recheck_pass", "close")
    assert 'id="case-evaluate"' in client.get(f"/community/me/cases/{new_case.pk}/").content.decode()
    client.post(f"/community/me/cases/{new_case.pk}/evaluate/", {"satisfaction": "fair", "note": "还行"})
    new_case.refresh_from_db()
    assert new_case.state == S.EVALUATED and new_case.satisfaction == "fair"


def test_the_menu_offers_the_phone_page_to_riders(client_for, rider):
    text = client_for(rider).get("/community/me/cases/").content.decode()
    assert '<a href="/community/report/">随手拍上报</a>' in text and "我的随手拍" in text


def test_the_centre_finds_a_new_report_among_those_to_verify(client_for, centre, rider, category, new_case):
    from openpark.community import casework

    other = casework.submit(Case(category=category, address="城南路", location_source="address"), rider)
    CASE_MACHINE.apply(other, "withdraw", rider)
    text = client_for(centre).get("/community/cases/?state=reported").content.decode()
    assert new_case.number in text and other.number not in text and "筛选条件有误" not in text
    both = client_for(centre).get("/community/cases/?state=reported&state=withdrawn").content.decode()
    assert new_case.number in both and other.number in both


def test_every_category_icon_is_drawn():
    from pathlib import Path

    from openpark.community.choices import CaseIcon

    sprite = (Path(reporting.__file__).parent / "templates/community/report_icons.html").read_text(encoding="utf-8")
    for icon in CaseIcon.values:
        assert f'id="ssp-{icon}"' in sprite


def test_refused_anonymous_forms_are_limited_too(client, category):
    for _ in range(reporting.ANONYMOUS_TRIES):
        assert client.post(REPORT, form(category, photos=[])).status_code == 400
    assert client.post(REPORT, form(category, photos=[photo(size=(40, 30))], address="城南路")).status_code == 429
    assert not Case.all_objects.exists()


def test_an_anonymous_form_sent_twice_files_once_and_shows_the_same_link(client, category):
    data = form(category, address="城南路 88 号")
    first = client.post(REPORT, {**data, "photos": [photo(size=(40, 30))]}).content.decode()
    second = client.post(REPORT, {**data, "photos": [photo(size=(40, 30))]}).content.decode()
    link = re.compile(r'id="report-track" href="([^"]+)"')
    assert Case.objects.count() == 1 and Attachment.objects.count() == 1
    assert link.search(first).group(1) == link.search(second).group(1)
    assert "未重复上报" in second


@pytest.mark.parametrize("choice", ["99999999999999999999999", "²", "-1", "abc"])
def test_a_category_that_is_no_id_is_refused_plainly(client_for, rider, category, choice):
    client = client_for(rider)
    response = client.post(REPORT, {**form(category, photos=[photo(size=(40, 30))], address="城南路"), "category": choice})
    assert response.status_code == 400 and "所选的问题类别不存在或已停用。" in response.content.decode()
    nearby = client.get(NEARBY, {"category": choice, "longitude": "120.25", "latitude": "31.95"})
    assert nearby.status_code == 400 and "请选择问题类别" in nearby.content.decode()


def test_my_cases_show_where_or_what_and_the_first_photo_in_a_fixed_number_of_queries(client_for, rider, category,
                                                                                     new_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openpark.community import casework
    from openpark.core.attachments import attach

    first = attach(new_case, photo(size=(80, 60)), rider, purpose="上报照片")
    attach(new_case, photo(size=(80, 60)), rider, purpose="补充照片")
    client = client_for(rider)
    client.get("/community/me/cases/")
    with CaptureQueriesContext(connection) as few:
        text = client.get("/community/me/cases/").content.decode()
    assert "路边垃圾堆放" in text  # no address: the description's first words
    assert f'src="/community/me/cases/{new_case.pk}/photos/{first.pk}/"' in text
    for n in range(4):
        case = casework.submit(Case(category=category, address=f"城南路 {n} 号<b>", description="x" * 100,
                                    location_source="address"), rider)
        attach(case, photo(size=(80, 60)), rider, purpose="上报照片")
    with CaptureQueriesContext(connection) as many:
        text = client.get("/community/me/cases/").content.decode()
    assert len(many) == len(few)
    assert "城南路 3 号&lt;b&gt;" in text and "x" * 40 not in text  # the address wins, as text
    assert text.count('class="my-case-photo"><a') == 5
    thumb = client.get(f"/community/me/cases/{new_case.pk}/photos/{first.pk}/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_my_case_offers_the_report_pages_photo_buttons(client_for, rider, new_case):
    response = client_for(rider).get(f"/community/me/cases/{new_case.pk}/")
    html = response.content.decode()
    form = html[html.index('id="case-add-photos"'):]
    form = form[:form.index("</form>")]
    assert 'id="case-camera"' in form and 'capture="environment"' in form and 'id="case-album"' in form
    assert "拍照" in form and "相册" in form and 'class="report-previews"' in form.replace(' id="case-previews"', "")
    assert 'id="ssp-camera"' in html  # the icons' symbols
    assert 'src="/static/vendor/compressorjs/compressor.min.js"' in html and 'src="/static/js/community-report.js"' in html
    assert "blob:" in response["Content-Security-Policy"]  # the previews of the chosen photos
