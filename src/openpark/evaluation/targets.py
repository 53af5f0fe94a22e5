"""The evaluation's metric for targets (`openpark.core.targets`): the growth of the park's 亩均税收
over the year before, in %, from the published evaluation runs (`services.park_growth`)."""
from datetime import date
from decimal import Decimal

from django.urls import reverse

from openpark.core import targets

from . import services
from .cockpit import last_published_run


def tax_per_mu_growth(start: date, end: date, params: dict) -> Decimal | None:
    """The growth (%) of the park's 亩均税收 in the published run of the period's last year over
    the year before; None while either year has no run."""
    run = last_published_run(end.year)
    if run is None:
        return None
    growth = services.park_growth(run)[2]
    return None if growth is None else Decimal(str(growth)).quantize(Decimal("0.01"))


def tax_per_mu_growth_explained(start: date, end: date, params: dict) -> str:
    """Why the period has no growth: its year's run not published, or no run of the year before to
    compare with; with the latest published year's growth, for context."""
    if last_published_run(end.year) is None:
        reason = f"{end.year} 年度亩均评价尚未发布"
    else:
        reason = f"{end.year - 1} 年度无亩均评价，无法计算 {end.year} 年的增幅"
    latest = last_published_run()
    if latest is None or latest.year == end.year:
        return reason + "。"
    growth = services.park_growth(latest)[2]
    if growth is None:
        return f"{reason}；最近发布的为 {latest.year} 年度（无上年评价可比）。"
    return f"{reason}；最近发布的 {latest.year} 年度园区亩均税收增幅 {growth:,.2f}%。"


def tax_per_mu_url(start: date, end: date, params: dict) -> str:
    """The run's results, whose 税收 and 用地 make the park's 亩均税收 (none while the year has no run)."""
    run = last_published_run(end.year)
    return reverse("evaluation:result_list") + f"?run={run.pk}" if run else ""


def register() -> None:
    targets.register_metric(targets.Metric(
        "evaluation.tax_per_mu_growth", "园区亩均税收增幅", "%", tax_per_mu_growth, module="evaluation",
        url=tax_per_mu_url, places=2, explain=tax_per_mu_growth_explained))
