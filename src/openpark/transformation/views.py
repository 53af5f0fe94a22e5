from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from openpark.core import navigation
from openpark.core.forms import requested_year
from openpark.core.scoping import is_park_wide, scope_queryset

from . import services
from .models import Certification, TransformationProject


@login_required
@permission_required("transformation.view_certification", raise_exception=True)
def coverage(request):
    """规上企业智改数转覆盖率 of a year, overall, by zone and by industry: park-wide figures."""
    if not is_park_wide(request.user):
        raise PermissionDenied("智改数转覆盖率仅向园区管理人员开放。")
    year, error = _year(request)
    return render(request, "transformation/coverage.html", {
        "title": "规上企业智改数转覆盖率",
        "breadcrumbs": navigation.breadcrumbs(("规上企业智改数转覆盖率", ""), module="transformation"),
        "year": year, "error": error, **services.coverage_tables(year),
    })


def _year(request) -> tuple[int, str]:
    return requested_year(request, services.latest_year(), "年份无效，已显示最近一年。")


@login_required
@permission_required("transformation.view_certification", raise_exception=True)
def coverage_enterprises(request):
    """The 规上 enterprises a coverage figure counts: of the year, of a zone or an industry, and
    已完成 (`transformed=1`) or 未完成 (`transformed=0`) when asked."""
    if not is_park_wide(request.user):
        raise PermissionDenied("智改数转覆盖率仅向园区管理人员开放。")
    year, error = _year(request)
    zone, industry = request.GET.get("zone", "").strip(), request.GET.get("industry", "").strip()
    transformed = {"1": True, "0": False}.get(request.GET.get("transformed", ""))
    enterprises = services.coverage_enterprises(year, zone=zone, industry=industry, transformed=transformed)
    scope = "、".join(part for part in (zone, industry) if part)
    state = {True: "已完成智改数转的", False: "未完成智改数转的", None: ""}[transformed]
    title = f"{year} 年{scope}{state}规上企业"
    return render(request, "transformation/coverage_enterprises.html", {
        "title": title, "year": year, "error": error, "enterprises": enterprises,
        "breadcrumbs": navigation.breadcrumbs(("规上企业智改数转覆盖率", f"{reverse('transformation:coverage')}?year={year}"),
                                              (title, ""), module="transformation"),
    })


def enterprise_panel(request, enterprise):
    """The enterprise's 智改数转 certifications and projects, as far as the viewer may see them."""
    user = request.user
    certifications = projects = None
    if user.has_perm("transformation.view_certification"):
        certifications = list(scope_queryset(Certification.objects.filter(enterprise=enterprise), user))
    if user.has_perm("transformation.view_transformationproject"):
        projects = list(scope_queryset(TransformationProject.objects.filter(enterprise=enterprise), user))
    if not certifications and not projects:
        return None
    return {"key": "transformation", "title": "智改数转", "template": "transformation/panels/enterprise.html",
            "context": {"certifications": certifications or [], "projects": projects or []}}
