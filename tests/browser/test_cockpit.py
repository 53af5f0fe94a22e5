"""The park cockpit in Chromium, as the leader opens it after logging in: its tiles, the map of
enterprises coloured by 亩均 class, the wall display; no CSP violation, console or script error.
The screenshot is a CI artifact; with OPENPARK_UPDATE_SCREENSHOTS=1 it also replaces the README's
(docs/screenshot-cockpit.png), so that an ordinary run leaves the checkout as it found it."""
import os
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
    assert tiles == ["targets", "economy", "evaluation", "investment", "environment", "transformation", "community",
                     "community_cases", "talent", "evaluation-map"]
    output = page.locator(".cockpit-tile[data-tile=economy] .cockpit-figure", has_text="工业总产值")
    assert output.locator(".cockpit-value").inner_text().replace("亿元", "").strip() == "248.08"
    assert "同比 +" in output.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "cockpit.png"), full_page=True)
    if os.environ.get("OPENPARK_UPDATE_SCREENSHOTS") == "1":
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


# For every figure on the wall: the rectangle of the number's last line and of its unit (<small>).
FIGURE_LINES = """() => Array.from(document.querySelectorAll('.cockpit-value')).filter(v => v.querySelector('small'))
  .map(value => {
    const range = document.createRange();
    range.selectNodeContents(value.firstChild);
    const rects = range.getClientRects();
    const number = rects[rects.length - 1];
    const unit = value.querySelector('small').getBoundingClientRect();
    return {text: value.innerText, numberTop: number.top, numberBottom: number.bottom,
            unitMiddle: (unit.top + unit.bottom) / 2, unitLeft: unit.left, numberRight: number.right};
  })"""

# The share of the map's width and height the enterprises' points span.
POINTS_SPAN = """element => {
  const map = element.leafletMap, xs = [], ys = [];
  map.eachLayer(layer => {
    if (layer instanceof L.CircleMarker) { const p = map.latLngToContainerPoint(layer.getLatLng()); xs.push(p.x); ys.push(p.y); }
  });
  const size = map.getSize();
  return {n: xs.length, x: (Math.max(...xs) - Math.min(...xs)) / size.x, y: (Math.max(...ys) - Math.min(...ys)) / size.y,
          inside: xs.every(x => x >= 0 && x <= size.x) && ys.every(y => y >= 0 && y <= size.y)};
}"""


# What runs over on the wall: a tile whose content is taller than the tile, a figure whose number
# and unit run past the figure's right edge.
OVERRUN = """() => ({
  tiles: Array.from(document.querySelectorAll('.cockpit-tile')).filter(t => t.scrollHeight > t.clientHeight + 1)
    .map(t => t.dataset.tile),
  figures: Array.from(document.querySelectorAll('.cockpit-figure')).filter(f => {
    const value = f.querySelector('.cockpit-value'), edge = f.getBoundingClientRect().right;
    const unit = value.querySelector('small');
    return (unit ? unit.getBoundingClientRect().right : value.getBoundingClientRect().right) > edge + 1
      || f.scrollWidth > f.clientWidth + 1;
  }).map(f => f.innerText.split('\\n')[0]),
})"""


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_the_wall_fills_the_screen(browser, live_server, demo_park, artifacts, width, height):
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/cockpit/wall/")
    page.wait_for_selector("#map[data-ready=true]")
    page.wait_for_timeout(300)
    figures = page.evaluate(FIGURE_LINES)
    assert figures
    for figure in figures:  # the unit stays on the line of its number
        assert figure["numberTop"] <= figure["unitMiddle"] <= figure["numberBottom"], figure
        assert figure["unitLeft"] >= figure["numberRight"] - 1, figure
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The wall fits the screen: nothing to scroll, every tile and figure whole within it.
    assert page.evaluate("document.documentElement.scrollHeight") <= height
    assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
    assert page.evaluate(OVERRUN) == {"tiles": [], "figures": []}
    tiles = page.eval_on_selector_all(".cockpit-tile", "tiles => tiles.map(tile => tile.dataset.tile)")
    assert tiles == ["economy", "evaluation", "investment", "environment", "evaluation-map"]
    environment = page.locator(".cockpit-tile[data-tile=environment] .cockpit-label").all_inner_texts()
    assert environment == ["入河排污口", "整治中的排口", "已完成的整治措施", "逾期未完成的措施", "I–III类断面", "IV–V类断面",
                           "劣V类断面"]  # one 智慧环保 tile keeps every figure of the two it replaced
    box = page.locator("#map").bounding_box()
    assert box["height"] >= 0.5 * height
    assert box["y"] + box["height"] >= 0.85 * height  # no empty bottom third
    span = page.eval_on_selector("#map", POINTS_SPAN)
    assert span["n"] > 250 and span["inside"]
    assert max(span["x"], span["y"]) >= 0.6, span  # the park fills the map
    labels = page.eval_on_selector_all(".zone-label", """labels => labels.map(label => {
      const r = label.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];
    })""")
    assert len(labels) == 3
    for i, a in enumerate(labels):  # the zones' names never cover one another
        for b in labels[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    page.screenshot(path=str(artifacts / f"cockpit-wall-{width}.png"))
    assert watch.collect() == []
    page.close()
