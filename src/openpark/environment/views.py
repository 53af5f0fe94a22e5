"""智慧环保's pages beyond the declared ones: the dashboard (outfalls by stage, measures by status)
and the panels on an outfall's page (its plan and measures, samples and the sources traced)."""
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from openpark.core import navigation
from openpark.core.scoping import is_park_wide, scope_queryset, scope_reaches

from . import patrols as patrol_math, services, water_quality
from .choices import ALL_STAGES, SAMPLE_CLASS_CHOICES, MeasureStatus, OutfallStage
from .models import GOVERNMENT, Measure, Outfall, OutfallSample, RemediationPlan, Tracing

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
        "measure_url": reverse(MEASURE_LIST), **rivers_figures(), **monitoring_context(request.user),
        **permit_section(request.user),
    })


def outfall_panel(request, outfall):
    """The outfall's 一口一策: who answers for it, its plan and measures, samples and traced sources.
    Every list keeps to what the viewer may see (a tracing to a source outside an enterprise
    user's scope, an outfall of another enterprise merged into this one, are not shown)."""
    user = request.user
    plan = None
    if user.has_perm("environment.view_remediationplan"):
        plan = scope_queryset(RemediationPlan.objects.filter(outfall=outfall), user).first()
    measures = None
    if plan is not None and user.has_perm("environment.view_measure"):
        measures = list(scope_queryset(Measure.objects.filter(plan=plan), user).order_by("deadline", "pk"))
    samples = tracings = None
    if user.has_perm("environment.view_outfallsample"):
        samples = scope_queryset(OutfallSample.objects.filter(outfall=outfall), user)
    if user.has_perm("environment.view_tracing"):
        tracings = scope_queryset(Tracing.objects.filter(outfall=outfall), user, through=("source",)
                                  ).select_related("source")
    return {"key": "outfall", "title": "查、测、溯、治", "template": "environment/panels/outfall.html", "context": {
        "outfall": outfall, "government": outfall.responsible_party == GOVERNMENT and not outfall.enterprise_id,
        "plan": plan, "measures": measures, "samples": samples, "tracings": tracings,
        "merged": scope_queryset(Outfall.objects.filter(merged_into=outfall), user),
        "merged_into": scope_queryset(Outfall.objects.filter(pk=outfall.merged_into_id), user).first()
        if outfall.merged_into_id else None,
        "may_add": {name: user.has_perm(f"environment.add_{name}")
                    for name in ("remediationplan", "measure", "outfallsample", "tracing")},
    }}


def source_panel(request, source):
    """The outfalls the source was traced to, those the viewer may see."""
    if not request.user.has_perm("environment.view_tracing"):
        return None
    tracings = scope_queryset(Tracing.objects.filter(source=source), request.user, through=("outfall",))
    return {"key": "source-outfalls", "title": "溯源到的排口", "template": "environment/panels/source.html",
            "context": {"tracings": tracings.select_related("outfall")}}


def enterprise_outfalls_panel(request, enterprise):
    if not request.user.has_perm("environment.view_outfall"):
        return None
    outfalls = list(enterprise.outfalls.all())
    if not outfalls:
        return None
    return {"key": "outfalls", "title": "入河排污口", "template": "environment/panels/enterprise.html",
            "context": {"outfalls": outfalls}}


# River chiefs, patrols and problems; the steward's inspections ---------------------------------

from django.core.paginator import Paginator  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from openpark.core.masking import visible_value  # noqa: E402

from .choices import ChiefLevel, ProblemSource, ProblemState  # noqa: E402
from .models import Patrol, RiverChief, outlines_of  # noqa: E402

PROBLEM_LIST = "environment:environmentproblem_list"
LATEST_PATROLS = 10


def rivers_figures() -> dict:
    """The dashboard's 河长制 part: chiefs behind this period, problems by state and overdue."""
    duty = services.duty_counts()
    counts = services.problem_counts_by_state()
    base = reverse(PROBLEM_LIST)
    return {
        "duty": {**duty, "url": reverse("environment:patrol_duty"),
                 "behind_url": f"{reverse('environment:patrol_duty')}?behind=true"},
        "problems": [{"label": state.label, "count": counts[state.value], "url": f"{base}?state={state.value}"}
                     for state in ProblemState],
        "problem_total": sum(counts[state.value] for state in ProblemState), "problem_url": base,
        "problems_overdue": {"count": counts["overdue"], "url": f"{base}?overdue=true"},
    }


@login_required
@permission_required("environment.view_riverchief", raise_exception=True)
def patrol_duty(request):
    """巡河履职: each chief whose rule asks for patrols this period or asked in the last one, with how
    many are required, done and still owed, the days left, the last period's result and whether
    the chief is behind (`patrols`); `?behind=true` lists only those behind, `?level=` one level."""
    visible = _visible_chiefs(request.user)
    if visible is None:
        raise PermissionDenied("巡河履职仅向可查看河长的用户开放。")
    chiefs = services.chiefs_with_duty(visible).filter(Q(required__gt=0) | Q(required_before__gt=0))
    level = request.GET.get("level", "")
    if level in ChiefLevel.values:
        chiefs = chiefs.filter(level=level)
    behind = request.GET.get("behind") == "true"
    if behind:
        chiefs = chiefs.filter(behind=True)
    page = Paginator(chiefs.order_by("-behind", "-owed", "level", "name"), 50).get_page(request.GET.get("page"))
    requirements = services.patrol_requirements()
    return render(request, "environment/patrol_duty.html", {
        "title": "巡河履职", "breadcrumbs": navigation.breadcrumbs(("巡河履职", ""), module="environment"),
        "page": page, "behind": behind, "level": level, "levels": ChiefLevel.choices,
        "periods": [(ChiefLevel(lv).label, times, start) for lv, (times, start) in requirements.items()],
        "counts": services.duty_counts(queryset=visible),
    })


def _visible_chiefs(user):
    """The river chiefs the user may see, as on their list (the core's scoping); None for a user
    who may see none: no permission, or a scope (an enterprise's, a steward's) that reaches no chief."""
    if not user.has_perm("environment.view_riverchief") or not scope_reaches(RiverChief, user):
        return None
    return scope_queryset(RiverChief.objects.all(), user)


def _latest_patrols(user, **lookup):
    """The latest patrols the user may see, as on the patrol list; None for a user who may see none."""
    if not user.has_perm("environment.view_patrol") or not scope_reaches(Patrol, user):
        return None
    return list(scope_queryset(Patrol.objects.filter(**lookup), user)
                .select_related("chief", "water_body", "segment__water_body")
                .defer("track", *outlines_of("water_body", "segment", "segment__water_body"))
                .order_by("-started_at", "-pk")[:LATEST_PATROLS])


def _rivers_panel(request, chiefs, patrols, patrol_url) -> dict | None:
    visible = _visible_chiefs(request.user)
    if visible is None:
        return None
    return {"key": "rivers", "title": "河长与巡河", "template": "environment/panels/rivers.html", "context": {
        "chiefs": list((visible & chiefs).distinct().order_by("level", "name")), "patrols": patrols,
        "patrol_url": patrol_url,
    }}


def water_body_rivers_panel(request, water_body):
    """The water body's chiefs (of the body or of its segments) and its latest patrols."""
    chiefs = RiverChief.objects.filter(Q(water_bodies=water_body) | Q(segments__water_body=water_body))
    return _rivers_panel(request, chiefs, _latest_patrols(request.user, water_body=water_body),
                         f"{reverse('environment:patrol_list')}?water_body={water_body.pk}")


def segment_rivers_panel(request, segment):
    chiefs = RiverChief.objects.filter(Q(segments=segment) | Q(water_bodies=segment.water_body_id))
    return _rivers_panel(request, chiefs, _latest_patrols(request.user, segment=segment),
                         f"{reverse('environment:patrol_list')}?water_body={segment.water_body_id}")


def chief_panel(request, chief):
    """What the chief answers for, this period's duty and the latest patrols."""
    duty = services.chiefs_with_duty(RiverChief.objects.filter(pk=chief.pk)).first()
    return {"key": "chief", "title": "负责河湖与巡河履职", "template": "environment/panels/chief.html", "context": {
        "phone": visible_value(chief, "phone", request.user),
        "water_bodies": list(chief.water_bodies.defer("geometry")),
        "segments": list(chief.segments.select_related("water_body").defer("geometry", *outlines_of("water_body"))),
        "duty": duty, "patrols": _latest_patrols(request.user, chief=chief),
        "patrol_url": f"{reverse('environment:patrol_list')}?chief={chief.pk}",
        "may_add_patrol": request.user.has_perm("environment.add_patrol"),
        "add_patrol_url": f"{reverse('environment:patrol_add')}?chief={chief.pk}",
    }}


def _problems_panel(request, key, problems, add_url) -> dict | None:
    if not request.user.has_perm("environment.view_environmentproblem"):
        return None
    return {"key": key, "title": "发现的问题", "template": "environment/panels/problems.html", "context": {
        "problems": list(problems.order_by("-found_on", "-pk")),
        "may_add": request.user.has_perm("environment.add_environmentproblem"), "add_url": add_url,
    }}


def patrol_problems_panel(request, patrol):
    add_url = (f"{reverse('environment:environmentproblem_add')}?source={ProblemSource.PATROL}&patrol={patrol.pk}"
               f"&water_body={patrol.water_body_id}&found_on={timezone.localtime(patrol.started_at):%Y-%m-%d}")
    if patrol.segment_id:
        add_url += f"&segment={patrol.segment_id}"
    return _problems_panel(request, "patrol-problems", scope_queryset(patrol.problems.all(), request.user), add_url)


def patrol_track_panel(request, patrol):
    """The patrol's track on a small map (no panel for a patrol without a track)."""
    drawing = patrol_track(patrol, settings.MAP_TILE_CRS)
    if drawing is None:
        return None
    return {"key": "patrol-track", "title": "巡河轨迹", "template": "environment/panels/patrol_track.html",
            "scripts": ("vendor/leaflet/leaflet.js", "js/patrol-track.js"), "styles": ("vendor/leaflet/leaflet.css",),
            "context": {"drawing": drawing, "patrol": patrol, "tile_url": settings.MAP_TILE_URL,
                        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
                        "points": patrol_math.track_points(patrol.track)}}


def inspection_problems_panel(request, inspection):
    add_url = (f"{reverse('environment:environmentproblem_add')}?source={ProblemSource.STEWARD}"
               f"&inspection={inspection.pk}&enterprise={inspection.enterprise_id}"
               f"&category=enterprise&found_on={inspection.inspected_on:%Y-%m-%d}")
    return _problems_panel(request, "inspection-problems", scope_queryset(inspection.problems.all(), request.user),
                           add_url)


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


# The enterprise environmental file (一企一档, environmental part) ---------------------------------


from . import enterprise_file  # noqa: E402
from .choices import PermitStatus  # noqa: E402
from .models import CreditRating, DischargePermit, EmergencyPlan  # noqa: E402

PERMIT_LIST = "environment:dischargepermit_list"
FILE_SECTION_PERMISSION = "environment.view_dischargepermit"


def _permit_rows(permits, today) -> list[dict]:
    return [{"permit": p, "status": PermitStatus(p.status_on(today)), "renewal_due_on": p.renewal_due_on,
             "text": enterprise_file.permit_status_text(p.expires_on, today),
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
    problems, inspections = _file_problems(enterprise, user), _file_inspections(enterprise, user)
    if not kinds and not sees_permits and problems is None and inspections is None:
        return None
    today = timezone.localdate()
    permits, due = None, None
    if sees_permits:
        own = DischargePermit.objects.filter(enterprise=enterprise)
        permits = _permit_rows(own.order_by("-expires_on", "number"), today)
        due = services.permits_expiring(today, own).count()
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
                "problems": problems, "inspections": inspections,
                "permit_list_url": f"{reverse(PERMIT_LIST)}?enterprise={enterprise.pk}",
                "due_url": f"{reverse(PERMIT_LIST)}?enterprise={enterprise.pk}&status=renewal_due",
                "permit_add_url": (f"{reverse('environment:dischargepermit_add')}?enterprise={enterprise.pk}"
                                   if user.has_perm("environment.add_dischargepermit") else ""),
                "renewal_days": enterprise_file.RENEWAL_DAYS,
            }}


FILE_PROBLEMS = 10  # the problems listed in the file (open ones first); their list has them all
FILE_INSPECTIONS = 5  # the latest steward's inspections listed


def _file_problems(enterprise, user) -> dict | None:
    """The enterprise's environment problems: the open ones first, soonest deadline first, then
    the rectified and closed, latest found first; how many are open and overdue (the model's rule)."""
    if not user.has_perm("environment.view_environmentproblem"):
        return None
    from django.db.models import Case, Count, F, IntegerField, Value, When

    from .choices import PROBLEM_DONE_STATES
    from .models import EnvironmentProblem

    own = scope_queryset(EnvironmentProblem.objects.filter(enterprise=enterprise), user)
    done = Case(When(state__in=PROBLEM_DONE_STATES, then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = list(own.annotate(done=done).order_by("done", F("deadline").asc(nulls_last=True), "-found_on",
                                                  "-pk")[:FILE_PROBLEMS + 1])
    if len(rows) <= FILE_PROBLEMS:  # all of them: counted here, without asking again
        counts = {"total": len(rows), "open": sum(1 for row in rows if not row.done),
                  "overdue": sum(1 for row in rows if row.overdue)}
    else:
        counts = own.aggregate(total=Count("pk"), open=Count("pk", filter=~Q(state__in=PROBLEM_DONE_STATES)),
                               overdue=Count("pk", filter=EnvironmentProblem.overdue_q()))
    rows = rows[:FILE_PROBLEMS]
    base = f"{reverse(PROBLEM_LIST)}?enterprise={enterprise.pk}"
    return {"rows": rows, **counts, "list_url": base, "overdue_url": f"{base}&overdue=true",
            "add_url": (f"{reverse('environment:environmentproblem_add')}?enterprise={enterprise.pk}&category=enterprise"
                        if user.has_perm("environment.add_environmentproblem") else "")}


def _file_inspections(enterprise, user) -> dict | None:
    """The steward's latest inspections of the enterprise, each with the problems it found."""
    if not user.has_perm("environment.view_stewardinspection"):
        return None
    from django.db.models import Count

    from .models import StewardInspection

    own = scope_queryset(StewardInspection.objects.filter(enterprise=enterprise), user)
    rows = list(own.select_related("contract").annotate(found=Count("problems", filter=Q(problems__is_deleted=False)))
                .order_by("-inspected_on", "-pk")[:FILE_INSPECTIONS + 1])
    total = len(rows) if len(rows) <= FILE_INSPECTIONS else own.count()
    return {"rows": rows[:FILE_INSPECTIONS], "total": total,
            "list_url": f"{reverse('environment:stewardinspection_list')}?enterprise={enterprise.pk}"}


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
        "due_count": counts[PermitStatus.EXPIRING] + counts[PermitStatus.RENEWAL_LATE] + counts[PermitStatus.EXPIRED],
        "due_url": f"{base}?status=renewal_due", "renewal_days": enterprise_file.RENEWAL_DAYS,
        "notice_days": enterprise_file.RENEWAL_NOTICE_DAYS,
    }}


# The environment map (环保地图) and the environment office's alerts on its home page -------------

from django.conf import settings  # noqa: E402
from django.http import JsonResponse  # noqa: E402

from . import alerts  # noqa: E402
from .map import map_layers, patrol_track  # noqa: E402

MAP_PERMISSION = "environment.view_outfall"


def _park_staff_only(request) -> None:
    if not is_park_wide(request.user):
        raise PermissionDenied("环保地图仅向园区管理人员开放。")


@login_required
@permission_required(MAP_PERMISSION, raise_exception=True)
def environment_map(request):
    """Water bodies, outfalls by stage, sites by their latest class and the last patrols, on one map."""
    _park_staff_only(request)
    return render(request, "environment/map.html", {
        "title": "环保地图", "breadcrumbs": navigation.breadcrumbs(("环保地图", ""), module="environment"),
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "dashboard_url": reverse("environment:dashboard"),
    })


@login_required
@permission_required(MAP_PERMISSION, raise_exception=True)
def environment_map_data(request):
    if not is_park_wide(request.user):
        return JsonResponse({"detail": "环保地图仅向园区管理人员开放。"}, status=403)
    return JsonResponse(map_layers(request.user, settings.MAP_TILE_CRS))


def alerts_section(request, role):
    """On the environment office's home page: how many permits, measures, problems, chiefs and
    samples are in each alert's condition now, each linking to its list."""
    if not alerts.shown_to(request.user, role):
        return None
    rows = alerts.counts(request.user)
    if not rows:
        return None
    return {"key": "environment-alerts", "title": "智慧环保：待办提醒", "template": "environment/home_section.html",
            "context": {"rows": rows, "dashboard_url": reverse("environment:dashboard"),
                        "map_url": reverse("environment:map")}}


def own_reminders_section(request, role):
    """On an enterprise user's and a steward's home page: what waits on them in 智慧环保 (permits
    to renew, open problems and their deadlines, overdue measures), their own records only."""
    if not alerts.shown_own_to(request.user, role):
        return None
    return {"key": "environment-reminders", "title": "智慧环保：待办提醒",
            "template": "environment/home_reminders.html",
            "context": {"rows": alerts.own_reminders(request.user, role), "role": role.slug}}


# The headline figures of the environment office's and an enterprise user's home pages
# (`navigation.register_home_tiles`): what waits on them, each linking to the list it counts.


def home_tiles(request, role) -> list[dict] | None:
    """The 环保 role's: outfalls in remediation, overdue measures, open problems, permits to renew
    (park-wide); an enterprise user's: its own permits to renew, open problems and overdue measures.
    Each counted by the rule its list's filter runs, in the user's scope."""
    from .choices import PROBLEM_DONE_STATES
    from .models import EnvironmentProblem

    user = request.user
    if role.slug == "environment" and is_park_wide(user):
        scoped = False
    elif role.slug == "enterprise" and not is_park_wide(user):
        scoped = True
    else:
        return None
    today = timezone.localdate()
    tiles = []

    def add(key, label, permission, queryset, url, order):
        if user.has_perm(permission):
            tiles.append({"key": key, "label": label, "count": scope_queryset(queryset, user).count(), "url": url,
                          "order": order})

    if not scoped:
        add("outfalls-in-remediation", "整治中的排口（个）", "environment.view_outfall",
            Outfall.objects.filter(stage=OutfallStage.IN_REMEDIATION),
            f"{reverse(OUTFALL_LIST)}?stage={OutfallStage.IN_REMEDIATION}", 10)
    add("measures-overdue", "逾期未完成的整治措施（项）", "environment.view_measure", Measure.objects.overdue(today),
        f"{reverse(MEASURE_LIST)}?overdue=true", 20)
    add("problems-open", "未整改完成的环境问题（个）", "environment.view_environmentproblem",
        EnvironmentProblem.objects.exclude(state__in=PROBLEM_DONE_STATES), f"{reverse(PROBLEM_LIST)}?open=true", 30)
    add("permits-due", "须办理延续的排污许可证（张）", FILE_SECTION_PERMISSION, services.permits_expiring(today),
        f"{reverse(PERMIT_LIST)}?renewal_due=true", 40)
    return tiles
