from rest_framework import serializers

from openpark.core.api.serializers import ScopedModelSerializer

from ..models import Adviser, DeadlineRule, Lead, Problem, Project, ProjectDeadline, TargetCompany, TargetGoal, Visit

HIDDEN = {"is_deleted", "deleted_at", "created_at"}


def fields_of(model, *extra) -> list[str]:
    """Every field but the bookkeeping ones; fields not editable on the pages (a project's stage)
    are read-only here too."""
    return [f.name for f in model._meta.concrete_fields if f.name not in HIDDEN] + list(extra)


class AdviserSerializer(ScopedModelSerializer):
    class Meta:
        model = Adviser
        fields = fields_of(Adviser)


class TargetGoalSerializer(ScopedModelSerializer):
    class Meta:
        model = TargetGoal
        fields = fields_of(TargetGoal)


class TargetCompanySerializer(ScopedModelSerializer):
    class Meta:
        model = TargetCompany
        fields = fields_of(TargetCompany)


class LeadSerializer(ScopedModelSerializer):
    class Meta:
        model = Lead
        fields = fields_of(Lead)


class VisitSerializer(ScopedModelSerializer):
    class Meta:
        model = Visit
        fields = fields_of(Visit)


class ProjectSerializer(ScopedModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = Project
        fields = fields_of(Project, "stage_display")


class ProblemSerializer(ScopedModelSerializer):
    class Meta:
        model = Problem
        fields = fields_of(Problem)


class DeadlineRuleSerializer(ScopedModelSerializer):
    class Meta:
        model = DeadlineRule
        fields = fields_of(DeadlineRule)


class ProjectDeadlineSerializer(ScopedModelSerializer):
    due_on = serializers.DateField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ProjectDeadline
        fields = fields_of(ProjectDeadline, "due_on", "overdue")
