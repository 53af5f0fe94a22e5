"""The economy's tile on the park cockpit: 工业总产值, 营业收入 and 税收 of the year with their growth,
and the indicators in alarm, as the economic dashboard computes them."""
from django.db.models import Max
from django.urls import reverse

from openpark.core import cockpit

from . import services
from .choices import GrowthBasis
from .models import Fact

# The figures the cockpit shows, in this order: 工业总产值, 营业收入, 实缴税收.
COCKPIT_INDICATORS = ("gross_industrial_output", "main_business_revenue", "tax_paid")


def latest_year(year: int) -> int | None:
    """The latest year up to `year` with facts."""
    return Fact.objects.filter(year__lte=year).aggregate(latest=Max("year"))["latest"]


def figures(year: int) -> list[services.ParkFigure]:
    """The park figures of the year as the dashboard's default view computes them (annual, every
    enterprise, 同口径)."""
    return services.park_figures(year, None, services.Scope(), GrowthBasis.SAME_ENTERPRISES)


def dashboard_url(year: int, code: str = "") -> str:
    return reverse("economy:dashboard") + f"?year={year}" + (f"&indicator={code}" if code else "")


def economy_panel(year: int) -> cockpit.Panel:
    shown, note = cockpit.year_shown(year, latest_year(year))
    if shown is None:
        return cockpit.Panel(note=note, url=reverse("economy:dashboard"))
    park = figures(shown)
    by_code = {f.indicator.code: f for f in park}
    shown_figures = []
    for code in COCKPIT_INDICATORS:
        figure = by_code.get(code)
        if figure is None:
            continue
        in_yi = figure.value_yi is not None
        shown_figures.append(cockpit.Figure(
            figure.indicator.name, figure.value_yi if in_yi else figure.value, "亿元" if in_yi else figure.indicator.unit,
            2, dashboard_url(shown, code), figure.growth_pct, status=figure.status))
    alarms = [f for f in park if f.status == "alarm"]
    items = tuple(
        (f"{f.indicator.name} 同比 {cockpit.signed_pct(f.growth_pct)}，"
         f"{'低于' if f.indicator.higher_is_better else '高于'}预警阈值 {cockpit.number_text(f.indicator.alarm_threshold, 2)}%",
         dashboard_url(shown, f.indicator.code))
        for f in alarms)
    # the dashboard's section that lists the alarms (there is none when nothing is in alarm)
    alarms_url = dashboard_url(shown) + ("#alarms" if alarms else "")
    shown_figures.append(cockpit.Figure("预警指标", len(alarms), "个", 0, alarms_url,
                                        status="alarm" if alarms else ""))
    return cockpit.Panel(tuple(shown_figures), f"{shown} 年", dashboard_url(shown), note, items)


def register() -> None:
    cockpit.register(cockpit.Tile("economy", "经济运行", 20, "economy.view_fact", economy_panel))
