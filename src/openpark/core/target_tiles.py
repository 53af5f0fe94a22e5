"""The cockpit tile of the targets: those behind schedule, and those that cannot be measured yet
(with the metric's reason), each linking to the targets page."""
from django.urls import reverse

from . import cockpit


def targets_panel(year: int) -> cockpit.Panel | None:
    from .target_views import running_rows

    url = reverse("core:targets")
    rows = running_rows()
    behind = [row for row in rows if row.progress.behind]
    items = [(f"{row.target.name}：{cockpit.number_text(row.progress.current, row.places)}"
              f"{row.unit}，应完成 {cockpit.number_text(row.progress.expected, row.places)}{row.unit}", url)
             for row in behind]
    items += [(f"{row.target.name}：{row.note}", url) for row in rows if row.progress.current is None]
    return cockpit.Panel((cockpit.Figure("落后于进度的目标", len(behind), "项", 0, url,
                                         status="alarm" if behind else ""),),
                         f"{year} 年", url, items=tuple(items), note="" if behind else "各项目标均不落后于进度")


def register() -> None:
    cockpit.register(cockpit.Tile("targets", "目标进度", 5, "core.view_target", targets_panel, on_wall=False))
