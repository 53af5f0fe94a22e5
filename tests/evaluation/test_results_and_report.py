"""What a person sees of the results: the list in standing order (graded by group and rank, then
不定等, then 未纳入), without the run's name on every row once a run is chosen; bars instead of a
radar below three indicators; an adjustment stated once, its class everywhere; and the 体检报告
with its embedded font, issuer, date, page numbers, benchmarks and repeated table headers."""
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.spider import SpiderChart

from openpark.evaluation import report, services
from openpark.evaluation.models import Result, Run, SchemeVersion
from tests.sheets import read_xlsx

from .test_runs import enterprise_with

FULL = {"revenue": 1000, "value_added": 300, "energy": 50, "emissions": 2, "rd": 30, "employees": 30}


@pytest.fixture
def mixed_park(db):
    """规上 and 规下 enterprises, a section D utility (不定等) and one too small to be evaluated."""
    names = {}
    for n, tax in enumerate((100, 60, 140)):
        names[f"above{n}"] = enterprise_with(2021, 10, tax=tax, **FULL)
    for n, tax in enumerate((30, 45)):
        names[f"below{n}"] = enterprise_with(2021, 5, above=False, tax=tax, revenue=300)
    names["utility"] = enterprise_with(2021, 10, tax=500, **FULL)
    names["utility"].industry_id = "4610"
    names["utility"].save()
    names["tiny"] = enterprise_with(2021, 1, above=False, tax=5, revenue=50)
    return names


@pytest.fixture
def computed(mixed_park, make_user):
    economy = make_user("economy")
    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021 年度亩均评价")
    services.gather(run, economy)
    services.compute(run, economy)
    return run


@pytest.fixture
def staff(make_user, client_for):
    return client_for(make_user("economy", username="jingfa"))


def listed(client, **params):
    response = client.get(reverse("evaluation:result_list"), params)
    assert response.status_code == 200
    return response


def test_the_list_opens_on_the_graded_by_group_and_rank_then_undetermined_then_not_evaluated(computed, mixed_park,
                                                                                              staff):
    response = listed(staff)
    results = [obj for obj, _cells in response.context["rows"]]
    standing = [(r.group, r.rank, r.grade) for r in results]
    assert standing == [("above", 1, standing[0][2]), ("above", 2, standing[1][2]), ("above", 3, standing[2][2]),
                        ("below", 1, standing[3][2]), ("below", 2, standing[4][2]),
                        ("above", None, "不定等"), ("", None, "")]
    assert results[0].enterprise == mixed_park["above2"] and results[3].enterprise == mixed_park["below1"]
    assert results[5].enterprise == mixed_park["utility"] and results[6].enterprise == mixed_park["tiny"]
    # Any run's rows carry its name; a chosen run's do not repeat it.
    assert [c.name for c in response.context["columns"]][:2] == ["run", "enterprise"]
    chosen = listed(staff, run=computed.pk)
    assert "run" not in [c.name for c in chosen.context["columns"]]
    assert [obj.pk for obj, _ in chosen.context["rows"]] == [r.pk for r in results]
    assert all(cells[0][1] == obj.get_absolute_url() for obj, cells in chosen.context["rows"])
    # A column chosen to sort by still sorts.
    by_total = [obj.total for obj, _ in listed(staff, run=computed.pk, sort="-total").context["rows"]]
    assert by_total[0] == max(t for t in by_total if t is not None)


def test_fewer_than_three_indicators_show_bars_on_the_page_and_in_the_report(computed, mixed_park, staff):
    below = Result.objects.get(run=computed, enterprise=mixed_park["below0"])
    above = Result.objects.get(run=computed, enterprise=mixed_park["above0"])
    page = staff.get(below.get_absolute_url()).content.decode()
    assert 'id="score-bars"' in page and 'id="radar-chart"' not in page
    page = staff.get(above.get_absolute_url()).content.decode()
    assert 'id="radar-chart"' in page and 'id="score-bars"' not in page
    below_lines, _ = services.indicator_lines(below)
    above_lines, _ = services.indicator_lines(above)
    assert len(below_lines) == 2 and len(above_lines) == 6
    assert any(isinstance(shape, HorizontalBarChart) for shape in report.chart(below_lines).contents)
    assert any(isinstance(shape, SpiderChart) for shape in report.chart(above_lines).contents)


def pdf_text(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def download(client, result) -> bytes:
    response = client.get(reverse("evaluation:result_report", args=[result.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


@override_settings(OPENPARK_ISSUER="测试经济开发区管理委员会", OPENPARK_PARK_NAME="测试经济开发区")
def test_the_report_names_its_issuer_and_date_numbers_its_pages_and_gives_benchmarks(computed, mixed_park, staff):
    result = Result.objects.get(run=computed, enterprise=mixed_park["above0"])
    pages = pdf_text(download(staff, result))
    today = date.today()
    assert "出具单位：测试经济开发区管理委员会" in pages[0] and f"出具日期：{today.year}年{today.month}月{today.day}日" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页/共{len(pages)}页" in text and "测试经济开发区管理委员会" in text
    lines, _ = services.indicator_lines(result)
    tax = next(line for line in lines if line.name == "亩均税收")
    # 规上 亩均税收 is benchmarked on the group: Σ tax / Σ land of the three graded.
    assert tax.benchmark == pytest.approx(300 / 30)
    assert "基准值" in pages[0] and f"{tax.benchmark:,.4f}" in "".join(pages)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils' pdffonts is not installed")
def test_pdffonts_shows_the_cjk_font_embedded_as_a_subset(computed, mixed_park, staff, tmp_path):
    path = tmp_path / "报告.pdf"
    path.write_bytes(download(staff, Result.objects.get(run=computed, enterprise=mixed_park["below0"])))
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in listing.splitlines()[2:]]
    assert fonts and any(re.fullmatch(r"[A-Z]{6}\+NotoSansCJKsc-Regular", f[0]) for f in fonts), listing
    # name, type, encoding, emb, sub, uni, object, generation: every font embedded, as a subset.
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts), listing


def test_a_long_table_repeats_its_header_and_every_page_is_numbered():
    lines = [report.IndicatorLine(f"指标{n}", "万元/亩", 10.0 + n, 5.0, 10.0, 4.0, 6.0, 12.0) for n in range(70)]
    data = report.ReportData(enterprise="甲机械有限公司", code="91321282MA1X000001", year=2021, scheme="测试方案",
                             group="规上", total=90.0, rank=1, graded=3, grade="A", reason="", indicators=lines,
                             issuer="测试管委会", issued_on=date(2026, 12, 1))
    pages = pdf_text(report.render(data))
    assert len(pages) >= 3
    table_pages = [text for text in pages if "（万元/亩）" in text]
    assert len(table_pages) >= 2
    assert all("指标指标值基准值权重得分组内平均得分行业平均得分" in text for text in table_pages)
    assert all(f"共{len(pages)}页" in text and "测试管委会" in text for text in pages)


def test_the_result_page_names_the_industry_and_the_group_once(computed, mixed_park, staff):
    result = Result.objects.get(run=computed, enterprise=mixed_park["above0"])
    page = "".join(staff.get(result.get_absolute_url()).content.decode().split())
    assert "3670汽车零部件及配件制造" in page and "行业代码" not in page
    assert ">组别<" in page and ">规上<" in page and ">规上</th>" not in page and ">是<" not in page


def test_a_share_indicator_reads_as_a_percentage_on_the_page_and_in_the_report(computed, mixed_park, staff):
    result = Result.objects.get(run=computed, enterprise=mixed_park["above0"])  # 研发经费 30 / 营业收入 1000
    page = "".join(staff.get(result.get_absolute_url()).content.decode().split())
    assert '<td>研发经费占比</td><tdclass="num">3.00%</td><tdclass="num">3.00%</td>' in page
    text = "".join(pdf_text(download(staff, result)))
    assert "研发经费占比3.00%3.00%" in text and "0.0300" not in text


def test_a_scheme_writes_a_fixed_benchmark_by_the_same_rule():
    from openpark.evaluation.scheme import Indicator

    def fixed(unit):
        return Indicator("k", "指标", "rd", "revenue", 10, "fixed", benchmark=0.03, unit=unit)

    assert (fixed("").benchmark_text, fixed("%").benchmark_text, fixed("万元/亩").benchmark_text) == (
        "3.00%", "3.00%", "0.03")


def test_an_adjusted_class_replaces_the_computed_one_everywhere(computed, mixed_park, staff):
    result = Result.objects.get(run=computed, enterprise=mixed_park["above0"])
    computed_grade = result.computed_grade
    new = "A" if computed_grade != "A" else "B"
    response = staff.post(reverse("evaluation:result_adjust", args=[result.pk]), {"grade": new, "reason": "重大技改投产"})
    assert response.status_code == 302
    sentence = f"计算所得为{computed_grade}类，经定档调档调整为{new}类。理由：重大技改投产"
    counts = staff.get(computed.get_absolute_url()).context["panels"]
    run_panel = next(panel for panel in counts if panel["key"] == "run")["context"]
    assert dict(run_panel["grades"])[f"{new} 类"] == 1 + computed.summary["grades"].get(new, 0)
    assert dict(run_panel["grades"])[f"{computed_grade} 类"] == computed.summary["grades"][computed_grade] - 1
    page = "".join(staff.get(result.get_absolute_url()).content.decode().split())
    assert page.count(sentence) == 1 and "计算等级" not in page
    text = "".join(pdf_text(download(staff, result)))
    assert text.count(sentence) == 1 and f"评价等级{new}类" in text and f"评价等级{computed_grade}类" not in text
    assert f"即可达到{new}类" not in text
    row = next(cells for obj, cells in listed(staff, run=computed.pk).context["rows"] if obj.pk == result.pk)
    assert f"{new} 类" in [text for text, _ in row] and "已调档" in [text for text, _ in row]
    assert f"{computed_grade} 类" not in [text for text, _ in row]
    exported = read_xlsx(listed(staff, run=computed.pk, export="xlsx").content)
    header = exported[0]
    assert "计算等级" not in header and "调档理由" not in header
    line = next(dict(zip(header, r)) for r in exported[1:] if r[header.index("统一社会信用代码")] == result.enterprise.uscc)
    assert "".join(line["定档调档"].split()) == "定档调档：" + sentence and line["等级"] in (new, f"{new} 类")


def test_a_character_the_shipped_font_lacks_is_still_printed_and_markup_is_escaped():
    from openpark.core.pdf import FALLBACK_FONT, markup

    assert markup("甲&乙<丙>") == "甲&amp;乙&lt;丙&gt;"
    assert markup("镕") == f'<font name="{FALLBACK_FONT}">镕</font>'  # outside GB 2312
    data = report.ReportData(enterprise="靖江镕达机械有限公司", code="91321282MA1X000001", year=2021, scheme="测试方案",
                             group="", total=None, rank=None, graded=0, grade="", reason="用地不足 3 亩，未纳入评价",
                             indicators=[], issuer="测试管委会")
    text = "".join(pdf_text(report.render(data)))
    assert "靖江镕达机械有限公司" in text and "评价等级未定等" in text and "用地不足3亩" in text


def _footer_words(pdf: bytes, tmp_path) -> list[list[tuple[float, float, str]]]:
    """(xMin, xMax, word) of the footer line of every page, from poppler's pdftotext -bbox."""
    path = tmp_path / "报告.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in listing.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)
        pages.append([(float(x0), float(x1), word) for x0, y0, x1, word in words if float(y0) > height - 40])
    return pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils' pdftotext is not installed")
def test_a_long_footer_is_cut_short_before_the_page_number(tmp_path):
    data = report.ReportData(enterprise="江苏靖江某某高端装备智能制造科技股份有限公司", code="91321282MA1X000001", year=2021,
                             scheme="测试方案", group="规上", total=90.0, rank=1, graded=3, grade="A", reason="",
                             indicators=[], issuer="江苏靖江经济技术开发区管理委员会", issued_on=date(2026, 12, 1))
    for words in _footer_words(report.render(data), tmp_path):
        starts = [index for index, (_x0, _x1, word) in enumerate(words) if word == "第"]
        assert starts, words  # overlapping, the texts run into one another
        start = starts[0]
        page_number_starts = words[start][0]
        assert words[0][2] == "江苏靖江经济技术开发区管理委员会"
        assert words[start - 1][2].endswith("…")  # shortened, and says so
        assert all(x1 < page_number_starts for _x0, x1, _word in words[:start])


def _shown(pdf: bytes) -> list[tuple[str, str]]:
    """(text, font) of every piece of text shown in the document."""
    shown = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: shown.append(
            (text, str(font.get("/BaseFont")) if font else "")) if text.strip() else None)
    return shown


def test_rare_characters_print_in_the_fallback_font_everywhere_and_beyond_it_as_their_code_point():
    from openpark.core.pdf import FALLBACK_FONT

    data = report.ReportData(enterprise="靖江堃䶮𠮷机械有限公司", code="91321282MA1X000001", year=2021, scheme="测试方案",
                             group="堃䶮组", total=90.0, rank=1, graded=3, grade="A", reason="", indicators=[],
                             issuer="靖江堃管委会", issued_on=date(2026, 12, 1))
    pdf = report.render(data)
    shown = _shown(pdf)
    rare = [(text, font) for text, font in shown if "堃" in text or "䶮" in text]
    # The name's cell, the group's row, the issuer on the first page, the footer (issuer and name).
    assert len(rare) >= 5 and all(font.endswith(FALLBACK_FONT) for _text, font in rare), rare
    text = "".join(pdf_text(pdf))
    assert "组别堃䶮组" in text and "𠮷" not in text
    assert text.count("靖江堃䶮U+20BB7机械有限公司") >= 2  # in the table and in the footer
