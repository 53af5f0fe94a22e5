"""The economic dashboard renders the demo park's 2021 figures and its trend chart, offline."""
from decimal import Decimal

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
    for text in ("221.95", "+27.44%", "59.00%", "56"):
        assert text in cards, text
    page.screenshot(path=str(artifacts / "economy-dashboard.png"), full_page=True)
    assert all(url.startswith(live_server.url) for url in requests), [u for u in requests if not u.startswith(live_server.url)]
    page.close()


def test_fact_sheet_goes_through_the_import_pages(browser, live_server, demo_park, artifacts, tmp_path):
    """A department's sheet with a column named unlike any indicator and a remark column: the first
    is named by hand, the second ignored knowingly, and only then is the sheet imported. Its
    correction then shows the value it changes, before → after, and imports that."""
    from openpark.core.models import ImportColumnMapping, ImportJob
    from openpark.economy.models import Fact
    from openpark.enterprises.models import Enterprise
    from tests.sheets import xlsx

    enterprise = Enterprise.objects.order_by("uscc").first()
    sheet = tmp_path / "税务局6月.xlsx"
    sheet.write_bytes(xlsx([["统一社会信用代码", "企业名称", "税务实缴（元）", "备注"],
                            [enterprise.uscc, enterprise.name, 1234567, "已核对"]]))
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, live_server.url, "economy")
    page.goto(live_server.url + "/economy/")
    page.goto(live_server.url + "/economy/facts/")
    page.click("text=批量导入")
    page.fill("#id_year", "2023")
    page.select_option("#id_month", "6")
    page.set_input_files("input[type=file]", str(sheet))
    page.click("text=上传并检查")
    page.wait_for_selector("text=文件中没有可识别的指标列")
    assert "以下 2 列未能识别" in page.locator("#import-columns").inner_text()

    page.select_option("#id_column-0", "indicator:tax_paid")
    page.click("text=按所选对应关系重新检查")
    page.wait_for_selector("text=将新增 1 个数值")
    page.wait_for_selector("text=“税务实缴（元）” → 实缴税收（万元）（本次指定）")
    assert "以下 1 列未能识别" in page.locator("#import-columns").inner_text()
    page.screenshot(path=str(artifacts / "economy-fact-import.png"), full_page=True)
    page.click("text=确认导入")  # the box is not ticked: nothing is sent
    assert ImportJob.objects.get().state == "ready"
    page.check("input[name=ignore_unmatched]")
    page.click("text=确认导入")
    page.wait_for_selector("text=导入完成")
    assert Fact.objects.get(enterprise=enterprise, indicator__code="tax_paid", year=2023, month=6).value == Decimal("123.46")
    assert ImportColumnMapping.objects.get().field == "indicator:tax_paid"

    # The corrected sheet of the same month: the remembered column, and the one value it changes.
    sheet.write_bytes(xlsx([["统一社会信用代码", "企业名称", "税务实缴（元）"],
                            [enterprise.uscc, enterprise.name, 2000000]]))
    page.goto(live_server.url + "/economy/facts/")
    page.click("text=批量导入")
    page.fill("#id_year", "2023")
    page.select_option("#id_month", "6")
    page.set_input_files("input[type=file]", str(sheet))
    page.click("text=上传并检查")
    page.wait_for_selector("text=将新增 0 个数值、修改 1 个数值、删除 0 个数值，0 个不变")
    changes = page.locator("table.import-changes").inner_text()
    assert f"{enterprise.name} 2023年1—6月" in changes and "实缴税收（万元）：123.46 → 200" in changes
    assert page.locator("text=下载全部变更明细（xlsx）").is_visible()
    page.screenshot(path=str(artifacts / "economy-fact-reimport.png"), full_page=True)
    page.click("text=确认导入")
    page.wait_for_selector("text=导入完成")
    assert Fact.objects.get(enterprise=enterprise, indicator__code="tax_paid", year=2023, month=6).value == 200
    page.close()


def test_evaluation_charts_render_for_the_demo_park(browser, live_server, demo_park, artifacts):
    from openpark.evaluation.models import Result, Run

    run = Run.objects.get(year=2021)
    result = Result.objects.filter(run=run, grade="C").order_by("rank").first()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, live_server.url, "economy")
    page.goto(live_server.url + run.get_absolute_url())
    for chart in ("histogram", "group", "zone", "industry"):
        page.wait_for_selector(f"#{chart}-chart[data-rendered='1'] canvas")
    page.screenshot(path=str(artifacts / "evaluation-run.png"), full_page=True)
    page.goto(live_server.url + result.get_absolute_url())
    page.wait_for_selector("#radar-chart[data-rendered='1'] canvas")
    body = page.locator("body").inner_text()
    assert result.enterprise.name in body and "历年等级" in body and "组内平均得分" in body
    page.screenshot(path=str(artifacts / "evaluation-result.png"), full_page=True)
    page.close()
