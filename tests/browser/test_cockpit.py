"""The park cockpit in Chromium, as the leader opens it after logging in: its tiles, the map of
enterprises coloured by 亩均 class, the wall display; no CSP violation, console or script error.
The screenshot is the README's (docs/screenshot-cockpit.png) and a CI artifact."""
from pathlib import Path

import pytest

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_leader_opens_the_cockpit(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    watch = PageWatch(page)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, live_server.url, "leader")  # the leader's home is the cockpit
    assert page.locator("h1").inner_text() == "园区驾驶舱"
    page.wait_for_selector("#map[data-ready=true]")
    assert int(page.get_attribute("#map", "data-points")) > 250
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1
    legend = page.locator("#map-legend").inner_text()
    assert "A 类" in legend and "D 类" in legend
    tiles = page.eval_on_selector_all(".cockpit-tile", "tiles => tiles.map(tile => tile.dataset.tile)")
    assert tiles == ["economy", "evaluation", "investment", "evaluation-map"]
    output = page.locator(".cockpit-tile[data-tile=economy] .cockpit-figure", has_text="工业总产值")
    assert output.locator(".cockpit-value").inner_text().replace("亿元", "").strip() == "248.08"
    assert "同比 +" in output.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "cockpit.png"), full_page=True)
    page.screenshot(path=str(DOCS / "screenshot-cockpit.png"), full_page=True)

    page.set_viewport_size({"width": 1920, "height": 1080})  # a wall display
    page.click("#wall-link")
    page.wait_for_url(f"{live_server.url}/cockpit/wall/")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 20, 32)"
    assert page.locator(".mainnav").count() == 0
    big = page.eval_on_selector(".cockpit-value", "element => parseFloat(getComputedStyle(element).fontSize)")
    assert big >= 36
    page.screenshot(path=str(artifacts / "cockpit-wall.png"))

    page.click(".cockpit-tile[data-tile=investment] .cockpit-figure >> text=逾期未解决问题")
    page.wait_for_url("**/investment/?since=2017#overdue")
    assert page.locator("#overdue li a").count() > 0
    assert watch.collect() == []
    assert all(url.startswith(live_server.url) for url in requests), [u for u in requests if not u.startswith(live_server.url)]
    page.close()


def test_the_cockpit_fits_a_phone(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    watch = PageWatch(page)
    log_in(page, live_server.url, "leader")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "cockpit-phone.png"), full_page=True)
    assert watch.collect() == []
    page.close()
