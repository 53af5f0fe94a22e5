"""manage.py targets --year 2026 [--json]: every target whose period overlaps the year, with its
current value computed from the records, its progress and what should be reached by now."""
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openpark.core.limits import FIRST_YEAR, LAST_YEAR, in_year_range


def _number(value):
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


class Command(BaseCommand):
    help = "列出与某一年度有交集的目标及其由记录计算的当前值、完成进度和应完成值。"

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="年度，如 2026")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, year, json: bool = False, **options):
        try:
            year = int(str(year).strip())
        except ValueError:
            year = None
        if year is None or not in_year_range(year):
            raise CommandError(f"年度须为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的整数。", returncode=2)
        from openpark.core.target_views import year_rows

        rows = year_rows(year, timezone.localdate())
        found = [{
            "name": row.target.name, "start": row.target.start.isoformat(), "end": row.target.end.isoformat(),
            "metric": row.target.metric, "unit": row.unit, "direction": row.target.direction,
            "target": _number(row.target.target_value), "current": _number(row.progress.current),
            "progress": _number(row.progress.share), "progress_raw": _number(row.progress.raw),
            "expected": _number(row.progress.expected), "behind": row.progress.behind,
            "status": row.progress.status, "note": row.note, "basis": row.metric_note,
            "texts": {"target": row.target_text, "current": row.current_text, "expected": row.expected_text,
                      "progress": row.percent_text},
        } for row in rows]
        if json:
            for item in found:
                item.pop("texts")
            self.stdout.write(_dumps(found))
            return
        if not found:
            self.stdout.write(f"{year} 年没有目标。")
            return
        for item in found:
            texts = item.pop("texts")
            current = texts["current"] if item["current"] is not None else (
                "暂无数据" + (f"（{item['note']}）" if item["note"] not in ("", "暂无数据") else ""))
            if item["basis"]:
                current += f"（{item['basis']}）"
            self.stdout.write(f"{item['name']}  {item['start']} 至 {item['end']}  目标 {texts['target']}  "
                              f"当前 {current}  进度 {texts['progress']}  应完成 {texts['expected']}  {item['status']}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
