from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from openpark.core import exports, navigation
from openpark.core.forms import requested_year
from openpark.core.scoping import is_park_wide, scope_queryset

from . import services
from .models import Apprenticeship, FairBooth, JobPosting, SchoolPartnership, SkillsTraining

YEARS_SHOWN = 3
RECENT = 5


@login_required
@permission_required("talent.view_jobposting", raise_exception=True)
def summary(request):
    """人才服务 counts per year: the chosen year and the two before it, side by side; park-wide."""
    if not is_park_wide(request.user):
        raise PermissionDenied("人才服务年度统计仅向园区管理人员开放。")
    year, error = requested_year(request, timezone.localdate().year, "年份无效，已显示今年。")
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    rows = services.table(years)
    if request.GET.get("format") == "xlsx":
        headers = ["指标", "单位", *(f"{y} 年" for y in years)]
        data = exports.table_xlsx("人才服务年度统计", headers,
                                  ([row["label"], row["unit"], *(value for value, _ in row["cells"])] for row in rows))
        return exports.xlsx_response(data, f"人才服务年度统计-{years[0]}-{years[-1]}.xlsx")
    return render(request, "talent/summary.html", {
        "title": "人才服务年度统计",
        "breadcrumbs": navigation.breadcrumbs(("人才服务年度统计", ""), module="talent"),
        "year": year, "years": years, "rows": rows, "error": error,
    })


def fair_booths_panel(request, fair):
    """The fair's enterprises (those the viewer may see) and its totals."""
    if not request.user.has_perm("talent.view_fairbooth"):
        return None
    booths = scope_queryset(services.of_live_enterprises(fair.booths.filter(is_deleted=False)), request.user).select_related("enterprise")
    return {"key": "fair-booths", "title": "参会企业", "template": "talent/panels/fair.html",
            "context": {"booths": list(booths), "totals": services.fair_totals(fair), "fair": fair}}


PANEL_PARTS = (  # (key, title, model, select_related)
    ("postings", "招聘岗位", JobPosting, ()),
    ("partnerships", "校企合作", SchoolPartnership, ()),
    ("booths", "参加招聘会", FairBooth, ("fair",)),
    ("trainings", "技能培训", SkillsTraining, ()),
    ("apprenticeships", "名师带高徒", Apprenticeship, ()),
)


def enterprise_panel(request, enterprise):
    """The enterprise's 人才服务 records, as far as the viewer may see them: each kind's count and its
    latest rows, linked to the list of them all."""
    user, parts = request.user, []
    for key, title, model, related in PANEL_PARTS:
        if not user.has_perm(f"talent.view_{model._meta.model_name}"):
            continue
        rows = scope_queryset(model.objects.filter(enterprise=enterprise), user).select_related(*related)
        recent = list(rows[:RECENT])
        if not recent:
            continue
        for row in recent:  # each names its enterprise: this one
            row.enterprise = enterprise
        total = len(recent) if len(recent) < RECENT else rows.count()
        parts.append({"key": key, "title": title, "count": total, "recent": recent,
                      "url": f"{navigation_url(model)}?enterprise={enterprise.pk}"})
    if not parts:
        return None
    return {"key": "talent", "title": "人才服务", "template": "talent/panels/enterprise.html",
            "context": {"parts": parts}}


def navigation_url(model) -> str:
    from django.urls import reverse

    return reverse(f"talent:{model._meta.model_name}_list")
