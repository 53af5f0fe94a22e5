import django_filters

from openpark.core.filters import DATE_INPUT, RuleFilter, SearchFilterSet
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
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.defer("geometry"), label="水体")

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
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.defer("geometry"), label="受纳水体")
    approval_type = django_filters.ChoiceFilter(choices=ApprovalType.choices, label="设置审批")
    usage_status = django_filters.ChoiceFilter(choices=UsageStatus.choices, label="使用状态")
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="责任企业")
    remediation_overdue = RuleFilter(rule=Outfall.remediation_overdue_q, label="整治逾期")
    awaiting_sign_off = RuleFilter(rule=Outfall.awaiting_sign_off_q, label="待销号审核")

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


# River chiefs, patrols and problems; the steward's inspections ---------------------------------

from openpark.core.filters import YearFilter  # noqa: E402
from openpark.enterprises.models import ServiceContract  # noqa: E402

from .choices import ChiefLevel, PatrolPeriod, ProblemCategory, ProblemSource, ProblemState, Quarter  # noqa: E402
from .models import (  # noqa: E402
    EnvironmentProblem, Patrol, PatrolRule, RiverChief, StewardAssessment, StewardInspection,
)


class RiverChiefFilterSet(SearchFilterSet):
    search_fields = ("name", "title", "water_bodies__name", "segments__name")
    level = django_filters.ChoiceFilter(choices=ChiefLevel.choices, label="河长级别")
    is_general = django_filters.BooleanFilter(label="总河长")
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.defer("geometry"), field_name="water_bodies",
                                                  label="负责水体")
    behind = django_filters.BooleanFilter(method="filter_behind", label="巡河未达标")

    class Meta:
        model = RiverChief
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).distinct()

    def filter_behind(self, queryset, name, value):
        from .services import chiefs_with_duty

        if value is None:
            return queryset
        ids = chiefs_with_duty().filter(behind=True).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class PatrolRuleFilterSet(SearchFilterSet):
    search_fields = ("note",)
    period = django_filters.ChoiceFilter(choices=PatrolPeriod.choices, label="周期")

    class Meta:
        model = PatrolRule
        fields = []


class PatrolFilterSet(SearchFilterSet):
    search_fields = ("chief__name", "water_body__name", "segment__name", "note")
    chief = django_filters.ModelChoiceFilter(queryset=RiverChief.objects.all(), label="河长")
    level = django_filters.ChoiceFilter(choices=ChiefLevel.choices, field_name="chief__level", label="河长级别")
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.defer("geometry"), label="巡查水体")
    counts = django_filters.BooleanFilter(label="计入履职")
    started_after = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label="开始日期起")
    started_before = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label="开始日期止")

    class Meta:
        model = Patrol
        fields = []


class EnvironmentProblemFilterSet(SearchFilterSet):
    search_fields = ("description", "responsible_unit", "enterprise__name", "water_body__name")
    state = django_filters.ChoiceFilter(choices=ProblemState.choices, label="状态")
    source = django_filters.ChoiceFilter(choices=ProblemSource.choices, label="来源")
    category = django_filters.ChoiceFilter(choices=ProblemCategory.choices, label="问题类别")
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.defer("geometry"), label="水体")
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="涉及企业")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期")
    # Who found it, by name: the chief whose patrol it came from, the steward (its service contract)
    # whose inspection did (with 来源 巡河 / 管家检查 and 水体, what people look a problem up by).
    chief = django_filters.ModelChoiceFilter(queryset=RiverChief.objects.all(), field_name="patrol__chief",
                                             label="巡河河长")
    steward = django_filters.ModelChoiceFilter(queryset=ServiceContract.objects.all(), field_name="inspection__contract",
                                               label="环保管家（服务合同）")
    open = django_filters.BooleanFilter(method="filter_open", label="未整改完成")

    class Meta:
        model = EnvironmentProblem
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.overdue() if value else queryset.not_overdue()

    def filter_open(self, queryset, name, value):
        from django.db.models import Q

        from .choices import PROBLEM_DONE_STATES

        if value is None:
            return queryset
        done = Q(state__in=PROBLEM_DONE_STATES)
        return queryset.exclude(done) if value else queryset.filter(done)


class StewardInspectionFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "inspectors", "summary", "contract__contractor")
    contract = django_filters.ModelChoiceFilter(queryset=ServiceContract.objects.all(), label="服务合同")
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="被检查企业")

    class Meta:
        model = StewardInspection
        fields = []


class StewardAssessmentFilterSet(SearchFilterSet):
    search_fields = ("contract__contractor", "contract__number", "assessed_by", "comments")
    contract = django_filters.ModelChoiceFilter(queryset=ServiceContract.objects.all(), label="服务合同")
    year = YearFilter(label="年度")
    quarter = django_filters.ChoiceFilter(choices=Quarter.choices, label="季度")

    class Meta:
        model = StewardAssessment
        fields = []


# Water-quality monitoring (水质监测) ----------------------------------------------------------------


# A class, the ranges the cockpit counts, or no graded sample yet.
LATEST_CLASS_CHOICES = [*((str(number), label) for number, label in SAMPLE_CLASS_CHOICES),
                        ("1-3", "I–III类"), ("4-5", "IV–V类"), ("0", "尚无评价结果")]


class MonitoringSiteFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "water_body__name")
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.defer("geometry"), label="所在水体")
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
    water_body = django_filters.ModelChoiceFilter(field_name="site__water_body", queryset=WaterBody.objects.defer("geometry"),
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


# The enterprise environmental file (一企一档, environmental part) ---------------------------------

from openpark.core.filters import YearFilter  # noqa: E402

from .choices import (  # noqa: E402
    AcceptanceKind, CreditRatingLevel, EiaCategory, FacilityKind, FacilityStatus, InspectionKind, InspectionResult,
    PenaltyStatus, PermitCategory, PermitStatus, RiskLevel,
)
from .models import (  # noqa: E402
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    HazardousWasteManifest, OnlineMonitor, Penalty, TreatmentFacility,
)


def _enterprise_filter():
    return django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="企业")


RENEWAL_DUE, RENEWAL_APPLIED = "renewal_due", "renewal_applied"
PERMIT_STANDING_CHOICES = [*PermitStatus.choices, (RENEWAL_DUE, "须办理延续（即将到期、已过延续申请期限或已过期，未申请延续）"),
                           (RENEWAL_APPLIED, "已申请延续")]


class DischargePermitFilterSet(SearchFilterSet):
    search_fields = ("number", "enterprise__name", "enterprise__uscc")
    enterprise = _enterprise_filter()
    category = django_filters.ChoiceFilter(choices=PermitCategory.choices, label="管理类别")
    # One filter of where a permit stands: its status today, or whether its renewal is due (即将到期,
    # 已过延续申请期限 or 已过期, not applied for: the reminders' list) or applied for.
    status = django_filters.ChoiceFilter(choices=PERMIT_STANDING_CHOICES, method="filter_status", label="状态")
    year = YearFilter(field_name="expires_on", lookup_expr="year", label="到期年份")

    class Meta:
        model = DischargePermit
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.standing(value) if value else queryset


class EiaApprovalFilterSet(SearchFilterSet):
    search_fields = ("project_name", "document_number", "authority", "enterprise__name")
    enterprise = _enterprise_filter()
    category = django_filters.ChoiceFilter(choices=EiaCategory.choices, label="环评类别")
    year = YearFilter(field_name="approved_on", lookup_expr="year", label="批复年份")

    class Meta:
        model = EiaApproval
        fields = []


class CompletionAcceptanceFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "eia_approval__project_name", "eia_approval__document_number", "note")
    enterprise = _enterprise_filter()
    kind = django_filters.ChoiceFilter(choices=AcceptanceKind.choices, label="验收方式")
    year = YearFilter(field_name="accepted_on", lookup_expr="year", label="验收年份")

    class Meta:
        model = CompletionAcceptance
        fields = []


class TreatmentFacilityFilterSet(SearchFilterSet):
    search_fields = ("name", "capacity", "enterprise__name")
    enterprise = _enterprise_filter()
    kind = django_filters.ChoiceFilter(choices=FacilityKind.choices, label="类型")
    status = django_filters.ChoiceFilter(choices=FacilityStatus.choices, label="运行状态")

    class Meta:
        model = TreatmentFacility
        fields = []


class OnlineMonitorFilterSet(SearchFilterSet):
    search_fields = ("outlet_code", "parameters", "enterprise__name")
    enterprise = _enterprise_filter()
    connected = django_filters.BooleanFilter(label="已联网")

    class Meta:
        model = OnlineMonitor
        fields = []


class HazardousWasteManifestFilterSet(SearchFilterSet):
    search_fields = ("number", "waste_code", "waste_name", "receiver", "enterprise__name")
    enterprise = _enterprise_filter()
    waste_code = django_filters.CharFilter(field_name="waste_code", lookup_expr="iexact", label="废物类别")
    year = YearFilter(field_name="transferred_on", lookup_expr="year", label="转移年份")

    class Meta:
        model = HazardousWasteManifest
        fields = []


class EmergencyPlanFilterSet(SearchFilterSet):
    search_fields = ("filing_number", "enterprise__name")
    enterprise = _enterprise_filter()
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label="环境风险等级")
    year = YearFilter(field_name="filed_on", lookup_expr="year", label="备案年份")

    class Meta:
        model = EmergencyPlan
        fields = []


class EnvironmentalInspectionFilterSet(SearchFilterSet):
    search_fields = ("agency", "findings", "enterprise__name")
    enterprise = _enterprise_filter()
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label="检查类型")
    result = django_filters.ChoiceFilter(choices=InspectionResult.choices, label="检查结果")
    year = YearFilter(field_name="inspected_on", lookup_expr="year", label="检查年份")

    class Meta:
        model = EnvironmentalInspection
        fields = []


class PenaltyFilterSet(SearchFilterSet):
    search_fields = ("decision_number", "reason", "enterprise__name")
    enterprise = _enterprise_filter()
    status = django_filters.ChoiceFilter(choices=PenaltyStatus.choices, label="履行情况")
    year = YearFilter(field_name="decided_on", lookup_expr="year", label="处罚年份")

    class Meta:
        model = Penalty
        fields = []


class CreditRatingFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc")
    enterprise = _enterprise_filter()
    rating = django_filters.ChoiceFilter(choices=CreditRatingLevel.choices, label="信用等级")
    year = YearFilter(field_name="year", label="评价年度")

    class Meta:
        model = CreditRating
        fields = []
