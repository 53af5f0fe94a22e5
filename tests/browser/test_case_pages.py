"""随手拍 for the staff in Chromium: the case map draws its markers over the heatmap (leaflet.heat)
with nothing refused by the Content-Security-Policy, and a description with markup stays text."""
from decimal import Decimal as D

import pytest

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser

MARKUP = "<img src=x onerror=alert(1)>"


def test_the_case_map_draws_markers_and_the_heatmap(browser, live_server, demo_park, artifacts):
    from openpark.community import casework
    from openpark.community.models import Case, CaseCategory

    category = CaseCategory.objects.create(code="litter-browser", name="乱扔垃圾（测试）", icon="litter")
    for n in range(6):
        casework.submit(Case(category=category, description=MARKUP if n == 0 else "路边垃圾堆放",
                             longitude=D("120.25") + D(n) / 1000, latitude=D("31.95"), location_source="map"))
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "community")
    page.goto(live_server.url + f"/community/cases/map/?category={category.pk}")  # the demo's year of cases aside
    page.wait_for_selector('#map[data-ready="true"]')
    assert page.get_attribute("#map", "data-markers") == "6"
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
    assert "共 6 件案件" in page.inner_text("#map-state")
    assert page.locator("#map-legend .legend-item").count() == 3
    page.evaluate("""() => {
      const map = document.getElementById("map").leafletMap;
      map.eachLayer((layer) => { if (layer.feature && (layer.feature.properties.description || "").startsWith("<img")) { layer.openPopup(); } });
    }""")
    popup = page.locator(".case-popup")
    assert MARKUP in popup.inner_text() and page.locator(".case-popup img").count() == 0
    page.screenshot(path=str(artifacts / "community-case-map.png"))
    assert watch.collect() == []
    page.close()


def test_the_centre_works_from_its_queue_and_reads_the_statistics(browser, live_server, demo_park, artifacts):
    from openpark.community import casework
    from openpark.community.models import Case, CaseCategory

    category = CaseCategory.objects.create(code="road-browser", name="道路破损（测试）", icon="road")
    case = casework.submit(Case(category=category, description="路面坑洼", longitude=D("120.25"), latitude=D("31.95"),
                                location_source="map"))
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "community")
    page.goto(live_server.url + "/community/cases/queues/dispatch/")
    row = page.locator(f'#case-queue tr[data-case="{case.pk}"]')
    assert case.number in row.inner_text()
    page.screenshot(path=str(artifacts / "community-case-queue.png"), full_page=True)
    row.locator("button", has_text="核实属实").click()
    page.wait_for_url(f"**/community/cases/{case.pk}/")
    assert page.inner_text("#workflow-state") == "待立案"
    page.goto(live_server.url + "/community/cases/stats/")
    assert page.locator("#case-stats-department tr.total td").first.inner_text() == "合计"
    page.screenshot(path=str(artifacts / "community-case-stats.png"), full_page=True)
    assert watch.collect() == []
    page.close()
