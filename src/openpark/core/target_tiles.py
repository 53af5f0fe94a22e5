"""The cockpit tile of the targets of the year (those whose period overlaps it, as `manage.py
targets --year` lists them): those behind schedule or ended unmet, and those that cannot be
measured yet (with the metric's reason), each linking to the targets page of that year."""
from django.urls import reverse

from . import cockpit, targets


def targets_panel(year: int) -> cockpit.Panel | None:
    from .target_views import year_rows

    url = reverse("core:targets") + f"?year={year}"
    rows = year_rows(year)
    behind = [row for row in rows if row.progress.status == targets.BEHIND]
    unmet = [row for row in rows if row.progress.status == targets.NOT_DONE]
    items = [(f"{row.target.name}：{row.current_text}，应完成 {row.expected_text}", url) for row in behind]
    items += [(f"{row.target.name}：{row.current_text}，目标 {row.target_text}，{targets.NOT_DONE}", url)
              for row in unmet]
    items += [(f"{row.target.name}：{row.note}", url) for row in rows if row.progress.status == targets.NO_DATA]
    figures = (cockpit.Figure(f"{year} 年度落后于进度的目标", len(behind), "项", 0, url,
                              status="alarm" if behind else ""),)
    if unmet:
        figures += (cockpit.Figure(f"{year} 年度未完成的目标", len(unmet), "项", 0, url, status="alarm"),)
    unmeasured = sum(row.progress.status == targets.NO_DATA for row in rows)
    note = "" if behind or unmet else _all_clear(year, len(rows), unmeasured)
    return cockpit.Panel(figures, f"{year} 年度", url, items=tuple(items), note=note)


def _all_clear(year: int, count: int, unmeasured: int) -> str:
    if not unmeasured:
        return f"{year} 年度各项目标均不落后于进度（共 {count} 项）"
    return f"{year} 年度可计算的 {count - unmeasured} 项目标均不落后于进度，另有 {unmeasured} 项暂无数据"


def register() -> None:
    cockpit.register(cockpit.Tile("targets", "目标进度", 5, "core.view_target", targets_panel, on_wall=False))
