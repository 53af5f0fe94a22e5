from django import forms

from openpark.core.forms import DateInput, ScopedModelForm
from openpark.core.workflows import TransitionForm

from .choices import OutfallStage
from .models import (
    Measure, Outfall, OutfallClass, OutfallSample, PollutionSource, RemediationPlan, RiverSegment, Tracing, WaterBody,
)

DATE = DateInput()
GEOMETRY_HELP = "可选：GeoJSON 线（LineString）、点或面，坐标为 WGS-84 [经度, 纬度]。"
COMPLIANT_CHOICES = (("", "请选择"), ("true", "达标"), ("false", "不达标"))


class WaterBodyForm(ScopedModelForm):
    class Meta:
        model = WaterBody
        fields = ["name", "kind", "level", "length_km", "target_class", "geometry", "note"]
        help_texts = {"geometry": GEOMETRY_HELP}
        widgets = {"geometry": forms.Textarea(attrs={"rows": 3})}


class RiverSegmentForm(ScopedModelForm):
    class Meta:
        model = RiverSegment
        fields = ["water_body", "name", "start_description", "end_description", "length_km", "geometry"]
        help_texts = {"geometry": GEOMETRY_HELP}
        widgets = {"geometry": forms.Textarea(attrs={"rows": 3})}


class OutfallClassForm(ScopedModelForm):
    class Meta:
        model = OutfallClass
        fields = ["name", "is_storm_water", "order", "note"]


OUTFALL_FIELDS = ["code", "name", "outfall_class", "longitude", "latitude", "water_body", "segment", "outlet_form",
                  "discharge_mode", "approval_type", "enterprise", "responsible_organisation", "usage_status",
                  "signboard_text", "qr_data", "has_sampling_point", "has_inspection_well", "has_signboard",
                  "has_video", "has_online_monitoring", "note"]


class OutfallForm(ScopedModelForm):
    class Meta:
        model = Outfall
        fields = OUTFALL_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import code_pattern

        if "code" in self.fields:
            self.fields["code"].help_text = f"本园区编码规则：{code_pattern()[1]}"


class OutfallSampleForm(ScopedModelForm):
    class Meta:
        model = OutfallSample
        fields = ["outfall", "kind", "sampled_on", "agency", "cod", "ammonia", "total_phosphorus", "compliant", "note"]
        widgets = {"sampled_on": DATE}


class RemediationPlanForm(ScopedModelForm):
    class Meta:
        model = RemediationPlan
        fields = ["outfall", "plan_type", "approved_on", "approved_by", "summary"]
        widgets = {"approved_on": DATE}


class MeasureForm(ScopedModelForm):
    class Meta:
        model = Measure
        fields = ["plan", "content", "owner", "deadline", "progress", "status", "completed_on"]
        widgets = {"deadline": DATE, "completed_on": DATE, "content": forms.Textarea(attrs={"rows": 2})}


class PollutionSourceForm(ScopedModelForm):
    class Meta:
        model = PollutionSource
        fields = ["name", "category", "enterprise", "responsible_party", "location", "pollutants", "note"]


class TracingForm(ScopedModelForm):
    class Meta:
        model = Tracing
        fields = ["outfall", "source", "method", "traced_on", "note"]
        widgets = {"traced_on": DATE}


# The outfall's transitions with fields of their own ---------------------------------------------


class MonitorForm(TransitionForm):
    """登记监测: a sample taken now (date and whether it met the standard) or a monitoring report;
    neither is needed when a sample is already on record."""

    sampled_on = forms.DateField(label="采样日期", widget=DATE, required=False)
    compliant = forms.NullBooleanField(label="是否达标", required=False,
                                       widget=forms.Select(choices=COMPLIANT_CHOICES))
    report = forms.FileField(label="监测报告", required=False)


class CloseoutForm(TransitionForm):
    """申请销号: the signboard's photo (the evidence) and a compliant re-test."""

    sampled_on = forms.DateField(label="复测采样日期", widget=DATE)
    compliant = forms.NullBooleanField(label="复测是否达标", widget=forms.Select(choices=COMPLIANT_CHOICES))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "evidence" in self.fields:
            self.fields["evidence"].label = "标志牌照片"

    def clean_compliant(self):
        value = self.cleaned_data.get("compliant")
        if value is None:
            raise forms.ValidationError("请选择复测是否达标。")
        return value


class MergeForm(TransitionForm):
    """合并: the outfall it joins."""

    merged_into = forms.ModelChoiceField(
        label="并入排口",
        queryset=Outfall.objects.exclude(stage__in=(OutfallStage.MERGED, OutfallStage.ABOLISHED,
                                                     OutfallStage.REJECTED)))


# The enterprise environmental file (一企一档, environmental part) ---------------------------------

from .models import (  # noqa: E402
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    HazardousWasteManifest, OnlineMonitor, Penalty, TreatmentFacility,
)

PERMIT_FIELDS = ["enterprise", "number", "category", "issued_on", "expires_on", "note"]
EIA_FIELDS = ["enterprise", "project_name", "document_number", "authority", "approved_on", "category", "note"]
ACCEPTANCE_FIELDS = ["enterprise", "eia_approval", "accepted_on", "kind", "note"]
FACILITY_FIELDS = ["enterprise", "name", "kind", "capacity", "commissioned_on", "status", "note"]
MONITOR_FIELDS = ["enterprise", "outlet_code", "parameters", "connected", "installed_on", "note"]
MANIFEST_FIELDS = ["enterprise", "number", "waste_code", "waste_name", "quantity", "receiver", "transferred_on"]
PLAN_FIELDS = ["enterprise", "filing_number", "filed_on", "risk_level", "note"]
INSPECTION_FIELDS = ["enterprise", "inspected_on", "kind", "agency", "result", "findings"]
PENALTY_FIELDS = ["enterprise", "inspection", "decision_number", "decided_on", "amount", "reason", "status"]
RATING_FIELDS = ["enterprise", "year", "rating", "note"]


class DischargePermitForm(ScopedModelForm):
    class Meta:
        model = DischargePermit
        fields = PERMIT_FIELDS
        widgets = {"issued_on": DATE, "expires_on": DATE}


class EiaApprovalForm(ScopedModelForm):
    class Meta:
        model = EiaApproval
        fields = EIA_FIELDS
        widgets = {"approved_on": DATE}


class CompletionAcceptanceForm(ScopedModelForm):
    class Meta:
        model = CompletionAcceptance
        fields = ACCEPTANCE_FIELDS
        widgets = {"accepted_on": DATE}


class TreatmentFacilityForm(ScopedModelForm):
    class Meta:
        model = TreatmentFacility
        fields = FACILITY_FIELDS
        widgets = {"commissioned_on": DATE}


class OnlineMonitorForm(ScopedModelForm):
    class Meta:
        model = OnlineMonitor
        fields = MONITOR_FIELDS
        widgets = {"installed_on": DATE}


class HazardousWasteManifestForm(ScopedModelForm):
    class Meta:
        model = HazardousWasteManifest
        fields = MANIFEST_FIELDS
        widgets = {"transferred_on": DATE}


class EmergencyPlanForm(ScopedModelForm):
    class Meta:
        model = EmergencyPlan
        fields = PLAN_FIELDS
        widgets = {"filed_on": DATE}


class EnvironmentalInspectionForm(ScopedModelForm):
    class Meta:
        model = EnvironmentalInspection
        fields = INSPECTION_FIELDS
        widgets = {"inspected_on": DATE, "findings": forms.Textarea(attrs={"rows": 3})}


class PenaltyForm(ScopedModelForm):
    class Meta:
        model = Penalty
        fields = PENALTY_FIELDS
        widgets = {"decided_on": DATE, "reason": forms.Textarea(attrs={"rows": 3})}


class CreditRatingForm(ScopedModelForm):
    class Meta:
        model = CreditRating
        fields = RATING_FIELDS
