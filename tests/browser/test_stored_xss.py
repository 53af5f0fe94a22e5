"""Names that users type reach the maps and charts as text, never as HTML: a zone, a sub-park, an
enterprise, a chain tag, an investment chain and its link, an economic indicator (name and unit),
an evaluation indicator, and a water body, an outfall, a monitoring site and a river chief (on the
environment map) named like markup are shown literally on every map and chart page,
with their tooltips and popups open, and no element of theirs ever enters the DOM.

The Content-Security-Policy would stop the `onerror` from running anyway; the DOM check is what
proves the escaping."""
import copy

import pytest

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser

MARKUP = '<img src=x id=xss onerror="window.__xss=1">'
UNIT = "<i id=xss>万元</i>"  # an indicator's unit holds 20 characters at most
NAMES = {
    "zone": MARKUP + "片区",
    "subpark": MARKUP + "园中园",
    "enterprise": MARKUP + "企业",
    "chain": MARKUP + "产业链",
    "link": MARKUP + "环节",
    "indicator": MARKUP + "产值",
    "scheme_indicator": MARKUP + "亩均",
    "water_body": MARKUP + "河",
    "outfall": MARKUP + "排口",
    "site": MARKUP + "断面",
    "chief": MARKUP + "河长",
}

NO_INJECTED_ELEMENT = "() => document.querySelector('#xss') === null && window.__xss === undefined"

# Opens the tooltip of every category (or radar line) of every chart on the page through ECharts'
# own action, as hovering does, and returns the tooltips' texts.
SHOW_EVERY_TOOLTIP = """() => {
  const texts = [];
  document.querySelectorAll("[data-rendered='1']").forEach(holder => {
    const chart = echarts.getInstanceByDom(holder);
    const option = chart.getOption();
    const radar = option.series[0].type === "radar";
    const categories = radar ? option.series[0].data.length
      : (option.yAxis[0].type === "category" ? option.yAxis[0] : option.xAxis[0]).data.length;
    for (let i = 0; i < categories; i++) {
      chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: i });
      const tip = holder.querySelector(".chart-tip");
      texts.push(tip ? tip.textContent : "");
      if (document.querySelector("#xss") !== null) { return ["#xss injected by " + holder.id + " #" + i]; }
    }
    chart.dispatchAction({ type: "hideTip" });
  });
  return texts;
}"""

# Opens every tooltip and popup bound to the map's layers, as hovering and clicking do, and returns
# their texts.
OPEN_EVERY_MAP_POPUP = """() => {
  const map = document.getElementById("map").leafletMap;
  const texts = [];
  map.eachLayer(layer => {
    if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); texts.push(layer.getTooltip().getElement().textContent); }
    if (layer.getPopup && layer.getPopup()) { layer.openPopup(); texts.push(layer.getPopup().getElement().textContent); }
  });
  return texts;
}"""


def name_markup_everywhere():
    """Stores the names above, and evaluates 2021 again with a scheme whose first indicator is
    named like markup; returns the new run."""
    from openpark.economy.indicators import OUTPUT
    from openpark.economy.models import Indicator
    from openpark.enterprises.models import Chain, Enterprise, SubPark, Zone
    from openpark.evaluation.models import Run, SchemeVersion
    from openpark.evaluation.services import compute, gather

    def rename(obj, name, **more):
        obj.name = name
        for field, value in more.items():
            setattr(obj, field, value)
        obj.save()

    largest_zone = max(Zone.objects.exclude(boundary=None), key=lambda zone: zone.enterprises.count())
    rename(largest_zone, NAMES["zone"])
    rename(SubPark.objects.exclude(boundary=None).first(), NAMES["subpark"])
    rename(Enterprise.objects.exclude(longitude=None).filter(zone=largest_zone).first(), NAMES["enterprise"])
    chain = max(Chain.objects.all(), key=lambda chain: chain.memberships.count())
    rename(chain, NAMES["chain"])
    rename(chain.links.first(), NAMES["link"])
    rename(Indicator.objects.get(code=OUTPUT), NAMES["indicator"], unit=UNIT)

    shipped = SchemeVersion.objects.get(name="jiangsu-6", version=1)
    definition = copy.deepcopy(shipped.definition)
    for group in definition["groups"]:
        group["indicators"][0]["name"] = NAMES["scheme_indicator"]
    definition["name"] = "markup-names"
    scheme = SchemeVersion.objects.create(name="markup-names", version=1, title="标记名称方案", definition=definition)
    run = Run.objects.create(year=2021, scheme=scheme, title="标记名称评价")
    gather(run)
    compute(run)
    return run


def name_environment_markup() -> None:
    """A water body drawn on the map, an outfall, a site and a chief who patrolled lately, named like markup."""
    from datetime import timedelta

    from django.utils import timezone

    from openpark.environment.models import MonitoringSite, Outfall, RiverChief, WaterBody

    recent = timezone.now() - timedelta(days=20)
    for obj, name in ((WaterBody.objects.exclude(geometry=None).order_by("pk").first(), NAMES["water_body"]),
                      (Outfall.objects.order_by("pk").first(), NAMES["outfall"]),
                      (MonitoringSite.objects.exclude(longitude=None).order_by("pk").first(), NAMES["site"]),
                      (RiverChief.objects.filter(patrols__started_at__gte=recent).order_by("pk").first(),
                       NAMES["chief"])):
        obj.name = name
        obj.save()


def test_names_reach_maps_and_charts_as_text(browser, live_server, demo_park, artifacts):
    from openpark.evaluation.models import Result

    run = name_markup_everywhere()
    result = Result.objects.filter(run=run, rank__isnull=False).order_by("rank").first()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "economy")

    # 企业地图: zone labels, sub-park tooltips, enterprise popups and the legend, by zone and by chain.
    page.goto(live_server.url + "/enterprises/map/")
    page.wait_for_selector("#map[data-ready=true]")
    for colouring, legend_name in (("zone", NAMES["zone"]), ("chain", NAMES["chain"])):
        page.select_option("#map-colour", colouring)
        page.wait_for_selector("#map[data-ready=true]")
        texts = page.evaluate(OPEN_EVERY_MAP_POPUP)
        assert page.evaluate(NO_INJECTED_ELEMENT), colouring
        for name in (NAMES["zone"], NAMES["subpark"], NAMES["enterprise"], legend_name):
            assert any(name in text for text in texts), (colouring, name)
        assert legend_name in page.locator("#map-legend").inner_text()
    page.screenshot(path=str(artifacts / "xss-map.png"))

    # 经济运行看板: the trend and the breakdowns by zone, industry and chain.
    page.goto(live_server.url + "/economy/?year=2021")
    page.wait_for_selector("#trend-chart[data-rendered='1'] canvas")
    texts = page.evaluate(SHOW_EVERY_TOOLTIP)
    assert page.evaluate(NO_INJECTED_ELEMENT), texts
    for name in (NAMES["zone"], NAMES["chain"], NAMES["indicator"], UNIT):
        assert any(name in text for text in texts), name
    assert NAMES["indicator"] + "：月度累计与累计增速" in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "xss-economy.png"), full_page=True)

    # 评价批次: the histogram and the classes by group, zone and industry.
    page.goto(live_server.url + run.get_absolute_url())
    for chart in ("histogram", "group", "zone", "industry"):
        page.wait_for_selector(f"#{chart}-chart[data-rendered='1'] canvas")
    texts = page.evaluate(SHOW_EVERY_TOOLTIP)
    assert page.evaluate(NO_INJECTED_ELEMENT), texts
    assert any(NAMES["zone"] in text for text in texts)

    # 评价结果: the radar against the group and the industry.
    page.goto(live_server.url + result.get_absolute_url())
    page.wait_for_selector("#radar-chart[data-rendered='1'] canvas")
    texts = page.evaluate(SHOW_EVERY_TOOLTIP)
    assert page.evaluate(NO_INJECTED_ELEMENT), texts
    assert len(texts) == 3 and all(NAMES["scheme_indicator"] in text for text in texts), texts
    page.screenshot(path=str(artifacts / "xss-radar.png"), full_page=True)

    # 产业链图谱: chains and their links.
    page.goto(live_server.url + "/investment/chains/map/")
    assert page.evaluate(NO_INJECTED_ELEMENT)
    body = page.locator("body").inner_text()
    assert NAMES["chain"] in body and NAMES["link"] in body

    # 环保地图: water bodies, outfalls, monitoring sites and patrol tracks, their popups and tooltips.
    name_environment_markup()
    page.goto(live_server.url + "/environment/map/")
    page.wait_for_selector("#map[data-ready=true]")
    texts = page.evaluate(OPEN_EVERY_MAP_POPUP)
    assert page.evaluate(NO_INJECTED_ELEMENT), texts[:5]
    for name in (NAMES["water_body"], NAMES["outfall"], NAMES["site"], NAMES["chief"]):
        assert any(name in text for text in texts), name
    assert NAMES["water_body"] in page.locator(".map-label").all_inner_texts()  # its name along its line
    page.screenshot(path=str(artifacts / "xss-environment-map.png"))

    assert watch.collect() == [], "\n".join(watch.problems)
    page.close()
