from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from openpark.core import navigation
from openpark.core.generic import error_message
from openpark.core.workflow_views import ObjectEscalateView
from openpark.core.registry import declared
from openpark.core.scoping import is_park_wide
from openpark.enterprises.choices import LinkStatus

from . import forms, services
from .choices import UNDER_CONSTRUCTION, ContactStatus, Stage
from .models import ENTER_HISTORY_PERMISSION, Problem


@login_required
def existing_project(request):
    """A project already under way, entered with its stage, the day it entered each stage and what
    each stage needs, recorded once on its timeline (investment staff only)."""
    if not request.user.has_perm(ENTER_HISTORY_PERMISSION):
        raise PermissionDenied("您没有录入既有项目历史的权限。")
    form = forms.ExistingProjectForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            stage, dates = form.history()
            try:
                project = services.enter_existing(form.instance, stage, dates, request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"已录入既有项目“{project}”及其历史。")
                return redirect(project)
        messages.error(request, "保存失败，请按提示修改后重试。")
    return render(request, "core/object_form.html", {
        "title": "录入既有项目", "form": form,
        "breadcrumbs": navigation.breadcrumbs(("招商项目", reverse("investment:project_list")), ("录入既有项目", ""),
                                              module="investment"),
    })


def link_panel(request, link):
    projects = link.projects.filter(stage__in=UNDER_CONSTRUCTION)
    return {"key": "link", "title": "环节上的在建项目与目标企业", "template": "investment/panels/link.html",
            "context": {"projects": projects, "targets": link.targets.all()}}


# The parts of a project's page, each shown to those who may view its records: an investor
# enterprise sees its project's stages, not the park's internal problems, team or notes.
PROJECT_PARTS = {"problems": "problem", "team": "teammember", "land_tasks": "landtask",
                 "deadlines": "projectdeadline", "stage_dates": "stagedate"}


def stage_rows(project, stage_dates) -> list[tuple[str, str, object, object]]:
    """(stage, label, planned date, actual date) of each stage; 线索's actual date is the day the
    project became a lead (`Project.lead_on`)."""
    rows = []
    for value, label in project.machine.labels.items():
        if value == Stage.TERMINATED:
            continue
        dates = stage_dates.get(value)
        actual = dates.actual_on if dates else None
        if value == Stage.LEAD:
            actual = project.lead_on(actual)
        rows.append((value, label, dates.planned_on if dates else None, actual))
    return rows


def project_panel(request, project):
    user = request.user
    stage_dates = {d.stage: d for d in project.stage_dates.all()}
    may_view = {part: user.has_perm(f"investment.view_{model}") for part, model in PROJECT_PARTS.items()}
    may_add = {part: user.has_perm(f"investment.add_{model}") for part, model in PROJECT_PARTS.items()}
    return {"key": "project", "title": "项目进程", "template": "investment/panels/project.html", "context": {
        "project": project, "stages": stage_rows(project, stage_dates),
        "problems": project.problems.all() if may_view["problems"] else None,
        "team": project.team.all() if may_view["team"] else None,
        "land_tasks": project.land_tasks.all() if may_view["land_tasks"] else None,
        "deadlines": services.project_deadlines(project) if may_view["deadlines"] else None,
        "may_add": may_add, "stale": project.is_stale(services.stale_days()), "stale_days": services.stale_days(),
    }}


def adviser_panel(request, adviser):
    return {"key": "leads", "title": "引荐的线索", "template": "investment/panels/adviser.html",
            "context": {"leads": adviser.leads.all()}}


def problem_panel(request, problem):
    return {"key": "problem", "title": "处理", "template": "investment/panels/problem.html",
            "context": {"problem": problem, "resolve_form": forms.ResolveForm(),
                        "can_change": request.user.has_perm("investment.change_problem")}}


def enterprise_projects_panel(request, enterprise):
    if not request.user.has_perm("investment.view_project"):
        return None
    return {"key": "projects", "title": "招商项目", "template": "investment/panels/enterprise.html",
            "context": {"projects": enterprise.projects.all()}}


def advance(request, pk, transition):
    """The address stage changes had before they became the project's transitions: sent on, POST kept."""
    return HttpResponseRedirect(reverse("investment:project_transition", args=[pk, transition]), status=307)


class ProblemEscalateView(ObjectEscalateView):
    """A problem's 上报/督办: to a person chosen, or, with no one chosen (上报挂钩领导), to the
    project's linked leader."""

    def post(self, request, pk):
        if request.POST.get("assignee"):
            return super().post(request, pk)
        if not request.user.has_perm("investment.change_problem"):
            raise PermissionDenied("您没有处理项目问题的权限。")
        problem = self.get_object()
        try:
            services.escalate(problem, request.user)
        except ValidationError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, f"已上报挂钩领导 {problem.project.linked_leader}。")
        return redirect(problem)


@login_required
@require_POST
@permission_required("investment.change_problem", raise_exception=True)
def resolve(request, pk):
    problem = get_object_or_404(declared(Problem).scoped(request.user), pk=pk)
    form = forms.ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请说明解决情况。")
        services.resolve(problem, form.cleaned_data["resolution"])
    except ValidationError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, "问题已解决。")
    return redirect(problem)


@login_required
@permission_required("investment.view_project", raise_exception=True)
def pipeline(request):
    """The pipeline: projects and investment by stage, year, chain and zone; conversion; age in
    stage; the largest projects; what is stuck (stale projects, overdue problems)."""
    if not is_park_wide(request.user):
        raise PermissionDenied("项目总览仅向园区管理人员开放。")
    form = forms.SinceForm(request.GET or None)
    since = form.cleaned_data["since"] if form.is_bound and form.is_valid() else forms.SinceForm.DEFAULT
    return render(request, "investment/pipeline.html", {
        "title": "招商项目总览", "breadcrumbs": navigation.breadcrumbs(("招商项目总览", ""), module="investment"),
        "form": form, "since": since, "totals": services.summary(since),
        "pipeline": services.pipeline(), "stale": services.stale_projects().select_related("chain"),
        "stale_days": services.stale_days(),
        "overdue": services.overdue_problems().select_related("project"),
        "may_enter_history": request.user.has_perm(ENTER_HISTORY_PERMISSION),
    })


def stuck_section(request, role):
    """On the leaders' and investment staff's home pages: problems past their deadline (those
    escalated to this user first) and stale projects."""
    user = request.user
    if not (user.has_perm("investment.view_problem") and is_park_wide(user)):
        return None
    overdue = list(services.overdue_problems().select_related("project").order_by("deadline"))
    mine = [p for p in overdue if p.escalated_on and user.full_name and p.project.linked_leader == user.full_name]
    stale = services.stale_projects()
    if not overdue and not stale.exists():
        return None
    return {"key": "investment-stuck", "title": "招商项目：逾期问题与停滞项目", "template": "investment/home_section.html",
            "context": {"mine": mine, "overdue": [p for p in overdue if p not in mine][:10], "overdue_count": len(overdue),
                        "stale_count": stale.count(), "stale_days": services.stale_days(),
                        "pipeline_url": reverse("investment:pipeline")}}



@login_required
@permission_required("enterprises.view_chain", raise_exception=True)
def chain_map(request):
    """Every chain and its links, coloured by status; a link opens its enterprises and projects."""
    return render(request, "investment/chain_map.html", {
        "title": "产业链图谱", "breadcrumbs": navigation.breadcrumbs(("产业链图谱", ""), module="investment"),
        "chains": services.chain_map(), "statuses": LinkStatus.choices,
    })


@login_required
@permission_required("investment.view_targetcompany", raise_exception=True)
def target_progress(request):
    form = forms.YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else timezone.localdate().year
    progress = services.target_progress(year)
    labels = dict(ContactStatus.choices)
    rows = [(labels[status], count, round(count / progress["goal"] * 100) if progress["goal"] else None)
            for status, count in progress["reached"].items()]
    return render(request, "investment/target_progress.html", {
        "title": f"{year} 年链长制目标企业进度", "form": form, "year": year, "progress": progress, "rows": rows,
        "breadcrumbs": navigation.breadcrumbs(("目标企业", reverse("investment:targetcompany_list")), ("进度", ""),
                                              module="investment"),
        "list_url": reverse("investment:targetcompany_list") + f"?year={year}",
        "goal_url": reverse("investment:targetgoal_list") + f"?year={year}",
        "may_set_goal": request.user.has_perm("investment.add_targetgoal"),
        "set_goal_url": reverse("investment:targetgoal_add") + f"?year={year}",
    })
