from rest_framework import serializers

from openpark.core.api.serializers import ScopedModelSerializer

from .. import stages
from ..choices import STAGE_ORDER, Stage
from ..services import enter_existing, history_dates
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


# The day a project entered each stage: "lead_on", "negotiating_on" … "producing_on".
StageDatesSerializer = type("StageDatesSerializer", (serializers.Serializer,), {
    name: serializers.DateField(label=f"{Stage(stage).label}日期", required=False, allow_null=True, write_only=True)
    for name, stage in stages.HISTORY_FIELDS.items()})


class ExistingProjectSerializer(ProjectSerializer, StageDatesSerializer):
    """A project already under way: the project's fields, its current stage and the day it entered
    each stage ("signed_on": 签约日期 …), checked and written by `services.enter_existing`."""

    current_stage = serializers.ChoiceField(label="当前阶段", choices=[(s.value, s.label) for s in STAGE_ORDER],
                                            write_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "current_stage", *stages.HISTORY_FIELDS]

    def validate(self, attrs):
        history = {name: attrs.pop(name, None) for name in stages.HISTORY_FIELDS}
        current = attrs.pop("current_stage")
        attrs = super().validate(attrs)
        self._history = (current, history_dates(history))
        return attrs

    def create(self, validated_data):
        stage, dates = self._history
        return enter_existing(Project(**validated_data), stage, dates, self.context["request"].user)


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
