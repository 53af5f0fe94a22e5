"""智慧环保's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages, SharedPages
from openpark.core.registry import Api, Menu, add_panel
from openpark.enterprises.models import Enterprise

from . import filters, forms
from .api.serializers import WaterSampleSerializer
from .importers import measure_importer, outfall_importer, source_importer, water_sample_importer
from .models import (
    Measure, MonitoringSite, Outfall, OutfallClass, OutfallSample, PollutionSource, RemediationPlan, RiverSegment,
    Tracing, WaterBody, WaterSample, outlines_of,
)
from .views import (
    enterprise_outfalls_panel, outfall_panel, site_panel, source_panel, water_body_grade_panel, water_sample_panel,
)

MODULE = "environment"


class NamingWaterPages(ModelPages):
    """Pages (and API) of records that name a water body or segment through `outlines` (their links,
    "water_body", "segment__water_body" …): their lists, details and API read those names, never the
    outlines (`outlines_of`)."""

    def __init__(self, model, *, outlines=(), **options):
        super().__init__(model, **options)
        self.named_links = tuple(outlines)
        self.outlines = tuple(outlines_of(*outlines))

    def _named(self, queryset):
        """The rows with the water bodies and segments they name read in the same query, without outlines."""
        return queryset.select_related(*self.named_links).defer(*self.outlines) if self.named_links else queryset

    def scoped(self, user):
        return self._named(super().scoped(user))

    def scoped_deleted(self, user):
        return self._named(super().scoped_deleted(user))


class ReferencePages(NamingWaterPages, SharedPages):
    """The park's shared vocabulary (water bodies, their segments, outfall classes): no enterprise's
    records, so whoever may view them sees them all, a 环保管家 recording an outfall included."""

    def scoped(self, user):
        return self._named(self.model.objects.all())

    def scoped_deleted(self, user):
        return self._named(self.model.all_objects.filter(is_deleted=True))

    def choices(self, queryset):
        """A link's choices show the names only, never the outlines."""
        return queryset.defer("geometry") if hasattr(self.model, "geometry") else queryset

    def base_queryset(self, user, deleted: bool = False):
        """The pages' rows: a water body's or segment's own outline is read only where it is shown
        (its edit form, the API and the map), never for a list."""
        queryset = super().base_queryset(user, deleted)
        return queryset.defer("geometry") if hasattr(self.model, "geometry") else queryset


outfall_pages = NamingWaterPages(
    Outfall, outlines=("water_body", "segment"),
    filterset_class=filters.OutfallFilterSet, form_class=forms.OutfallForm, prefix="outfalls/",
    list_columns=["code", "name", "outfall_class", "water_body", "responsible_party", "usage_status", "stage"],
    detail_fields=[*forms.OUTFALL_FIELDS[:10], "responsible_party", *forms.OUTFALL_FIELDS[10:], "stage",
                   "merged_into"],
    select_related=["outfall_class", "water_body", "enterprise"], panels=[outfall_panel],
    importer=outfall_importer, attachments=True,
    api=Api("outfalls", fields=(*forms.OUTFALL_FIELDS, "responsible_party", "stage", "merged_into"),
            read_only_fields=("stage", "merged_into", "created_at", "updated_at"),
            select_related=("outfall_class", "water_body", "enterprise")),
    menu=Menu(MODULE, "入河排污口", order=10),
)
sample_pages = ModelPages(
    OutfallSample, filterset_class=filters.OutfallSampleFilterSet, form_class=forms.OutfallSampleForm,
    prefix="samples/",
    list_columns=["outfall", "kind", "sampled_on", "agency", "cod", "ammonia", "total_phosphorus", "compliant"],
    select_related=["outfall"], attachments=True,
    api=Api("samples", fields=("outfall", "kind", "sampled_on", "agency", "cod", "ammonia", "total_phosphorus",
                               "compliant", "note"), select_related=("outfall",)),
    menu=Menu(MODULE, "排口监测记录", order=20),
)
plan_pages = ModelPages(
    RemediationPlan, filterset_class=filters.RemediationPlanFilterSet, form_class=forms.RemediationPlanForm,
    prefix="plans/", list_columns=["outfall", "plan_type", "approved_on", "approved_by"],
    select_related=["outfall"], attachments=True,
    api=Api("plans", fields=("outfall", "plan_type", "approved_on", "approved_by", "summary"),
            select_related=("outfall",)),
    menu=Menu(MODULE, "整治方案", order=30),
)
measure_pages = ModelPages(
    Measure, filterset_class=filters.MeasureFilterSet, form_class=forms.MeasureForm, prefix="measures/",
    list_columns=["content", "plan", "owner", "deadline", "progress", "status", "completed_on", "overdue"],
    select_related=["plan__outfall"], importer=measure_importer, attachments=True,
    api=Api("measures", fields=("plan", "content", "owner", "deadline", "progress", "status", "completed_on",
                                "overdue"), select_related=("plan__outfall",)),
    menu=Menu(MODULE, "整治措施", order=40),
)
source_pages = ModelPages(
    PollutionSource, filterset_class=filters.PollutionSourceFilterSet, form_class=forms.PollutionSourceForm,
    prefix="sources/", list_columns=["name", "category", "enterprise", "responsible_party", "location", "pollutants"],
    select_related=["enterprise"], panels=[source_panel], importer=source_importer,
    api=Api("sources", fields=("name", "category", "enterprise", "responsible_party", "location", "pollutants",
                               "note"), select_related=("enterprise",)),
    menu=Menu(MODULE, "污染源清单", order=50),
)
tracing_pages = ModelPages(
    Tracing, filterset_class=filters.TracingFilterSet, form_class=forms.TracingForm, prefix="tracings/",
    list_columns=["outfall", "source", "method", "traced_on"], select_related=["outfall", "source"],
    attachments=True,
    api=Api("tracings", fields=("outfall", "source", "method", "traced_on", "note"),
            select_related=("outfall", "source")),
    menu=Menu(MODULE, "排口溯源", order=60),
)
class_pages = ReferencePages(
    OutfallClass, filterset_class=filters.OutfallClassFilterSet, form_class=forms.OutfallClassForm,
    prefix="outfall-classes/", list_columns=["order", "name", "is_storm_water"], link_column="name",
    api=Api("outfall-classes", fields=("name", "is_storm_water", "order", "note")),
    menu=Menu(MODULE, "排口类别", order=920, park_wide=True),
)
water_body_pages = ReferencePages(
    WaterBody, filterset_class=filters.WaterBodyFilterSet, form_class=forms.WaterBodyForm, prefix="water-bodies/",
    list_columns=["name", "kind", "level", "length_km", "target_class"],
    detail_fields=["name", "kind", "level", "length_km", "target_class", "note"],
    api=Api("water-bodies", fields=("name", "kind", "level", "length_km", "target_class", "geometry", "note")),
    menu=Menu(MODULE, "水体", order=900, park_wide=True),
)
segment_pages = ReferencePages(
    RiverSegment, outlines=("water_body",),
    filterset_class=filters.RiverSegmentFilterSet, form_class=forms.RiverSegmentForm,
    prefix="segments/",
    list_columns=["water_body", "name", "start_description", "end_description", "length_km"], link_column="name",
    links={"water_body": lambda segment: segment.water_body.get_absolute_url()},
    detail_fields=["water_body", "name", "start_description", "end_description", "length_km"],
    select_related=["water_body"],
    api=Api("segments", fields=("water_body", "name", "start_description", "end_description", "length_km",
                                "geometry"), select_related=("water_body",)),
    menu=Menu(MODULE, "河段", order=910, park_wide=True),
)
add_panel(Enterprise, enterprise_outfalls_panel)


# River chiefs, patrols and problems (河长制); the steward's inspections (环保管家) ------------------

from .api.serializers import StewardInspectionSerializer  # noqa: E402
from .importers import chief_importer, patrol_importer  # noqa: E402
from .models import (  # noqa: E402
    EnvironmentProblem, Patrol, PatrolRule, RiverChief, StewardAssessment, StewardInspection,
)
from .views import (  # noqa: E402
    chief_panel, inspection_problems_panel, patrol_problems_panel, patrol_track_panel, segment_rivers_panel,
    water_body_rivers_panel,
)

CHIEF_FIELDS = ("name", "level", "is_general", "title", "phone", "user", "water_bodies", "segments", "note")
chief_pages = ModelPages(
    RiverChief, filterset_class=filters.RiverChiefFilterSet, form_class=forms.RiverChiefForm, prefix="river-chiefs/",
    list_columns=["name", "level", "is_general", "title"],
    detail_fields=["name", "level", "is_general", "title", "user", "note"], select_related=["user"], panels=[chief_panel], importer=chief_importer,
    api=Api("river-chiefs", fields=CHIEF_FIELDS, prefetch_related=("water_bodies", "segments")),
    menu=Menu(MODULE, "河长", order=100, park_wide=True),
)
patrol_rule_pages = ModelPages(
    PatrolRule, filterset_class=filters.PatrolRuleFilterSet, form_class=forms.PatrolRuleForm, prefix="patrol-rules/",
    list_columns=["level", "times", "period", "min_minutes", "min_km", "months"],
    detail_fields=["level", "times", "period", "min_minutes", "min_km", "months", "note"],
    api=Api("patrol-rules", fields=("level", "times", "period", "min_minutes", "min_km", "active_months", "note")),
    menu=Menu(MODULE, "巡河规定", order=115, park_wide=True),
)
PATROL_FIELDS = ("chief", "water_body", "segment", "started_at", "ended_at", "duration_minutes", "distance_km",
                 "counts", "not_counted_reason", "note")
patrol_pages = NamingWaterPages(
    Patrol, outlines=("water_body", "segment", "segment__water_body"),
    filterset_class=filters.PatrolFilterSet, form_class=forms.PatrolForm, prefix="patrols/",
    list_columns=["chief", "water_body", "segment", "started_at", "duration_minutes", "distance_km", "counts",
                  "not_counted_reason"],
    detail_fields=list(PATROL_FIELDS), select_related=["chief", "water_body", "segment__water_body"],
    panels=[patrol_track_panel, patrol_problems_panel], importer=patrol_importer, attachments=True,
    api=Api("patrols", fields=(*PATROL_FIELDS, "track"), read_only_fields=("duration_minutes", "counts", "not_counted_reason"),
            select_related=("chief", "water_body", "segment__water_body")),
    menu=Menu(MODULE, "巡河记录", order=110, park_wide=True),
)
problem_pages = NamingWaterPages(
    EnvironmentProblem, outlines=("water_body", "segment", "segment__water_body", "patrol__water_body"),
    filterset_class=filters.EnvironmentProblemFilterSet, form_class=forms.EnvironmentProblemForm,
    prefix="problems/",
    list_columns=["found_on", "category", "description", "source", "water_body", "enterprise", "responsible_unit",
                  "deadline", "state", "overdue"], link_column="description",
    detail_fields=[*forms.PROBLEM_FIELDS, "state", "overdue"],
    select_related=["water_body", "enterprise", "segment__water_body", "patrol__chief", "patrol__water_body",
                    "inspection__enterprise"],
    attachments=True,
    api=Api("problems", fields=(*forms.PROBLEM_FIELDS, "state", "overdue"), read_only_fields=("state",),
            select_related=("water_body", "enterprise", "segment__water_body", "patrol__chief", "patrol__water_body",
                            "inspection__enterprise")),
    menu=Menu(MODULE, "环境问题", order=120),
)
inspection_pages = ModelPages(
    StewardInspection, filterset_class=filters.StewardInspectionFilterSet, form_class=forms.StewardInspectionForm,
    prefix="steward-inspections/", list_columns=["inspected_on", "enterprise", "contract", "inspectors"],
    detail_fields=["contract", "enterprise", "inspected_on", "inspectors", "summary"],
    select_related=["enterprise", "contract"], panels=[inspection_problems_panel], attachments=True,
    api=Api("steward-inspections", serializer=StewardInspectionSerializer, select_related=("enterprise", "contract")),
    menu=Menu(MODULE, "管家检查", order=400),
)
assessment_pages = ModelPages(
    StewardAssessment, filterset_class=filters.StewardAssessmentFilterSet, form_class=forms.StewardAssessmentForm,
    prefix="steward-assessments/", list_columns=["contract", "year", "quarter", "score", "assessed_by"],
    detail_fields=["contract", "year", "quarter", "score", "comments", "assessed_by"], select_related=["contract"],
    attachments=True,
    api=Api("steward-assessments", fields=("contract", "year", "quarter", "score", "comments", "assessed_by"),
            select_related=("contract",)),
    menu=Menu(MODULE, "管家服务考核", order=410, park_wide=True),
)
add_panel(WaterBody, water_body_rivers_panel)
add_panel(RiverSegment, segment_rivers_panel)


# Water-quality monitoring (水质监测) ----------------------------------------------------------------

SITE_FIELDS = ("code", "name", "water_body", "segment", "longitude", "latitude", "kind", "target_class", "is_active",
               "note")
site_pages = NamingWaterPages(
    MonitoringSite, outlines=("water_body", "segment", "segment__water_body"),
    filterset_class=filters.MonitoringSiteFilterSet, form_class=forms.MonitoringSiteForm,
    prefix="sites/", list_columns=["code", "name", "water_body", "segment", "kind", "target_class", "is_active"],
    detail_fields=list(SITE_FIELDS), select_related=["water_body", "segment__water_body"], panels=[site_panel],
    api=Api("sites", fields=SITE_FIELDS, select_related=("water_body", "segment__water_body")),
    menu=Menu(MODULE, "水质监测断面", order=200, park_wide=True),
)
water_sample_pages = ModelPages(
    WaterSample, filterset_class=filters.WaterSampleFilterSet, form_class=forms.WaterSampleForm,
    prefix="water-samples/",
    list_columns=["site", "sampled_at", "agency", "water_class", "quality_grade", "exceedances", "worse_than_target"],
    detail_fields=["site", "sampled_at", "agency", "sampler", "note", "water_class", "quality_grade", "exceedances",
                   "worse_than_target"],
    select_related=["site"], panels=[water_sample_panel], importer=water_sample_importer,
    api=Api("water-samples", serializer=WaterSampleSerializer, select_related=("site",),
            prefetch_related=("measurements",), ordering=("sampled_at", "updated_at")),
    menu=Menu(MODULE, "水质采样", order=210, park_wide=True),
)
add_panel(WaterBody, water_body_grade_panel)


# The enterprise environmental file (一企一档, environmental part) ---------------------------------
# One list per kind of record, each scoped to the enterprise (an enterprise user sees its own file,
# a steward the enterprises of its contract), documents attached to every record; the 环境档案
# panel on the enterprise's page sums the file up.

from .importers import manifest_importer, permit_importer, rating_importer  # noqa: E402
from .models import (  # noqa: E402
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    HazardousWasteManifest, OnlineMonitor, Penalty, TreatmentFacility,
)
from .views import enterprise_file_panel  # noqa: E402

ENTERPRISE = ("enterprise",)


def _file_api(route: str, fields: list[str], read_only: tuple[str, ...] = ()) -> Api:
    return Api(route, fields=(*fields, *read_only), read_only_fields=(*read_only, "created_at", "updated_at"),
               select_related=ENTERPRISE)


permit_pages = ModelPages(
    DischargePermit, filterset_class=filters.DischargePermitFilterSet, form_class=forms.DischargePermitForm,
    prefix="permits/",
    list_columns=["number", "enterprise", "category", "issued_on", "expires_on", "renewal_due_on", "status"],
    detail_fields=[*forms.PERMIT_FIELDS[:5], "renewal_due_on", "renewal_applied_on", "status", "note"],
    select_related=ENTERPRISE, importer=permit_importer, attachments=True,
    api=_file_api("permits", forms.PERMIT_FIELDS, ("renewal_due_on", "status")),
    menu=Menu(MODULE, "排污许可证", order=300),
)
eia_pages = ModelPages(
    EiaApproval, filterset_class=filters.EiaApprovalFilterSet, form_class=forms.EiaApprovalForm, prefix="eia/",
    list_columns=["document_number", "enterprise", "project_name", "category", "authority", "approved_on"],
    select_related=ENTERPRISE, attachments=True,
    api=_file_api("eia-approvals", forms.EIA_FIELDS),
    menu=Menu(MODULE, "环评批复", order=310),
)
acceptance_pages = ModelPages(
    CompletionAcceptance, filterset_class=filters.CompletionAcceptanceFilterSet,
    form_class=forms.CompletionAcceptanceForm, prefix="acceptances/",
    list_columns=["__str__", "enterprise", "eia_approval", "kind", "accepted_on"],
    select_related=("enterprise", "eia_approval"), attachments=True,
    api=Api("acceptances", fields=tuple(forms.ACCEPTANCE_FIELDS), select_related=("enterprise", "eia_approval")),
    menu=Menu(MODULE, "竣工环保验收", order=320),
)
facility_pages = ModelPages(
    TreatmentFacility, filterset_class=filters.TreatmentFacilityFilterSet, form_class=forms.TreatmentFacilityForm,
    prefix="facilities/", list_columns=["name", "enterprise", "kind", "capacity", "commissioned_on", "status"],
    select_related=ENTERPRISE, attachments=True,
    api=_file_api("facilities", forms.FACILITY_FIELDS),
    menu=Menu(MODULE, "治理设施", order=330),
)
monitor_pages = ModelPages(
    OnlineMonitor, filterset_class=filters.OnlineMonitorFilterSet, form_class=forms.OnlineMonitorForm,
    prefix="online-monitors/", list_columns=["outlet_code", "enterprise", "parameters", "connected", "installed_on"],
    select_related=ENTERPRISE, attachments=True,
    api=_file_api("online-monitors", forms.MONITOR_FIELDS),
    menu=Menu(MODULE, "在线监测", order=340),
)
manifest_pages = ModelPages(
    HazardousWasteManifest, filterset_class=filters.HazardousWasteManifestFilterSet,
    form_class=forms.HazardousWasteManifestForm, prefix="waste-manifests/",
    list_columns=["number", "enterprise", "waste_code", "waste_name", "quantity", "receiver", "transferred_on"],
    select_related=ENTERPRISE, importer=manifest_importer, attachments=True,
    api=_file_api("waste-manifests", forms.MANIFEST_FIELDS),
    menu=Menu(MODULE, "危险废物转移联单", order=350),
)
emergency_plan_pages = ModelPages(
    EmergencyPlan, filterset_class=filters.EmergencyPlanFilterSet, form_class=forms.EmergencyPlanForm,
    prefix="emergency-plans/", list_columns=["filing_number", "enterprise", "risk_level", "filed_on", "revision_due_on"],
    detail_fields=[*forms.PLAN_FIELDS[:4], "revision_due_on", "note"],
    select_related=ENTERPRISE, attachments=True,
    api=_file_api("emergency-plans", forms.PLAN_FIELDS, ("revision_due_on",)),
    menu=Menu(MODULE, "应急预案", order=360),
)
inspection_pages = ModelPages(
    EnvironmentalInspection, filterset_class=filters.EnvironmentalInspectionFilterSet,
    form_class=forms.EnvironmentalInspectionForm, prefix="inspections/",
    list_columns=["__str__", "enterprise", "inspected_on", "kind", "agency", "result"],
    select_related=ENTERPRISE, attachments=True,
    api=_file_api("inspections", forms.INSPECTION_FIELDS),
    menu=Menu(MODULE, "执法检查", order=370),
)
penalty_pages = ModelPages(
    Penalty, filterset_class=filters.PenaltyFilterSet, form_class=forms.PenaltyForm, prefix="penalties/",
    list_columns=["decision_number", "enterprise", "decided_on", "amount", "status"],
    select_related=("enterprise", "inspection"), attachments=True,
    api=Api("penalties", fields=tuple(forms.PENALTY_FIELDS), select_related=("enterprise", "inspection")),
    menu=Menu(MODULE, "行政处罚", order=380),
)
rating_pages = ModelPages(
    CreditRating, filterset_class=filters.CreditRatingFilterSet, form_class=forms.CreditRatingForm,
    prefix="credit-ratings/", list_columns=["enterprise", "year", "rating"],
    select_related=ENTERPRISE, importer=rating_importer, attachments=True,
    api=_file_api("credit-ratings", forms.RATING_FIELDS),
    menu=Menu(MODULE, "环境信用评价", order=390),
)
add_panel(Enterprise, enterprise_file_panel)
