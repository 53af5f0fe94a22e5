"""智慧环保's pages beyond the declared ones: the dashboard (outfalls by stage, measures by status)
and the panels on an outfall's page (its plan and measures, samples and the sources traced)."""
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import reverse

from openpark.core import navigation

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
    stages = stage_rows()
    measures, overdue = measure_rows()
    return render(request, "environment/dashboard.html", {
        "title": "智慧环保总览", "breadcrumbs": navigation.breadcrumbs(("智慧环保总览", ""), module="environment"),
        "stages": stages, "outfall_total": sum(row["count"] for row in stages), "outfall_url": reverse(OUTFALL_LIST),
        "measures": measures, "overdue": overdue, "measure_total": sum(row["count"] for row in measures),
        "measure_url": reverse(MEASURE_LIST), **permit_section(request.user),
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


# The enterprise environmental file (一企一档, environmental part) ---------------------------------

from django.utils import timezone  # noqa: E402

from . import enterprise_file  # noqa: E402
from .choices import PermitStatus  # noqa: E402
from .models import CreditRating, DischargePermit, EmergencyPlan  # noqa: E402

PERMIT_LIST = "environment:dischargepermit_list"
FILE_SECTION_PERMISSION = "environment.view_dischargepermit"


def _permit_rows(permits, today) -> list[dict]:
    return [{"permit": p, "status": PermitStatus(p.status_on(today)), "renewal_due_on": p.renewal_due_on,
             "days_left": enterprise_file.days_left(p.expires_on, today)} for p in permits]


def enterprise_file_panel(request, enterprise):
    """环境档案: the enterprise's permits with their status and renewal date, its latest credit
    rating, and for each kind of record how many there are, the latest, its list and an add link.
    Each part is shown to those who may see that kind of record; the enterprise page itself is
    scoped, so a user sees the file of no enterprise outside their scope."""
    user = request.user
    kinds = [(model, field) for model, field in services.FILE_KINDS
             if user.has_perm(f"environment.view_{model._meta.model_name}")]
    sees_permits = user.has_perm(FILE_SECTION_PERMISSION)
    if not kinds and not sees_permits:
        return None
    today = timezone.localdate()
    permits, due = None, None
    if sees_permits:
        own = DischargePermit.objects.filter(enterprise=enterprise)
        permits = _permit_rows(own.order_by("-expires_on", "number"), today)
        due = _permit_rows(services.permits_expiring(today, own), today)
    summary = services.file_summary(enterprise, [model for model, _ in kinds])
    rows = []
    for model, field in kinds:
        count, latest, latest_pk = summary[model]
        name = model._meta.model_name
        revision_due = (enterprise_file.plan_revision_due(latest)
                        if model is EmergencyPlan and latest and latest_pk else None)
        rows.append({
            "label": model._meta.verbose_name, "count": count, "latest": latest, "is_year": field == "year",
            "revision_due": revision_due, "revision_overdue": bool(revision_due and revision_due < today),
            "latest_url": reverse(f"environment:{name}_detail", args=[latest_pk]) if latest_pk else "",
            "list_url": f"{reverse(f'environment:{name}_list')}?enterprise={enterprise.pk}",
            "add_url": (f"{reverse(f'environment:{name}_add')}?enterprise={enterprise.pk}"
                        if user.has_perm(f"environment.add_{name}") else ""),
        })
    rating = None
    if user.has_perm("environment.view_creditrating") and summary.get(CreditRating, (0,))[0]:
        rating = CreditRating.objects.filter(pk=summary[CreditRating][2]).first()
    return {"key": "environment-file", "title": "环境档案", "template": "environment/panels/enterprise_file.html",
            "context": {
                "enterprise": enterprise, "permits": permits, "due": due, "rating": rating, "rows": rows,
                "permit_list_url": f"{reverse(PERMIT_LIST)}?enterprise={enterprise.pk}",
                "due_url": f"{reverse(PERMIT_LIST)}?enterprise={enterprise.pk}&renewal_due=true",
                "permit_add_url": (f"{reverse('environment:dischargepermit_add')}?enterprise={enterprise.pk}"
                                   if user.has_perm("environment.add_dischargepermit") else ""),
                "renewal_days": enterprise_file.RENEWAL_DAYS,
            }}


def permit_section(user) -> dict:
    """The dashboard's 排污许可证 part: counts by status and the permits whose renewal is due."""
    if not user.has_perm(FILE_SECTION_PERMISSION):
        return {}
    today = timezone.localdate()
    counts = services.permit_counts_by_status(today)
    base = reverse(PERMIT_LIST)
    return {"permit_section": {
        "statuses": [{"label": status.label, "count": counts[status.value], "url": f"{base}?status={status.value}"}
                     for status in PermitStatus],
        "due": _permit_rows(services.permits_expiring(today)[:20], today),
        "due_count": counts[PermitStatus.EXPIRING] + counts[PermitStatus.EXPIRED],
        "due_url": f"{base}?renewal_due=true", "renewal_days": enterprise_file.RENEWAL_DAYS,
    }}
