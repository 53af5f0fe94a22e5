"""随手拍 as an official walks it, in Chromium: a case's position on a small map with its grid, and
the 随手拍地图 opened on it (the grids drawn under the markers); on a phone (390 px) the 核查 queue
as cards with their buttons on screen, the top bar's search behind a button, 我的随手拍 with
thumbnails, and 补充照片 with the report page's 拍照 / 相册 buttons."""
from decimal import Decimal as D

import pytest

from .test_home import log_in
from .test_phone_report import jpeg
from .watch import PageWatch

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _case_in_first_grid(state, reporter=None, code="phone-map"):
    """A case inside the park's first grid (the demo grid worker's), put straight in `state`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openpark.community import casework
    from openpark.community.models import Case, CaseCategory
    from openpark.core.attachments import attach
    from openpark.core.models import Grid

    grid = Grid.objects.exclude(boundary=None).order_by("code").first()
    ring = grid.boundary["coordinates"][0][:-1]
    lon = sum(point[0] for point in ring) / len(ring)
    lat = sum(point[1] for point in ring) / len(ring)
    category = CaseCategory.objects.create(code=f"litter-{code}", name=f"乱扔垃圾（{code}）", icon="litter")
    case = casework.submit(Case(category=category, description="路边垃圾堆放，请尽快清理", longitude=D(f"{lon:.6f}"),
                                latitude=D(f"{lat:.6f}"), location_source="device"), reporter)
    Case.objects.filter(pk=case.pk).update(state=state)
    attach(case, SimpleUploadedFile("scene.jpg", jpeg((400, 300)), "image/jpeg"), reporter, purpose="上报照片")
    case.refresh_from_db()
    assert case.grid_id == grid.pk
    return case


def test_the_case_page_maps_the_case_and_opens_the_case_map_on_it(browser, live_server, demo_park, artifacts):
    case = _case_in_first_grid("reported", code="centre")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = PageWatch(page)
    log_in(page, live_server.url, "community")
    page.goto(live_server.url + case.get_absolute_url())
    page.wait_for_selector('#case-point-map[data-ready="true"]')
    assert page.locator("#case-point-map path.leaflet-interactive, #case-point-map canvas").count() >= 1
    assert case.grid.name in page.inner_text('[data-panel="case-position"]')
    page.screenshot(path=str(artifacts / "community-case-position.png"), full_page=True)
    page.click("#case-point-map-link")
    page.wait_for_selector('#map[data-ready="true"]')
    assert page.get_attribute("#map", "data-focus") == str(case.pk)
    assert int(page.get_attribute("#map", "data-grids")) >= 1
    assert page.locator(".leaflet-tooltip.grid-label").count() >= 1
    popup = page.locator(".case-popup")
    assert popup.is_visible() and case.number in popup.inner_text()
    page.screenshot(path=str(artifacts / "community-case-map-focus.png"))
    # The demo's year of cases, its grids with them: a few hundred bytes a case.
    size, count = page.evaluate("""() => fetch(document.getElementById("map").dataset.url)
      .then((response) => response.text()).then((text) => [new Blob([text]).size, JSON.parse(text).count])""")
    assert count > 900 and size / count < 250
    # On a desktop the queues stay tables: a row of cells under one row of headers, not cards.
    page.goto(live_server.url + "/community/cases/queues/handle/")
    assert page.eval_on_selector("#case-queue", "table => getComputedStyle(table).display") == "table"
    assert page.eval_on_selector("#case-queue thead", "head => getComputedStyle(head).display") == "table-header-group"
    assert watch.collect() == []
    page.close()


def test_a_grid_worker_on_a_phone(browser, live_server, demo_park, artifacts):
    from openpark.core.demo_users import demo_username
    from openpark.core.models import Attachment, User
    from openpark.core.roles import ROLES_BY_SLUG

    worker = User.objects.get(username=demo_username(ROLES_BY_SLUG["grid"]))
    to_check = _case_in_first_grid("replied", code="recheck")
    mine = _case_in_first_grid("reported", reporter=worker, code="mine")
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    watch = PageWatch(page)
    log_in(page, live_server.url, "grid")

    # The top bar: the search behind its button, on a line of its own once opened.
    assert page.locator("#global-search").is_hidden() and page.locator("#search-toggle").is_visible()
    bar = page.locator(".topbar").bounding_box()
    assert bar["height"] <= 50 and page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("#search-toggle")
    search = page.locator("#global-search input")
    assert search.is_visible() and search.bounding_box()["width"] >= 300
    assert page.evaluate("document.activeElement.name") == "q"
    page.screenshot(path=str(artifacts / "phone-search-open.png"))
    page.click("#search-toggle")
    assert search.is_hidden()

    # The 核查 queue: each case a card, its buttons on screen.
    page.goto(live_server.url + "/community/cases/queues/recheck/")
    row = page.locator(f'#case-queue tr[data-case="{to_check.pk}"]')
    button = row.locator("button", has_text="核查通过")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("#case-queue thead").is_hidden()  # each row a card, each cell named by its ::before
    page.screenshot(path=str(artifacts / "phone-recheck-queue.png"), full_page=True)

    # 我的随手拍: the first words and the photo of each case.
    page.goto(live_server.url + "/community/me/cases/")
    mine_row = page.locator(f'#my-cases tr[data-case="{mine.pk}"]')
    assert "路边垃圾堆放" in mine_row.inner_text()
    page.wait_for_function(
        f"document.querySelector('#my-cases tr[data-case=\"{mine.pk}\"] img').naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "phone-my-cases.png"), full_page=True)

    # My case: its position on a small map; 补充照片 with 拍照 / 相册, shrunk before it is sent.
    mine_row.locator("a", has_text=mine.number).click()
    page.wait_for_selector('#case-point-map[data-ready="true"]')
    camera = page.locator('label[for="case-camera"]').bounding_box()
    assert camera["height"] >= 44
    page.set_input_files("#case-camera", files=[{"name": "more.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.wait_for_selector("#case-previews .report-preview img")
    assert "已选 1 张照片" in page.inner_text("#case-photo-status")
    page.screenshot(path=str(artifacts / "phone-my-case.png"), full_page=True)
    page.click("#case-photos-submit")
    page.wait_for_selector("text=已补充 1 张照片")
    added = Attachment.objects.filter(object_id=mine.pk, purpose="补充照片").get()
    assert added.size < 400_000, "shrunk in the browser"
    assert watch.collect() == []
    context.close()
