"""The targets page (目标进度): each target with its current value computed by its metric, its
progress, what should be reached by now and whether it lags behind; grouped by module."""
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import navigation, targets
from .models import Target
from .scoping import is_park_wide

OTHER_MODULE = "其他"


@dataclass(frozen=True)
class TargetRow:
    target: Target
    metric: targets.Metric | None
    progress: targets.Progress
    url: str

    @property
    def percent(self) -> int:
        """The capped progress as a whole percent, for the bar."""
        share = self.progress.share
        return 0 if share is None else int(share * 100)

    @property
    def unit(self) -> str:
        return self.metric.unit if self.metric else ""

    @property
    def places(self) -> int:
        return self.metric.places if self.metric else 2


def target_rows(queryset, today=None) -> list[TargetRow]:
    today = today or timezone.localdate()
    rows = []
    for target in queryset:
        metric = targets.metric(target.metric)
        rows.append(TargetRow(target, metric, target.progress(today), target.records_url()))
    return rows


def overlapping(year: int):
    """The targets whose period overlaps the year."""
    from datetime import date

    return Target.objects.filter(start__lte=date(year, 12, 31), end__gte=date(year, 1, 1)).order_by("start", "name")


def behind_schedule(today=None) -> list[TargetRow]:
    today = today or timezone.localdate()
    running = Target.objects.filter(start__lte=today, end__gte=today).order_by("start", "name")
    return [row for row in target_rows(running, today) if row.progress.behind]


def module_label(key: str) -> str:
    module = navigation._modules.get(key)
    return module.label if module else OTHER_MODULE


@login_required
def target_progress(request):
    if not request.user.has_perm("core.view_target") or not is_park_wide(request.user):
        raise PermissionDenied("目标进度仅向园区管理人员开放。")
    groups: dict[str, list[TargetRow]] = {}
    dated = Target.objects.filter(start__isnull=False, end__isnull=False).order_by("start", "name")
    for row in target_rows(dated):
        groups.setdefault(module_label(row.metric.module if row.metric else ""), []).append(row)
    return render(request, "core/targets.html", {
        "title": "目标进度", "groups": sorted(groups.items()), "today": timezone.localdate(),
        "list_url": reverse("core:target_list"),
        "breadcrumbs": navigation.breadcrumbs(("目标进度", ""), module="targets"),
    })
