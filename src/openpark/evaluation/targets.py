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


def tax_per_mu_url(start: date, end: date, params: dict) -> str:
    run = last_published_run(end.year)
    return reverse("evaluation:low_efficiency") + (f"?run={run.pk}" if run else "")


def register() -> None:
    targets.register_metric(targets.Metric(
        "evaluation.tax_per_mu_growth", "园区亩均税收增幅", "%", tax_per_mu_growth, module="evaluation",
        url=tax_per_mu_url, places=2))
