"""The targets page (目标进度): each target with its current value computed by its metric, its
progress, what should be reached by now and whether it lags behind; grouped by module."""
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import navigation, targets
from .forms import TargetForm, requested_year
from .generic import ObjectEditView
from .models import Target
from .scoping import is_park_wide

OTHER_MODULE = "其他"


@dataclass(frozen=True)
class TargetRow:
    target: Target
    metric: targets.Metric | None
    progress: targets.Progress
    url: str
    note: str = ""  # why there is no current value (the metric's words), when there is none
    metric_note: str = ""  # what the figure was taken from (`Metric.basis`), when there is one

    @property
    def percent(self) -> int:
        """The capped progress as a whole percent, for the bar."""
        share = self.progress.share
        return 0 if share is None else int(share * 100)

    @property
    def percent_text(self) -> str:
        """The progress (not capped: 125.00% when passed) with two decimals and a %; "—" when unknown."""
        raw = self.progress.raw
        return "—" if raw is None else f"{raw * 100:,.2f}%"

    @property
    def unit(self) -> str:
        return self.metric.unit if self.metric else ""

    @property
    def places(self) -> int:
        return self.metric.places if self.metric else 2

    def amount(self, value) -> str:
        """A value of the target's metric in its unit: "48 家", "6.96%" (no space before %); "—" for none."""
        return amount_text(value, self.places, self.unit)

    @property
    def target_text(self) -> str:
        return self.amount(self.target.target_value)

    @property
    def current_text(self) -> str:
        return self.amount(self.progress.current)

    @property
    def expected_text(self) -> str:
        return "未开始" if self.progress.expected is None else self.amount(self.progress.expected)

    @property
    def status_reason(self) -> str:
        """The words after the state: why there is no figure."""
        return self.note if self.progress.status == targets.NO_DATA and self.note != targets.NO_DATA else ""


def amount_text(value, places: int, unit: str) -> str:
    from .columns import number_text

    if value is None:
        return "—"
    text = number_text(Decimal(str(value)), places)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".rstrip()


def _measure(metric: targets.Metric | None, target: Target) -> tuple:
    """(current value, records URL, the no-data words, the figure's basis) of a target, by its metric."""
    if metric is None or target.start is None or target.end is None:
        return None, "", "未知的指标。" if metric is None else "", ""
    params = target.params or {}
    current = metric.compute(target.start, target.end, params)
    url = metric.url(target.start, target.end, params) if metric.url else ""
    note = metric.no_data_text(target.start, target.end, params) if current is None else ""
    basis = metric.basis(target.start, target.end, params) if current is not None and metric.basis else ""
    return current, url, note, basis


def target_rows(queryset, today=None) -> list[TargetRow]:
    """The targets with their progress. Each distinct (metric, period, params) is measured once,
    however many targets share it."""
    today = today or timezone.localdate()
    measured: dict[tuple, tuple] = {}
    rows = []
    for target in queryset:
        metric = targets.metric(target.metric)
        key = (target.metric, target.start, target.end, json.dumps(target.params or {}, sort_keys=True))
        if key not in measured:
            measured[key] = _measure(metric, target)
        current, url, note, basis = measured[key]
        found = targets.progress(current, target.target_value, target.start, target.end, today, target.direction)
        rows.append(TargetRow(target, metric, found, url if current is not None else "", note, basis))
    return rows


def overlapping(year: int):
    """The targets whose period overlaps the year (the cockpit tile's, the command's and the page's `?year=`)."""
    return Target.objects.filter(start__lte=date(year, 12, 31), end__gte=date(year, 1, 1)).order_by("start", "name")


def year_rows(year: int, today=None) -> list[TargetRow]:
    """The targets whose period overlaps the year, measured: what the cockpit tile, the command and
    the page's `?year=` show."""
    return target_rows(overlapping(year), today or timezone.localdate())


def behind_schedule(year: int, today=None) -> list[TargetRow]:
    return [row for row in year_rows(year, today) if row.progress.behind]


def module_label(key: str) -> str:
    module = navigation._modules.get(key)
    return module.label if module else OTHER_MODULE


@login_required
def target_progress(request):
    if not request.user.has_perm("core.view_target") or not is_park_wide(request.user):
        raise PermissionDenied("目标进度仅向园区管理人员开放。")
    groups: dict[str, list[TargetRow]] = {}
    dated = Target.objects.filter(start__isnull=False, end__isnull=False).order_by("start", "name")
    year, _ = requested_year(request, None)  # no year or a bad one: every target
    if year is not None:
        dated = overlapping(year)
    for row in target_rows(dated):
        groups.setdefault(module_label(row.metric.module if row.metric else ""), []).append(row)
    return render(request, "core/targets.html", {
        "title": f"目标进度（{year} 年度）" if year else "目标进度", "year": year, "groups": sorted(groups.items()), "today": timezone.localdate(),
        "list_url": reverse("core:target_list"),
        "breadcrumbs": navigation.breadcrumbs(("目标进度", ""), module="targets"),
    })


class TargetEditView(ObjectEditView):
    """The target's form, its metric's params laid out under the metric (`TargetForm`)."""

    template_name = "core/target_form.html"


@login_required
def target_params(request):
    """The chosen metric's param fields, the fragment the target form swaps in when its metric changes."""
    if not (request.user.has_perm("core.add_target") or request.user.has_perm("core.change_target")):
        raise PermissionDenied("没有编辑目标的权限。")
    form = TargetForm(initial={"metric": request.GET.get("metric", "")}, user=request.user)
    return render(request, "core/includes/target_params.html", {"form": form})
