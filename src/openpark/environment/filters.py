import django_filters

from openpark.core.filters import DATE_INPUT, SearchFilterSet
from openpark.enterprises.models import Enterprise

from .choices import (
    SAMPLE_CLASS_CHOICES, TARGET_CLASS_CHOICES, ApprovalType, MeasureStatus, OutfallStage, PlanType, SampleKind,
    SiteKind, SourceCategory, TracingMethod, UsageStatus, WaterBodyKind, WaterBodyLevel, WaterClass,
)
from .models import (
    Measure, MonitoringSite, Outfall, OutfallClass, OutfallSample, PollutionSource, RemediationPlan, RiverSegment,
    Tracing, WaterBody, WaterSample,
)


class WaterBodyFilterSet(SearchFilterSet):
    search_fields = ("name",)
    kind = django_filters.ChoiceFilter(choices=WaterBodyKind.choices, label="类型")
    level = django_filters.ChoiceFilter(choices=WaterBodyLevel.choices, label="管理级别")
    target_class = django_filters.ChoiceFilter(choices=WaterClass.choices, label="水质目标")

    class Meta:
        model = WaterBody
        fields = []


class RiverSegmentFilterSet(SearchFilterSet):
    search_fields = ("name", "water_body__name", "start_description", "end_description")
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.all(), label="水体")

    class Meta:
        model = RiverSegment
        fields = []


class OutfallClassFilterSet(SearchFilterSet):
    search_fields = ("name",)
    is_storm_water = django_filters.BooleanFilter(label="雨水排口")

    class Meta:
        model = OutfallClass
        fields = []


class OutfallFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "enterprise__name", "responsible_organisation")
    stage = django_filters.ChoiceFilter(choices=OutfallStage.choices, label="状态")
    outfall_class = django_filters.ModelChoiceFilter(queryset=OutfallClass.objects.all(), label="排口类别")
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.all(), label="受纳水体")
    approval_type = django_filters.ChoiceFilter(choices=ApprovalType.choices, label="设置审批")
    usage_status = django_filters.ChoiceFilter(choices=UsageStatus.choices, label="使用状态")
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="责任企业")

    class Meta:
        model = Outfall
        fields = []


class OutfallSampleFilterSet(SearchFilterSet):
    search_fields = ("outfall__code", "outfall__name", "agency")
    kind = django_filters.ChoiceFilter(choices=SampleKind.choices, label="类型")
    compliant = django_filters.BooleanFilter(label="达标")
    outfall = django_filters.NumberFilter(field_name="outfall_id", label="排口编号")

    class Meta:
        model = OutfallSample
        fields = []


class RemediationPlanFilterSet(SearchFilterSet):
    search_fields = ("outfall__code", "outfall__name", "approved_by", "summary")
    plan_type = django_filters.ChoiceFilter(choices=PlanType.choices, label="整治类型")
    approved = django_filters.BooleanFilter(field_name="approved_on", lookup_expr="isnull", exclude=True,
                                            label="已批复")

    class Meta:
        model = RemediationPlan
        fields = []


class MeasureFilterSet(SearchFilterSet):
    search_fields = ("content", "owner", "plan__outfall__code", "plan__outfall__name")
    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices, label="状态")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期")
    plan = django_filters.NumberFilter(field_name="plan_id", label="方案编号")

    class Meta:
        model = Measure
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.overdue() if value else queryset.not_overdue()


class PollutionSourceFilterSet(SearchFilterSet):
    search_fields = ("name", "responsible_party", "location", "pollutants", "enterprise__name")
    category = django_filters.ChoiceFilter(choices=SourceCategory.choices, label="类别")
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="所属企业")

    class Meta:
        model = PollutionSource
        fields = []


class TracingFilterSet(SearchFilterSet):
    search_fields = ("outfall__code", "outfall__name", "source__name")
    method = django_filters.ChoiceFilter(choices=TracingMethod.choices, label="溯源方法")
    outfall = django_filters.NumberFilter(field_name="outfall_id", label="排口编号")
    source = django_filters.NumberFilter(field_name="source_id", label="污染源编号")

    class Meta:
        model = Tracing
        fields = []


# Water-quality monitoring (水质监测) ----------------------------------------------------------------


# A class, the ranges the cockpit counts, or no graded sample yet.
LATEST_CLASS_CHOICES = [*((str(number), label) for number, label in SAMPLE_CLASS_CHOICES),
                        ("1-3", "I–III类"), ("4-5", "IV–V类"), ("0", "尚无评价结果")]


class MonitoringSiteFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "water_body__name")
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.all(), label="所在水体")
    kind = django_filters.ChoiceFilter(choices=SiteKind.choices, label="断面类型")
    target_class = django_filters.ChoiceFilter(choices=TARGET_CLASS_CHOICES, label="水质目标")
    is_active = django_filters.BooleanFilter(label="在用")
    latest_class = django_filters.ChoiceFilter(choices=LATEST_CLASS_CHOICES, method="filter_latest_class",
                                               label="最新水质类别")

    class Meta:
        model = MonitoringSite
        fields = []

    def filter_latest_class(self, queryset, name, value):
        """Sites whose latest sample has the class chosen, or one of a range ("1-3"); 0: none graded yet."""
        if not value:
            return queryset
        from .services import with_latest_class

        first, _, last = str(value).partition("-")
        annotated = with_latest_class(queryset)
        if first == "0":
            return annotated.filter(latest_class__isnull=True)
        return annotated.filter(latest_class__gte=int(first), latest_class__lte=int(last or first))

class WaterSampleFilterSet(SearchFilterSet):
    search_fields = ("site__code", "site__name", "agency", "sampler")
    site = django_filters.ModelChoiceFilter(queryset=MonitoringSite.objects.all(), label="监测断面")
    water_body = django_filters.ModelChoiceFilter(field_name="site__water_body", queryset=WaterBody.objects.all(),
                                                  label="所在水体")
    date_from = django_filters.DateFilter(field_name="sampled_at", lookup_expr="date__gte", label="采样日期起",
                                          widget=DATE_INPUT)
    date_to = django_filters.DateFilter(field_name="sampled_at", lookup_expr="date__lte", label="采样日期止",
                                        widget=DATE_INPUT)
    water_class = django_filters.ChoiceFilter(choices=SAMPLE_CLASS_CHOICES, label="水质类别")
    worse_than_target = django_filters.BooleanFilter(method="filter_worse_than_target", label="劣于目标")

    class Meta:
        model = WaterSample
        fields = []

    def filter_worse_than_target(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.worse_than_target() if value else queryset.not_worse_than_target()
