"""The target form swaps its metric's params when the metric changes (htmx, no inline script), and a
target saved from those fields reads in words."""
import pytest

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser


def test_the_target_form_swaps_the_params_with_the_metric(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "economy")
    page.goto(live_server.url + "/core/targets/records/add/")
    page.select_option("#id_metric", "investment.projects_reaching")
    page.wait_for_selector("select[name=param_stage]")
    page.select_option("#id_metric", "transformation.certified")
    page.wait_for_selector("select[name=param_kind]")
    assert page.locator("select[name=param_stage]").count() == 0
    assert page.locator("input[name=param_levels]").count() >= 3
    page.fill("#id_name", "浏览器上云目标")
    page.fill("#id_year", "2026")
    page.fill("#id_target_value", "12")
    page.select_option("select[name=param_kind]", "cloud")
    page.check("input[name=param_levels][value=four_star]")
    page.select_option("select[name=param_issued_at_least]", "province")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=浏览器上云目标")
    assert "星级上云企业 · 四星 · 省级及以上" in page.locator("main").inner_text()
    assert watch.collect() == []


def test_the_targets_page_on_a_phone_shows_each_target_as_a_card(browser, live_server, demo_park, artifacts):
    """At 390 × 844 each target is a card: its name across the card on one or two lines, not one
    character a line, and nothing wider than the screen."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "leader")
    page.goto(live_server.url + "/core/targets/")
    names = page.locator("table.targets td.target-name a")
    assert names.count() >= 3
    assert page.locator("table.targets thead").first.is_hidden()
    for index in range(names.count()):
        box = names.nth(index).bounding_box()
        line = float(names.nth(index).evaluate("a => parseFloat(getComputedStyle(a).lineHeight) || 20"))
        assert box["height"] <= 2 * line + 4, names.nth(index).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert watch.collect() == []
