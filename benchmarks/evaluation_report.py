#!/usr/bin/env python
"""Benchmark: the 亩均效益体检报告 (PDF) with its embedded CJK font, against the same report set in
a standard CJK font that is not embedded.

    .venv/bin/python benchmarks/evaluation_report.py [--reports 100] [--runs 3]

1. Builds --reports reports of a 规上 enterprise (six indicators and a radar, the policy text, the
   route to the next class and five years of history), each with another name, as `report.render`
   gets them from the platform.
2. Times rendering them with the shipped font, embedded as a subset (`openpark.core.pdf`): the
   median of --runs runs after one warm-up.
3. Baseline, in the same run: the same reports set in STSong-Light, a standard CJK font that
   readers supply and the PDF does not carry (what the report used before). Prints both times,
   the ratio and the average file sizes.

No Django and no database: the report is rendered from plain data.
"""
import argparse
import contextlib
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from openpark.core import pdf
from openpark.evaluation import report

STANDARD = "STSong-Light"
INDICATORS = [("亩均税收", "万元/亩", 40), ("亩均销售收入", "万元/亩", 20), ("单位能耗税收", "万元/吨标准煤", 10),
              ("单位主要污染物税收", "万元/吨", 10), ("全员劳动生产率", "万元/人", 10), ("研发经费占比", "", 10)]


def reports(count: int) -> list[report.ReportData]:
    made = []
    for n in range(count):
        lines = [report.IndicatorLine(name, unit, 10.0 + n % 7 + i, weight * (0.6 + (n + i) % 9 / 10), weight,
                                      weight * 0.8, weight * 0.85, 9.5 + i)
                 for i, (name, unit, weight) in enumerate(INDICATORS)]
        made.append(report.ReportData(
            enterprise=f"靖江第{n + 1}号精密机械制造有限公司", code=f"91321282MA{n:08d}", year=2022,
            scheme="江苏“6+X”资源集约利用综合评价（规上六项指标）", group="规上", total=80.0 + n % 20, rank=n % 100 + 1,
            graded=109, grade="ABCD"[n % 4], reason="", indicators=lines, policy="优先保障用地、用能、排污权等要素；" * 3,
            target="A" if n % 4 else None, extra_tax=120.5 + n, land_released=3.2,
            history=[(year, "ABCD"[(n + year) % 4]) for year in range(2018, 2023)],
            park="靖江经济技术开发区城南园区", issuer="靖江经济技术开发区城南园区管理委员会", issued_on=date(2026, 12, 1)))
    return made


@contextlib.contextmanager
def standard_font():
    """Set the report in the standard font for the baseline, and restore it."""
    pdfmetrics.registerFont(UnicodeCIDFont(STANDARD))
    styles = [report.BODY, report.SMALL, report.NOTE, report.TITLE, report.SUBTITLE, report.PARK, report.HEADING]
    saved = (report.FONT, report.markup, pdf.font, report.TABLE_STYLE, [s.fontName for s in styles])
    report.FONT, report.markup, pdf.font = STANDARD, lambda text: escape(str(text)), lambda: STANDARD
    report.TABLE_STYLE = report.TableStyle([*saved[3].getCommands(), ("FONT", (0, 0), (-1, -1), STANDARD, 9.5)])
    for style in styles:
        style.fontName = STANDARD
    try:
        yield
    finally:
        report.FONT, report.markup, pdf.font, report.TABLE_STYLE = saved[:4]
        for style, name in zip(styles, saved[4]):
            style.fontName = name


def timed(data, runs: int) -> tuple[float, int]:
    report.render(data[0])  # warm-up: fonts loaded and parsed
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = sum(len(report.render(item)) for item in data)
        times.append(time.perf_counter() - start)
    return statistics.median(times), size // len(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = reports(args.reports)
    print(f"Python {platform.python_version()}, {platform.machine()}; {args.reports} reports, median of {args.runs} runs")
    embedded, embedded_size = timed(data, args.runs)
    with standard_font():
        standard, standard_size = timed(data, args.runs)
    print(f"embedded subset of the shipped font: {embedded:.2f} s ({embedded / args.reports * 1000:.1f} ms a report), "
          f"{embedded_size / 1024:.0f} KiB a report")
    print(f"baseline, standard font not embedded: {standard:.2f} s ({standard / args.reports * 1000:.1f} ms a report), "
          f"{standard_size / 1024:.0f} KiB a report")
    print(f"ratio embedded / baseline: {embedded / standard:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
