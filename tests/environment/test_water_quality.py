"""GB 3838-2002 water-quality grading (`openpark.environment.water_quality`): pure, no database."""
import csv
import io
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
import xlsxwriter
from hypothesis import strategies as st

from openpark.environment import water_quality as wq
from openpark.environment.water_quality import WaterClass, WaterType
from tests.sheets import read_xlsx

# ---------------------------------------------------------------- each parameter at each class boundary

# Read off GB 3838-2002 Table 1 by hand: "value:class" at every limit (that class) and just past it
# (the next class whose limit is different). Where several classes share a limit, the value at it
# takes the best of them.
BOUNDARIES = {
    ("溶解氧", "河流"): "12:I 7.5:I 7.49:II 6:II 5.99:III 5:III 4.99:IV 3:IV 2.99:V 2:V 1.99:劣V 0:劣V",
    ("高锰酸盐指数", "河流"): "0:I 2:I 2.01:II 4:II 4.01:III 6:III 6.01:IV 10:IV 10.01:V 15:V 15.01:劣V",
    ("化学需氧量", "河流"): "15:I 15.01:III 20:III 20.01:IV 30:IV 30.01:V 40:V 40.01:劣V",
    ("五日生化需氧量", "河流"): "3:I 3.01:III 4:III 4.01:IV 6:IV 6.01:V 10:V 10.01:劣V",
    ("氨氮", "河流"): "0.15:I 0.151:II 0.5:II 0.501:III 1.0:III 1.001:IV 1.5:IV 1.501:V 2.0:V 2.001:劣V",
    ("总磷", "河流"): "0.02:I 0.021:II 0.1:II 0.101:III 0.2:III 0.201:IV 0.3:IV 0.301:V 0.4:V 0.401:劣V",
    ("总磷", "湖库"): "0.01:I 0.011:II 0.025:II 0.026:III 0.05:III 0.051:IV 0.1:IV 0.101:V 0.2:V 0.201:劣V",
    ("总氮", "湖库"): "0.2:I 0.201:II 0.5:II 0.501:III 1.0:III 1.001:IV 1.5:IV 1.501:V 2.0:V 2.001:劣V",
    ("铜", "河流"): "0.01:I 0.011:II 1.0:II 1.001:劣V",
    ("锌", "河流"): "0.05:I 0.051:II 1.0:II 1.001:IV 2.0:IV 2.001:劣V",
    ("氟化物", "河流"): "1.0:I 1.001:IV 1.5:IV 1.501:劣V",
    ("硒", "河流"): "0.01:I 0.0101:IV 0.02:IV 0.0201:劣V",
    ("砷", "河流"): "0.05:I 0.0501:IV 0.1:IV 0.1001:劣V",
    ("汞", "河流"): "0.00005:I 0.000051:III 0.0001:III 0.000101:IV 0.001:IV 0.00101:劣V",
    ("镉", "河流"): "0.001:I 0.0011:II 0.005:II 0.0051:V 0.01:V 0.0101:劣V",
    ("铬（六价）", "河流"): "0.01:I 0.011:II 0.05:II 0.051:V 0.1:V 0.101:劣V",
    ("铅", "河流"): "0.01:I 0.011:III 0.05:III 0.051:V 0.1:V 0.101:劣V",
    ("氰化物", "河流"): "0.005:I 0.0051:II 0.05:II 0.051:III 0.2:III 0.201:劣V",
    ("挥发酚", "河流"): "0.002:I 0.0021:III 0.005:III 0.0051:IV 0.01:IV 0.011:V 0.1:V 0.101:劣V",
    ("石油类", "河流"): "0.05:I 0.051:IV 0.5:IV 0.501:V 1.0:V 1.001:劣V",
    ("阴离子表面活性剂", "河流"): "0.2:I 0.201:IV 0.3:IV 0.301:劣V",
    ("硫化物", "河流"): "0.05:I 0.051:II 0.1:II 0.101:III 0.2:III 0.201:IV 0.5:IV 0.501:V 1.0:V 1.001:劣V",
    ("粪大肠菌群", "河流"): "200:I 201:II 2000:II 2001:III 10000:III 10001:IV 20000:IV 20001:V 40000:V 40001:劣V",
    ("pH", "河流"): "6:I 7:I 9:I 5.99:劣V 9.01:劣V 0:劣V 14:劣V",
}
CASES = [(name, kind, float(value), label)
         for (name, kind), cases in BOUNDARIES.items()
         for value, label in (case.split(":") for case in cases.split())]
BY_LABEL = {c.label: c for c in WaterClass}


def test_every_parameter_of_table_1_has_its_boundaries_checked():
    assert {name for name, _ in BOUNDARIES} == {p.name for p in wq.PARAMETERS}


@pytest.mark.parametrize(("name", "kind", "value", "label"), CASES)
def test_a_value_at_a_limit_takes_that_class_and_just_past_it_the_next(name, kind, value, label):
    assert wq.parameter_class(name, value, kind) is BY_LABEL[label]
    key = wq.parameter_of(name).key
    table = wq.grade_table({key: np.array([value])}, kind)
    assert table.classes[key].tolist() == [BY_LABEL[label]]


@pytest.mark.parametrize(("value", "label"), [("7.4", "II"), (" 7.5 ", "I"), ("１.９９", "劣V")])
def test_dissolved_oxygen_written_as_text(value, label):
    assert wq.parameter_class("dissolved_oxygen", value).label == label


def test_total_phosphorus_takes_lake_limits_for_lakes_and_reservoirs_only():
    assert wq.parameter_class("总磷", 0.04, WaterType.RIVER) is WaterClass.II
    for lake in (WaterType.LAKE, "湖库", "湖泊", "水库"):
        assert wq.parameter_class("总磷", 0.04, lake) is WaterClass.III
    assert wq.parameter_class("总磷", 0.04, "") is WaterClass.II  # empty is a river
    assert wq.parameter_class("氨氮", 0.4, "湖库") is WaterClass.II  # other limits do not change
    table = wq.grade_table({"total_phosphorus": np.array([0.04, 0.04, 0.04])}, np.array(["河流", "水库", ""]))
    assert table.classes["total_phosphorus"].tolist() == [2, 3, 2]
    with pytest.raises(ValueError, match="“海洋”不是有效的水体类型"):
        wq.water_type_of("海洋")


# ---------------------------------------------------------------- values as labs write them


@pytest.mark.parametrize(("written", "limit"), [
    ("ND", None), ("nd", None), ("N.D.", None), ("未检出", None), ("低于检出限", None),
    ("<0.01", 0.01), ("＜0.01", 0.01), ("< 0.025", 0.025), ("0.01L", 0.01), ("0.05 L", 0.05),
    ("ND(0.01)", 0.01), ("未检出（<0.02）", 0.02),
])
def test_below_detection_is_recorded_and_meets_class_i(written, limit):
    assert wq.parse_measurement(written) == wq.Measurement(limit, below_detection=True)
    assert wq.parameter_class("氨氮", written) is WaterClass.I
    # A detection limit above the class I limit still grades class I: the lab found less than it measures.
    assert wq.parameter_class("氨氮", "<0.5") is WaterClass.I


def test_dissolved_oxygen_below_detection_is_anoxic_and_ph_cannot_be_below_detection():
    assert wq.parameter_class("溶解氧", "ND") is WaterClass.WORSE_THAN_V
    assert wq.parameter_class("溶解氧", "<0.2") is WaterClass.WORSE_THAN_V
    with pytest.raises(ValueError, match="pH不能记为未检出"):
        wq.parameter_class("pH", "ND")
    with pytest.raises(ValueError, match="不是有效的 pH 值"):
        wq.parameter_class("pH", 15)


@pytest.mark.parametrize("empty", [None, "", "  ", "-", "—", "/", math.nan])
def test_missing_values_are_skipped(empty):
    assert wq.parameter_class("氨氮", empty) is None
    assessment = wq.assess({"氨氮": empty, "总磷": 0.05})
    assert assessment.classes == {"total_phosphorus": WaterClass.II}
    assert assessment.water_class is WaterClass.II


@pytest.mark.parametrize(("written", "reason"), [
    ("abc", "“abc”不是数值"), ("1.2.3", "不是数值"), ("0.5mg/L", "不是数值"), (">2400", "不是数值"),
    ("-0.1", "浓度不能为负"), (True, "不是数值"), (math.inf, "不是有限的数值"),
])
def test_what_is_not_a_value_is_refused(written, reason):
    with pytest.raises(ValueError, match=reason):
        wq.parameter_class("氨氮", written)


# ---------------------------------------------------------------- the sample's class


def test_the_sample_takes_its_worst_counting_parameter():
    sample = {"pH": 7.2, "溶解氧": 6.5, "高锰酸盐指数": 3.5, "氨氮": 0.8, "总磷": 0.12, "化学需氧量": "<10"}
    assert wq.sample_class(sample) is WaterClass.III
    assert wq.sample_class({**sample, "铅": 0.2}) is WaterClass.WORSE_THAN_V
    assert wq.sample_class({**sample, "pH": 9.2}) is WaterClass.WORSE_THAN_V
    assert wq.sample_class({}) is None


def test_total_nitrogen_and_faecal_coliform_are_graded_but_do_not_count():
    assessment = wq.assess({"氨氮": 0.1, "总氮": 5, "粪大肠菌群": 100000}, "湖库")
    assert assessment.classes == {"ammonia_nitrogen": WaterClass.I, "total_nitrogen": WaterClass.WORSE_THAN_V,
                                  "faecal_coliform": WaterClass.WORSE_THAN_V}
    assert assessment.water_class is WaterClass.I and assessment.grade == "优"
    assert assessment.exceedances == []
    only = wq.assess({"总氮": 5, "粪大肠菌群": 100})
    assert only.water_class is None and only.grade == "" and len(only.classes) == 2
    table = wq.grade_table({"total_nitrogen": np.array([5.0]), "faecal_coliform": np.array([1e5])})
    assert table.water_class.tolist() == [0] and table.labels().tolist() == [""]


@pytest.mark.parametrize(("water_class", "expected"), [
    (1, "优"), (2, "优"), (3, "良好"), (4, "轻度污染"), (5, "中度污染"), (6, "重度污染"),
])
def test_qualitative_grades(water_class, expected):
    assert wq.grade(water_class) == expected
    assert wq.grade(WaterClass(water_class)) == expected


def test_class_labels():
    assert [c.label for c in WaterClass] == ["I", "II", "III", "IV", "V", "劣V"]
    assert WaterClass.III < WaterClass.WORSE_THAN_V


# ---------------------------------------------------------------- exceedances


def test_exceedances_carry_their_multiple_of_the_class_iii_limit():
    sample = {"pH": 9.5, "溶解氧": 2.5, "化学需氧量": 40, "氨氮": 1.85, "总磷": 0.44, "铜": 1.5,
              "高锰酸盐指数": 6, "总氮": 8, "粪大肠菌群": 50000}
    found = wq.exceedances(sample)
    assert [(item.parameter.name, None if item.multiple is None else round(item.multiple, 6)) for item in found] == [
        ("pH", None), ("溶解氧", None), ("化学需氧量", 1.0), ("氨氮", 0.85), ("总磷", 1.2), ("铜", 0.5)]
    assert wq.assess(sample).exceedance_text == "pH、溶解氧、化学需氧量（1.00 倍）、氨氮（0.85 倍）、总磷（1.20 倍）、铜（0.50 倍）"
    # Lake phosphorus is measured against the lake's class III limit, 0.05.
    assert wq.assess({"总磷": 0.2}, "湖库").exceedance_text == "总磷（3.00 倍）"
    assert wq.assess({"总磷": 0.2}).exceedance_text == ""  # class III in a river
    assert wq.assess({"氨氮": "ND", "溶解氧": "ND"}).exceedance_text == "溶解氧"


def test_the_vectorised_exceedances_read_the_same():
    table = wq.grade_table({"ammonia_nitrogen": np.array([1.85, 0.5, np.nan]),
                            "total_phosphorus": np.array([0.44, 0.3, 0.01]),
                            "ph": np.array([7.0, 5.0, np.nan])})
    assert table.exceedance_texts().tolist() == ["氨氮（0.85 倍）、总磷（1.20 倍）", "pH、总磷（0.50 倍）", ""]
    assert table.labels().tolist() == ["劣V", "劣V", "I"]
    assert table.grades().tolist() == ["重度污染", "重度污染", "优"]


# ---------------------------------------------------------------- rivers


def sections(good: int, fifth: int = 0, worse: int = 0):
    """Section classes: `good` of class II, `fifth` of class V, `worse` of 劣V."""
    return [WaterClass.II] * good + [WaterClass.V] * fifth + [WaterClass.WORSE_THAN_V] * worse


@pytest.mark.parametrize(("classes", "expected"), [
    (sections(9, 1), "优"),  # I–III exactly 90 %
    (sections(90, 10), "优"),
    (sections(89, 11), "良好"),  # just under 90 %
    (sections(15, 5), "良好"),  # I–III exactly 75 %
    (sections(15, 0, 5), "良好"),  # 75 % decides before 劣V 25 %
    (sections(74, 26), "轻度污染"),  # just under 75 %, no 劣V
    (sections(74, 7, 19), "轻度污染"),  # 劣V just under 20 %
    (sections(74, 6, 20), "中度污染"),  # 劣V exactly 20 %
    (sections(7, 1, 2), "中度污染"),
    (sections(50, 11, 39), "中度污染"),  # 劣V just under 40 %
    (sections(50, 10, 40), "重度污染"),  # 劣V exactly 40 %
    (sections(6, 0, 4), "重度污染"),
    (sections(0, 0, 6), "重度污染"),
])
def test_river_grade_by_the_shares_of_its_sections(classes, expected):
    assert wq.river_grade(classes) == expected
    assert wq.river_grade([int(c) for c in classes] + [None]) == expected  # a section without a class is left out


def test_a_river_of_five_sections_or_fewer_is_graded_by_its_mean_sample():
    with pytest.raises(ValueError, match="断面少于 6 个"):
        wq.river_grade(sections(5))
    three = [{"氨氮": 0.9, "总磷": "<0.02"}, {"氨氮": 1.2, "总磷": 0.1}, {"氨氮": 1.5, "总磷": "ND"}]
    river = wq.river_grade_of_sections(three)
    # 氨氮 (0.9 + 1.2 + 1.5) / 3 = 1.2 → IV; 总磷 (0.01 + 0.1 + 0) / 3 → II.
    assert (river.method, river.water_class, river.grade) == (wq.MEAN_METHOD, WaterClass.IV, "轻度污染")
    assert river.mean["ammonia_nitrogen"].value == pytest.approx(1.2)
    assert river.mean["total_phosphorus"].value == pytest.approx(0.11 / 3)
    all_below = wq.river_grade_of_sections([{"氨氮": "<0.025"}, {"氨氮": "0.05L"}])
    assert all_below.mean["ammonia_nitrogen"] == wq.Measurement(0.05, below_detection=True)
    assert all_below.grade == "优"
    six = [{"氨氮": 0.4}] * 5 + [{"氨氮": 2.5}]
    assert wq.river_grade_of_sections(six) == wq.RiverGrade("良好", wq.SHARE_METHOD)  # 5/6 = 83 % I–III
    with pytest.raises(ValueError, match="没有可评价的断面"):
        wq.river_grade_of_sections([{"总氮": 1}])


# ---------------------------------------------------------------- the scalar and the vectorised path agree

LIMITS = sorted({limit for p in wq.PARAMETERS for limit in (*p.limits, *(p.lake_limits or ()))})


def values(parameter) -> st.SearchStrategy:
    """Values the parameter accepts: up to its ceiling (a larger one is refused on every path)."""
    return st.one_of(
        st.none(),
        st.sampled_from([limit for limit in LIMITS if limit * 1.001 <= parameter.ceiling]),  # exactly at a limit
        st.sampled_from([limit * 1.001 for limit in LIMITS if limit * 1.001 <= parameter.ceiling]),  # just past it
        st.floats(min_value=0, max_value=min(50, parameter.ceiling), allow_nan=False),
        st.floats(min_value=0, max_value=min(60000, parameter.ceiling), allow_nan=False),
        st.just(parameter.ceiling),
        st.sampled_from(["ND", "<0.01", "0.02L"]),
    )


PH = st.one_of(st.none(), st.floats(min_value=0, max_value=14), st.sampled_from([6.0, 9.0]))
SAMPLE = st.fixed_dictionaries({p.key: (PH if p.key == "ph" else values(p)) for p in wq.PARAMETERS})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(SAMPLE, st.sampled_from(["河流", "湖库"])), min_size=1, max_size=20))
def test_scalar_and_vectorised_paths_agree(samples):
    columns = {p.key: np.full(len(samples), np.nan) for p in wq.PARAMETERS}
    below = {p.key: np.zeros(len(samples), dtype=bool) for p in wq.PARAMETERS}
    for row, (sample, _) in enumerate(samples):
        for key, value in sample.items():
            if isinstance(value, float):  # a float goes into the column as it is
                columns[key][row] = value
                continue
            found = wq.parse_measurement(value)
            if found is not None:
                below[key][row] = found.below_detection
                columns[key][row] = np.nan if found.value is None else found.value
    table = wq.grade_table(columns, np.array([kind for _, kind in samples]), below)
    texts = table.exceedance_texts()
    for row, (sample, kind) in enumerate(samples):
        assessment = wq.assess(sample, kind)
        assert {key: int(classes[row]) for key, classes in table.classes.items() if classes[row]} == assessment.classes
        assert int(table.water_class[row]) == (assessment.water_class or 0)
        assert table.labels()[row] == (assessment.water_class.label if assessment.water_class else "")
        assert texts[row] == assessment.exceedance_text
        for key, water_class in assessment.classes.items():
            assert wq.parameter_class(key, sample[key], kind) is water_class


# ---------------------------------------------------------------- the command line

HEADER = ["样品编号", "断面名称", "水体类型", "pH", "溶解氧（mg/L）", "高锰酸盐指数", "氨氮(mg/L)", "总磷（mg/L）", "总氮",
          "粪大肠菌群（个/L）"]
ROWS = [
    ["S1", "七圩港上游", "河流", 7.2, 6.5, 3.5, 0.8, 0.12, 2.1, 3000],
    ["S2", "七圩港下游", "", 7.8, 4.1, 5.2, 1.85, 0.44, 3.0, 30000],
    ["S3", "园区水库", "水库", 8.1, 8.2, 1.8, "ND", 0.04, 0.6, "<20"],
    ["=HYPERLINK(\"http://x\")", "", "湖泊", "", "", "", "", "", "", ""],
]


def xlsx(rows: list[list]) -> bytes:
    """A workbook of `rows` as a lab would type them: "=1+1" is the text, not a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False})
    sheet = workbook.add_worksheet("样品")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def run(tmp_path, rows, source_name="样品.csv", target_name="结果.csv"):
    source, target = tmp_path / source_name, tmp_path / target_name
    if source_name.endswith(".xlsx"):
        source.write_bytes(xlsx(rows))
    else:
        with source.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return wq.main(["--input", str(source), "--output", str(target)]), target


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_in_csv_out(tmp_path, capsys):
    code, target = run(tmp_path, [HEADER, *ROWS])
    assert code == 0
    assert "已评价 4 个样品" in capsys.readouterr().out
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads UTF-8
    rows = read_csv(target)
    assert rows[0] == [*HEADER, "水质类别", "水质状况", "超标项目"]
    results = [row[-3:] for row in rows[1:]]
    assert results[0] == ["III", "良好", ""]
    assert results[1] == ["劣V", "重度污染", "溶解氧、氨氮（0.85 倍）、总磷（1.20 倍）"]
    assert results[2] == ["III", "良好", ""]  # a reservoir: phosphorus 0.04 is class III by the lake limits
    assert results[3] == ["", "无参评项目", ""]
    assert [row[2] for row in rows[1:]] == ["河流", "河流", "湖库", "湖库"]  # the water type graded
    assert rows[3][HEADER.index("氨氮(mg/L)")] == "ND" and rows[3][-1] == ""
    assert rows[1][3:7] == ["7.2", "6.5", "3.5", "0.8"]
    assert rows[4][0] == "'=HYPERLINK(\"http://x\")"  # a formula in a cell opens as text


def test_xlsx_in_xlsx_out_with_lab_synonyms_and_units(tmp_path):
    header = ["样品编号（必填）", "PH值", "DO(mg/L)", "CODMn", "CODcr（mg/L）", "BOD₅", "NH3-N(mg/L)", "氨氮(NH3-N)",
              "TP", "TN", "Cr6+", "石油类", "LAS", "氟化物(以F-计)", "挥发性酚", "水体类型"]
    rows = [header,
            ["A1", 7.0, 7.6, 1.5, 12, 2.5, 0.1, None, 0.01, 0.2, "0.004L", "ND", 0.05, 0.3, "<0.0003", "湖库"],
            ["A2", 7.0, 7.6, 1.5, 12, 2.5, None, 0.6, 0.01, 0.2, 0.06, 0.6, 0.05, 0.3, 0.0003, "河流"],
            ["+1", 6.9, "", "", "", "", "", "", "", "", "", "", "", "", "", ""]]
    # Two ammonia columns name one parameter: refused.
    code, target = run(tmp_path, rows, "样品.xlsx", "结果.xlsx")
    assert code == 2 and not target.exists()
    for row in rows:
        del row[7]
    rows[2][6] = 0.6
    code, target = run(tmp_path, rows, "样品.xlsx", "结果.xlsx")
    assert code == 0
    result = read_xlsx(target.read_bytes())
    assert result[0][-3:] == ["水质类别", "水质状况", "超标项目"]
    assert [row[-3:] for row in result[1:]] == [
        ["I", "优", ""],
        ["V", "中度污染", "铬（六价）（0.20 倍）、石油类（11.00 倍）"],
        ["I", "优", ""],
    ]
    assert result[1][0] == "A1" and result[1][9] == "0.004L" and result[2][9] == 0.06 and result[1][10] == "ND"
    assert result[3][0] == "+1"  # a string in the workbook, never a formula


def test_units_in_headers_are_converted_to_the_standards(tmp_path):
    header = ["样品编号", "汞（µg/L）", "镉(ug/L)", "粪大肠菌群（MPN/100mL）", "氨氮 mg/L", "总磷/mg/L", "pH（无量纲）"]
    rows = [header,
            ["W1", 0.05, 1, 20, 0.15, 0.02, 7],  # Hg 0.00005 mg/L, Cd 0.001 mg/L: class I at the limits
            ["W2", 0.051, "<0.5", 201, 0.15, 0.02, 7],  # Hg just past: III; coliform 2010 个/L: II
            ["W3", "0.11L", 11, 5000, 0.15, 0.02, 7]]  # Cd 0.011 mg/L: 劣V, 1.20 times its 0.005
    code, target = run(tmp_path, rows)
    assert code == 0
    result = read_csv(target)
    assert result[0][:7] == ["样品编号", "汞（µg/L）", "镉(ug/L)", "粪大肠菌群（MPN/100mL）", "氨氮(mg/L)", "总磷(mg/L)",
                             "pH（无量纲）"]
    assert [row[-3:] for row in result[1:]] == [["I", "优", ""], ["III", "良好", ""], ["劣V", "重度污染", "镉（1.20 倍）"]]
    assert result[2][1:3] == ["0.051", "<0.5"]  # carried as written, in the column's own unit
    assert wq.unit_scale("粪大肠菌群", "粪大肠菌群（个/100mL）") == 10
    assert wq.parse_measurement("0.05", wq.unit_scale("汞", "汞(μg/L)")).value == 0.00005


@pytest.mark.parametrize(("rows", "message"), [
    ([["样品编号", "氨氮（mg/kg）"], ["S1", 0.5]], "“氨氮（mg/kg）”列：单位“mg/kg”无法换算为氨氮的单位“mg/L”"),
    ([["样品编号", "氨氮", "颜色"], ["S1", 0.5, "黄"]], "“颜色”列：无法识别的列名（第 C 列）"),
    ([["样品编号", "氨氮", "总磷"], ["S1", 0.5, 0.1], ["S2", "很高", 0.1]], "第 3 行“氨氮”列：“很高”不是数值"),
    ([["编号X", "氨氮"], ["S1", 0.5]], "缺少必填列“样品编号”"),
    ([["样品编号", "水体类型", "氨氮"], ["S1", "海湾", 0.5]], "第 2 行“水体类型”列：“海湾”不是有效的水体类型"),
    ([["样品编号", "氨氮"], ["", 0.5]], "第 2 行“样品编号”列：必填项为空"),
    ([["样品编号", "pH"], ["S1", "ND"]], "第 2 行“pH”列：pH不能记为未检出"),
])
def test_bad_input_is_explained_in_chinese_and_writes_nothing(tmp_path, capsys, rows, message):
    code, target = run(tmp_path, rows, "样品.xlsx", "结果.csv")
    assert code == 2
    error = capsys.readouterr().err
    assert "输入文件有误，未作评价" in error and message in error
    assert not target.exists()


def test_an_unreadable_file_a_missing_file_and_a_wrong_output_write_nothing(tmp_path, capsys):
    source = tmp_path / "样品.xlsx"
    source.write_bytes(b"not a workbook")
    target = tmp_path / "结果.csv"
    target.write_text("before")
    assert wq.main(["--input", str(source), "--output", str(target)]) == 2
    assert "无法读取文件" in capsys.readouterr().err
    assert target.read_text() == "before"  # an existing file is left as it was
    assert wq.main(["--input", str(tmp_path / "无.csv"), "--output", str(target)]) == 2
    assert "找不到输入文件" in capsys.readouterr().err
    code, _ = run(tmp_path, [HEADER, *ROWS], target_name="结果.txt")
    assert code == 2
    assert "结果文件须为 xlsx 或 csv" in capsys.readouterr().err
    assert not (tmp_path / "结果.txt").exists()
    code, _ = run(tmp_path, [HEADER, *ROWS], target_name="无此目录/结果.csv")
    assert code == 2 and "无法写出结果文件" in capsys.readouterr().err


def test_a_result_file_can_be_graded_again_and_runs_as_a_module(tmp_path):
    code, first = run(tmp_path, [HEADER, *ROWS])
    assert code == 0
    again = tmp_path / "再次.csv"
    done = subprocess.run([sys.executable, "-m", "openpark.environment.water_quality", "--input", str(first),
                           "--output", str(again)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "已评价 4 个样品" in done.stdout
    assert read_csv(again) == read_csv(first)


def test_a_title_above_the_header_blank_rows_and_samples_without_values(tmp_path):
    rows = [["七圩港水质监测结果（2026年11月）", "", ""], ["样品编号", "氨氮", "总磷"], ["S1", 0.2, 0.1], ["", "", ""],
            ["S2", "", ""]]
    code, target = run(tmp_path, rows, "样品.xlsx")
    assert code == 0
    assert read_csv(target) == [["样品编号", "氨氮", "总磷", "水质类别", "水质状况", "超标项目"],
                                ["S1", "0.2", "0.1", "II", "优", ""], ["S2", "", "", "", "无参评项目", ""]]
    code, target = run(tmp_path, [["样品编号", "断面名称"], ["S1", "七圩港"]], "无项目.csv", "无项目结果.csv")
    assert code == 0
    assert read_csv(target)[1] == ["S1", "七圩港", "", "无参评项目", ""]


@pytest.mark.parametrize("sample", ["=1+1", "+86 512", "-2", "@SUM(A1:A9)"])
def test_a_sample_id_that_spreadsheets_would_run_is_written_as_text(tmp_path, sample):
    code, target = run(tmp_path, [["样品编号", "氨氮"], [sample, 0.1]])
    assert code == 0
    assert read_csv(target)[1][:2] == ["'" + sample, "0.1"]
    code, target = run(tmp_path, [["样品编号", "氨氮"], [sample, 0.1]], "样品.xlsx", "结果.xlsx")
    assert code == 0
    assert read_xlsx(target.read_bytes())[1][:2] == [sample, 0.1]  # a string cell, never a formula


def test_an_os_error_reads_in_chinese(tmp_path, capsys):
    source = tmp_path / "样品.csv"
    source.write_text("样品编号,氨氮\nS1,0.5\n", encoding="utf-8")
    missing = tmp_path / "no" / "such" / "结果.csv"
    assert wq.main(["--input", str(source), "--output", str(missing)]) == 2
    error = capsys.readouterr().err
    assert f"无法写出结果文件“{missing}”：目录不存在" in error and "No such file" not in error
    directory = tmp_path / "结果.csv"
    directory.mkdir()
    assert wq.main(["--input", str(source), "--output", str(directory)]) == 2
    assert "这是一个目录" in capsys.readouterr().err
    assert wq.os_error_text(OSError(999, "Whatever")) == "系统错误（错误码 999）"


def test_the_output_may_not_be_the_input(tmp_path, capsys):
    source = tmp_path / "样品.csv"
    source.write_text("样品编号,氨氮\nS1,0.5\n", encoding="utf-8")
    original = source.read_bytes()
    assert wq.main(["--input", str(source), "--output", str(tmp_path / "." / "样品.csv")]) == 2
    assert "结果文件不能与输入文件相同" in capsys.readouterr().err and source.read_bytes() == original


def test_repeated_sample_numbers_are_refused_naming_the_rows(tmp_path, capsys):
    code, target = run(tmp_path, [HEADER, ROWS[0], ROWS[1], ROWS[0]])
    assert code == 2 and not target.exists()
    assert "样品编号“S1”重复：工作表“样品”第 2、4 行" in capsys.readouterr().err


def test_argument_errors_and_help_are_chinese(capsys):
    with pytest.raises(SystemExit) as exit_:
        wq.main([])
    error = capsys.readouterr().err
    assert exit_.value.code == 2 and "缺少参数：--input, --output" in error and "用法：" in error
    with pytest.raises(SystemExit):
        wq.main(["-h"])
    shown = capsys.readouterr().out
    assert "显示本帮助并退出" in shown and "usage" not in shown and "options" not in shown
