"""Spreadsheet import framework. Pure functions: no database."""
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from openpark.core import uscc
from openpark.core.importing import (
    CellError,
    Column,
    ColumnHint,
    ImportFileError,
    ImportSpec,
    error_report_xlsx,
    export_xlsx,
    match_columns,
    normalise_header,
    parse_cell,
    parse_rows,
    read_workbook,
    split_unit,
    template_xlsx,
    unit_factor,
    uncalculated_formulas,
)

CODE_A = "91110000600037341L"
CODE_B = uscc.with_check_digit("91320282MA1XXXXX0"[:17].replace("X", "1"))
CODE_C = uscc.with_check_digit("91320282MA2000001")
ONE = Decimal(1)

SPEC = ImportSpec(
    name="tests.enterprise",
    title="企业名录",
    key="uscc",
    columns=(
        Column("uscc", "统一社会信用代码", "uscc", synonyms=("信用代码", "社会信用代码"), required=True),
        Column("name", "企业名称", required=True, max_length=50, synonyms=("单位名称",)),
        Column("revenue", "营业收入", "decimal", unit="万元", synonyms=("主营业务收入", "销售收入")),
        Column("area", "用地面积", "decimal", unit="亩", decimal_places=2),
        Column("power", "用电量", "decimal", unit="万千瓦时"),
        Column("staff", "从业人员", "int", unit="人"),
        Column("founded", "成立日期", "date"),
        Column("hi_tech", "是否高新技术企业", "bool"),
        Column("scale", "企业规模", "choice", choices=(("large", "大型"), ("medium", "中型"), ("small", "小型"))),
        Column("industry", "行业代码", "code"),
    ),
)
HEADER = ["统一社会信用代码", "企业名称", "营业收入（万元）", "用地面积（亩）", "用电量（万千瓦时）",
          "从业人员（人）", "成立日期", "是否高新技术企业", "企业规模", "行业代码"]


def column(kind, **kwargs):
    return Column("f", "字段", kind, **kwargs)


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A real workbook: dates as Excel dates, numbers as numbers, None as an empty cell."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def ods(sheets: dict[str, list[list]]) -> bytes:
    """A minimal hand-written OpenDocument spreadsheet (no LibreOffice in the test environment)."""

    def cell(value):
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, date):
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
        if isinstance(value, (int, float)):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def reread(data: bytes) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in workbook.sheet_names}


def good_row(code=CODE_A, name="靖江示范机械有限公司"):
    return [code, name, 1234.5, 30, 12.5, 120.0, date(2015, 6, 1), "是", "中型", "C3411"]


# ---------------------------------------------------------------- headers and units


@pytest.mark.parametrize("typed, expected", [
    ("营业收入（万元）", "营业收入(万元)"),
    (" 营业 收入\n（万元） ", "营业收入(万元)"),
    ("用电量(KWH)", "用电量(kwh)"),
    ("ＡＢＣ\u3000１２", "abc12"),
    (None, ""),
])
def test_normalise_header(typed, expected):
    assert normalise_header(typed) == expected


@pytest.mark.parametrize("header, expected", [
    ("营业收入（元）", ("营业收入", "元")),
    ("营业收入(元)", ("营业收入", "元")),
    ("营业收入 （ 万元 ）", ("营业收入", "万元")),
    ("营业收入（单位：万元）", ("营业收入", "万元")),
    ("营业收入【千元】", ("营业收入", "千元")),
    ("营业收入/元", ("营业收入", "元")),
    ("用电量/kWh", ("用电量", "kwh")),
    ("用地面积（㎡）", ("用地面积", "m2")),
    ("营业收入", ("营业收入", "")),
    ("名称/地址", ("名称/地址", "")),  # "/地址" is not a unit
    ("产值(2023年)(万元)", ("产值(2023年)", "万元")),
])
def test_split_unit(header, expected):
    assert split_unit(header) == expected


@pytest.mark.parametrize("source, target, factor", [
    ("元", "万元", "0.0001"),
    ("千元", "万元", "0.1"),
    ("亿元", "万元", "10000"),
    ("万元", "万元", "1"),
    ("平方米", "亩", "0.0015"),
    ("㎡", "亩", "0.0015"),
    ("m2", "亩", "0.0015"),
    ("m²", "亩", "0.0015"),
    ("平米", "亩", "0.0015"),
    ("公顷", "亩", "15"),
    ("亩", "亩", "1"),
    ("千瓦时", "万千瓦时", "0.0001"),
    ("kWh", "万千瓦时", "0.0001"),
    ("KWH", "万千瓦时", "0.0001"),
    ("度", "万千瓦时", "0.0001"),
    ("万千瓦时", "万千瓦时", "1"),
    ("吨标准煤", "吨标准煤", "1"),
    ("吨标煤", "吨标准煤", "1"),
    ("tce", "吨标准煤", "1"),
    ("万吨标准煤", "吨标准煤", "10000"),
    ("人", "人", "1"),
    ("", "万元", "1"),
])
def test_unit_factor(source, target, factor):
    assert unit_factor(source, target) == Decimal(factor)


@pytest.mark.parametrize("source, target", [("元", "亩"), ("美元", "万元"), ("吨", "吨标准煤"), ("人", "")])
def test_unit_factor_not_convertible(source, target):
    assert unit_factor(source, target) is None


def test_headers_match_despite_spaces_brackets_case_units_and_synonyms():
    header = [" 信用 代码 ", "单位名称", "主营业务收入(元)", "用地面积 / 平方米", "用电量（KWH）", "*从业人员",
              "成立日期（必填）", "", None, "备注", "企业规模"]
    mapping, errors = match_columns(header, SPEC, "表1")
    assert errors == []
    assert {index: (col.field, factor) for index, (col, factor) in mapping.items()} == {
        0: ("uscc", ONE),
        1: ("name", ONE),
        2: ("revenue", Decimal("0.0001")),
        3: ("area", Decimal("0.0015")),
        4: ("power", Decimal("0.0001")),
        5: ("staff", ONE),
        6: ("founded", ONE),
        10: ("scale", ONE),
    }


def test_header_without_unit_means_the_canonical_unit():
    mapping, errors = match_columns(["统一社会信用代码", "企业名称", "营业收入"], SPEC, "表1")
    assert errors == [] and mapping[2] == (SPEC.columns[2], ONE)


def test_missing_required_column():
    mapping, errors = match_columns(["企业名称", "营业收入"], SPEC, "表1", row=3)
    assert errors == [CellError("表1", 3, "", "", "缺少必填列“统一社会信用代码”")]


def test_duplicate_column():
    _, errors = match_columns(["统一社会信用代码", "企业名称", "营业收入（万元）", "主营业务收入(元)", "企业名称 "], SPEC, "表1")
    assert [(e.column, e.reason) for e in errors] == [
        ("主营业务收入(元)", "列“主营业务收入(元)”与列“营业收入（万元）”重复"),
        ("企业名称", "列“企业名称”重复"),
    ]


def test_unconvertible_unit():
    mapping, errors = match_columns(["统一社会信用代码", "企业名称", "营业收入（美元）"], SPEC, "表1")
    assert [(e.row, e.column, e.reason) for e in errors] == [
        (1, "营业收入（美元）", "列“营业收入（美元）”的单位“美元”无法换算为“万元”"),
    ]
    assert 2 not in mapping


def test_spec_rejects_a_key_that_is_not_required_and_clashing_headers():
    with pytest.raises(ValueError):
        ImportSpec("x", "x", (Column("a", "甲"),), key="a")
    with pytest.raises(ValueError):
        ImportSpec("x", "x", (Column("a", "甲", required=True), Column("b", "乙", synonyms=("甲",))), key="a")


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize("raw, expected", [
    ("1,234.5", "1234.5000"),
    ("1，234.5", "1234.5000"),
    ("１２３４．５", "1234.5000"),
    ("－12.5", "-12.5000"),
    ("-12.5", "-12.5000"),
    ("\u221212.5", "-12.5000"),
    ("  42  ", "42.0000"),
    (3670.0, "3670.0000"),
    (0.1 + 0.2, "0.3000"),
    (1234.56789, "1234.5679"),
    (0.00005, "0.0001"),  # half up
    (7, "7.0000"),
    ("1e3", "1000.0000"),
])
def test_decimal(raw, expected):
    value = parse_cell(column("decimal"), raw, ONE)
    assert isinstance(value, Decimal) and str(value) == expected


def test_decimal_unit_conversion_and_places():
    assert parse_cell(column("decimal"), "12,345,678", Decimal("0.0001")) == Decimal("1234.5678")
    assert parse_cell(column("decimal", decimal_places=2), 6667.0, Decimal("0.0015")) == Decimal("10.00")
    assert parse_cell(column("decimal"), 2.5, Decimal("15")) == Decimal("37.5")


@pytest.mark.parametrize("raw", ["abc", "12%", "1.2.3", "¥100", True, date(2021, 1, 1)])
def test_decimal_rejects_text(raw):
    with pytest.raises(ValueError, match="不是数字"):
        parse_cell(column("decimal"), raw, ONE)


@pytest.mark.parametrize("raw", ["0,5", "12,34", "1,2345", "1,234,56", ",5", "1，5"])
def test_a_comma_that_may_be_a_decimal_comma_is_refused_not_dropped(raw):
    with pytest.raises(ValueError, match="不是千位分隔"):
        parse_cell(column("decimal"), raw, ONE)
    with pytest.raises(ValueError, match="不是千位分隔"):
        parse_cell(column("int"), raw, ONE)


@pytest.mark.parametrize("raw", ["", None, "   ", "\u3000", "-", "—", "——", "/"])
def test_empty_and_placeholder_cells_are_none(raw):
    assert parse_cell(column("decimal"), raw, ONE) is None
    assert parse_cell(column("date"), raw, ONE) is None


def test_int():
    assert parse_cell(column("int"), 120.0, ONE) == 120
    assert parse_cell(column("int"), "1,200", ONE) == 1200
    assert parse_cell(column("int"), 2.5, Decimal(10000)) == 25000
    assert type(parse_cell(column("int"), "12.0", ONE)) is int
    with pytest.raises(ValueError, match="“12.5”不是整数"):
        parse_cell(column("int"), 12.5, ONE)
    with pytest.raises(ValueError, match="超出数值范围"):
        parse_cell(column("int"), "1e999999999", ONE)
    with pytest.raises(ValueError, match="超出数值范围"):
        parse_cell(column("decimal"), "1e40", ONE)


def test_text():
    assert parse_cell(column("text"), 3670.0, ONE) == "3670"
    assert parse_cell(column("text"), 12.25, ONE) == "12.25"
    assert parse_cell(column("text"), "  靖江（分公司） ", ONE) == "靖江（分公司）"
    assert parse_cell(column("text", max_length=3), "一二三", ONE) == "一二三"
    with pytest.raises(ValueError, match="长度不能超过 3 个字符"):
        parse_cell(column("text", max_length=3), "一二三四", ONE)


def test_code():
    assert parse_cell(column("code"), " ｃ 34１1 ", ONE) == "C3411"
    assert parse_cell(column("code"), 3411.0, ONE) == "3411"


def test_uscc_is_normalised():
    assert parse_cell(column("uscc"), " ９１１１ 0000-600037341l ", ONE) == CODE_A


@pytest.mark.parametrize("bad, reason", [
    ("9111000060003734", "应为 18 位"),
    ("91110000600037341X", "校验位不正确"),
    ("9111000060003734IL", "不允许的字符"),
])
def test_uscc_reasons(bad, reason):
    with pytest.raises(ValueError, match=reason):
        parse_cell(column("uscc"), bad, ONE)


@pytest.mark.parametrize("raw", [
    date(2021, 3, 5),
    datetime(2021, 3, 5, 14, 30),
    44260.0,
    44260,
    44260.75,
    "2021-03-05",
    "2021-3-5",
    "2021/3/5",
    "2021.3.5",
    "20210305",
    20210305.0,
    "2021年3月5日",
    "2021 年 3 月 5 日",
    "２０２１年３月５日",
    "２０２１－０３－０５",
    "2021-03-05 00:00:00",
    "2021/3/5 9:30",
])
def test_date(raw):
    assert parse_cell(column("date"), raw, ONE) == date(2021, 3, 5)


def test_date_serial_uses_the_standard_1900_conversion():
    assert parse_cell(column("date"), 61.0, ONE) == date(1900, 3, 1)
    assert parse_cell(column("date"), 60.0, ONE) == date(1900, 2, 28)


@pytest.mark.parametrize("raw", ["2021-02-30", "2021-13-01", "abc", "2021", 2021.0, "2021年3月", -5.0, 9e9])
def test_invalid_date(raw):
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_cell(column("date"), raw, ONE)


@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("否", False), ("Y", True), ("n", False), ("Yes", True), ("NO", False),
    ("true", True), ("FALSE", False), ("1", True), ("0", False), (1.0, True), (0.0, False),
    ("√", True), ("×", False), ("有", True), ("无", False), (True, True), (False, False), ("ｙｅｓ", True),
])
def test_bool(raw, expected):
    assert parse_cell(column("bool"), raw, ONE) is expected


def test_invalid_bool():
    with pytest.raises(ValueError, match="“也许”不是有效的是否值"):
        parse_cell(column("bool"), "也许", ONE)


def test_choice_by_value_or_label():
    scale = SPEC.columns[8]
    assert parse_cell(scale, "中型", ONE) == "medium"
    assert parse_cell(scale, "medium", ONE) == "medium"
    assert parse_cell(scale, " MEDIUM ", ONE) == "medium"
    with pytest.raises(ValueError, match="^“微型”不是可选值（可选：大型、中型、小型）$"):
        parse_cell(scale, "微型", ONE)


# ---------------------------------------------------------------- rows


def test_parse_rows_converts_every_column():
    result = parse_rows([("表1", [HEADER, good_row()])], SPEC)
    assert result.ok and result.errors == []
    assert [c.field for c in result.columns] == [c.field for c in SPEC.columns]
    (row,) = result.rows
    assert (row.sheet, row.row) == ("表1", 2)
    assert row.values == {
        "uscc": CODE_A, "name": "靖江示范机械有限公司", "revenue": Decimal("1234.5"), "area": Decimal("30.00"),
        "power": Decimal("12.5"), "staff": 120, "founded": date(2015, 6, 1), "hi_tech": True, "scale": "medium",
        "industry": "C3411",
    }


def test_units_in_file_are_converted():
    header = ["统一社会信用代码", "企业名称", "营业收入（元）", "用地面积（平方米）", "用电量/kWh"]
    result = parse_rows([("表1", [header, [CODE_A, "甲", "12,345,600", 6667, 1_250_000]])], SPEC)
    assert result.ok
    values = result.rows[0].values
    assert values["revenue"] == Decimal("1234.56")
    assert values["area"] == Decimal("10.00")
    assert values["power"] == Decimal("125")


def test_only_present_columns_are_in_values_and_empty_optional_cells_are_none():
    result = parse_rows([("表1", [["企业名称", "统一社会信用代码", "营业收入"], ["甲", CODE_A, ""]])], SPEC)
    assert result.rows[0].values == {"name": "甲", "uscc": CODE_A, "revenue": None}
    assert [c.field for c in result.columns] == ["name", "uscc", "revenue"]


def test_header_below_a_title_row_and_blank_rows_and_footers_are_skipped():
    rows = [
        ["2024年度重点企业名录", "", ""],
        ["", "", ""],
        ["统一社会信用代码", "企业名称", "说明"],
        [CODE_A, "甲", ""],
        ["", "", ""],
        [CODE_B, "乙", "x"],
        ["", "", "填表人：张三"],
    ]
    result = parse_rows([("表1", rows)], SPEC)
    assert result.ok
    assert [(r.row, r.values["name"]) for r in result.rows] == [(4, "甲"), (6, "乙")]


def test_one_bad_row_among_good_rows():
    rows = [HEADER, good_row(CODE_A), good_row(CODE_B), good_row(CODE_C)]
    rows[2][2] = "一百万"
    rows[2][6] = "2021-02-30"
    result = parse_rows([("表1", rows)], SPEC)
    assert not result.ok
    assert [r.row for r in result.rows] == [2, 4]
    assert [(e.sheet, e.row, e.column, e.value, e.reason) for e in result.errors] == [
        ("表1", 3, "营业收入（万元）", "一百万", "“一百万”不是数字"),
        ("表1", 3, "成立日期", "2021-02-30", "“2021-02-30”不是有效日期"),
    ]


def test_required_cell_empty():
    result = parse_rows([("表1", [HEADER, good_row(name="  "), good_row(code="", name="乙")])], SPEC)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [(2, "企业名称", "必填项为空"), (3, "统一社会信用代码", "必填项为空")]
    assert result.rows == []


def test_missing_required_column_is_reported_and_rows_still_checked():
    result = parse_rows([("表1", [["统一社会信用代码", "营业收入"], [CODE_A, "x"]])], SPEC)
    assert [(e.row, e.reason) for e in result.errors] == [(1, "缺少必填列“企业名称”"), (2, "“x”不是数字")]


def test_rows_of_a_sheet_missing_a_required_column_are_not_handed_on():
    """What reads the rows next may rely on every required value being there."""
    result = parse_rows([("表1", [["统一社会信用代码", "营业收入"], [CODE_A, "12"]])], SPEC)
    assert result.rows == [] and [e.reason for e in result.errors] == ["缺少必填列“企业名称”"]


def test_duplicate_key_in_the_file_and_across_sheets():
    sheets = [
        ("一月", [HEADER, good_row(CODE_A), good_row(CODE_B), good_row(" 9111 0000 6000 3734 1l ")]),
        ("二月", [HEADER, good_row(CODE_B)]),
    ]
    result = parse_rows(sheets, SPEC)
    assert [r.row for r in result.rows] == [2, 3]
    assert [(e.sheet, e.row, e.column, e.value, e.reason) for e in result.errors] == [
        ("一月", 4, "", " 9111 0000 6000 3734 1l ", f"统一社会信用代码“{CODE_A}”与第 2 行重复"),
        ("二月", 2, "", CODE_B, f"统一社会信用代码“{CODE_B}”与工作表“一月”第 3 行重复"),
    ]


def test_sheets_without_header_are_skipped():
    sheets = [("说明", [["请按模板填写"]]), ("数据", [HEADER, good_row()]), ("字典", [["大型", "中型"]])]
    result = parse_rows(sheets, SPEC)
    assert result.ok and [r.sheet for r in result.rows] == ["数据"]


def test_no_header_anywhere():
    result = parse_rows([("表1", [["名单", "地址"], ["甲", "某路"]])], SPEC)
    assert result.rows == [] and result.unmatched == []
    assert result.errors == [CellError("", 0, "", "", "未找到表头：第一行应包含“统一社会信用代码”等列名")]


def test_without_a_known_key_column_the_row_naming_most_columns_is_the_header():
    """So that the user learns which columns were not recognised, and can name the key column."""
    rows = [["说明"], ["统一代码", "企业名称", "地址"], [CODE_A, "甲", "某路"]]
    result = parse_rows([("表1", rows)], SPEC)
    assert result.rows == []
    assert [(e.row, e.reason) for e in result.errors] == [(2, "缺少必填列“统一社会信用代码”")]
    assert [(c.row, c.header, c.samples) for c in result.unmatched] == [(2, "统一代码", [CODE_A]), (2, "地址", ["某路"])]
    mapped = parse_rows([("表1", rows)], SPEC, {"统一代码": "uscc"})
    assert mapped.ok and mapped.rows[0].values == {"uscc": CODE_A, "name": "甲"}


def test_ragged_csv_rows():
    result = parse_rows([("a", [["统一社会信用代码", "企业名称", "营业收入"], [CODE_A, "甲"]])], SPEC)
    assert result.ok and result.rows[0].values["revenue"] is None


# ---------------------------------------------------------------- reading files


def test_read_xlsx_values_and_row_positions():
    data = xlsx({"企业": [["统一社会信用代码", "成立日期", "营业收入", "空"], [CODE_A, date(2021, 3, 5), 3670, None]],
                 "第二页": [[None], [None, "B2"]]})
    sheets = read_workbook(data, "企业名录.XLSX")
    assert sheets == [
        ("企业", [["统一社会信用代码", "成立日期", "营业收入", "空"], [CODE_A, date(2021, 3, 5), 3670.0, ""]]),
        ("第二页", [["", ""], ["", "B2"]]),  # leading empty rows and columns kept: row numbers stay true
    ]


def test_read_csv_utf8_with_bom_and_gbk():
    text = f"统一社会信用代码,企业名称,营业收入（万元）\r\n{CODE_A},靖江示范机械有限公司,\"1,234.5\"\r\n"
    for data in (text.encode("utf-8-sig"), text.encode("utf-8"), text.encode("gb18030")):
        sheets = read_workbook(data, "企业名录.csv")
        assert sheets == [("企业名录", [["统一社会信用代码", "企业名称", "营业收入（万元）"],
                                    [CODE_A, "靖江示范机械有限公司", "1,234.5"]])]
        result = parse_rows(sheets, SPEC)
        assert result.ok and result.rows[0].values["revenue"] == Decimal("1234.5")


def test_read_utf16_tab_separated_text():
    data = f"统一社会信用代码\t企业名称\n{CODE_A}\t甲\n".encode("utf-16")
    assert read_workbook(data, "a.csv")[0][1] == [["统一社会信用代码", "企业名称"], [CODE_A, "甲"]]


def test_workbook_uploaded_with_csv_extension_is_still_read():
    sheets = read_workbook(xlsx({"S": [["统一社会信用代码"], [CODE_A]]}), "导出.csv")
    assert sheets == [("S", [["统一社会信用代码"], [CODE_A]])]


def test_read_ods():
    data = ods({"企业": [["统一社会信用代码", "企业名称", "成立日期", "营业收入（元）"],
                       [CODE_A, "甲", date(2021, 3, 5), 12345600]]})
    sheets = read_workbook(data, "企业.ods")
    assert sheets == [("企业", [["统一社会信用代码", "企业名称", "成立日期", "营业收入（元）"],
                                [CODE_A, "甲", date(2021, 3, 5), 12345600.0]])]
    result = parse_rows(sheets, SPEC)
    assert result.ok and result.rows[0].values["revenue"] == Decimal("1234.56")


def test_read_xls():
    xlwt = pytest.importorskip("xlwt", reason="xlwt is not installed: no way to produce an .xls in the test")
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("企业")
    for c, value in enumerate(["统一社会信用代码", "企业名称", "营业收入"]):
        sheet.write(0, c, value)
    for c, value in enumerate([CODE_A, "甲", 12.5]):
        sheet.write(1, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_workbook(buffer.getvalue(), "企业.xls") == [("企业", [["统一社会信用代码", "企业名称", "营业收入"], [CODE_A, "甲", 12.5]])]


@pytest.mark.parametrize("filename", ["企业.txt", "企业.docx", "企业", "企业.xlsx.zip"])
def test_unsupported_extension(filename):
    with pytest.raises(ImportFileError, match="不支持的文件格式"):
        read_workbook(b"whatever", filename)


@pytest.mark.parametrize("data, filename", [
    (b"this is not a workbook", "a.xlsx"),
    (b"PK\x03\x04broken zip", "a.xlsx"),
    (b"\xd0\xcf\x11\xe0broken ole", "a.xls"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "a.xls"),
    (b"garbage", "a.ods"),
])
def test_corrupt_file(data, filename):
    with pytest.raises(ImportFileError, match="无法读取文件"):
        read_workbook(data, filename)


def test_empty_file():
    with pytest.raises(ImportFileError, match="文件为空"):
        read_workbook(b"", "a.xlsx")
    with pytest.raises(ImportFileError, match="没有任何数据"):
        read_workbook(xlsx({"空": []}), "a.xlsx")


# ---------------------------------------------------------------- writing files


def test_export_imports_back_unchanged():
    rows = [
        {"uscc": CODE_A, "name": "靖江示范机械有限公司", "revenue": Decimal("1234.5678"), "area": Decimal("30.25"),
         "power": Decimal("-0.0001"), "staff": 120, "founded": date(2015, 6, 1), "hi_tech": True, "scale": "medium",
         "industry": "0610"},
        {"uscc": CODE_B, "name": "=1+1 不是公式", "revenue": None, "area": None, "power": None, "staff": None,
         "founded": None, "hi_tech": False, "scale": None, "industry": None},
    ]
    data = export_xlsx(SPEC, rows)
    sheets = read_workbook(data, "export.xlsx")
    assert sheets[0][0] == "企业名录"
    assert sheets[0][1][0] == [c.header for c in SPEC.columns]
    result = parse_rows(sheets, SPEC)
    assert result.ok
    assert [r.values for r in result.rows] == rows
    assert sheets[0][1][1][6] == date(2015, 6, 1)  # a real date cell, not text


def test_export_many_rows():
    rows = ({"uscc": CODE_A, "name": f"企业{i}", "revenue": Decimal(i), "founded": date(2020, 1, 1)} for i in range(5000))
    sheets = read_workbook(export_xlsx(SPEC, rows), "x.xlsx")
    assert len(sheets[0][1]) == 5001 and sheets[0][1][-1][:3] == [CODE_A, "企业4999", 4999.0]


def test_error_report_marks_the_right_rows():
    rows = [HEADER, good_row(CODE_A), good_row(CODE_B), good_row(CODE_A)]
    rows[2][2] = "abc"
    rows[2][6] = "2021-02-30"
    sheets = [("企业", [["2024年度重点企业名录"] + [""] * 9] + rows)]
    result = parse_rows(sheets, SPEC)
    report = reread(error_report_xlsx(sheets, result.errors))
    assert list(report) == ["企业"]
    written = report["企业"]
    assert written[1][:10] == HEADER and written[1][10] == "错误说明"
    assert written[2][6] == date(2015, 6, 1)  # cells written back as they were
    assert written[2][10] == ""
    assert written[3][10] == "营业收入（万元）：“abc”不是数字；成立日期：“2021-02-30”不是有效日期"
    assert written[4][10] == f"统一社会信用代码“{CODE_A}”与第 3 行重复"


def test_error_report_puts_file_and_header_errors_in_a_first_sheet():
    sheets = [("表1", [["统一社会信用代码", "营业收入（美元）"], [CODE_A, 5]]), ("错误", [["x"]])]
    result = parse_rows(sheets, SPEC)
    errors = result.errors + [CellError("", 0, "", "", "未找到表头")]
    report = reread(error_report_xlsx(sheets, errors))
    assert list(report) == ["错误", "表1", "错误(2)"]
    assert report["错误"] == [
        ["工作表", "行号", "列名", "错误说明"],
        ["表1", 1.0, "营业收入（美元）", "营业收入（美元）：列“营业收入（美元）”的单位“美元”无法换算为“万元”"],
        ["表1", 1.0, "", "缺少必填列“企业名称”"],
        ["", "", "", "未找到表头"],
    ]
    assert report["表1"] == [["统一社会信用代码", "营业收入（美元）", "错误说明"], [CODE_A, 5.0, ""]]


def _bold_cells(data: bytes, sheet_xml: str) -> dict[str, bool]:
    """Cell reference -> bold, read straight from the xlsx parts (calamine gives no formatting)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml").decode()
        sheet = archive.read(sheet_xml).decode()
    fonts = re.findall(r"<font>(.*?)</font>|<font/>", re.search(r"<fonts[^>]*>(.*?)</fonts>", styles).group(1))
    bold_fonts = [("<b/>" in font) for font in fonts]
    xfs = re.findall(r'<xf [^>]*fontId="(\d+)"', re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles).group(1))
    cells = re.findall(r'<c r="([A-Z]+1)"(?: s="(\d+)")?', sheet)
    return {ref: bold_fonts[int(xfs[int(style or 0)])] for ref, style in cells}


def test_template():
    data = template_xlsx(SPEC)
    sheets = reread(data)
    assert list(sheets) == ["企业名录", "填写说明"]
    assert sheets["企业名录"] == [[c.header for c in SPEC.columns]]
    assert sheets["企业名录"][0][:3] == ["统一社会信用代码", "企业名称", "营业收入（万元）"]
    bold = _bold_cells(data, "xl/worksheets/sheet1.xml")
    assert [bold[f"{letter}1"] for letter in "ABCD"] == [True, True, False, False]
    instructions = sheets["填写说明"]
    assert instructions[0] == ["列名", "是否必填", "类型", "单位", "可选值", "其他可用列名"]
    assert instructions[1] == ["统一社会信用代码", "是", "统一社会信用代码", "", "", "信用代码、社会信用代码"]
    assert instructions[3] == ["营业收入（万元）", "否", "数字", "万元", "", "主营业务收入、销售收入"]
    assert instructions[9] == ["企业规模", "否", "可选值", "", "大型、中型、小型", ""]
    # the template itself reads, and is refused only for having no data rows
    errors = parse_rows(read_workbook(data, "t.xlsx"), SPEC).errors
    assert [(e.sheet, e.row, e.reason) for e in errors] == [("企业名录", 1, "工作表“企业名录”只有表头，没有数据行")]


def test_corrected_error_report_can_be_uploaded_again():
    sheets = [("表1", [HEADER, good_row(CODE_A), good_row("12345"), good_row(CODE_A)])]
    errors = parse_rows(sheets, SPEC).errors + [CellError("", 0, "统一社会信用代码", "", "示例")]
    report = read_workbook(error_report_xlsx(sheets, errors), "错误报告.xlsx")
    fixed = [(name, [row[:] for row in rows]) for name, rows in report]
    fixed[1][1][2][0] = CODE_B
    fixed[1][1][3][0] = CODE_C
    result = parse_rows(fixed, SPEC)
    assert result.ok and [r.values["uscc"] for r in result.rows] == [CODE_A, CODE_B, CODE_C]


# ---------------------------------------------------------------- columns no field answers to

HINTED = ImportSpec(
    name="tests.hinted", title="企业名录", key="uscc", columns=SPEC.columns[:2],
    hints=(ColumnHint(("用地面积", "占地面积"), "用地面积请在土地台账中导入", importer="tests.land"),),
)


def test_columns_that_match_no_field_are_listed_with_a_few_values():
    rows = [
        ["统一社会信用代码", "企业名称", "用地面积（平方米）", "备注", None, None, "企业名称"],
        [CODE_A, "甲", -5, "说明一", None, None, "甲"],
        [CODE_B, "乙", "十亩", "说明一", None, None, "乙"],
        [CODE_C, "丙", 12.5, "", "无列名的值", None, "丙"],
        [uscc.with_check_digit("91320282MA2000002"), "丁", 7, "很长的说明" * 10, None, None, "丁"],
    ]
    result = parse_rows([("表1", rows)], HINTED)
    listed = [(c.sheet, c.row, c.letter, c.header, c.samples, c.count) for c in result.unmatched]
    assert listed == [
        ("表1", 1, "C", "用地面积（平方米）", ["-5", "十亩", "12.5"], 4),
        ("表1", 1, "D", "备注", ["说明一", ("很长的说明" * 6)[:29] + "…"], 3),
        ("表1", 1, "E", "", ["无列名的值"], 1),
    ]  # F has neither header nor values; G repeats a matched column, which is an error of its own
    assert [c.hint and c.hint.message for c in result.unmatched] == ["用地面积请在土地台账中导入", None, None]
    assert result.unmatched[0].hint.importer == "tests.land"
    assert [e.reason for e in result.errors] == ["列“企业名称”重复"]


def test_a_clean_file_has_no_unmatched_columns_and_a_header_with_no_values_is_still_listed():
    assert parse_rows([("表1", [HEADER, good_row()])], SPEC).unmatched == []
    result = parse_rows([("表1", [["统一社会信用代码", "企业名称", "占地面积"], [CODE_A, "甲"]])], HINTED)
    assert result.ok and [(c.header, c.samples, c.count, c.hint.message) for c in result.unmatched] == [
        ("占地面积", [], 0, "用地面积请在土地台账中导入")]


def test_unmatched_columns_are_listed_per_sheet():
    sheets = [("一月", [["统一社会信用代码", "企业名称", "备注"], [CODE_A, "甲", "x"]]),
              ("二月", [["统一社会信用代码", "企业名称", "备注"], [CODE_B, "乙", "y"]])]
    assert [(c.sheet, c.header, c.samples) for c in parse_rows(sheets, SPEC).unmatched] == [
        ("一月", "备注", ["x"]), ("二月", "备注", ["y"])]


def test_a_column_map_names_unknown_headers_for_one_file():
    rows = [["统一社会信用代码", "公司全称", "营收（元）", "备注"], [CODE_A, "甲", 12_345_600, "x"]]
    result = parse_rows([("表1", rows)], SPEC, {"公司全称": "name", "营收（元）": "revenue"})
    assert result.ok and result.rows[0].values == {"uscc": CODE_A, "name": "甲", "revenue": Decimal("1234.56")}
    assert result.mapped == [("公司全称", "name"), ("营收（元）", "revenue")]
    assert [c.header for c in result.unmatched] == ["备注"]
    # the map is by name, whatever the spacing, and a unit given once converts any other unit next time
    again = parse_rows([("表1", [["统一社会信用代码", "公司 全称", "营收（万元）"], [CODE_A, "甲", 3]])], SPEC,
                       {"公司全称": "name", "营收（元）": "revenue"})
    assert again.ok and again.rows[0].values["revenue"] == Decimal(3) and again.unmatched == []


def test_a_column_map_never_overrides_the_spec_and_ignores_unknown_fields():
    rows = [["统一社会信用代码", "企业名称", "备注"], [CODE_A, "甲", "x"]]
    result = parse_rows([("表1", rows)], SPEC, {"企业名称": "industry", "备注": "no_such_field", "": "name"})
    assert result.ok and result.rows[0].values == {"uscc": CODE_A, "name": "甲"} and result.mapped == []
    assert [c.header for c in result.unmatched] == ["备注"]


def test_mapping_two_headers_to_one_field_is_a_duplicate_column():
    rows = [["统一社会信用代码", "公司全称", "企业全称"], [CODE_A, "甲", "甲"]]
    result = parse_rows([("表1", rows)], SPEC, {"公司全称": "name", "企业全称": "name"})
    assert [e.reason for e in result.errors] == ["列“企业全称”与列“公司全称”重复"]


# ---------------------------------------------------------------- sheets with no data


def test_a_sheet_with_only_its_header_is_an_error():
    result = parse_rows([("表1", [HEADER, ["", ""], [None]])], SPEC)
    assert result.rows == []
    assert [(e.sheet, e.row, e.reason) for e in result.errors] == [("表1", 1, "工作表“表1”只有表头，没有数据行")]


def test_a_sheet_whose_values_are_all_in_unknown_columns_says_so():
    result = parse_rows([("表1", [["统一社会信用代码", "企业名称", "公司代码"], ["", "", CODE_A]])], SPEC)
    assert [e.reason for e in result.errors] == [
        "工作表“表1”中识别出的列没有任何数据：数据都在未能识别的列中，请为这些列指定对应字段"]


def test_an_empty_extra_sheet_is_skipped_but_a_header_only_one_is_not():
    data = [("数据", [HEADER, good_row()]), ("Sheet2", []), ("Sheet3", [[None, ""]])]
    assert parse_rows(data, SPEC).ok
    result = parse_rows([("数据", [HEADER, good_row()]), ("七月", [HEADER])], SPEC)
    assert [e.reason for e in result.errors] == ["工作表“七月”只有表头，没有数据行"]


@pytest.mark.parametrize("sheets", [{"Sheet1": []}, {"Sheet1": [[None, "  "], ["", None]], "Sheet2": []}])
def test_a_workbook_whose_every_sheet_is_empty_is_refused(sheets):
    with pytest.raises(ImportFileError, match="文件中没有任何数据"):
        read_workbook(xlsx(sheets), "空.xlsx")


def test_a_csv_of_blank_lines_is_refused():
    with pytest.raises(ImportFileError, match="文件中没有任何数据"):
        read_workbook(b"\r\n,,\r\n \r\n", "空.csv")


# Formula cells: read at the result saved with them; one saved without a result refuses the file.

def formula_sheet(*formulas, sheet="数据") -> bytes:
    """A sheet written by xlsxwriter, as a program writes one: a header, then per row a name and a
    formula (text, result): a result of None stores the formula with no result (an empty <v>)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    worksheet = workbook.add_worksheet(sheet)
    worksheet.write_row(0, 0, ["名称", "数量"])
    for row, (formula, result) in enumerate(formulas, 1):
        worksheet.write(row, 0, f"第{row}项")
        worksheet.write_formula(row, 1, formula, None, "" if result is None else result)
    workbook.close()
    return buffer.getvalue()


def rewritten(data: bytes, old: bytes, new: bytes, part="xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with `old` replaced by `new` in one part of it (the first sheet's XML)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == part:
                assert old in content
                content = content.replace(old, new)
            target.writestr(item, content)
    return buffer.getvalue()


def test_a_formula_is_read_at_the_result_saved_with_it():
    data = formula_sheet(("=2*4", 8), ("=A1&\"\"", "名称"))
    assert b"<f>2*4</f><v>8</v>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert uncalculated_formulas(data) == []
    assert read_workbook(data, "x.xlsx")[0][1][1:] == [["第1项", 8.0], ["第2项", "名称"]]


def test_a_formula_saved_without_its_result_refuses_the_file_naming_the_cell():
    data = formula_sheet(("=2*4", 8), ("=2*3", None))
    assert b"<f>2*3</f><v></v>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[2] == ["第2项", ""]
    assert uncalculated_formulas(data) == [("数据", 3, "B")]
    with pytest.raises(ImportFileError) as refused:
        read_workbook(data, "x.xlsx")
    message = str(refused.value)
    assert message.startswith("工作表“数据”第 3 行 B 列是公式，没有计算结果")
    assert "选择性粘贴为数值" in message and "本次未导入任何数据" in message


def test_a_formula_with_no_result_element_at_all_is_found_too():
    """As openpyxl writes a formula: <c><f>…</f></c>, no <v>; and cells whose place is not written
    (their "r" is optional): counted from the row's start."""
    data = rewritten(formula_sheet(("=2*3", None)), b'<c r="B2"><f>2*3</f><v></v></c>', b"<c><f>2*3</f></c>")
    assert uncalculated_formulas(data) == [("数据", 2, "B")]
    data = rewritten(formula_sheet(("=2*3", None)), b'<c r="A2" t="s"><v>2</v></c><c r="B2"><f>2*3</f><v></v></c>',
                     b'<c t="s"><v>2</v></c><c><f>2*3</f></c>')
    assert uncalculated_formulas(data) == [("数据", 2, "B")]


def test_a_formula_whose_result_is_empty_text_is_not_refused():
    data = rewritten(formula_sheet(("=2*3", None)), b'<c r="B2"><f>2*3</f><v></v></c>',
                     b'<c r="B2" t="str"><f>IF(A2="x","y","")</f><v></v></c>')
    assert uncalculated_formulas(data) == []
    assert read_workbook(data, "x.xlsx")[0][1][1][0] == "第1项"


def test_many_formulas_without_results_are_counted_after_the_first_few():
    data = formula_sheet(*[(f"={n}*2", None) for n in range(12)], sheet="企业")
    with pytest.raises(ImportFileError) as refused:
        read_workbook(data, "x.xlsx")
    message = str(refused.value)
    assert message.startswith("工作表“企业”第 2 行 B 列、工作表“企业”第 3 行 B 列")
    assert "第 6 行 B 列等 12 个单元格是公式" in message and "第 7 行" not in message


def test_other_formats_and_sheets_without_formulas_are_not_looked_into():
    assert uncalculated_formulas(ods({"数据": [["名称"], ["甲"]]})) == []
    assert uncalculated_formulas(xlsx({"数据": [["名称"], ["甲"]]})) == []
    assert uncalculated_formulas(b"PK\x03\x04 not a zip") == []


def test_cells_cut_by_the_streams_chunks_are_read_whole(monkeypatch):
    from openpark.core import importing

    data = formula_sheet(*[(f"={n}*2", n * 2 if n % 3 else None) for n in range(40)])
    whole = uncalculated_formulas(data)
    assert whole == [("数据", row, "B") for row in range(2, 42, 3)]
    for size in (7, 64, 1000):
        monkeypatch.setattr(importing, "_SCAN_CHUNK", size)
        assert uncalculated_formulas(data) == whole, size
