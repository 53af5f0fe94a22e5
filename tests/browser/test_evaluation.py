"""The 亩均 results as an official sees them: the list in standing order, a result's chart (radar or
bars), and the 体检报告's first page rendered as an image (pdftoppm)."""
import shutil
import subprocess

import pytest
from django.urls import reverse

from .test_home import log_in

pytestmark = pytest.mark.browser


def test_results_list_result_pages_and_report(browser, live_server, demo_park, artifacts, tmp_path):
    from openpark.evaluation.models import Result, Run

    run = Run.objects.filter(state="published").order_by("-year", "-pk").first()
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(page, live_server.url, "economy")
    page.goto(f"{live_server.url}/evaluation/results/?run={run.pk}")
    page.wait_for_selector("table.objects tbody tr")
    headers = page.locator("table.objects thead th").all_inner_texts()
    assert "评价批次" not in [h.strip(" ▲▼") for h in headers] and headers[0].startswith("企业")
    first = page.locator("table.objects tbody tr").first.locator("td").all_inner_texts()
    assert first[1] == "规上" and first[2] == "1"
    page.screenshot(path=str(artifacts / "evaluation-results.png"), full_page=False)

    above = Result.objects.filter(run=run, group="above", rank=1).first()
    page.goto(live_server.url + above.get_absolute_url())
    page.wait_for_selector("#radar-chart[data-rendered='1'] canvas")
    below = Result.objects.filter(run=run, group="below", rank__isnull=False).first()
    page.goto(live_server.url + below.get_absolute_url())
    page.wait_for_selector("#score-bars[data-rendered='1'] canvas")
    assert page.locator("#radar-chart").count() == 0
    page.screenshot(path=str(artifacts / "evaluation-result-bars.png"), full_page=True)

    response = page.request.get(live_server.url + reverse("evaluation:result_report", args=[above.pk]))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    page.close()
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils' pdftoppm is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(artifacts / "evaluation-report-page1")], check=True)
    assert (artifacts / "evaluation-report-page1.png").stat().st_size > 20_000
