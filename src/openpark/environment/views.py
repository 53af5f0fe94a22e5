"""智慧环保's pages beyond the declared ones: the dashboard (outfalls by stage, measures by status)
and the panels on an outfall's page (its plan and measures, samples and the sources traced)."""
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import reverse

from openpark.core import navigation

from . import services, water_quality
from .choices import ALL_STAGES, SAMPLE_CLASS_CHOICES, MeasureStatus, OutfallStage
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
    stages = stage_rows()
    measures, overdue = measure_rows()
    return render(request, "environment/dashboard.html", {
        "title": "智慧环保总览", "breadcrumbs": navigation.breadcrumbs(("智慧环保总览", ""), module="environment"),
        "stages": stages, "outfall_total": sum(row["count"] for row in stages), "outfall_url": reverse(OUTFALL_LIST),
        "measures": measures, "overdue": overdue, "measure_total": sum(row["count"] for row in measures),
        "measure_url": reverse(MEASURE_LIST), **monitoring_context(request.user),
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


# Water-quality monitoring (水质监测) ----------------------------------------------------------------

SITE_LIST = "environment:monitoringsite_list"
WATER_SAMPLE_LIST = "environment:watersample_list"
TREND_SCRIPTS = ("vendor/echarts/echarts.min.js", "js/water-quality.js")
PANEL_SAMPLES = 24  # the latest samples listed on a site's page; the sample list has them all


def class_label(number) -> str:
    """"III类", "劣V类"; "" for no class."""
    return dict(SAMPLE_CLASS_CHOICES).get(number, "")


def site_panel(request, site):
    """A site's latest class, the trend of its class over time and its latest samples."""
    if not request.user.has_perm("environment.view_watersample"):
        return None
    samples = list(site.samples.order_by("-sampled_at", "-pk")[:PANEL_SAMPLES])
    latest = samples[0] if samples else None
    return {"key": "monitoring", "title": "水质监测", "template": "environment/panels/site.html",
            "scripts": TREND_SCRIPTS, "context": {
                "site": site, "latest": latest, "samples": samples, "trend": services.class_trend(site),
                "all_url": f"{reverse(WATER_SAMPLE_LIST)}?site={site.pk}",
                "worse_url": f"{reverse(WATER_SAMPLE_LIST)}?site={site.pk}&worse_than_target=true",
                "may_add": request.user.has_perm("environment.add_watersample"),
            }}


def water_sample_panel(request, sample):
    """The sample's results, each with its own class by GB 3838-2002."""
    water_type = sample.site.water_type
    rows = []
    for item in sorted(sample.measurements.all(), key=lambda m: PARAMETER_ORDER[m.parameter]):
        parameter = water_quality.PARAMETER[item.parameter]
        graded = water_quality.parameter_class(parameter, item.as_measurement(), water_type)
        rows.append({"name": parameter.name, "reading": item.reading, "unit": item.unit,
                     "class": f"{graded.label}类" if graded else "",
                     "counts": parameter.counts, "exceeds": parameter.counts and graded and graded > 3})
    return {"key": "measurements", "title": "监测结果", "template": "environment/panels/water_sample.html",
            "context": {"rows": rows, "sample": sample, "lake": water_type is water_quality.WaterType.LAKE}}


PARAMETER_ORDER = {parameter.key: n for n, parameter in enumerate(water_quality.PARAMETERS)}


def water_body_grade_panel(request, water_body):
    """水质状况 of the water body from its sites' latest samples, and how it was judged."""
    if not request.user.has_perm("environment.view_monitoringsite"):
        return None
    graded = services.water_body_grade(water_body)
    sites = water_body.monitoring_sites.filter(is_active=True).count()
    return {"key": "river-grade", "title": "水质状况", "template": "environment/panels/river_grade.html",
            "context": {"graded": graded, "sites": sites, "class_label": class_label(graded and graded.water_class),
                        "site_url": f"{reverse(SITE_LIST)}?water_body={water_body.pk}"}}


def monitoring_rows() -> list[dict]:
    """Active sites by the class of their latest sample, each with the list of those sites."""
    counts = services.sites_by_latest_class()
    base = reverse(SITE_LIST)
    rows = [{"label": label, "number": number, "count": counts[number], "url": f"{base}?latest_class={number}"}
            for number, label in SAMPLE_CLASS_CHOICES]
    rows.append({"label": "尚无评价结果", "number": 0, "count": counts[0], "url": f"{base}?latest_class=0"})
    return rows


def monitoring_context(user) -> dict:
    """The dashboard's section on water quality, for users who may see the sites."""
    if not user.has_perm("environment.view_monitoringsite"):
        return {}
    rows = monitoring_rows()
    return {"site_classes": rows, "site_total": sum(row["count"] for row in rows),
            "site_url": reverse(SITE_LIST),
            "worse_url": f"{reverse(WATER_SAMPLE_LIST)}?worse_than_target=true"}
