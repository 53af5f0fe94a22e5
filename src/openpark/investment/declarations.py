"""招商引资's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages
from openpark.core.registry import Api, Menu, add_panel
from openpark.enterprises.models import ChainLink, Enterprise

from . import filters, forms
from .api import serializers
from .importers import project_importer
from .models import (
    Adviser, DeadlineRule, LandTask, Lead, Problem, Project, ProjectDeadline, StageDate, TargetCompany, TargetGoal,
    TeamMember, Visit,
)
from .views import ProblemEscalateView, adviser_panel, enterprise_projects_panel, link_panel, problem_panel, project_panel

MODULE = "investment"

adviser_pages = ModelPages(
    Adviser, filterset_class=filters.AdviserFilterSet, list_columns=["name", "kind", "organisation", "appointed_on"],
    form_fields=["name", "kind", "organisation", "appointed_on", "note"], panels=[adviser_panel],
    api=Api("advisers", serializer=serializers.AdviserSerializer),
    menu=Menu(MODULE, "招商顾问", order=100, park_wide=True),
)
target_pages = ModelPages(
    TargetCompany, filterset_class=filters.TargetCompanyFilterSet, prefix="targets/",
    list_columns=["year", "name", "company_type", "link", "officer", "contact_status"],
    form_fields=["year", "name", "company_type", "link", "officer", "contact_status", "note"],
    select_related=["link__chain"],
    api=Api("targets", serializer=serializers.TargetCompanySerializer),
    menu=Menu(MODULE, "目标企业", order=70, park_wide=True),
)
goal_pages = ModelPages(
    TargetGoal, filterset_class=filters.TargetGoalFilterSet, prefix="target-goals/",
    list_columns=["year", "count", "note"], form_fields=["year", "count", "note"],
    api=Api("target-goals", serializer=serializers.TargetGoalSerializer),
    menu=Menu(MODULE, "目标企业年度目标", order=75, park_wide=True),
)
lead_pages = ModelPages(
    Lead, filterset_class=filters.LeadFilterSet, form_class=forms.LeadForm,
    list_columns=["received_on", "source", "investor", "intended_project", "officer", "adviser"],
    api=Api("leads", serializer=serializers.LeadSerializer),
    menu=Menu(MODULE, "招商线索", order=40, park_wide=True),
)
visit_pages = ModelPages(
    Visit, filterset_class=filters.VisitFilterSet, form_class=forms.VisitForm,
    list_columns=["held_on", "kind", "place", "participants", "next_step", "next_due"],
    api=Api("visits", serializer=serializers.VisitSerializer),
    menu=Menu(MODULE, "走访洽谈", order=50, park_wide=True),
)
project_pages = ModelPages(
    Project, filterset_class=filters.ProjectFilterSet, form_class=forms.ProjectForm,
    list_columns=["code", "name", "investor", "chain", "zone", "stage", "total_investment", "linked_leader",
                  "last_progress_on"], select_related=["chain", "zone"], panels=[project_panel],
    importer=project_importer, attachments=True,
    api=Api("projects", serializer=serializers.ProjectSerializer, select_related=("chain", "zone")),
    menu=Menu(MODULE, "招商项目", order=20),
)
problem_pages = ModelPages(
    Problem, filterset_class=filters.ProblemFilterSet, form_class=forms.ProblemForm,
    list_columns=["project", "stage", "description", "owner", "deadline", "overdue", "escalated_on", "resolved_on"],
    select_related=["project"], panels=[problem_panel], attachments=True,
    escalation=True, views={"escalate": ProblemEscalateView},
    api=Api("problems", serializer=serializers.ProblemSerializer, select_related=("project",)),
    menu=Menu(MODULE, "项目问题", order=30, park_wide=True),
)
team_pages = ModelPages(
    TeamMember, list_columns=["project", "name", "role", "organisation"], prefix="team/",
    form_fields=["project", "name", "role", "organisation"], select_related=["project"],
    search_fields=("name", "organisation"),
)
land_task_pages = ModelPages(
    LandTask, list_columns=["project", "kind", "status", "planned_on", "done_on"],
    form_fields=["project", "kind", "status", "planned_on", "done_on"], prefix="land-tasks/",
    select_related=["project"],
)
stage_date_pages = ModelPages(
    StageDate, list_columns=["project", "stage", "planned_on", "actual_on"],
    form_fields=["project", "stage", "planned_on"], prefix="stage-dates/",
    actions=("list", "detail", "add", "edit", "history"), select_related=["project"],
)
rule_pages = ModelPages(
    DeadlineRule, filterset_class=filters.DeadlineRuleFilterSet, prefix="deadline-rules/",
    list_columns=["order", "name", "working_days", "industrial_only"],
    detail_fields=["name", "working_days", "industrial_only", "order"],
    form_fields=["code", "name", "working_days", "industrial_only", "order"],
    api=Api("deadline-rules", serializer=serializers.DeadlineRuleSerializer),
    menu=Menu(MODULE, "办理时限", order=110, park_wide=True),
)
deadline_pages = ModelPages(
    ProjectDeadline, prefix="deadlines/",
    list_columns=["project", "rule", "applied_on", "due_on", "done_on", "overdue"],
    form_fields=["project", "rule", "applied_on", "done_on"], select_related=["project", "rule"],
    api=Api("deadlines", serializer=serializers.ProjectDeadlineSerializer, select_related=("rule",)),
)
add_panel(Enterprise, enterprise_projects_panel)
add_panel(ChainLink, link_panel)
