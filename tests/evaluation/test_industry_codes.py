"""An industry code written "D4610", "d 4610", "Ｄ４６１０" or 4610 is one class on every path that
takes codes in: the evaluation's command line and its sheet, the engine, the enterprise import."""
import subprocess
import sys

import numpy as np
import pytest

from openpark.core.codes import normalise_code, normalise_industry_code
from openpark.core.importing import Column, ImportSpec, parse_rows, read_workbook
from openpark.evaluation.engine import Enterprises, evaluate
from openpark.evaluation.scheme import parse, preset
from openpark.evaluation.sheets import read_input
from tests.factories import _uscc
from tests.sheets import read_xlsx, xlsx

HEADER = ["统一社会信用代码", "企业名称", "是否规上", "行业代码", "投产日期", "用地面积（亩）", "实缴税收（万元）",
          "营业收入（万元）", "工业增加值", "综合能耗", "用电量", "主要污染物排放量", "研发经费", "年平均职工人数"]
# Section D (44–46) written every way, and two manufacturers of the same division written two ways.
WRITTEN = ["D4610", " d 4511 ", "Ｄ４４１１", "4620", "C3670", "3670 ", "C3811", "Ｃ３８１９"]


def mixed_sheet() -> list[list]:
    rows = [HEADER]
    for n, written in enumerate(WRITTEN):
        rows.append([_uscc(800 + n), f"企业{n}", "是", written, "2010-01-01", 10 + n, 50 + 10 * n, 500 + 50 * n,
                     100 + n, 20, 20, 1, 10, 20])
    return rows


@pytest.mark.parametrize("written", ["D4610", "d4610", " D 4610 ", "Ｄ４６１０", "４６１０", 4610, 4610.0])
def test_one_function_normalises_every_way_of_writing_a_code(written):
    assert normalise_industry_code(written) == "4610"


def test_the_command_line_grades_section_d_undetermined_however_the_code_is_written(tmp_path):
    source, target = tmp_path / "混合代码.xlsx", tmp_path / "结果.xlsx"
    source.write_bytes(xlsx(mixed_sheet()))
    done = subprocess.run([sys.executable, "-m", "openpark.evaluation", "--scheme", "jiangsu-6", "--year", "2021",
                           "--input", str(source), "--output", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "不定等 4" in done.stdout
    rows = read_xlsx(target.read_bytes())
    header = rows[0]
    by_name = {row[1]: dict(zip(header, row)) for row in rows[1:]}
    for n in range(4):
        assert by_name[f"企业{n}"]["等级"] == "不定等" and "门类 D" in by_name[f"企业{n}"]["说明"]
    for n in range(4, 8):
        assert by_name[f"企业{n}"]["等级"] in ("A", "B", "C", "D")


def test_the_sheet_and_the_engine_read_codes_as_stored(tmp_path):
    scheme = parse(preset("jiangsu-6"))
    source = tmp_path / "数据.xlsx"
    source.write_bytes(xlsx(mixed_sheet()))
    data, _names = read_input(source, scheme)
    assert list(data.industry) == ["4610", "4511", "4411", "4620", "3670", "3670", "3811", "3819"]
    # Built by hand (as a caller of the engine may), the codes still count as section D.
    raw = Enterprises(code=np.array([_uscc(900), _uscc(901)]), above_scale=np.array([True, True]),
                      industry=np.array(["D4610", "C3670"]), production_start=np.array(["2010-01-01"] * 2,
                                                                                       dtype="datetime64[D]"),
                      values={name: np.array([10.0, 10.0]) for name in data.values})
    results = evaluate(raw, scheme, 2021)
    assert list(results.grade) == ["不定等", results.grade[1]] and results.grade[1] in ("A", "B", "C", "D")


def test_an_import_column_of_industry_codes_stores_them_without_section_letter():
    spec = ImportSpec(name="t.industry", title="行业", key="code",
                      columns=(Column("code", "代码", kind="code", required=True), Column("industry", "行业代码", kind="industry")))
    sheets = read_workbook(xlsx([["代码", "行业代码"], ["a", "C3670"], ["b", "Ｃ ３６７０"], ["c", 3670]]), "行业.xlsx")
    parsed = parse_rows(sheets, spec)
    assert not parsed.errors
    assert [row.values["industry"] for row in parsed.rows] == ["3670", "3670", "3670"]


@pytest.mark.django_db
def test_codes_typed_in_a_form_or_sent_to_the_api_make_section_d_undetermined_in_a_run(make_user, client_for, api_for):
    from django.urls import reverse

    from openpark.evaluation import services
    from openpark.evaluation.models import Result, Run, SchemeVersion

    from .test_runs import enterprise_with

    full = {"revenue": 1000, "value_added": 300, "energy": 50, "emissions": 2, "rd": 30, "employees": 30}
    maker, water, gas = (enterprise_with(2021, 10, tax=tax, **full) for tax in (100, 80, 60))
    economy = make_user("economy")
    response = client_for(economy).post(reverse("enterprises:enterprise_edit", args=[water.pk]), {
        "uscc": water.uscc, "name": water.name, "status": "operating", "industry": " ｄ ４６１０ "})
    assert response.status_code == 302
    response = api_for(economy).patch(f"/api/enterprises/enterprises/{gas.pk}/", {"industry": "Ｄ４５１１"}, format="json")
    assert response.status_code == 200 and response.json()["industry"] == "4511"
    water.refresh_from_db()
    assert water.industry_id == "4610"

    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021 年度亩均评价")
    services.gather(run, economy)
    services.compute(run, economy)
    grades = dict(Result.objects.filter(run=run).values_list("enterprise_id", "grade"))
    assert grades[water.pk] == grades[gas.pk] == "不定等" and grades[maker.pk] in ("A", "B", "C", "D")
    # The results' industry filter reads the code the same way.
    listed = client_for(economy).get(reverse("evaluation:result_list"), {"run": run.pk, "industry": "Ｄ ４６"})
    assert [obj.enterprise_id for obj, _ in listed.context["rows"]] == [water.pk]


@pytest.mark.parametrize(("written", "section"), [("Z3670", "C"), ("A3670", "C"), ("ｃ４６１０", "D"), ("C0111", "A")])
def test_a_section_letter_that_is_not_the_code_s_is_refused(written, section):
    with pytest.raises(ValueError) as refused:
        normalise_industry_code(written)
    assert str(refused.value) == f"行业代码“{normalise_code(written)}”的门类字母应为 {section}。"


def test_the_sections_of_the_check_are_those_of_the_shipped_table():
    from openpark.core.codes import section_of
    from openpark.enterprises.industry import read_table

    rows = read_table()
    assert all(section_of(row["code"]) == row["section"] for row in rows if row["level"] > 1)
    assert all(normalise_industry_code(row["section"] + row["code"]) == row["code"] for row in rows if row["level"] > 1)


@pytest.mark.django_db
def test_a_wrong_section_letter_is_refused_by_the_form_the_api_and_the_import_with_the_same_words(
        make_user, client_for, api_for):
    from django.urls import reverse

    from openpark.enterprises.models import Enterprise
    from tests.factories import EnterpriseFactory
    from tests.sheets import latest_job, upload

    message = "行业代码“Z3670”的门类字母应为 C。"
    enterprise = EnterpriseFactory(name="靖江甲机械有限公司", industry_id="3819")
    economy = make_user("economy")
    response = client_for(economy).post(reverse("enterprises:enterprise_edit", args=[enterprise.pk]), {
        "uscc": enterprise.uscc, "name": enterprise.name, "status": "operating", "industry": "Z3670"})
    assert response.status_code == 200 and response.context["form"].errors["industry"] == [message]
    response = api_for(economy).patch(f"/api/enterprises/enterprises/{enterprise.pk}/", {"industry": "Z3670"},
                                      format="json")
    assert response.status_code == 400 and response.json()["errors"]["industry"] == [message]
    upload(client_for(economy), "enterprises.enterprise",
           xlsx([["统一社会信用代码", "企业名称", "行业代码"], [enterprise.uscc, enterprise.name, "Z3670"]]))
    job = latest_job()
    assert job.state == "invalid" and [(e["column"], e["reason"]) for e in job.errors] == [("行业代码", message)]
    assert Enterprise.objects.get(pk=enterprise.pk).industry_id == "3819"  # nothing changed
    # A filter given such a code finds nothing rather than the class of the digits.
    listed = client_for(economy).get(reverse("enterprises:enterprise_list"), {"industry": "A3670"})
    assert listed.status_code == 200 and not list(listed.context["rows"])
