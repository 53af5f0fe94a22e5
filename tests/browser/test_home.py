"""The main flows in a real browser (Debian's Chromium driven by Playwright)."""
import pytest
from django.urls import reverse

from openpark.core.demo_users import demo_password, demo_username
from openpark.core.roles import ROLES_BY_SLUG

pytestmark = pytest.mark.browser


def log_in(page, base_url, slug):
    """Log in through the login form as the demo account of the role."""
    role = ROLES_BY_SLUG[slug]
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text() == "登录 OpenPark"
    page.fill("#id_username", demo_username(role))
    page.fill("#id_password", demo_password(role))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/home/{slug}/")


def test_demo_leader_logs_in_and_sees_home(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    log_in(page, live_server.url, "leader")
    assert page.locator("h1").inner_text() == "园区驾驶舱"  # the leaders' home is the park cockpit
    signed = page.locator(".cockpit-tile[data-tile=investment] .cockpit-figure", has_text="2017 年以来签约")
    assert signed.locator(".cockpit-value").inner_text().startswith("149")
    assert page.locator(".mainnav").is_visible()
    page.screenshot(path=str(artifacts / "home-leader.png"), full_page=True)

    page.click(".mainnav >> text=企业名录")
    page.wait_for_url(f"{live_server.url}/enterprises/enterprises/")
    assert "共 300 条" in page.locator("#object-table").inner_text()
    # Filtering swaps only the table in place (htmx) and keeps the URL shareable.
    page.fill(".filters input[name=q]", "恒通")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**q=%E6%81%92%E9%80%9A**")
    rows = page.locator("table.objects tbody tr")
    assert rows.count() > 0
    for text in rows.all_inner_texts():
        assert "恒通" in text
    page.close()


def test_phone_width_is_usable(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    log_in(page, live_server.url, "grid")
    assert page.locator("h1").inner_text() == "网格员工作台"
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_overflow)
    assert not page.locator(".mainnav").is_visible()
    page.click("#nav-toggle")
    assert page.locator(".mainnav").is_visible()
    assert page.locator(".mainnav >> text=网格").first.is_visible()
    page.screenshot(path=str(artifacts / "home-grid-phone.png"), full_page=True)
    page.close()


NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_sidebar_on_a_desktop(browser, live_server, demo_park, artifacts):
    """Modules are groups that open and close and stay as left; the page being shown is marked."""
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    log_in(page, live_server.url, "economy")
    sidebar = page.locator("#sidebar")
    assert sidebar.is_visible() and page.locator("#nav-toggle").is_hidden()
    assert page.locator(".topbar").bounding_box()["height"] == 48
    box = sidebar.bounding_box()
    assert box["x"] == 0 and box["width"] < 280  # on the left, beside the page
    page.click("#sidebar >> text=企业名录")
    page.wait_for_url(f"{live_server.url}/enterprises/enterprises/")
    assert page.locator("#sidebar a[aria-current=page]").inner_text() == "企业名录"
    page.screenshot(path=str(artifacts / "sidebar-desktop.png"))

    page.click("details[data-module=investment] > summary")  # closed, and still closed on the next page
    assert page.locator("#sidebar >> text=招商线索").is_hidden()
    page.click("#sidebar >> text=经济看板")
    page.wait_for_url(f"{live_server.url}/economy/")
    assert page.locator("#sidebar >> text=招商线索").is_hidden()
    assert page.locator("#sidebar >> text=评价批次").is_visible()
    page.click("details[data-module=investment] > summary")
    assert page.locator("#sidebar >> text=招商线索").is_visible()

    page.click(".user-menu > summary")
    assert page.locator(".user-menu >> text=修改密码").is_visible()
    assert page.locator(".user-menu >> text=退出登录").is_visible()
    page.close()


def test_the_sidebar_is_a_drawer_on_a_phone(browser, live_server, demo_park, artifacts):
    from openpark.enterprises.models import Enterprise

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    log_in(page, live_server.url, "economy")
    page.goto(f"{live_server.url}/enterprises/enterprises/")
    assert not page.locator("#sidebar").is_visible()
    assert page.locator(".topbar").bounding_box()["height"] == 48
    assert page.evaluate(NO_OVERFLOW)
    page.screenshot(path=str(artifacts / "sidebar-phone-closed.png"))
    page.click("#nav-toggle")
    assert page.locator("#sidebar").is_visible()
    assert page.locator("#nav-toggle").get_attribute("aria-expanded") == "true"
    assert page.locator("#sidebar a[aria-current=page]").inner_text() == "企业名录"
    page.screenshot(path=str(artifacts / "sidebar-phone-open.png"))
    page.click("#nav-toggle")
    assert not page.locator("#sidebar").is_visible()

    enterprise = Enterprise.objects.order_by("pk").first()
    for url in (enterprise.get_absolute_url(), reverse("economy:fact_list"), reverse("evaluation:result_list"),
                reverse("investment:project_list"), reverse("enterprises:landparcel_list")):
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        assert page.evaluate(NO_OVERFLOW), url
    page.close()


def test_the_top_bar_search_and_a_type_ahead(browser, live_server, demo_park):
    """The global search finds an enterprise by name; a contact's enterprise is chosen by typing,
    the form listing only what the server found."""
    from openpark.enterprises.models import Contact, Enterprise

    target = Enterprise.objects.filter(name__contains="恒通").order_by("pk").first()
    contact = Contact.objects.order_by("pk").first()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, live_server.url, "economy")
    page.fill(".global-search input[name=q]", "恒通")
    page.press(".global-search input[name=q]", "Enter")
    page.wait_for_url("**/core/search/?q=*")
    assert target.name in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/enterprises/contacts/{contact.pk}/edit/")
    select = page.locator("select[name=enterprise]")
    assert select.locator("option").count() == 1
    page.fill("input.type-ahead", "恒通")
    page.wait_for_selector(f"select[name=enterprise] option[value='{target.pk}']", state="attached")
    select.select_option(str(target.pk))
    page.click("form.edit-form button[type=submit]")
    page.wait_for_url(f"**/enterprises/contacts/{contact.pk}/")
    contact.refresh_from_db()
    assert contact.enterprise_id == target.pk
    page.close()
