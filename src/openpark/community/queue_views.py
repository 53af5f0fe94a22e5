"""随手拍 for the staff: the work queues (核实派遣, 部门处置, 核查), the map of the cases with their
density (heatmap), and the year's statistics with their workbook.

Each queue is one query, whatever its length: the cases with the due moment of their running
deadline (core `Deadline` rows, read as subqueries) and their 逾期 by `Case.overdue_q`, overdue
first, then by due time, paged without counting. The map's data is one query over the cases the
user may see; its texts go out as data that the page's script sets as text. The statistics read a
few column queries (the cases, their state changes, their deadlines, the names) and compute in
`openpark.community.case_stats`.
"""
import json
from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from openpark.core import geo, navigation
from openpark.core.exports import record_export, tables_xlsx, xlsx_response
from openpark.core.forms import YearField
from openpark.core.limits import id_out_of_range, validate_date_range
from openpark.core.models import Deadline, Grid, StateChange
from openpark.core.paging import UncountedPage
from openpark.core.scoping import is_park_wide

from . import case_stats, cases
from .choices import CaseState
from .models import Case, CaseCategory, Department
from .scopes import department_ids

S = CaseState
PAGE_SIZE = 50
VIEW_CASE = "community.view_case"


def _case_pages():
    from .declarations import case_pages

    return case_pages


def _content_type():
    return ContentType.objects.get_for_model(Case)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# Queues -------------------------------------------------------------------------------------------------

QUEUES = {
    # key: (title, the permissions of which one opens it, what it holds)
    "dispatch": ("核实派遣", ("community.verify_case", "community.dispatch_case"),
                 "待核实、待立案、待派遣的案件，有延期申请待审批的处置中案件，以及待结案的案件。"),
    # The grid centre follows every department's cases from here too (whoever may dispatch sees them all).
    "handle": ("部门处置", ("community.handle_case", "community.dispatch_case"),
               "派遣到本部门的待签收和处置中的案件（网格中心可查看各部门的）。"),
    "recheck": ("核查", ("community.recheck_case",), "待核查的案件（本人处置的除外）。"),
}


def may_open(user, queue: str) -> bool:
    return any(user.has_perm(permission) for permission in QUEUES[queue][1])


def queue_cases(user, queue: str):
    """The cases of `queue` for `user`, overdue first, then by due time (a running deadline's day,
    then its moment), then by report time."""
    scoped = _case_pages().scoped(user)
    if queue == "dispatch":
        from django.db.models import Q

        waiting = Q(state__in=[S.REPORTED, S.VERIFIED, S.REGISTERED]) | Q(state=S.HANDLING, extension_days__gt=0)
        if user.has_perm("community.close_case"):
            waiting |= Q(state=S.CHECKED)
        rows = scoped.filter(waiting)
    elif queue == "handle":
        rows = scoped.filter(state__in=[S.DISPATCHED, S.HANDLING])
        if not is_park_wide(user):
            rows = rows.filter(department_id__in=department_ids(user))
    elif queue == "recheck":
        rows = scoped.filter(state=S.REPLIED).exclude(handled_by=user)
    else:
        raise Http404("没有这个队列。")
    running = Deadline.objects.filter(content_type=_content_type(), object_id=Cast(OuterRef("pk"), CharField()),
                                      met_at__isnull=True)
    running = running.order_by("due_on", "due_at", "pk")
    annotations = {"queue_due_on": Subquery(running.values("due_on")[:1]),
                   "queue_due_at": Subquery(running.values("due_at")[:1]),
                   "overdue_now": ExpressionWrapper(Case.overdue_q(), output_field=BooleanField())}
    ordering = [F("overdue_now").desc(), F("queue_due_on").asc(nulls_last=True),
                F("queue_due_at").asc(nulls_last=True)]
    return (rows.annotate(**annotations).select_related("category", "grid", "department")
            .order_by(*ordering, "reported_at", "pk"))


def queue_row(case: Case, user, now) -> dict:
    due_at = getattr(case, "queue_due_at", None)
    due = case_stats.due_moment(case.queue_due_on, due_at)
    if due_at is not None:
        due_text = _local(due_at)
    else:
        due_text = f"{case.queue_due_on:%Y-%m-%d}" if case.queue_due_on else "—"
    overdue = bool(case.overdue_now) or (due is not None and due < now)
    url = case.get_absolute_url()
    return {
        "case": case, "url": url, "reported": _local(case.reported_at), "due": due_text,
        "left": "已逾期" if overdue else case_stats.left_text(due, now), "overdue": overdue,
        "steps": [step(t, url) for t in case.machine.available(case, user)],
    }


def step(transition, case_url: str) -> dict:
    """A step offered on a queue's row: made at once (a form posting to the case's transition page)
    when it asks for nothing, else a link to the case's page, where its form takes the note,
    evidence or choice it needs."""
    direct = not (transition.needs_note or transition.needs_evidence or transition.form)
    return {"name": transition.name, "label": transition.label, "kind": transition.button_class, "direct": direct,
            "confirm": transition.confirm,
            "url": f"{case_url}transitions/{transition.name}/" if direct else f"{case_url}#workflow"}


@login_required
def case_queue(request, queue):
    if queue not in QUEUES:
        raise Http404("没有这个队列。")
    if not may_open(request.user, queue):
        raise PermissionDenied("您没有权限查看这个队列。")
    title, _, about = QUEUES[queue]
    page = UncountedPage(queue_cases(request.user, queue), request.GET.get("page"), PAGE_SIZE)
    now = timezone.now()
    tabs = [(QUEUES[key][0], reverse("community:case_queue", args=[key]), key == queue)
            for key in QUEUES if may_open(request.user, key)]
    return render(request, "community/case_queue.html", {
        "title": f"随手拍待办 · {title}", "queue": queue, "about": about, "tabs": tabs, "page": page,
        "rows": [queue_row(case, request.user, now) for case in page.object_list], "querystring": "",
        "breadcrumbs": navigation.breadcrumbs(("随手拍案件", reverse("community:case_list")), (f"{title}队列", ""),
                                              module="community"),
    })


# Map and heatmap ---------------------------------------------------------------------------------------

GROUPS = {  # key: (label, colour, states)
    "open": ("在办", "#e65100", cases.OPEN_STATES),
    "closed": ("已结案", "#2e7d32", cases.DONE_STATES),
    "ended": ("未立案或已撤回", "#546e7a", cases.ENDED_STATES),
}
GROUP_OF_STATE = {state: key for key, (_, _, states) in GROUPS.items() for state in states}
MAX_CASES = 5000
DESCRIPTION_SHOWN = 40  # the popup's first words of a description; the case page has it all


class CaseMapForm(forms.Form):
    category = forms.CharField(required=False)
    group = forms.ChoiceField(required=False, choices=[("", "全部"), *((key, label) for key, (label, _, _) in GROUPS.items())],
                              label="状态")
    reported_from = forms.DateField(required=False, label="上报日期从", validators=[validate_date_range],
                                    widget=forms.DateInput(attrs={"type": "date"}))
    reported_to = forms.DateField(required=False, label="上报日期至", validators=[validate_date_range],
                                  widget=forms.DateInput(attrs={"type": "date"}))

    case = forms.CharField(required=False)

    def clean_case(self):
        text = (self.cleaned_data.get("case") or "").strip()
        if not text:
            return None
        if not text.isdigit() or id_out_of_range(text):
            raise forms.ValidationError("案件编号无效。")
        return int(text)

    def clean_category(self):
        text = (self.cleaned_data.get("category") or "").strip()
        if not text:
            return None
        if not text.isdigit() or id_out_of_range(text):
            raise forms.ValidationError("问题类别无效。")
        return int(text)

    def clean(self):
        data = super().clean()
        if data.get("reported_from") and data.get("reported_to") and data["reported_from"] > data["reported_to"]:
            raise forms.ValidationError("上报日期的起始不能晚于截止。")
        return data


def _errors(form) -> str:
    return "；".join(str(message) for messages in form.errors.values() for message in messages)


COORDINATE_PLACES = 6  # about 0.1 m: enough for a marker, and small to send


def _point(lon, lat, crs: str) -> list[float]:
    """[lng, lat] of a stored WGS-84 position as the basemap draws it, rounded."""
    lon, lat = float(lon), float(lat)
    if crs == "gcj02":
        lon, lat = geo.wgs84_to_gcj02(lon, lat)
    return [round(lon, COORDINATE_PLACES), round(lat, COORDINATE_PLACES)]


def _rounded(geometry: dict) -> dict:
    return geo.transform_geometry(geometry, lambda lon, lat: (round(lon, COORDINATE_PLACES), round(lat, COORDINATE_PLACES)))


def grid_outline(grid: Grid, crs: str = "wgs84") -> dict | None:
    """{"name", "boundary"} of a grid with a boundary, as the basemap draws it; None without one."""
    if not grid or not grid.boundary:
        return None
    boundary = grid.boundary
    if crs == "gcj02":
        boundary = geo.transform_geometry(boundary, geo.wgs84_to_gcj02)
    return {"name": grid.name, "boundary": _rounded(boundary)}


def visible_grids(user, crs: str = "wgs84") -> list[dict]:
    """The outlines of the grids the user may see (the core's grid pages decide which), by code."""
    from openpark.core.declarations import grid_pages

    rows = grid_pages.scoped(user).filter(boundary__isnull=False).only("name", "boundary").order_by("code", "pk")
    return [outline for outline in (grid_outline(grid, crs) for grid in rows) if outline]


def _short(text: str | None) -> str:
    text = (text or "").strip()
    return text[:DESCRIPTION_SHOWN] + ("…" if len(text) > DESCRIPTION_SHOWN else "")


MAP_VALUES = ("pk", "number", "category_id", "category__name", "state", "description", "address", "reported_at",
              "longitude", "latitude")


def map_cases(user, filters: dict, crs: str = "wgs84") -> dict:
    """The cases the user may see (with a position) that match the filters, kept small for a
    thousand markers: {"cases": [{"i": id, "n": number, "c": category (index into "categories"),
    "s": state (index into "states"), "t": report time, "a": address ("" none), "d": description
    (its first words), "p": [lng, lat]}], "categories": [name], "states": [[label, group]],
    "legend", "grids": the outlines of the grids the user may see, "url": a case page's address
    with "0" for its id, "count", "more", "focus": the id of the case asked for with ?case= when
    the user may see it}. One query for the cases, one for the grids, one more for a case asked for
    that the filters leave out."""
    scoped = _case_pages().scoped(user).filter(latitude__isnull=False, longitude__isnull=False)
    rows = scoped
    if filters.get("category"):
        rows = rows.filter(category_id=filters["category"])
    if filters.get("group"):
        rows = rows.filter(state__in=list(GROUPS[filters["group"]][2]))
    if filters.get("reported_from"):
        rows = rows.filter(reported_at__gte=_day_start(filters["reported_from"]))
    if filters.get("reported_to"):
        rows = rows.filter(reported_at__lt=_day_start(filters["reported_to"] + timedelta(days=1)))
    found = list(rows.order_by("-reported_at", "-pk").values_list(*MAP_VALUES)[:MAX_CASES + 1])
    more = len(found) > MAX_CASES
    found = found[:MAX_CASES]
    focus = filters.get("case")
    if focus and all(row[0] != focus for row in found):
        found += list(scoped.filter(pk=focus).values_list(*MAP_VALUES))
    if focus and all(row[0] != focus for row in found):
        focus = None
    labels = dict(CaseState.choices)
    categories, states, listed, counted = {}, {}, [], dict.fromkeys(GROUPS, 0)
    for pk, number, category_id, category, state, description, address, reported_at, lon, lat in found:
        group = GROUP_OF_STATE.get(state, "open")
        counted[group] += 1
        if category_id not in categories:
            categories[category_id] = (len(categories), category)
        if state not in states:
            states[state] = (len(states), [str(labels.get(state, state)), group])
        listed.append({"i": pk, "n": number, "c": categories[category_id][0], "s": states[state][0],
                       "t": _local(reported_at), "a": address or "", "d": _short(description),
                       "p": _point(lon, lat, crs)})
    legend = [{"key": key, "label": label, "colour": colour, "count": counted[key]}
              for key, (label, colour, _) in GROUPS.items()]
    return {"cases": listed, "categories": [name for _, name in categories.values()],
            "states": [entry for _, entry in states.values()], "legend": legend,
            "grids": visible_grids(user, crs), "url": reverse("community:case_detail", args=[0]),
            "count": len(listed), "more": more, "focus": focus}


def case_point(case: Case, with_map_link: bool = True) -> dict | None:
    """What the small map of one case draws (community/case_point_map.html): its point and its
    grid's outline as JSON for the page's data attributes, the basemap, and the link to the
    随手拍地图 centred on it; None for a case without a position."""
    if case.latitude is None or case.longitude is None:
        return None
    crs = settings.MAP_TILE_CRS
    grid = case.grid if case.grid_id else None
    return {"point_json": json.dumps(_point(case.longitude, case.latitude, crs)), "number": case.number,
            "grid_json": json.dumps(grid_outline(grid, crs), ensure_ascii=False) if grid else "",
            "grid_name": grid.name if grid else "",
            "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "map_url": f"{reverse('community:case_map')}?{urlencode({'case': case.pk})}" if with_map_link else ""}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
@permission_required(VIEW_CASE, raise_exception=True)
def case_map(request):
    """随手拍地图: the cases the user may see, coloured by where they stand, over a heatmap of where
    problems gather; filtered by category, state and report date."""
    form = CaseMapForm(request.GET or None)
    error = _errors(form) if form.is_bound and not form.is_valid() else ""
    return render(request, "community/case_map.html", {
        "title": "随手拍地图", "form": form, "error": error,
        "categories": list(CaseCategory.objects.values_list("pk", "name")),
        "chosen_category": request.GET.get("category", ""),
        "data_url": reverse("community:case_map_data") + (f"?{request.GET.urlencode()}" if request.GET else ""),
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "list_url": reverse("community:case_list"),
        "breadcrumbs": navigation.breadcrumbs(("随手拍案件", reverse("community:case_list")), ("随手拍地图", ""),
                                              module="community"),
    }, status=400 if error else 200)


@login_required
@permission_required(VIEW_CASE, raise_exception=True)
def case_map_data(request):
    form = CaseMapForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": _errors(form)}, status=400)
    # Chinese as UTF-8, not \u escapes: half the size.
    return JsonResponse(map_cases(request.user, form.cleaned_data, settings.MAP_TILE_CRS),
                        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


# Statistics ------------------------------------------------------------------------------------------------

class YearForm(forms.Form):
    year = YearField(label="年份")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return _day_start(date(year, 1, 1)), _day_start(date(year + 1, 1, 1))


def year_stats(year: int) -> case_stats.Stats:
    """The statistics of the cases reported in `year` (park time): three column queries."""
    start, end = year_bounds(year)
    reported = Case.objects.filter(reported_at__gte=start, reported_at__lt=end)
    rows = [case_stats.CaseRow(*values) for values in reported.values_list(
        "pk", "reported_at", "state", "category_id", "department_id", "grid_id", "returns", "reworks", "extensions")]
    keys = reported.annotate(key=Cast("pk", CharField())).values("key")
    of_cases = {"content_type": _content_type(), "object_id__in": keys}
    changes = ((int(object_id), moment, state) for object_id, moment, state in StateChange.objects.filter(
        **of_cases).order_by("time", "pk").values_list("object_id", "time", "to_state"))
    deadlines = ((int(object_id), due_on, due_at, met_at) for object_id, due_on, due_at, met_at in
                 Deadline.objects.filter(**of_cases).values_list("object_id", "due_on", "due_at", "met_at"))
    return case_stats.build(rows, changes, deadlines, timezone.get_current_timezone())


def case_list_url(**filters) -> str:
    return f"{reverse('community:case_list')}?{urlencode({k: v for k, v in filters.items() if v}, doseq=True)}"


def _cells(figures: case_stats.Figures, filters: dict | None) -> list[tuple[str, str]]:
    """Each figure's text and the link to the cases it counts (none for a group no filter reaches,
    nor for a figure there is none of)."""
    cells = []
    for text, kind in zip(figures.shown(), case_stats.COLUMN_CASES):
        linked = filters is not None and text != case_stats.NO_FIGURE
        url = case_list_url(**filters, state=list(case_stats.STATES_OF[kind]),
                            **case_stats.FILTERS_OF.get(kind, {})) if linked else ""
        cells.append((text, url))
    return cells


def _month_range(year: int, month: int) -> tuple[str, str]:
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
    return date(year, month, 1).isoformat(), last.isoformat()


def stats_tables(year: int, stats: case_stats.Stats) -> list[dict]:
    """The four tables, labelled and linked: by department, category, grid and month, each with its total."""
    first, last = f"{year}-01-01", f"{year}-12-31"
    whole = {"reported_from": first, "reported_to": last}
    names = {
        "department": dict(Department._base_manager.filter(pk__in=[k for k in stats.departments if k])
                           .order_by("kind", "name").values_list("pk", "name")),
        "category": dict(CaseCategory._base_manager.filter(pk__in=[k for k in stats.categories if k])
                         .order_by("order", "code").values_list("pk", "name")),
        "grid": dict(Grid._base_manager.filter(pk__in=[k for k in stats.grids if k])
                     .order_by("code").values_list("pk", "name")),
    }
    missing = {"department": "未派遣", "category": "未分类", "grid": "网格外"}
    total = (case_stats.TOTAL_LABEL, _cells(stats.total, whole), stats.total)
    tables = []
    for key, title, label, groups in (("department", "按处置部门", "处置部门", stats.departments),
                                      ("category", "按问题类别", "问题类别", stats.categories),
                                      ("grid", "按网格", "所在网格", stats.grids)):
        lines = [(name, _cells(groups[pk], {**whole, key: pk}), groups[pk])
                 for pk, name in names[key].items() if pk in groups]
        lines += [(f"（编号 {pk}）", _cells(groups[pk], {**whole, key: pk}), groups[pk])
                  for pk in groups if pk is not None and pk not in names[key]]
        if None in groups:
            lines.append((missing[key], _cells(groups[None], None), groups[None]))
        tables.append({"key": key, "title": title, "label": label, "lines": [*lines, total]})
    months = []
    for month in case_stats.MONTHS:
        start, end = _month_range(year, month)
        months.append((case_stats.MONTH_LABELS[month - 1],
                       _cells(stats.months[month], {"reported_from": start, "reported_to": end}), stats.months[month]))
    tables.append({"key": "month", "title": "按月", "label": "月份", "lines": [*months, total]})
    return tables


@login_required
@permission_required(VIEW_CASE, raise_exception=True)
def case_stats_page(request):
    """随手拍统计 of a year, for the park-wide roles, with `?export=xlsx` of the same tables."""
    if not is_park_wide(request.user):
        raise PermissionDenied("随手拍统计仅向园区管理人员开放。")
    this_year = timezone.localdate().year
    form = YearForm(request.GET if request.GET.get("year") else {"year": this_year})
    context = {"title": "随手拍统计", "form": form, "headers": case_stats.HEADERS,
               "breadcrumbs": navigation.breadcrumbs(("随手拍案件", reverse("community:case_list")), ("随手拍统计", ""),
                                                     module="community")}
    if not form.is_valid():
        return render(request, "community/case_stats.html", {**context, "error": _errors(form), "year": this_year},
                      status=400)
    year = form.cleaned_data["year"]
    stats = year_stats(year)
    tables = stats_tables(year, stats)
    if request.GET.get("export") == "xlsx":
        sheets = [(table["title"], [table["label"], *case_stats.EXPORT_HEADERS],
                   [(label, *figures.numbers()) for label, _, figures in table["lines"]]) for table in tables]
        record_export(Case, request.user, stats.total.reported, "", set(), f"{year}年随手拍统计")
        return xlsx_response(tables_xlsx(sheets, case_stats.EXPORT_FORMATS), f"随手拍统计-{year}年.xlsx")
    return render(request, "community/case_stats.html", {
        **context, "year": year, "stats": stats, "tables": tables, "total": stats.total,
        "export_url": f"?{urlencode({'year': year, 'export': 'xlsx'})}",
    })
