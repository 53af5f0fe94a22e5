"""Wide lists keep their columns on the screen: on a desktop every column shows (long texts wrap
in their cells), on a phone the table scrolls sideways inside its own frame and the page itself
never runs past the screen's edge; no column is ever cut off."""
import pytest
from django.urls import reverse

from .test_home import NO_OVERFLOW, log_in

pytestmark = pytest.mark.browser

# The widest lists of the demo: results (long run titles and names), disposal cases (ten columns),
# projects, and the enterprises.
WIDE_LISTS = ("evaluation:result_list", "evaluation:disposalcase_list", "investment:project_list",
              "enterprises:enterprise_list")

# Each list's tables: whether it sits in a frame, and where its frame and its last column are
# once the frame is scrolled to its right end.
TABLES = """() => [...document.querySelectorAll("table.objects")].map(table => {
  const frame = table.closest(".table-wrap");
  if (!frame) return {framed: false};
  const heads = table.querySelectorAll("thead th");
  frame.scrollLeft = frame.scrollWidth;
  const box = frame.getBoundingClientRect(), last = heads[heads.length - 1].getBoundingClientRect();
  return {framed: true, scrolls: getComputedStyle(frame).overflowX, fits: frame.scrollWidth <= frame.clientWidth + 1,
          frameLeft: box.left, frameRight: box.right, lastLeft: last.left, lastRight: last.right,
          screen: window.innerWidth};
})"""


def tables_on(page, url):
    page.goto(url)
    tables = page.evaluate(TABLES)
    assert tables, url
    assert page.evaluate(NO_OVERFLOW), url
    for table in tables:
        assert table["framed"], url
        assert table["frameRight"] <= table["screen"] + 1, (url, table)
        # The last column can be read: inside the frame once it is scrolled to its end.
        assert table["frameLeft"] - 1 <= table["lastLeft"] and table["lastRight"] <= table["frameRight"] + 1, (url, table)
    return tables


def test_a_wide_list_fits_a_desktop(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    log_in(page, live_server.url, "economy")
    for name in WIDE_LISTS:
        url = live_server.url + reverse(name)
        assert all(table["fits"] for table in tables_on(page, url)), url  # every column shows, no scrolling
    page.goto(live_server.url + reverse("evaluation:result_list"))
    page.screenshot(path=str(artifacts / "results-list-desktop.png"))
    page.close()


def test_a_wide_list_scrolls_inside_its_frame_on_a_phone(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    log_in(page, live_server.url, "economy")
    for name in WIDE_LISTS:
        url = live_server.url + reverse(name)
        for table in tables_on(page, url):
            assert table["fits"] or table["scrolls"] in ("auto", "scroll"), (url, table)
    tables = tables_on(page, live_server.url + reverse("evaluation:result_list"))
    outside = page.evaluate("""() => { const box = document.querySelector(".filters").getBoundingClientRect();
      return [...document.querySelectorAll(".filters select, .filters input")]
        .filter(control => control.getBoundingClientRect().right > box.right + 1).map(control => control.name); }""")
    assert outside == []  # a filter with long choices (the runs' titles) stays inside the filter box
    assert not tables[0]["fits"]  # the results are wider than a phone: they scroll, inside the frame
    page.screenshot(path=str(artifacts / "results-list-phone.png"))
    page.close()
