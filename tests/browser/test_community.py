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
