"""`python -m openpark.evaluation`: a file in, results out, without the database."""
import csv
import subprocess
import sys

import pytest

from openpark.evaluation.__main__ import main
from tests.factories import _uscc
from tests.sheets import read_xlsx, xlsx

HEADER = ["统一社会信用代码", "企业名称", "是否规上", "行业代码", "投产日期", "用地面积（平方米）", "实缴税收（万元）",
          "营业收入（万元）", "工业增加值", "综合能耗", "用电量", "主要污染物排放量", "研发经费", "年平均职工人数"]
CODES = [_uscc(700 + n) for n in range(4)]


def sheet_rows():
    return [
        HEADER,
        [CODES[0], "甲机械有限公司", "是", "3670", "2015-01-01", 6666.67, 100, 1000, 300, 50, 40, 2, 30, 30],
        [CODES[1], "乙电机有限公司", "是", "3811", "2012-05-01", 13333.33, 100, 1500, 400, 100, 80, 4, 15, 50],
        [CODES[2], "丙水务有限公司", "是", "4610", "2010-01-01", 6666.67, 90, 300, 50, 10, 60, 1, 0, 20],
        [CODES[3], "丁包装有限公司", "否", "2231", "2018-01-01", 1333.33, 8, 90, "", "", 12, "", "", ""],
    ]


def test_xlsx_in_xlsx_out(tmp_path, capsys):
    source, target = tmp_path / "数据.xlsx", tmp_path / "结果.xlsx"
    source.write_bytes(xlsx(sheet_rows()))
    assert main(["--scheme", "jiangsu-6", "--year", "2021", "--input", str(source), "--output", str(target)]) == 0
    assert "已评价 4 家企业" in capsys.readouterr().out
    rows = read_xlsx(target.read_bytes())
    header = rows[0]
    assert header[:3] == ["统一社会信用代码", "企业名称", "组别"] and header[-6:] == ["加分", "减分", "总分", "排名", "等级", "说明"]
    assert "亩均税收（万元/亩）" in header and "研发经费占比得分" in header
    by_code = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    first, second = by_code[CODES[0]], by_code[CODES[1]]
    # 6666.67 m² is 10 亩; benchmark over the two graded 规上 firms: Σ tax 200 / Σ land 30.
    assert first["亩均税收（万元/亩）"] == pytest.approx(10, abs=1e-3)
    assert first["亩均税收得分"] == pytest.approx(min(10 / (200 / 30), 1.5) * 40, abs=1e-3)
    assert (first["排名"], first["等级"], second["排名"], second["等级"]) == (1, "B", 2, "C")
    assert by_code[CODES[2]]["等级"] == "不定等" and "门类 D" in by_code[CODES[2]]["说明"]
    assert by_code[CODES[3]]["组别"] == "" and by_code[CODES[3]]["等级"] == ""
    assert "不足 3 亩" in by_code[CODES[3]]["说明"]


def test_csv_in_csv_out_matches_xlsx(tmp_path):
    source = tmp_path / "数据.csv"
    with source.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows(sheet_rows())
    assert main(["--scheme", "huaian-2024", "--year", "2021", "--input", str(source),
                 "--output", str(tmp_path / "结果.csv")]) == 0
    assert main(["--scheme", "huaian-2024", "--year", "2021", "--input", str(source),
                 "--output", str(tmp_path / "结果.xlsx")]) == 0
    with (tmp_path / "结果.csv").open(encoding="utf-8-sig") as handle:
        from_csv = list(csv.reader(handle))
    from_xlsx = read_xlsx((tmp_path / "结果.xlsx").read_bytes())
    assert from_csv[0] == from_xlsx[0]
    total = from_csv[0].index("总分")
    assert [float(row[total]) if row[total] else None for row in from_csv[1:]] == [row[total] or None
                                                                                  for row in from_xlsx[1:]]
    assert [row[-2:] for row in from_csv[1:]] == [row[-2:] for row in from_xlsx[1:]]
    assert [row[-2] for row in from_csv[1:]] == ["B", "C", "不定等", ""]


def test_bad_input_is_explained_and_nothing_is_written(tmp_path, capsys):
    rows = sheet_rows()
    rows[2][0] = "91321282MA1234567X"  # a wrong check digit
    rows[3][5] = "很大"
    source, target = tmp_path / "数据.xlsx", tmp_path / "结果.xlsx"
    source.write_bytes(xlsx(rows))
    assert main(["--scheme", "jiangsu-6", "--year", "2021", "--input", str(source), "--output", str(target)]) == 2
    error = capsys.readouterr().err
    assert "输入文件有误，未作评价" in error and "第 3 行“统一社会信用代码”列" in error and "第 4 行“用地面积（平方米）”列" in error
    assert not target.exists()
    assert main(["--scheme", "zhejiang", "--year", "2021", "--input", str(source), "--output", str(target)]) == 2
    assert "没有名为“zhejiang”的预置方案" in capsys.readouterr().err


def test_template_and_a_run_as_a_module(tmp_path):
    template = tmp_path / "模板.xlsx"
    done = subprocess.run([sys.executable, "-m", "openpark.evaluation", "--scheme", "jiangsu-6",
                           "--template", str(template)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert read_xlsx(template.read_bytes())[0][:3] == ["统一社会信用代码", "企业名称", "是否规上"]


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x.example\",\"点此\")", "+1+2", "-3-4", "@SUM(A1)"])
def test_a_name_that_reads_as_a_formula_is_written_to_csv_as_text(tmp_path, name):
    rows = sheet_rows()
    rows[1][1] = name
    source, target = tmp_path / "数据.csv", tmp_path / "结果.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert main(["--scheme", "jiangsu-6", "--year", "2021", "--input", str(source), "--output", str(target)]) == 0
    with target.open(encoding="utf-8-sig") as handle:
        written = {row[0]: row for row in csv.reader(handle)}
    assert written[CODES[0]][1] == "'" + name
    assert written[CODES[1]][1] == "乙电机有限公司"  # other text as it was
    assert float(written[CODES[0]][-4])  # numbers stay numbers


def test_only_text_that_opens_as_a_formula_is_prefixed():
    from openpark.core.exports import neutralised

    assert [neutralised(value) for value in ("\t=1", "\r=1", "甲-乙", -3.5, None)] == ["'\t=1", "'\r=1", "甲-乙", -3.5, None]
