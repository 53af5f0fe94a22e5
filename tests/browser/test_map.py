"""The enterprise map renders the demo park with no internet and no basemap."""
import pytest
from django.utils import timezone

from .test_home import log_in

pytestmark = pytest.mark.browser


def test_map_renders_the_demo_park(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, live_server.url, "leader")
    page.goto(live_server.url + "/enterprises/map/")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.get_attribute("#map", "data-points") == "300"
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1  # points and outlines, drawn on canvas
    assert page.locator(".zone-label", has_text="道口经济区").count() == 1
    legend = page.locator("#map-legend").inner_text()
    assert "在营" in legend
    page.screenshot(path=str(artifacts / "map-status.png"))

    page.select_option("#map-colour", "chain")
    page.wait_for_selector("#map[data-ready=true]")
    assert "汽车配件" in page.locator("#map-legend").inner_text()
    page.screenshot(path=str(artifacts / "map-chain.png"))

    # 星级上云 opens at this year (the year not chosen yet), and the address keeps the choice.
    this_year = str(timezone.localdate().year)
    page.select_option("#map-colour", "cloud")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.input_value("#map-year") == this_year and f"colour=cloud&year={this_year}" in page.url
    assert "三星上云（" in page.locator("#map-legend").inner_text()
    page.goto(live_server.url + f"/enterprises/map/?colour=smart_factory&year={this_year}")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.input_value("#map-colour") == "smart_factory" and "先进级" in page.locator("#map-legend").inner_text()
    assert all(url.startswith(live_server.url) for url in requests), [u for u in requests if not u.startswith(live_server.url)]
    page.close()
