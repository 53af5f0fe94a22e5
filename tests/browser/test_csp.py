"""Every page of the platform works under its Content-Security-Policy in Chromium: each role's menu
pages, the first record of each list (and one history), the add form and the import form of each list, the
Django admin's pages and the API docs report no CSP violation, no console error and no script
error."""
from urllib.parse import urlsplit

import pytest

from django.conf import settings
from django.test import Client

from openpark.core.demo_users import demo_username
from openpark.core.models import User
from openpark.core.roles import EDIT, ROLES

from .test_home import log_in
from .watch import PageWatch

pytestmark = pytest.mark.browser

FIRST_RECORD = "table.objects tbody tr td a[href]"
ADD_FORM = ".page-head .actions a[href$='/add/']"
IMPORT_FORM = ".page-head .actions a[href*='/imports/']"
HISTORY = ".page-head .actions a[href$='history/']"


def links(page, selector) -> list[str]:
    return page.eval_on_selector_all(selector, "elements => elements.map(element => element.href)")


def same_site(base_url, urls):
    """The page URLs of the platform among the links (not downloads or exports)."""
    return [url for url in urls if url.startswith(base_url) and "export=" not in url
            and not urlsplit(url).path.endswith((".xlsx", ".pdf", ".zip"))]


def visit(page, watch, url) -> None:
    response = page.goto(url)
    if page.locator("#map").count():
        page.wait_for_selector("#map[data-ready=true]")
    watch.collect()
    if response.status >= 400:
        watch.problems.append(f"{url}: HTTP {response.status}")


def signed_in(context, base_url, role) -> None:
    """The demo account of the role signed in by its session cookie (the login form itself is
    walked in test_home; fourteen more walks through it would show nothing new)."""
    client = Client()
    client.force_login(User.objects.get(username=demo_username(role)))
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base_url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def edited_apps(role) -> set[str]:
    return {key.split(".")[0] for key, level in role.access.items() if level == EDIT}


def visit_menu_pages(page, watch, base_url, role, seen: set[str], edited: set[str]) -> None:
    """The role's home, its menu pages, and each list's first record, add form and import form,
    and one record's history (every history page is the same template on other rows). A page that an earlier role opened is opened again only by the first role
    that edits its app (and so sees its add and import forms)."""
    seen.add(page.url)
    watch.collect()
    apps = edited_apps(role)
    for url in same_site(base_url, links(page, ".mainnav a") + links(page, ".account a")):
        editor = urlsplit(url).path.split("/")[1] in apps
        if url in seen and not (editor and url not in edited):
            continue
        seen.add(url)
        if editor:
            edited.add(url)
        visit(page, watch, url)
        for extra in same_site(base_url, links(page, FIRST_RECORD)[:1] + links(page, ADD_FORM)[:1]
                               + links(page, IMPORT_FORM)[:1]):
            if extra not in seen:
                seen.add(extra)
                visit(page, watch, extra)
                for history in same_site(base_url, links(page, HISTORY)[:1]):
                    if not any(url.endswith("/history/") for url in seen):
                        seen.add(history)
                        visit(page, watch, history)


def test_every_role_s_pages_keep_to_the_policy(browser, live_server, demo_park, artifacts):
    seen, edited, problems = set(), set(), []
    for role in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        watch = PageWatch(page)
        signed_in(context, live_server.url, role)
        page.goto(f"{live_server.url}/home/{role.slug}/")
        visit_menu_pages(page, watch, live_server.url, role, seen, edited)
        problems += watch.problems
        context.close()
    (artifacts / "csp-pages.txt").write_text("\n".join(sorted(url.removeprefix(live_server.url) for url in seen)) + "\n")
    assert len(seen) > 40, sorted(seen)
    assert problems == [], "\n".join(problems)


def test_admin_pages_and_api_docs_keep_to_the_policy(browser, live_server, demo_park, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, live_server.url, "admin")

    visit(page, watch, live_server.url + "/admin/")
    admin_links = same_site(live_server.url, links(page, "#content-main a[href]"))
    assert len(admin_links) >= 4, admin_links
    opened = ["/admin/"]
    for url in dict.fromkeys(admin_links):
        visit(page, watch, url)
        opened.append(url)
        for record in same_site(live_server.url, links(page, "#result_list tbody th a[href]"))[:1]:
            visit(page, watch, record)
            opened.append(record)

    page.goto(live_server.url + "/api/docs/", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .opblock-tag")
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.wait_for_selector(".swagger-ui .opblock-body")
    assert "OpenPark" in page.locator(".swagger-ui .info .title").inner_text()
    watch.collect()
    context.close()
    opened.append("/api/docs/")
    (artifacts / "csp-admin-pages.txt").write_text("\n".join(url.removeprefix(live_server.url) for url in opened) + "\n")
    assert watch.problems == [], "\n".join(watch.problems)


def test_publishing_a_run_asks_first_without_inline_script(browser, live_server, demo_park):
    """The 发布 button's confirmation comes from data-confirm (openpark.js), not an onclick."""
    from openpark.evaluation.models import Run, SchemeVersion
    from openpark.evaluation.services import compute, gather

    run = Run.objects.create(year=2022, scheme=SchemeVersion.objects.get(name="jiangsu-6", version=1), title="待发布批次")
    gather(run)
    compute(run)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "economy")
    page.goto(live_server.url + run.get_absolute_url())
    asked = []

    def answer(accept):
        def reply(dialog):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return reply

    page.once("dialog", answer(False))
    page.click("#workflow-actions button[data-confirm]")
    assert asked == ["发布后结果不能再修改，确定发布？"]
    run.refresh_from_db()
    assert run.state == "computed"

    page.once("dialog", answer(True))
    with page.expect_navigation():
        page.click("#workflow-actions button[data-confirm]")
    assert "已发布" in page.locator(".messages").inner_text()
    run.refresh_from_db()
    assert run.state == "published" and len(asked) == 2
    assert watch.collect() == [], "\n".join(watch.problems)
    page.close()
