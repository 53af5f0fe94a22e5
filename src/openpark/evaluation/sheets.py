"""The evaluation's input sheet and its results sheet (xlsx or csv), without the database."""
import csv
import io
import math
from pathlib import Path

import numpy as np

from openpark.core import importing
from openpark.core.exports import neutralised
from openpark.core.importing import Column, ImportSpec

from .engine import Enterprises, Results
from .scheme import Scheme

BASE_COLUMNS = (
    Column("code", "统一社会信用代码", kind="uscc", required=True,
           synonyms=("社会信用代码", "信用代码", "纳税人识别号", "企业代码")),
    Column("name", "企业名称", max_length=200, synonyms=("单位名称", "纳税人名称", "名称")),
    Column("above_scale", "是否规上", kind="bool", synonyms=("规上", "是否规模以上", "规模以上")),
    Column("industry", "行业代码", kind="industry", synonyms=("国民经济行业代码", "行业")),
    Column("production_start", "投产日期", kind="date", synonyms=("投产时间",)),
    Column("land", "用地面积", kind="decimal", unit="亩", synonyms=("土地面积", "占地面积")),
    Column("tax", "实缴税收", kind="decimal", unit="万元", synonyms=("税收", "实缴税金", "入库税收")),
    Column("revenue", "营业收入", kind="decimal", unit="万元", synonyms=("主营业务收入", "销售收入", "开票销售")),
    Column("value_added", "工业增加值", kind="decimal", unit="万元", synonyms=("增加值",)),
    Column("energy", "综合能耗", kind="decimal", unit="吨标准煤", synonyms=("能耗", "综合能源消费量")),
    Column("electricity", "用电量", kind="decimal", unit="万千瓦时", synonyms=("用电", "总用电量")),
    Column("emissions", "主要污染物排放量", kind="decimal", unit="吨", synonyms=("污染物排放量", "排放量")),
    Column("rd", "研发经费", kind="decimal", unit="万元", synonyms=("R&D经费", "研发投入", "R&D经费支出")),
    Column("employees", "年平均职工人数", kind="decimal", unit="人", synonyms=("从业人员平均人数", "职工人数")),
    Column("exempt", "不定等", kind="bool", synonyms=("是否不定等",)),
    Column("exempt_reason", "不定等原因", max_length=200),
)


def input_spec(scheme: Scheme) -> ImportSpec:
    """The input columns, with a yes/no column for each bonus and penalty item of the scheme."""
    flags = {item.flag: item.label for item in (*scheme.bonus.items, *scheme.penalty.items)}
    return ImportSpec(
        name="evaluation.input", title="亩均评价数据", key="code",
        columns=BASE_COLUMNS + tuple(Column(flag, label, kind="bool") for flag, label in flags.items()),
    )


def read_input(path: Path, scheme: Scheme) -> tuple[Enterprises, list[str]]:
    """The enterprises of the file, and their names; ImportFileError or ValueError (listing
    the bad cells) when the file cannot be used."""
    sheets = importing.read_workbook(path.read_bytes(), path.name)
    parsed = importing.parse_rows(sheets, input_spec(scheme))
    if parsed.errors:
        raise ValueError("\n".join(_describe(error) for error in parsed.errors))
    rows = [row.values for row in parsed.rows]
    return Enterprises.from_rows(rows), [row.get("name") or "" for row in rows]


def _describe(error: importing.CellError) -> str:
    where = f"工作表“{error.sheet}”第 {error.row} 行" if error.row else (error.sheet or "文件")
    column = f"“{error.column}”列" if error.column else ""
    return f"{where}{column}：{error.reason}"


def result_table(scheme: Scheme, data: Enterprises, names: list[str], results: Results) -> tuple[list[str], list[list]]:
    """(headers, rows) of the results, one row per input row."""
    labels = {spec.key: spec.label for spec in scheme.groups}
    keys = scheme.indicator_keys
    headers = ["统一社会信用代码", "企业名称", "组别"]
    for key in keys:
        indicator = scheme.indicator(key)
        headers += [f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name,
                    f"{indicator.name}得分"]
    headers += ["加分", "减分", "总分", "排名", "等级", "说明"]
    rows = []
    for index in range(len(data)):
        row = [str(data.code[index]), names[index], labels.get(results.group[index], "")]
        for key in keys:
            row += [_cell(results.values[key][index]), _cell(results.scores[key][index])]
        row += [_cell(results.bonus[index]), _cell(results.penalty[index]), _cell(results.total[index]),
                int(results.rank[index]) or None, results.grade[index], results.reason[index]]
        rows.append(row)
    return headers, rows


def _cell(value) -> float | None:
    """A number as written out: four decimals; nothing where missing or unbounded."""
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None


def write_results(path: Path, headers: list[str], rows: list[list]) -> None:
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows([["" if cell is None else neutralised(cell) for cell in row] for row in rows])
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")  # with a BOM, so that Excel reads UTF-8
        return
    workbook = importing.safe_workbook(str(path), constant_memory=True)
    sheet = workbook.add_worksheet("评价结果")
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    for row_number, row in enumerate(rows, start=1):
        for col, cell in enumerate(row):
            if isinstance(cell, (int, float, np.integer)):
                sheet.write_number(row_number, col, cell)
            elif cell:
                sheet.write_string(row_number, col, str(cell))
    sheet.freeze_panes(1, 1)
    workbook.close()
