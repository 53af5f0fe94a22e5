"""随手拍 on a phone: a rider picks a category, takes a photo and reports; the grid centre finds the
case among those waiting to be verified."""
from io import BytesIO

import pytest
from PIL import Image

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser


def jpeg(size=(2400, 1800)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_rider_reports_from_the_phone_and_the_centre_sees_it(browser, live_server, demo_park, artifacts):
    from openpark.community.models import Case, CaseCategory

    # categories of the test's own, beside the demo's twelve: no case of the demo's year is near
    CaseCategory.objects.create(code="litter-phone", name="乱扔垃圾（测试）", icon="litter", points=5, order=1)
    CaseCategory.objects.create(code="light-phone", name="路灯损坏（测试）", icon="light", order=2)
    before = Case.objects.count()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, geolocation={"longitude": 120.263, "latitude": 31.965},
                                  permissions=["geolocation"])
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, live_server.url, "grid")
    page.goto(live_server.url + "/community/report/")
    page.wait_for_function("document.getElementById('report-longitude').value !== ''")
    submit = page.locator("#report-submit")
    box = submit.bounding_box()
    assert box["y"] + box["height"] <= 844, "the 上报 button is on the first screen"
    assert box["height"] >= 44 and page.locator(".report-category").first.bounding_box()["height"] >= 44
    page.locator(".report-category", has_text="乱扔垃圾（测试）").click()
    page.set_input_files("#report-camera", files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.wait_for_selector(".report-preview img")
    assert "已选 1 张照片" in page.locator("#report-photo-status").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "community-report-phone.png"), full_page=True)
    submit.click()
    page.wait_for_selector("#report-number")
    number = page.locator("#report-number").inner_text()
    assert number.startswith("SSP")
    case = Case.objects.get(number=number)
    assert case.location_source == "device" and case.reporter_worker_id is not None
    page.screenshot(path=str(artifacts / "community-report-done.png"), full_page=True)
    page.click("#report-case-link")
    page.wait_for_selector("#case-photos img")
    assert page.locator("#case-number").inner_text() == number

    # The same problem again, at the same place: 是这个吗？ — yes, and nothing new is filed.
    page.goto(live_server.url + "/community/report/")
    page.wait_for_function("document.getElementById('report-longitude').value !== ''")
    page.locator(".report-category", has_text="乱扔垃圾（测试）").click()
    page.wait_for_selector("#nearby-list")
    assert number in page.locator("#nearby-list").inner_text()
    page.click("#nearby-list .report-same-button")
    assert page.locator("#report-same").is_visible() and not page.locator("#report-form").is_visible()
    assert page.locator("#report-same-number").inner_text() == number
    assert page.locator("#report-same-state").inner_text() == "待核实"
    assert Case.objects.count() == before + 1
    # Another category there has no open case: the question is not asked.
    page.goto(live_server.url + "/community/report/")
    page.wait_for_function("document.getElementById('report-longitude').value !== ''")
    page.locator(".report-category", has_text="路灯损坏（测试）").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#report-nearby").is_hidden()
    assert watch.collect() == []
    context.close()

    centre = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(centre, live_server.url, "community")
    centre.goto(live_server.url + "/community/cases/queues/dispatch/")  # 核实派遣队列
    row = centre.locator("table tr", has_text=number)
    assert row.count() == 1 and "待核实" in row.inner_text()
    centre.close()
