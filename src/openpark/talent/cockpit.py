"""人才服务's tile on the park cockpit: this year's fairs and the hires agreed there, the trainees and
the apprentices who finished 出师; each figure links to the list it counts (as the counts page does)."""
from django.urls import reverse

from openpark.core import cockpit

from . import services

TILE_FIGURES = (("fairs", "招聘会", "场"), ("hires", "达成就业意向", "人"), ("trainees", "培训人数", "人"),
                ("graduated", "名师带高徒出师", "对"))


def talent_panel(year: int) -> cockpit.Panel:
    row = services.year_counts([year], tables=("fairs", "booths", "trainings", "apprenticeships"))[year]
    figures = tuple(cockpit.Figure(label, getattr(row, key), unit, 0, services.figure_url(key, year))
                    for key, label, unit in TILE_FIGURES)
    return cockpit.Panel(figures, f"{year} 年", f"{reverse('talent:summary')}?year={year}")


def register() -> None:
    cockpit.register(cockpit.Tile("talent", "人才服务", 55, "talent.view_recruitmentfair", talent_panel,
                                  on_wall=False))
