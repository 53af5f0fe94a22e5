from itertools import chain

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Max
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from openpark.core import navigation
from openpark.core.exports import table_xlsx, xlsx_response
from openpark.core.scoping import is_park_wide, scope_queryset
from openpark.enterprises.models import Enterprise

from . import forms, services
from .indicators import OUTPUT
from .models import Fact, Indicator
from .periods import period_label

STATUS_LABELS = {"alarm": "预警", "excellent": "优秀", "normal": "正常", "": ""}

def default_year() -> int:
    """The latest year with facts, else the current year."""
    return Fact.objects.aggregate(latest=Max("year"))["latest"] or timezone.localdate().year


def _figure_rows(figures):
    for f in figures:
        yield (f.indicator.name, f.indicator.unit, f.value, f.growth_pct, STATUS_LABELS[f.status],
               f.city_value, f.city_share_pct)


FIGURE_HEADERS = ["指标", "单位", "数值", "同比增速（%）", "状态", "全市数值", "占全市比重（%）"]


@login_required
@permission_required("economy.view_fact", raise_exception=True)
def dashboard(request):
    if not is_park_wide(request.user):
        raise PermissionDenied("园区经济运行数据仅向园区管理人员开放。")
    params = request.GET.copy()
    params.setdefault("year", str(default_year()))
    form = forms.DashboardForm(params)
    context = {"title": "经济运行看板", "form": form,
               "breadcrumbs": navigation.breadcrumbs(("经济运行看板", ""), module="economy")}
    if not form.is_valid():
        return render(request, "economy/dashboard.html", context, status=400)
    data = form.cleaned_data
    year, month, basis = data["year"], data.get("month"), data["basis"]
    scope = form.chosen_scope()
    indicator = data.get("indicator") or Indicator.objects.filter(code=OUTPUT).first() or Indicator.objects.first()
    period = period_label(year, month)
    export = request.GET.get("export")
    if export:
        return _export(export, indicator, year, month, scope, basis, period)
    board = services.dashboard(year, month, scope, basis, indicator)
    context.update({
        "period": period, "scope": scope, "scope_text": form.scope_text(), "indicator": indicator, "board": board,
        "breakdown_labels": services.BREAKDOWNS,
        "chart": _chart_data(board.series, year, indicator) if board.series else None,
        "breakdown_chart": {key: {"names": [name for name, _ in rows], "values": [float(v) for _, v in rows],
                                  "name": indicator.name, "unit": indicator.unit}
                              for key, rows in board.breakdowns.items()},
        "export_query": request.GET.urlencode(),
    })
    return render(request, "economy/dashboard.html", context)


def _chart_data(series, year: int, indicator) -> dict:
    as_number = lambda values: [None if v is None else float(v) for v in values]  # noqa: E731
    return {
        "months": [f"1—{m}月" if m > 1 else "1月" for m in series.months],
        "current": as_number(series.values), "previous": as_number(series.previous),
        "growth": as_number(series.growth), "year": year, "name": indicator.name, "unit": indicator.unit,
    }


def _export(kind: str, indicator, year, month, scope, basis, period):
    if kind == "figures":
        figures = services.park_figures(year, month, scope, basis)
        data = table_xlsx("园区经济指标", FIGURE_HEADERS, _figure_rows(figures))
        return xlsx_response(data, f"园区经济指标-{period}.xlsx")
    if kind == "top":
        rows = [(i, f.enterprise.name, f.enterprise.uscc, f.value)
                for i, f in enumerate(services.top_enterprises(indicator, year, month, scope), start=1)]
        data = table_xlsx("企业排名", ["排名", "企业", "统一社会信用代码", f"{indicator.name}（{indicator.unit}）"], rows)
        return xlsx_response(data, f"{indicator.name}前{services.TOP_N}名-{period}.xlsx")
    if kind in services.BREAKDOWNS:
        rows = services.breakdown(indicator, year, month, kind, scope)
        data = table_xlsx(services.BREAKDOWNS[kind], [services.BREAKDOWNS[kind][1:], f"{indicator.name}（{indicator.unit}）"], rows)
        return xlsx_response(data, f"{indicator.name}{services.BREAKDOWNS[kind]}-{period}.xlsx")
    raise BadRequest(f"不支持导出“{kind}”。")


@login_required
@permission_required("economy.view_fact", raise_exception=True)
def enterprise_history_export(request, pk):
    """The enterprise panel's table (annual indicators by year, with growth) as xlsx."""
    enterprise = get_object_or_404(scope_queryset(Enterprise.objects.all(), request.user), pk=pk)
    history = services.enterprise_history(enterprise)
    headers = ["指标", "单位", *(h for year in history["years"] for h in (f"{year}年", f"{year}年同比（%）"))]
    rows = ([row["indicator"].name, row["indicator"].unit, *chain.from_iterable(row["cells"])]
            for row in history["rows"])
    return xlsx_response(table_xlsx("年度经济指标", headers, rows), f"{enterprise.name}-年度经济指标.xlsx")


def economy_panel(request, enterprise):
    """The enterprise's annual indicators over the years, with growth, on its detail page."""
    if not request.user.has_perm("economy.view_fact"):
        return None
    history = services.enterprise_history(enterprise)
    return {
        "key": "economy", "title": "经济指标", "template": "economy/panels/economy.html",
        "context": {"history": history, "enterprise": enterprise,
                    "export_url": reverse("economy:enterprise_history_export", args=[enterprise.pk]),
                    "facts_url": reverse("economy:fact_list") + f"?enterprise={enterprise.pk}"},
    }


