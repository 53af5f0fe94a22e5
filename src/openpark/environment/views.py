"""智慧环保's pages beyond the declared ones: the dashboard (outfalls by stage, measures by status)
and the panels on an outfall's page (its plan and measures, samples and the sources traced)."""
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from openpark.core import navigation
from openpark.core.scoping import is_park_wide

from . import services
from .choices import ALL_STAGES, MeasureStatus, OutfallStage
from .models import GOVERNMENT, Measure

OUTFALL_LIST = "environment:outfall_list"
MEASURE_LIST = "environment:measure_list"


def stage_rows() -> list[dict]:
    """Each stage with its count and the list of its outfalls."""
    counts = services.outfall_counts_by_stage()
    base = reverse(OUTFALL_LIST)
    return [{"label": OutfallStage(stage).label, "count": counts[stage], "url": f"{base}?stage={stage}"}
            for stage in ALL_STAGES]


def measure_rows() -> tuple[list[dict], dict]:
    """Each status with its count and list, and the overdue ones."""
    counts = services.measure_counts_by_status()
    base = reverse(MEASURE_LIST)
    rows = [{"label": status.label, "count": counts[status.value], "url": f"{base}?status={status.value}"}
            for status in MeasureStatus]
    return rows, {"count": counts["overdue"], "url": f"{base}?overdue=true"}


@login_required
@permission_required("environment.view_outfall", raise_exception=True)
def dashboard(request):
    """The park's outfalls by stage and measures by status: park-wide figures, for the park's staff."""
    if not is_park_wide(request.user):
        raise PermissionDenied("智慧环保总览仅向园区管理人员开放。")
    stages = stage_rows()
    measures, overdue = measure_rows()
    return render(request, "environment/dashboard.html", {
        "title": "智慧环保总览", "breadcrumbs": navigation.breadcrumbs(("智慧环保总览", ""), module="environment"),
        "stages": stages, "outfall_total": sum(row["count"] for row in stages), "outfall_url": reverse(OUTFALL_LIST),
        "measures": measures, "overdue": overdue, "measure_total": sum(row["count"] for row in measures),
        "measure_url": reverse(MEASURE_LIST),
    })


def outfall_panel(request, outfall):
    """The outfall's 一口一策: who answers for it, its plan and measures, samples and traced sources."""
    user = request.user
    plan = getattr(outfall, "plan", None) if user.has_perm("environment.view_remediationplan") else None
    if plan is not None and plan.is_deleted:
        plan = None
    measures = None
    if plan is not None and user.has_perm("environment.view_measure"):
        measures = list(Measure.objects.filter(plan=plan).order_by("deadline", "pk"))
    return {"key": "outfall", "title": "查、测、溯、治", "template": "environment/panels/outfall.html", "context": {
        "outfall": outfall, "government": outfall.responsible_party == GOVERNMENT and not outfall.enterprise_id,
        "plan": plan, "measures": measures,
        "samples": outfall.samples.all() if user.has_perm("environment.view_outfallsample") else None,
        "tracings": outfall.tracings.select_related("source") if user.has_perm("environment.view_tracing") else None,
        "merged": outfall.merged_outfalls.all(),
        "may_add": {name: user.has_perm(f"environment.add_{name}")
                    for name in ("remediationplan", "measure", "outfallsample", "tracing")},
    }}


def source_panel(request, source):
    if not request.user.has_perm("environment.view_tracing"):
        return None
    return {"key": "source-outfalls", "title": "溯源到的排口", "template": "environment/panels/source.html",
            "context": {"tracings": source.tracings.select_related("outfall")}}


def enterprise_outfalls_panel(request, enterprise):
    if not request.user.has_perm("environment.view_outfall"):
        return None
    outfalls = list(enterprise.outfalls.all())
    if not outfalls:
        return None
    return {"key": "outfalls", "title": "入河排污口", "template": "environment/panels/enterprise.html",
            "context": {"outfalls": outfalls}}
