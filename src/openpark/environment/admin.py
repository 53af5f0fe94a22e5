from django.contrib import admin

from .models import (
    Measure, Measurement, MonitoringSite, Outfall, OutfallClass, OutfallSample, PollutionSource, RemediationPlan,
    RiverSegment, Tracing, WaterBody, WaterSample,
)


@admin.register(WaterBody)
class WaterBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "target_class", "is_deleted"]


@admin.register(RiverSegment)
class RiverSegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "water_body", "length_km", "is_deleted"]


@admin.register(OutfallClass)
class OutfallClassAdmin(admin.ModelAdmin):
    list_display = ["name", "is_storm_water", "order", "is_deleted"]


@admin.register(Outfall)
class OutfallAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "outfall_class", "water_body", "stage", "is_deleted"]
    readonly_fields = ["stage", "merged_into"]


@admin.register(OutfallSample)
class OutfallSampleAdmin(admin.ModelAdmin):
    list_display = ["outfall", "kind", "sampled_on", "compliant", "is_deleted"]


@admin.register(RemediationPlan)
class RemediationPlanAdmin(admin.ModelAdmin):
    list_display = ["outfall", "plan_type", "approved_on", "is_deleted"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["plan", "owner", "deadline", "status", "progress", "is_deleted"]


@admin.register(PollutionSource)
class PollutionSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "enterprise", "is_deleted"]


@admin.register(Tracing)
class TracingAdmin(admin.ModelAdmin):
    list_display = ["outfall", "source", "method", "traced_on", "is_deleted"]


# River chiefs, patrols and problems; the steward's inspections ---------------------------------

from .models import (  # noqa: E402
    EnvironmentProblem, Patrol, PatrolRule, RiverChief, StewardAssessment, StewardInspection,
)


@admin.register(RiverChief)
class RiverChiefAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "is_general", "title", "is_deleted"]
    filter_horizontal = ["water_bodies", "segments"]


@admin.register(PatrolRule)
class PatrolRuleAdmin(admin.ModelAdmin):
    list_display = ["level", "times", "period", "min_minutes", "min_km", "is_deleted"]


@admin.register(Patrol)
class PatrolAdmin(admin.ModelAdmin):
    list_display = ["chief", "water_body", "started_at", "duration_minutes", "distance_km", "counts", "is_deleted"]
    readonly_fields = ["duration_minutes", "counts"]


@admin.register(EnvironmentProblem)
class EnvironmentProblemAdmin(admin.ModelAdmin):
    list_display = ["category", "source", "found_on", "deadline", "state", "is_deleted"]
    readonly_fields = ["state"]


@admin.register(StewardInspection)
class StewardInspectionAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "contract", "inspected_on", "is_deleted"]


@admin.register(StewardAssessment)
class StewardAssessmentAdmin(admin.ModelAdmin):
    list_display = ["contract", "year", "quarter", "score", "is_deleted"]


# Water-quality monitoring (水质监测) ----------------------------------------------------------------


@admin.register(MonitoringSite)
class MonitoringSiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "water_body", "kind", "target_class", "is_active", "is_deleted"]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    readonly_fields = ["unit"]


@admin.register(WaterSample)
class WaterSampleAdmin(admin.ModelAdmin):
    list_display = ["site", "sampled_at", "water_class", "quality_grade", "exceedances", "is_deleted"]
    readonly_fields = ["water_class", "quality_grade", "exceedances"]
    inlines = [MeasurementInline]


# The enterprise environmental file (一企一档, environmental part) ---------------------------------

from .models import (  # noqa: E402
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    HazardousWasteManifest, OnlineMonitor, Penalty, TreatmentFacility,
)


@admin.register(DischargePermit)
class DischargePermitAdmin(admin.ModelAdmin):
    list_display = ["number", "enterprise", "category", "issued_on", "expires_on", "is_deleted"]


@admin.register(EiaApproval)
class EiaApprovalAdmin(admin.ModelAdmin):
    list_display = ["document_number", "enterprise", "project_name", "approved_on", "is_deleted"]


@admin.register(CompletionAcceptance)
class CompletionAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "eia_approval", "accepted_on", "kind", "is_deleted"]


@admin.register(TreatmentFacility)
class TreatmentFacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "kind", "status", "is_deleted"]


@admin.register(OnlineMonitor)
class OnlineMonitorAdmin(admin.ModelAdmin):
    list_display = ["outlet_code", "enterprise", "connected", "is_deleted"]


@admin.register(HazardousWasteManifest)
class HazardousWasteManifestAdmin(admin.ModelAdmin):
    list_display = ["number", "enterprise", "waste_code", "quantity", "transferred_on", "is_deleted"]


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(admin.ModelAdmin):
    list_display = ["filing_number", "enterprise", "risk_level", "filed_on", "is_deleted"]


@admin.register(EnvironmentalInspection)
class EnvironmentalInspectionAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "inspected_on", "kind", "result", "is_deleted"]


@admin.register(Penalty)
class PenaltyAdmin(admin.ModelAdmin):
    list_display = ["decision_number", "enterprise", "decided_on", "amount", "status", "is_deleted"]


@admin.register(CreditRating)
class CreditRatingAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "year", "rating", "is_deleted"]
