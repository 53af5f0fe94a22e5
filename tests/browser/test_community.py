"""A rider on a phone: the nearest open stations from the phone's position, then their points."""
import pytest
from playwright.sync_api import expect

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


# 服务站点地图 ---------------------------------------------------------------------------------------

MARKUP = "<img src=x onerror=alert(1)>"

DRAWN = """() => {
  const map = document.getElementById("map").leafletMap, drawn = [];
  map.eachLayer(layer => {
    if (layer.feature && layer.getLatLng) {
      drawn.push({ id: layer.feature.id, name: layer.feature.properties.name, open: layer.feature.properties.open,
                   radius: layer.options.radius, fill: layer.options.fillColor, colour: layer.feature.properties.colour,
                   inView: map.getBounds().contains(layer.getLatLng()) });
    }
  });
  return drawn;
}"""

OPEN_POPUP = """(id) => {
  const map = document.getElementById("map").leafletMap;
  let found = null;
  map.eachLayer(layer => { if (layer.feature && layer.feature.id === id) { found = layer; } });
  found.openPopup();
  const element = found.getPopup().getElement();
  return { text: element.textContent, href: element.querySelector("a").getAttribute("href"),
           images: element.querySelectorAll("img").length };
}"""


def test_the_station_map_draws_the_1_plus_n_network(browser, live_server, demo_park, artifacts):
    """A rider opens the map from 附近驿站: the centre, the 2 小哥驿站 and the 66 靖小蜂 stations, each
    tier at its size, those closed now hollow; a station's name in its popup as text, even markup;
    a station chosen from the nearest ones opens the map on it. No CSP or script error, nothing
    fetched from elsewhere."""
    from openpark.community.models import Station

    station = Station.objects.get(name="小哥驿站（汽贸城）")
    Station.objects.filter(pk=station.pk).update(name=MARKUP)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, live_server.url, "grid")
    page.goto(live_server.url + "/community/stations/nearest/")
    page.click("#nearest-map-link")
    page.wait_for_url(live_server.url + "/community/map/")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.locator("h1").inner_text() == "服务站点地图"

    counts = {key: int(page.get_attribute("#map", f"data-{key}")) for key in ("centres", "xiaoge", "jingxiaofeng", "markers")}
    assert counts == {"centres": 1, "xiaoge": 2, "jingxiaofeng": 66, "markers": 69}
    drawn = page.evaluate(DRAWN)
    assert len(drawn) == 69 and all(marker["inView"] for marker in drawn)
    radii = {marker["colour"]: marker["radius"] for marker in drawn}
    assert sorted(radii.values(), reverse=True) == [12, 9, 6]  # the centre largest, the 靖小蜂 smallest
    assert all((marker["fill"] == "#ffffff") is (not marker["open"]) for marker in drawn)  # closed: hollow
    control = page.locator(".leaflet-control-layers-overlays").inner_text()
    for name in ("党群服务中心（1）", "小哥驿站（2）", "靖小蜂驿站（66）"):
        assert name in control
    legend = page.locator("#map-legend").inner_text()
    assert "行业党群服务中心（1）" in legend and "小哥驿站（2）" in legend and "靖小蜂（66）" in legend
    assert "开放中" in page.locator("#map-state").inner_text()

    # The station named with markup: its name is text in its popup, no image made of it.
    shown = page.evaluate(OPEN_POPUP, station.pk)
    assert MARKUP in shown["text"] and "小哥驿站 · " in shown["text"] and "开放时段：24 小时" in shown["text"]
    assert shown["images"] == 0 and shown["href"] == f"/community/stations/{station.pk}/"
    hint = page.evaluate("""(id) => {
      let found = null;
      document.getElementById("map").leafletMap.eachLayer(layer => { if (layer.feature && layer.feature.id === id) { found = layer; } });
      found.closePopup();
      found.openTooltip();
      return found.getTooltip().getElement().textContent;
    }""", station.pk)
    assert hint.startswith(MARKUP) and "小哥驿站 · 开放中 · 24 小时" in hint
    page.evaluate(OPEN_POPUP, station.pk)
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    page.wait_for_timeout(400)  # the map's pan to show the whole popup
    page.screenshot(path=str(artifacts / "community-map-popup.png"))
    page.evaluate("() => { document.getElementById('map').leafletMap.closePopup(); }")
    expect(page.locator(".leaflet-popup")).to_have_count(0)  # after Leaflet's fade-out
    page.screenshot(path=str(artifacts / "community-map.png"), full_page=True)

    # From the nearest stations, a station on the map: centred on it, its popup open.
    centre = Station.objects.get(tier="service_centre")
    page.goto(f"{live_server.url}/community/stations/nearest/?from={centre.pk}&at=12:00")
    page.locator("#nearest-stations a", has_text="在地图上查看").first.click()
    page.wait_for_selector("#map[data-ready=true]")
    popup = page.locator(".leaflet-popup-content")
    assert popup.count() == 1 and popup.locator("a").inner_text() in {s.name for s in Station.objects.all()}

    assert watch.collect() == [], "\n".join(watch.problems)
    assert all(url.startswith(live_server.url) for url in requests), [u for u in requests if not u.startswith(live_server.url)]
    page.close()
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
# A rider redeems from their own page, then withdraws ----------------------------------------------


def test_a_rider_redeems_and_withdraws_on_a_phone(browser, live_server, demo_park, artifacts):
    from openpark.community import services
    from openpark.community.models import Redemption, Reward, Worker
    from openpark.core.demo_users import demo_username
    from openpark.core.roles import ROLES_BY_SLUG

    rider = Worker.objects.get(user__username=demo_username(ROLES_BY_SLUG["grid"]))
    services.grant(rider, "browser:redeem", 40, "浏览器测试发放")
    Reward.objects.create(name="运动水杯", points=1, stock=5, limit_per_person=3)  # the demo rider's limits are used up
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, live_server.url, "grid")
    page.goto(live_server.url + "/community/me/")
    form = page.locator("form.my-redeem[data-reward=运动水杯]")
    name = form.get_attribute("data-reward")
    assert form.locator("select[name=quantity] option").all_inner_texts() == ["1", "2", "3"]
    form.locator("select[name=quantity]").select_option("1")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#my-redemptions")
    assert f"已申请兑换“{name}” × 1" in page.content()
    row = page.locator("#my-redemptions tbody tr").first
    assert name in row.inner_text() and "已申请" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "community-redeem-phone.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())  # 撤回 asks first
    row.locator("form.my-withdraw button").click()
    page.wait_for_selector("#my-redemptions")
    assert "已撤回" in page.locator("#my-redemptions tbody tr").first.inner_text()
    assert Redemption.objects.filter(worker=rider).order_by("-pk").first().state == "withdrawn"
    assert watch.collect() == []
    context.close()
