"""Every page of the platform works under its Content-Security-Policy in Chromium: each role's menu
pages, the first record and the add form of each list, the Django admin's pages and the API docs
report no CSP violation, no console error and no script error."""
from urllib.parse import urlsplit

import pytest

from openpark.core.roles import ROLES

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser

FIRST_RECORD = "table.objects tbody tr td a[href]"
ADD_FORM = ".page-head .actions a[href$='/add/']"


def links(page, selector) -> list[str]:
    return page.eval_on_selector_all(selector, "elements => elements.map(element => element.href)")


def same_site(base_url, urls):
    """The page URLs of the platform among the links (not downloads or exports)."""
    return [url for url in urls if url.startswith(base_url) and "export=" not in url
            and not urlsplit(url).path.endswith((".xlsx", ".pdf", ".zip"))]


def visit(page, watch, url) -> int:
    response = page.goto(url)
    if page.locator("#map").count():
        page.wait_for_selector("#map[data-ready=true]")
    watch.collect()
    if response.status >= 400:
        watch.problems.append(f"{url}: HTTP {response.status}")
    return response.status


def visit_menu_pages(page, watch, base_url, seen: set[str]) -> None:
    """The role's home, its menu pages, and the first record and add form of each list; a page
    that an earlier role opened is not opened again."""
    seen.add(page.url)
    watch.collect()
    for url in same_site(base_url, links(page, ".mainnav a") + links(page, ".account a")):
        if url in seen:
            continue
        seen.add(url)
        visit(page, watch, url)
        for extra in same_site(base_url, links(page, FIRST_RECORD)[:1] + links(page, ADD_FORM)[:1]):
            if extra not in seen:
                seen.add(extra)
                visit(page, watch, extra)


def test_every_role_s_pages_keep_to_the_policy(browser, live_server, demo_park):
    seen, problems = set(), []
    for role in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        watch = PageWatch(page)
        log_in(page, live_server.url, role.slug)
        visit_menu_pages(page, watch, live_server.url, seen)
        problems += watch.problems
        context.close()
    assert len(seen) > 40, sorted(seen)
    assert problems == [], "\n".join(problems)


def test_admin_pages_and_api_docs_keep_to_the_policy(browser, live_server, demo_park):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, live_server.url, "admin")

    visit(page, watch, live_server.url + "/admin/")
    admin_links = same_site(live_server.url, links(page, "#content-main a[href]"))
    assert len(admin_links) >= 4, admin_links
    for url in dict.fromkeys(admin_links):
        visit(page, watch, url)
        first = same_site(live_server.url, links(page, "#result_list tbody th a[href]"))[:1]
        for record in first:
            visit(page, watch, record)

    page.goto(live_server.url + "/api/docs/", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .opblock-tag")
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.wait_for_selector(".swagger-ui .opblock-body")
    assert "OpenPark" in page.locator(".swagger-ui .info .title").inner_text()
    watch.collect()
    context.close()
    assert watch.problems == [], "\n".join(watch.problems)
