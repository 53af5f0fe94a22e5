"""The economic dashboard renders the demo park's 2021 figures and its trend chart, offline."""
import pytest

from .test_home import log_in

pytestmark = pytest.mark.browser


def test_dashboard_renders_the_published_figures(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, live_server.url, "leader")
    page.goto(live_server.url + "/economy/?year=2021")
    page.wait_for_selector("#trend-chart[data-rendered='1'] canvas")
    for key in ("zone", "industry", "chain"):
        page.wait_for_selector(f"#breakdown-chart-{key}[data-rendered='1'] canvas")
    cards = page.locator("#key-figures").inner_text()
    for text in ("221.95", "+27.44%", "59%", "56"):
        assert text in cards, text
    page.screenshot(path=str(artifacts / "economy-dashboard.png"), full_page=True)
    assert all(url.startswith(live_server.url) for url in requests), [u for u in requests if not u.startswith(live_server.url)]
    page.close()
