"""Evaluate a file of enterprises without the platform or its database:

    python -m openpark.evaluation --scheme jiangsu-6 --year 2021 --input data.xlsx --output results.xlsx

--scheme names a preset (jiangsu-6, huangyan-2022, huaian-2024) or a scheme's JSON file; the
input and output may be xlsx or csv; --template FILE writes an empty input sheet to fill in.
"""
import argparse
import json
import sys
from pathlib import Path

from openpark.core.importing import ImportFileError, template_xlsx

from .engine import evaluate
from .scheme import PRESETS, SchemeError, parse, preset
from .sheets import input_spec, read_input, result_table, write_results

OUTPUT_SUFFIXES = (".xlsx", ".csv")


def load_scheme(name: str):
    if name in PRESETS:
        return parse(preset(name))
    path = Path(name)
    if not path.is_file():
        raise SchemeError(f"没有名为“{name}”的预置方案，也没有这个文件（预置方案：{'、'.join(PRESETS)}）")
    try:
        return parse(json.loads(path.read_text("utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SchemeError(f"方案文件“{name}”不是有效的 JSON：{exc}") from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openpark.evaluation", description="亩均论英雄评价（不连数据库）")
    parser.add_argument("--scheme", required=True, help=f"预置方案（{'、'.join(PRESETS)}）或方案 JSON 文件")
    parser.add_argument("--year", type=int, help="评价年度")
    parser.add_argument("--input", type=Path, help="企业数据（xlsx、xls、ods 或 csv）")
    parser.add_argument("--output", type=Path, help="评价结果（xlsx 或 csv）")
    parser.add_argument("--template", type=Path, help="只写出空白的数据模板（xlsx）")
    args = parser.parse_args(argv)
    try:
        scheme = load_scheme(args.scheme)
        if args.template:
            args.template.write_bytes(template_xlsx(input_spec(scheme)))
            print(f"已写出数据模板：{args.template}")
            return 0
        missing = [flag for flag, value in (("--year", args.year), ("--input", args.input), ("--output", args.output))
                   if value is None]
        if missing:
            parser.error(f"缺少参数：{'、'.join(missing)}")
        if args.output.suffix.lower() not in OUTPUT_SUFFIXES:
            raise SchemeError(f"结果文件须为 xlsx 或 csv：{args.output}")
        if not args.input.is_file():
            raise ImportFileError(f"找不到输入文件：{args.input}")
        data, names = read_input(args.input, scheme)
        results = evaluate(data, scheme, args.year)
        headers, rows = result_table(scheme, data, names, results)
        write_results(args.output, headers, rows)
    except (SchemeError, ImportFileError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"输入文件有误，未作评价：\n{exc}", file=sys.stderr)
        return 2
    counts = {grade: int((results.grade == grade).sum()) for grade in ("A", "B", "C", "D", "不定等")}
    print(f"已评价 {len(data)} 家企业（{scheme.title}，{args.year} 年度）："
          + "，".join(f"{grade} {count}" for grade, count in counts.items())
          + f"，未纳入 {int((results.grade == '').sum())}。结果：{args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
