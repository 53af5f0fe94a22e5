import django_filters

from openpark.core.filters import SearchFilterSet, YearFilter
from openpark.enterprises.models import Chain, Zone

from .services import reached_since
from .choices import CompanyType, ContactStatus, LeadSource, Stage, VisitKind
from .models import Adviser, DeadlineRule, Lead, Problem, Project, TargetCompany, TargetGoal, Visit


class AdviserFilterSet(SearchFilterSet):
    search_fields = ("name", "organisation")

    class Meta:
        model = Adviser
        fields = ["kind"]


class TargetCompanyFilterSet(SearchFilterSet):
    search_fields = ("name", "officer")
    year = YearFilter(label="年度")
    company_type = django_filters.ChoiceFilter(choices=CompanyType.choices, label="企业类型")
    contact_status = django_filters.ChoiceFilter(choices=ContactStatus.choices, label="对接状态")
    chain = django_filters.ModelChoiceFilter(field_name="link__chain", queryset=Chain.objects.all(), label="产业链")

    class Meta:
        model = TargetCompany
        fields = []


class TargetGoalFilterSet(SearchFilterSet):
    search_fields = ("note",)
    year = YearFilter(label="年度")

    class Meta:
        model = TargetGoal
        fields = []


class LeadFilterSet(SearchFilterSet):
    search_fields = ("investor", "intended_project", "officer")
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, label="来源")
    adviser = django_filters.ModelChoiceFilter(queryset=Adviser.objects.all(), label="引荐顾问")

    class Meta:
        model = Lead
        fields = []


class VisitFilterSet(SearchFilterSet):
    search_fields = ("place", "participants", "outcome")
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices, label="方式")
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label="日期起")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label="日期止")

    class Meta:
        model = Visit
        fields = []


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "investor", "linked_leader")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label="阶段")
    chain = django_filters.ModelChoiceFilter(queryset=Chain.objects.all(), label="产业链")
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label="片区")
    investor_enterprise = django_filters.NumberFilter(field_name="investor_enterprise_id", label="投资企业编号")
    reached = django_filters.ChoiceFilter(choices=Stage.choices, method="filter_reached", label="到达阶段")
    reached_since = YearFilter(method="filter_reached", label="到达年份起")

    class Meta:
        model = Project
        fields = []

    def filter_reached(self, queryset, name, value):
        """The projects that reached a stage (in or after a year): what the pipeline and the
        cockpit count as signed, started or completed since that year."""
        data = self.form.cleaned_data
        stage, since = data.get("reached"), data.get("reached_since")
        if name == "reached_since" and stage:
            return queryset  # read with the stage
        return queryset.filter(pk__in=reached_since(stage, since).values("pk"))


class ProblemFilterSet(SearchFilterSet):
    search_fields = ("description", "owner", "project__name")
    open = django_filters.BooleanFilter(field_name="resolved_on", lookup_expr="isnull", label="仅未解决")
    escalated = django_filters.BooleanFilter(field_name="escalated_on", lookup_expr="isnull", exclude=True,
                                             label="仅已上报")
    project = django_filters.NumberFilter(field_name="project_id", label="项目编号")

    class Meta:
        model = Problem
        fields = []


class DeadlineRuleFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = DeadlineRule
        fields = []
