import django_filters

from openpark.core import crypto
from openpark.core.filters import DATE_INPUT, RuleFilter, SearchFilterSet
from openpark.core.models import Grid
from openpark.core.widgets import AutocompleteSelect
from openpark.enterprises.models import Enterprise

from django.db.models import OuterRef, Subquery

from .choices import (
    ActivityKind, CaseChannel, CaseIcon, CaseStage, CaseState, DepartmentKind, EntryKind, Facility, JobType,
    OrganisationKind, RedemptionState, Resolution, StationKind, StationTier, Urgency,
)
from .models import (
    Activity, Case, CaseCategory, CaseTimeLimit, Department, LedgerEntry, Open311Key, Organisation, Participation,
    Redemption, Reward, Station, StationInspection, VolunteerTeam, Worker, failing, normalise_phone, with_facility,
)
from .standards import FAILED, PASSED

RESULTS = (("passed", PASSED), ("failed", FAILED))
LATEST_INSPECTION = (("failed", "不达标"), ("passed", "达标"), ("none", "未检查"))


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("name", "officers")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label="组织类型")

    class Meta:
        model = Organisation
        fields = []


class StationFilterSet(SearchFilterSet):
    search_fields = ("name", "address")
    tier = django_filters.ChoiceFilter(choices=StationTier.choices, label="层级")
    kind = django_filters.ChoiceFilter(choices=StationKind.choices, label="驿站类型")
    facility = django_filters.ChoiceFilter(choices=Facility.choices, method="filter_facility", label="有此设施")
    latest_inspection = django_filters.ChoiceFilter(choices=LATEST_INSPECTION, method="filter_latest_inspection",
                                                    label="最近一次检查")

    class Meta:
        model = Station
        fields = []

    def filter_facility(self, queryset, name, value):
        return with_facility(queryset, value) if value else queryset

    def filter_latest_inspection(self, queryset, name, value):
        """Stations by the result of their latest inspection (不达标: `failing`), or never inspected."""
        if not value:
            return queryset
        inspections = StationInspection.objects.all()
        if value == "none":
            return queryset.exclude(pk__in=inspections.values("station_id"))
        latest = inspections.filter(station_id=OuterRef("station_id")).order_by("-inspected_on", "-pk").values("pk")[:1]
        latest = inspections.filter(pk=Subquery(latest))
        latest = latest.filter(failing()) if value == "failed" else latest.exclude(failing())
        return queryset.filter(pk__in=latest.values("station_id"))


class StationInspectionFilterSet(SearchFilterSet):
    search_fields = ("station__name", "inspector", "note")
    station = django_filters.ModelChoiceFilter(queryset=Station.objects.all(), label="站点")
    result = django_filters.ChoiceFilter(choices=RESULTS, method="filter_result", label="检查结果")
    inspected_from = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte", label="检查日期从",
                                               widget=DATE_INPUT)
    inspected_to = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte", label="检查日期至",
                                             widget=DATE_INPUT)

    class Meta:
        model = StationInspection
        fields = []

    def filter_result(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(failing()) if value == "failed" else queryset.exclude(failing())


class VolunteerTeamFilterSet(SearchFilterSet):
    search_fields = ("name", "leader")
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label="所属组织")

    class Meta:
        model = VolunteerTeam
        fields = []


class WorkerFilterSet(SearchFilterSet):
    """Workers are searched by name or employer; the phone only whole, through its digest, so
    that no part of a number finds anyone."""

    search_fields = ("name", "employer__name")
    phone = django_filters.CharFilter(method="filter_phone", label="手机号（完整 11 位）")
    job_type = django_filters.ChoiceFilter(choices=JobType.choices, label="从业类型")
    employer = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="所属企业")
    party_member = django_filters.BooleanFilter(label="党员")
    union_member = django_filters.BooleanFilter(label="工会会员")
    grid_worker = django_filters.BooleanFilter(label="兼职网格员")
    grid = django_filters.ModelChoiceFilter(queryset=Grid.objects.all(), label="所在网格")
    station = django_filters.ModelChoiceFilter(queryset=Station.objects.all(), label="常驻驿站")
    team = django_filters.ModelChoiceFilter(queryset=VolunteerTeam.objects.all(), field_name="teams",
                                            label="志愿队伍")

    class Meta:
        model = Worker
        fields = []

    def filter_phone(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        # under any digest algorithm the platform has used, so that switching to SM3 finds old rows
        return queryset.filter(phone_digest__in=crypto.lookup_candidates(normalise_phone(value)))


class ActivityFilterSet(SearchFilterSet):
    search_fields = ("title", "place")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label="活动类型")
    organiser = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label="主办组织")
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label="活动日期从",
                                          widget=DATE_INPUT)
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label="活动日期至", widget=DATE_INPUT)

    class Meta:
        model = Activity
        fields = []


class ParticipationFilterSet(SearchFilterSet):
    search_fields = ("activity__title", "worker__name")
    attended = django_filters.BooleanFilter(label="已签到")

    class Meta:
        model = Participation
        fields = []


class LedgerEntryFilterSet(SearchFilterSet):
    search_fields = ("worker__name", "reason", "source")
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices, label="类别")
    on_from = django_filters.DateFilter(field_name="on", lookup_expr="gte", label="记账日期从", widget=DATE_INPUT)
    on_to = django_filters.DateFilter(field_name="on", lookup_expr="lte", label="记账日期至", widget=DATE_INPUT)

    class Meta:
        model = LedgerEntry
        fields = []


class RewardFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    is_active = django_filters.BooleanFilter(label="上架")

    class Meta:
        model = Reward
        fields = []


class RedemptionFilterSet(SearchFilterSet):
    search_fields = ("worker__name", "reward__name")
    state = django_filters.ChoiceFilter(choices=RedemptionState.choices, label="状态")
    reward = django_filters.ModelChoiceFilter(queryset=Reward.objects.all(), label="兑换品")

    class Meta:
        model = Redemption
        fields = []


# 随手拍 and grid cases --------------------------------------------------------------------------

class DepartmentFilterSet(SearchFilterSet):
    search_fields = ("name", "note")
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label="类型")
    is_active = django_filters.BooleanFilter(label="在用")

    class Meta:
        model = Department
        fields = []


class CaseCategoryFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "group", "keywords")
    icon = django_filters.ChoiceFilter(choices=CaseIcon.choices, label="图标")
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label="默认处置部门")
    anonymous_allowed = django_filters.BooleanFilter(label="允许匿名上报")
    is_active = django_filters.BooleanFilter(label="在用")

    class Meta:
        model = CaseCategory
        fields = []


class CaseTimeLimitFilterSet(SearchFilterSet):
    search_fields = ("category__name",)
    category = django_filters.ModelChoiceFilter(queryset=CaseCategory.objects.all(), label="问题类别")
    stage = django_filters.ChoiceFilter(choices=CaseStage.choices, label="环节")
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label="紧急程度")

    class Meta:
        model = CaseTimeLimit
        fields = []


class CaseFilterSet(SearchFilterSet):
    search_fields = ("number", "description", "address")
    state = django_filters.MultipleChoiceFilter(choices=CaseState.choices, label="状态")
    category = django_filters.ModelChoiceFilter(queryset=CaseCategory.objects.all(), label="问题类别")
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label="紧急程度")
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label="处置部门")
    grid = django_filters.ModelChoiceFilter(queryset=Grid.objects.all(), label="所在网格")
    reporter_worker = django_filters.ModelChoiceFilter(queryset=Worker.objects.all(), label="上报人员",
                                                       widget=AutocompleteSelect(Worker))
    channel = django_filters.ChoiceFilter(choices=CaseChannel.choices, label="来源渠道")
    resolution = django_filters.ChoiceFilter(choices=Resolution.choices, label="结案结果")
    overdue = RuleFilter(rule=Case.overdue_q, label="逾期")
    late = RuleFilter(rule=Case.late_q, label="有环节超时")
    reworked = django_filters.BooleanFilter(field_name="reworks", method="filter_more_than_none", label="返工过")
    extended = django_filters.BooleanFilter(field_name="extensions", method="filter_more_than_none", label="延期过")
    reported_from = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__gte", label="上报日期从",
                                              widget=DATE_INPUT)
    reported_to = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__lte", label="上报日期至",
                                            widget=DATE_INPUT)
    closed_from = django_filters.DateFilter(field_name="closed_at", lookup_expr="date__gte", label="结案日期从",
                                            widget=DATE_INPUT)
    closed_to = django_filters.DateFilter(field_name="closed_at", lookup_expr="date__lte", label="结案日期至",
                                          widget=DATE_INPUT)

    class Meta:
        model = Case
        fields = []

    def filter_more_than_none(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(**{f"{name}__gt": 0}) if value else queryset.filter(**{name: 0})


class Open311KeyFilterSet(SearchFilterSet):
    search_fields = ("name", "prefix")
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = Open311Key
        fields = []
