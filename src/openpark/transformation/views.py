from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from openpark.core import navigation
from openpark.core.forms import YearField
from openpark.core.scoping import is_park_wide, scope_queryset

from . import services
from .models import Certification, TransformationProject


@login_required
@permission_required("transformation.view_certification", raise_exception=True)
def coverage(request):
    """规上企业智改数转覆盖率 of a year, overall, by zone and by industry: park-wide figures."""
    if not is_park_wide(request.user):
        raise PermissionDenied("智改数转覆盖率仅向园区管理人员开放。")
    year, error = services.latest_year(), ""
    if request.GET.get("year"):
        field = YearField()
        try:
            year = field.clean(request.GET["year"])
        except ValidationError:  # a bad year reads as this year, with a message
            error = "年份无效，已显示最近一年。"
    return render(request, "transformation/coverage.html", {
        "title": "规上企业智改数转覆盖率",
        "breadcrumbs": navigation.breadcrumbs(("规上企业智改数转覆盖率", ""), module="transformation"),
        "year": year, "error": error, **services.coverage_tables(year),
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
