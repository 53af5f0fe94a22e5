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
