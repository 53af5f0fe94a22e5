from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpark.core import navigation, progress
from openpark.core.exports import table_xlsx, xlsx_response
from openpark.core.generic import error_message
from openpark.core.registry import declared
from openpark.core.scoping import is_park_wide

from . import forms, report, services, tasks
from .choices import Movement, RunState, grade_label
from .cockpit import grade_counts
from .models import DisposalCase, LowEfficiencyRule, Result, Run, SchemeVersion
from .scheme import INPUT_FIELDS, SchemeError

MOVE_HEADERS = ["统一社会信用代码", "企业名称", "较早等级", "较晚等级", "变化"]
CHART_SCRIPTS = ("vendor/echarts/echarts.min.js", "js/evaluation-charts.js")


def scheme_panel(request, scheme):
    try:
        parsed = scheme.parsed()
    except SchemeError as exc:
        return {"key": "scheme", "title": "方案内容", "template": "evaluation/panels/scheme.html",
                "context": {"error": str(exc)}}
    return {"key": "scheme", "title": "方案内容", "template": "evaluation/panels/scheme.html",
            "context": {"scheme": parsed, "inputs": INPUT_FIELDS, "object": scheme,
                        "can_copy": request.user.has_perm("evaluation.add_schemeversion")}}


def run_panel(request, run):
    results = Result.objects.filter(run=run)
    return {"key": "run", "title": "评价过程", "template": "evaluation/panels/run.html", "scripts": CHART_SCRIPTS,
            "context": {
        "distribution": services.distribution(run) if run.state in ("computed", "published") else None,
        "run": run,
        "grades": _grade_counts(run, results) if run.state in ("computed", "published") else [],
        "missing": sorted((run.summary.get("missing") or {}).items(), key=lambda item: -item[1]),
        "input_labels": INPUT_FIELDS, "lacking": results.exclude(missing=[]).count(),
        "results_url": reverse("evaluation:result_list") + f"?run={run.pk}",
    }}


def _grade_counts(run, results) -> list[tuple[str, int]]:
    """("A 类", n) … ("未纳入", n) as the results stand now: an adjusted class counts as adjusted."""
    counts = [(grade_label(grade), count) for grade, count in grade_counts(run).items()]
    return [*counts, ("未纳入", results.filter(grade="").count())]


def result_panel(request, result):
    lines, graded = services.indicator_lines(result)
    can_adjust = request.user.has_perm("evaluation.change_result") and result.run.state == "computed" and result.group
    chart = {
        "names": [line.name for line in lines],
        "series": [[report.share(getattr(line, field), line.weight) for line in lines]
                   for field in ("score", "group_average", "industry_average")],
    }
    # A radar needs three axes or more; with fewer indicators, bars against the averages.
    chart_kind = "radar" if len(lines) >= report.RADAR_MINIMUM else "bars"
    return {"key": "result", "title": "指标得分", "template": "evaluation/panels/result.html", "scripts": CHART_SCRIPTS,
            "context": {
        "result": result, "lines": lines, "graded": graded, "chart": chart, "chart_kind": chart_kind,
        "history": services.class_history(result.enterprise, request.user),
        "adjust_form": forms.AdjustForm(initial={"grade": result.grade}), "can_adjust": can_adjust,
    }}


def enterprise_panel(request, enterprise):
    """The enterprise's classes over the years, on its detail page."""
    if not request.user.has_perm("evaluation.view_result"):
        return None
    results = (services.visible_results(Result.objects.filter(enterprise=enterprise, run__is_deleted=False), request.user)
               .select_related("run").order_by("-run__year", "-run__pk"))
    return {"key": "evaluation", "title": "亩均评价", "template": "evaluation/panels/enterprise.html",
            "context": {"results": results}}


def disposal_panel(request, case):
    return {"key": "disposal", "title": "处置进展", "template": "evaluation/panels/disposal.html", "context": {
        "case": case, "progress": case.progress.all(),
        "progress_form": forms.ProgressForm(initial={"on": timezone.localdate()}),
        "can_change": request.user.has_perm("evaluation.change_disposalcase"),
    }}


def _run_for(request, pk) -> Run:
    if not is_park_wide(request.user):
        raise PermissionDenied("评价批次仅向园区管理人员开放。")
    return get_object_or_404(Run.objects.select_related("scheme"), pk=pk)


def run_action(request, pk, action):
    """The address run actions had before they became the run's transitions: sent on, POST kept."""
    return HttpResponseRedirect(reverse("evaluation:run_transition", args=[pk, action]), status=307)


@login_required
@require_POST
@permission_required("evaluation.change_result", raise_exception=True)
def adjust_result(request, pk):
    result = get_object_or_404(declared(Result).scoped(request.user).select_related("run"), pk=pk)
    form = forms.AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, "调档失败：须选择等级并填写理由。")
        return redirect(result)
    try:
        with transaction.atomic():
            services.adjust(result, form.cleaned_data["grade"], form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, f"已调整为 {grade_label(result.grade)}，已记入变更历史。")
    return redirect(result)


@login_required
@require_POST
@permission_required("evaluation.add_schemeversion", raise_exception=True)
def new_scheme_version(request, pk):
    """另存为新版本: a copy of the version with the next number, to edit."""
    source = get_object_or_404(SchemeVersion.objects.all(), pk=pk)
    latest = SchemeVersion.all_objects.filter(name=source.name).aggregate(latest=Max("version"))["latest"]
    copy = SchemeVersion.objects.create(name=source.name, version=latest + 1, title=source.title,
                                        definition={**source.definition, "version": latest + 1},
                                        note=f"由第 {source.version} 版复制")
    messages.success(request, f"已建立第 {copy.version} 版，可以修改。")
    return redirect(reverse("evaluation:schemeversion_edit", args=[copy.pk]))


@login_required
@permission_required("evaluation.view_run", raise_exception=True)
def compare(request):
    if not is_park_wide(request.user):
        raise PermissionDenied("评价批次仅向园区管理人员开放。")
    chosen = "earlier" in request.GET  # a link with only ?later= just preselects it
    form = forms.CompareForm(request.GET if chosen else None, initial=request.GET.dict())
    context = {"title": "评价批次对比", "form": form,
               "breadcrumbs": navigation.breadcrumbs(("评价批次", reverse("evaluation:run_list")), ("对比", ""),
                                                     module="evaluation")}
    if not form.is_bound:
        return render(request, "evaluation/compare.html", context)
    if not form.is_valid():
        return render(request, "evaluation/compare.html", context, status=400)
    earlier, later = form.cleaned_data["earlier"], form.cleaned_data["later"]
    moves = services.compare(earlier, later)
    labels = {key: str(label) for key, label in Movement.choices}
    if request.GET.get("export") == "xlsx":
        rows = [(m.uscc, m.name, grade_label(m.before), grade_label(m.after), labels[m.movement]) for m in moves]
        return xlsx_response(table_xlsx("等级变化", MOVE_HEADERS, rows), f"评价对比-{earlier.year}-{later.year}.xlsx")
    counts = {labels[key]: sum(1 for m in moves if m.movement == key) for key in Movement.values}
    shown = [m for m in moves if m.movement in (Movement.UP, Movement.DOWN)]
    context.update(earlier=earlier, later=later, counts=counts, moves=shown, labels=labels,
                   export_query=request.GET.urlencode())
    return render(request, "evaluation/compare.html", context)


@login_required
@permission_required("evaluation.view_result", raise_exception=True)
def result_report(request, pk):
    """The enterprise's 亩均效益体检报告 (PDF): staff for any enterprise, an enterprise for its own."""
    result = get_object_or_404(declared(Result).scoped(request.user).select_related("run__scheme", "enterprise"), pk=pk)
    content = report.render(services.report_data(result))
    response = HttpResponse(content, content_type="application/pdf")
    filename = report_filename(result)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def report_filename(result) -> str:
    return f"{result.enterprise.name}-{result.run.year}年度亩均效益体检报告.pdf"


@login_required
@require_POST
def run_reports(request, pk):
    """Every evaluated enterprise's report of the run, as one zip, made in the background."""
    run = _run_for(request, pk)
    if not request.user.has_perm("evaluation.view_result"):
        raise PermissionDenied("您没有查看评价结果的权限。")
    task_run = progress.start(tasks.report_zip, f"生成体检报告：{run}", request.user, run.pk, request.user.pk)
    return redirect(task_run.get_absolute_url() + f"?next={run.get_absolute_url()}")


LOW_HEADERS = ["统一社会信用代码", "企业名称", "行业代码", "用地面积（亩）", "实缴税收（万元）", "亩均税收（万元/亩）",
               "行业平均亩均税收（万元/亩）", "认定理由", "处置案"]


@login_required
@permission_required("evaluation.view_disposalcase", raise_exception=True)
def low_efficiency(request):
    """低效用地: the enterprises under the rule in a run, the park's 亩均税收 against its target."""
    if not is_park_wide(request.user):
        raise PermissionDenied("低效用地清单仅向园区管理人员开放。")
    form = forms.LowEfficiencyForm(request.GET or None)
    context = {"title": "低效用地", "form": form,
               "breadcrumbs": navigation.breadcrumbs(("低效用地", ""), module="evaluation")}
    if form.is_bound and not form.is_valid():
        return render(request, "evaluation/low_efficiency.html", context, status=400)
    run = (form.cleaned_data.get("run") if form.is_bound else None) or _latest_run()
    rule = LowEfficiencyRule.current()
    context.update(run=run, rule=rule)
    if run is None:
        return render(request, "evaluation/low_efficiency.html", context)
    rows = services.low_efficiency(run, rule)
    if request.GET.get("export") == "xlsx":
        table = [(r.uscc, r.name, r.industry, r.land, r.tax, round(r.tax_per_mu, 4), round(r.industry_average, 4),
                  r.reasons, "已建" if r.case_id else "") for r in rows]
        return xlsx_response(table_xlsx("低效用地", LOW_HEADERS, table), f"低效用地-{run.year}.xlsx")
    current, previous, growth = services.park_growth(run)
    context.update(rows=rows, current=current, previous=previous, growth=growth,
                   met=growth is not None and growth >= float(rule.growth_target_pct),
                   export_query=request.GET.urlencode(), can_add=request.user.has_perm("evaluation.add_disposalcase"),
                   rule_url=reverse("evaluation:lowefficiencyrule_detail", args=[rule.pk]))
    return render(request, "evaluation/low_efficiency.html", context)


def _latest_run():
    runs = Run.objects.exclude(state=RunState.DRAFT).order_by("-year", "-pk")
    return runs.filter(state=RunState.PUBLISHED).first() or runs.first()


def _case_for(request, pk) -> DisposalCase:
    return get_object_or_404(declared(DisposalCase).scoped(request.user), pk=pk)


def disposal_action(request, pk, action):
    """The address case actions had before they became the case's transitions: sent on, POST kept."""
    return HttpResponseRedirect(reverse("evaluation:disposalcase_transition", args=[pk, action]), status=307)


@login_required
@require_POST
@permission_required("evaluation.change_disposalcase", raise_exception=True)
def disposal_progress(request, pk):
    case = _case_for(request, pk)
    form = forms.ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "进展未保存：须填写日期和进展内容。")
        return redirect(case)
    try:
        services.add_progress(case, form.cleaned_data["on"], form.cleaned_data["text"], request.user)
    except ValidationError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, "已记录进展。")
    return redirect(case)
