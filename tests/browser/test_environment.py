"""The environment map renders the demo park with no internet and no basemap: its five layers in
the layer control, the legend in Chinese, popups with a link to the record, no CSP or script error."""
import pytest
from playwright.sync_api import expect

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser

LAYER_NAMES = ("水体", "河段", "近 30 天巡河轨迹", "入河排污口", "监测断面")


def test_the_environment_map_shows_the_demo_park(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, live_server.url, "environment")
    page.goto(live_server.url + "/environment/")
    page.click("#map-link")
    page.wait_for_url(live_server.url + "/environment/map/")
    page.wait_for_selector("#map[data-ready=true]")

    drawn = {key: int(page.get_attribute("#map", f"data-{key}")) for key in
             ("waters", "segments", "outfalls", "sites", "patrols")}
    assert drawn["waters"] == 6 and drawn["segments"] == 5 and drawn["outfalls"] == 8 and drawn["sites"] == 8
    assert drawn["patrols"] > 10
    control = page.locator(".leaflet-control-layers-overlays").inner_text()
    for name in LAYER_NAMES:
        assert name in control
    assert page.locator(".leaflet-control-layers-overlays input:checked").count() == 5

    legend = page.locator("#map-legend")
    outfalls = legend.locator("[data-layer=outfalls]").inner_text()
    assert "已销号（3）" in outfalls and "整治中（2）" in outfalls and "待销号（1）" in outfalls
    sites = legend.locator("[data-layer=sites]").inner_text()
    assert "II类" in sites and "劣V类" in sites and "尚无评价结果" in sites
    patrols = legend.locator("[data-layer=patrols]").inner_text()
    assert "计入履职的巡河" in patrols and "不计入履职的巡河（虚线）" in patrols

    # Each water body and segment shows its name along its line, as text; each line is drawn in
    # its legend's colour.
    labels = page.locator(".map-label").all_inner_texts()
    assert len(labels) == drawn["waters"] + drawn["segments"]
    assert {"七圩港", "长江（靖江段）", "城南段", "入江段"} <= set(labels)
    assert page.locator(".map-label *").count() == page.locator(".map-label span").count() == len(labels)
    drawn_colours = page.evaluate("""() => {
      const map = document.getElementById("map").leafletMap, found = { waters: [], segments: [] };
      map.eachLayer(layer => {
        if (layer.feature && layer.feature.properties.label) {
          found[layer.feature.properties.yangtze === undefined ? "segments" : "waters"].push(layer.options.color);
        }
      });
      return found;
    }""")
    for key in ("waters", "segments"):
        swatch = legend.locator(f"[data-layer={key}] i").evaluate("element => element.style.color")
        hexes = {"rgb({}, {}, {})".format(*(int(c[i:i + 2], 16) for i in (1, 3, 5))) for c in drawn_colours[key]}
        assert hexes == {swatch}, (key, hexes, swatch)

    # The map fits its data: the whole park is in view.
    inside = page.evaluate("""() => {
      const map = document.getElementById("map").leafletMap, view = map.getBounds();
      let all = true;
      map.eachLayer(layer => { if (layer.getLatLng && !view.contains(layer.getLatLng())) { all = false; } });
      return all;
    }""")
    assert inside

    # A popup: the outfall's name, its stage, a link to its page.
    texts = page.evaluate("""() => {
      const map = document.getElementById("map").leafletMap, texts = [];
      map.eachLayer(layer => {
        if (layer.getPopup && layer.getPopup() && layer.feature && layer.feature.properties.stage) {
          layer.openPopup();
          const element = layer.getPopup().getElement();
          texts.push([element.textContent, element.querySelector("a").getAttribute("href")]);
        }
      });
      return texts;
    }""")
    closed = [(text, href) for text, href in texts if text.startswith("CN001")]
    assert closed and "已销号" in closed[0][0] and closed[0][1].startswith("/environment/outfalls/")
    page.keyboard.press("Escape")
    page.evaluate("() => { document.getElementById('map').leafletMap.closePopup(); }")
    page.screenshot(path=str(artifacts / "environment-map.png"), full_page=True)

    # A layer switched off leaves the map.
    page.locator(".leaflet-control-layers-overlays label", has_text="近 30 天巡河轨迹").locator("input").uncheck()
    assert page.locator(".leaflet-control-layers-overlays input:checked").count() == 4
    # The water bodies' names go with their layer.
    page.locator(".leaflet-control-layers-overlays label", has_text="水体").locator("input").uncheck()
    expect(page.locator(".map-label")).to_have_count(drawn["segments"])  # after Leaflet's fade-out

    assert watch.collect() == [], "\n".join(watch.problems)
    assert all(url.startswith(live_server.url) for url in requests), [u for u in requests if not u.startswith(live_server.url)]
    page.close()


# A pixel of the line just beside each sample (left of it, right of the first), where the stepped
# line runs at that sample's class: saturated (the line's colour), not the grey grid.
LINE_AT_EACH_SAMPLE = """() => {
  const holder = document.getElementById("class-trend"), chart = echarts.getInstanceByDom(holder);
  const data = JSON.parse(document.getElementById("class-trend-data").textContent);
  const canvas = holder.querySelector("canvas"), context = canvas.getContext("2d");
  const ratio = canvas.width / holder.clientWidth;
  return data.classes.map((value, index) => {
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [index, value]);
    const [other] = chart.convertToPixel({ seriesIndex: 0 }, [index ? index - 1 : index + 1, value]);
    const probe = x + Math.sign(other - x) * Math.max(6, Math.abs(other - x) * 0.2);
    const [r, g, b, a] = context.getImageData(Math.round(probe * ratio), Math.round(y * ratio), 1, 1).data;
    return a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60;
  });
}"""


def test_a_sites_trend_chart_draws_every_sample_at_once(browser, live_server, demo_park, artifacts):
    """The chart is drawn whole as soon as the page shows it, not animated in from the left: with
    the page's clock stopped, every one of the site's twelve monthly samples is on the line."""
    from openpark.environment.models import MonitoringSite

    site = MonitoringSite.objects.get(code="QW01")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "environment")
    page.clock.install()
    page.clock.pause_at("2030-01-01T00:00:00")
    page.goto(f"{live_server.url}/environment/sites/{site.pk}/")
    page.wait_for_selector("#class-trend[data-rendered]")
    drawn = page.evaluate(LINE_AT_EACH_SAMPLE)
    page.locator("#class-trend").screenshot(path=str(artifacts / "environment-site-trend.png"))
    assert len(drawn) == 12 and all(drawn), drawn
    assert watch.collect() == [], "\n".join(watch.problems)
    page.close()


# Each checkbox of a form row and its label: their boxes, and the row's.
CHECKBOX_ROWS = """() => Array.from(document.querySelectorAll('.form-row')).filter(row => row.querySelector(':scope > input[type=checkbox]'))
  .map(row => {
    const box = row.querySelector(':scope > input[type=checkbox]').getBoundingClientRect();
    const label = row.querySelector(':scope > label').getBoundingClientRect();
    return {text: row.querySelector(':scope > label').innerText, boxLeft: box.left, boxRight: box.right,
            boxMiddle: (box.top + box.bottom) / 2, labelLeft: label.left, labelTop: label.top,
            labelBottom: label.bottom, labelMiddle: (label.top + label.bottom) / 2,
            rowLeft: row.getBoundingClientRect().left};
  })"""


def test_the_outfall_form_s_checkboxes_sit_beside_their_labels(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "environment")
    page.goto(f"{live_server.url}/environment/outfalls/add/")
    rows = page.evaluate(CHECKBOX_ROWS)
    assert {"采样点", "检查井", "标志牌", "视频监控", "在线监测"} <= {row["text"] for row in rows}
    for row in rows:  # the box first, at the row's left edge, then its label, on the label's line
        assert abs(row["boxLeft"] - row["rowLeft"]) <= 1, row
        assert row["boxRight"] <= row["labelLeft"], row
        assert row["labelTop"] <= row["boxMiddle"] <= row["labelBottom"], row
        assert abs(row["boxMiddle"] - row["labelMiddle"]) <= 3, row
    page.locator(".form-row.form-check", has_text="采样点").screenshot(path=str(artifacts / "checkbox-row.png"))
    page.click("label[for=id_has_sampling_point]")  # the label ticks its box
    assert page.is_checked("#id_has_sampling_point")
    assert watch.collect() == []
    page.close()


def test_transition_forms_and_the_problem_list_read_cleanly(browser, live_server, demo_park):
    """An outfall in remediation: each transition a form of its own, a label above each field, the
    one required mark (*), empty choices reading 请选择; the problem list's 水体 header on one line."""
    from openpark.environment.models import Outfall

    from django.utils import timezone

    from openpark.environment.models import Measure

    outfall = Outfall.objects.filter(stage="in_remediation", plan__plan_type="regularise").first()
    # 申请销号 is offered once every measure of the plan is done.
    Measure.objects.filter(plan__outfall=outfall).update(status="done", progress=100,
                                                          completed_on=timezone.localdate())
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "environment")
    page.goto(live_server.url + outfall.get_absolute_url())
    forms = page.locator("#workflow-actions form.transition-form")
    names = [forms.nth(i).get_attribute("data-transition") for i in range(forms.count())]
    assert "submit_closeout" in names and "merge" not in names and "abolish" not in names
    closeout = page.locator("form[data-transition=submit_closeout]")
    rows = closeout.locator(".form-row:not(.form-check)")
    assert rows.count() == 4 and closeout.locator(".form-row.form-check").count() == 1  # 标志牌已设置
    for i in range(rows.count()):
        label, field = rows.nth(i).locator("label").bounding_box(), rows.nth(i).locator("input, select, textarea")
        assert label["y"] + label["height"] <= field.first.bounding_box()["y"] + 1  # the label above its field
    assert closeout.locator(".required").count() == 4 and "必填" not in closeout.inner_text()
    assert closeout.locator("select option").first.inner_text() == "请选择"
    assert "---------" not in page.content()

    page.goto(live_server.url + "/environment/problems/")
    header = page.locator("table.objects th", has_text="水体").first
    lines = header.evaluate("""th => {
      const range = document.createRange(); range.selectNodeContents(th);
      return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    }""")
    assert lines == 1
    assert watch.collect() == [], "\n".join(watch.problems)
    page.close()


def test_a_patrol_s_page_draws_its_track(browser, live_server, demo_park, artifacts):
    """The patrol's track on its page: the line, its start and end, the water patrolled, in view."""
    from openpark.environment.models import Patrol

    patrol = Patrol.objects.exclude(track=None).order_by("-started_at").first()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "environment")
    page.goto(live_server.url + patrol.get_absolute_url())
    page.wait_for_selector("#patrol-track-map[data-ready=true]")
    drawn = page.evaluate("""() => {
      const map = document.getElementById("patrol-track-map").leafletMap, view = map.getBounds();
      let lines = 0, marks = 0, inside = true;
      map.eachLayer(layer => {
        if (layer.getLatLngs && layer.feature) { lines += 1; }
        if (layer.getLatLng) { marks += 1; inside = inside && view.contains(layer.getLatLng()); }
      });
      return { lines, marks, inside };
    }""")
    assert drawn["lines"] >= 1 and drawn["marks"] == 2 and drawn["inside"], drawn
    page.locator("[data-panel=patrol-track]").screenshot(path=str(artifacts / "patrol-track.png"))
    assert watch.collect() == [], "\n".join(watch.problems)
    page.close()


def test_a_popup_hides_its_tooltip_and_a_phone_folds_the_layers(browser, live_server, demo_park, artifacts):
    """Clicking a point opens its popup and its hover tooltip goes (they covered each other), to
    come back once the popup closes; on a phone the layer control is folded into its button and a
    wide table says it scrolls."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "environment")
    page.goto(live_server.url + "/environment/map/")
    page.wait_for_selector("#map[data-ready=true]")
    states = page.evaluate("""() => {
      const map = document.getElementById("map").leafletMap;
      let outfall = null;
      map.eachLayer(layer => { if (!outfall && layer.feature && layer.feature.properties.stage) { outfall = layer; } });
      outfall.openTooltip();
      const before = outfall.isTooltipOpen();
      outfall.openPopup();
      const during = !!(outfall.getTooltip() && outfall.isTooltipOpen());
      outfall.closePopup();
      return { before, during, after: !!outfall.getTooltip() };
    }""")
    assert states == {"before": True, "during": False, "after": True}
    assert page.locator(".leaflet-control-layers-expanded").count() == 1
    assert watch.collect() == [], "\n".join(watch.problems)
    page.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    watch = PageWatch(phone)
    log_in(phone, live_server.url, "environment")
    phone.goto(live_server.url + "/environment/map/")
    phone.wait_for_selector("#map[data-ready=true]")
    assert phone.locator(".leaflet-control-layers-expanded").count() == 0
    assert phone.locator(".leaflet-control-layers-toggle").is_visible()
    from openpark.environment.models import Outfall

    outfall = Outfall.objects.filter(plan__measures__isnull=False).distinct().first()
    phone.goto(live_server.url + outfall.get_absolute_url())
    wrap = phone.locator(".table-wrap", has=phone.locator("#measures"))
    assert "scrolls" in wrap.get_attribute("class")
    hint = wrap.evaluate("w => getComputedStyle(w, '::before').content")
    assert "左右滑动" in hint
    wrap.screenshot(path=str(artifacts / "phone-measures.png"))
    assert watch.collect() == [], "\n".join(watch.problems)
    phone.close()
