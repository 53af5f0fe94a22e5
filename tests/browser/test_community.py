"""A rider on a phone: the nearest open stations from the phone's position, then their points."""
import pytest

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser


def test_a_rider_finds_the_nearest_station_and_sees_their_points(browser, live_server, demo_park, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  geolocation={"longitude": 120.263, "latitude": 31.965}, permissions=["geolocation"])
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, live_server.url, "grid")
    page.goto(live_server.url + "/community/stations/nearest/")
    page.click("#nearest-locate")
    page.wait_for_selector("#nearest-stations")
    assert "lon=120.263000" in page.url and "lat=31.965000" in page.url
    rows = page.locator("#nearest-stations tbody tr")
    assert rows.count() >= 1
    distances = [int(text.replace(",", "")) for text in page.locator("#nearest-stations tbody td.num").all_inner_texts()]
    assert distances == sorted(distances)
    page.screenshot(path=str(artifacts / "community-nearest-phone.png"), full_page=True)

    page.goto(live_server.url + "/community/me/")
    assert "积分余额" in page.locator("#my-balance").inner_text()
    assert page.locator("#my-entries tbody tr").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert watch.collect() == []
    context.close()


def test_the_community_office_reads_the_year_and_downloads_a_full_roster_with_a_reason(
        browser, live_server, demo_park, artifacts):
    from openpark.core.models import ChangeRecord

    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, live_server.url, "community")
    page.click("nav.mainnav >> text=活动统计")
    page.wait_for_selector("#report-park")
    assert page.locator("#report-park tbody tr").count() == 13  # 1月…12月 and 合计
    assert page.locator("#report-park tbody tr.total td").first.inner_text() == "合计"
    page.locator("details.report-team summary").first.click()
    page.fill("#report-year input[name=year]", "abc")
    page.click("#report-year button[type=submit]")
    assert "年份“abc”无效" in page.locator("#report-error").inner_text()
    page.go_back()
    page.wait_for_selector("#roster-full")
    page.fill("#roster-full input[name=export_reason]", "党员信息年度核对")
    with page.expect_download() as download:
        page.click("#roster-full button >> text=导出完整党员名册")
    assert download.value.suggested_filename.startswith("党员名册-")
    page.screenshot(path=str(artifacts / "community-reports.png"), full_page=True)
    assert [e for e in watch.collect() if "year=abc" not in e] == []  # the bad year's 400 is the answer asked for
    context.close()
    assert ChangeRecord.objects.filter(action="export", reason="党员信息年度核对").exists()
