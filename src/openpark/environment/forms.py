from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from openpark.core.forms import DateInput, FieldGroup, ScopedModelForm
from openpark.core.widgets import AutocompleteSelect
from openpark.core.workflows import TransitionForm

from . import services, water_quality
from .choices import OutfallStage
from .models import (
    Measure, Measurement, MonitoringSite, Outfall, OutfallClass, OutfallSample, PollutionSource, RemediationPlan,
    RiverSegment, Tracing, WaterBody, WaterSample,
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, reason in self.instance.fixed_fields(self.user).items():  # the model's rule, shown
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = reason


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

    # Both are needed (`services.submit_closeout` says so): they are optional here so that whoever
    # may not make the transition hears that first, whatever they sent.
    needed = ("sampled_on", "compliant", "signboard")
    sampled_on = forms.DateField(label="复测采样日期", widget=DATE, required=False)
    compliant = forms.NullBooleanField(label="复测是否达标", required=False, help_text="复测达标才能申请销号。",
                                       widget=forms.Select(choices=COMPLIANT_CHOICES))
    signboard = forms.BooleanField(label="标志牌已设置", required=False,
                                   help_text="确认排口标志牌已按规范设置；确认后排口的“标志牌”记为“是”。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "evidence" in self.fields:
            self.fields["evidence"].label = "标志牌照片"
        if self.obj is not None and getattr(self.obj, "has_signboard", False):
            self.fields["signboard"].initial = True
            self.fields["signboard"].help_text = "该排口已登记设置标志牌。"


class MergeForm(TransitionForm):
    """合并: the outfall it joins."""

    needed = ("merged_into",)
    merged_into = forms.ModelChoiceField(
        label="并入排口", required=False, help_text="本排口并入的在用排口。",
        queryset=Outfall.objects.exclude(stage__in=(OutfallStage.MERGED, OutfallStage.ABOLISHED,
                                                     OutfallStage.REJECTED)),
        error_messages={"invalid_choice": "请选择您可查看的其他在用排口。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["merged_into"]
        queryset = self.scoped(field.queryset)
        if self.obj is not None and self.obj.pk is not None:
            queryset = queryset.exclude(pk=self.obj.pk)
        field.queryset = queryset
        field.widget = AutocompleteSelect(Outfall)
        field.widget.choices = field.choices


# River chiefs, patrols and problems; the steward's inspections ---------------------------------

from openpark.environment import patrols as patrol_math  # noqa: E402

from .models import (  # noqa: E402
    EnvironmentProblem, Patrol, PatrolRule, RiverChief, StewardAssessment, StewardInspection,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TRACK_HELP = "可选：GeoJSON 线（LineString 或 MultiLineString），坐标为 WGS-84 [经度, 纬度]，至少 2 个点；有轨迹时按轨迹计算距离。"


class MonthsField(forms.CharField):
    """The months a rule is active in, typed as "1-12", "3-11" or "1,3,5-7"; a list of months."""

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return patrol_math.months_text(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return []
        try:
            return patrol_math.parse_months(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class RiverChiefForm(ScopedModelForm):
    class Meta:
        model = RiverChief
        fields = ["name", "level", "is_general", "title", "phone", "user", "water_bodies", "segments", "note"]


class PatrolRuleForm(ScopedModelForm):
    active_months = MonthsField(label="适用月份", initial="1-12", help_text="如“1-12”（全年）、“3-11”或“1,3,5-7”。")

    class Meta:
        model = PatrolRule
        fields = ["level", "times", "period", "min_minutes", "min_km", "active_months", "note"]


TRACK_FILE_HELP = ("可选：手机或 GPS 设备导出的 GPX 轨迹（.gpx），或 GeoJSON 线（.geojson）；上传后按文件中的轨迹计算"
                   "距离，开始、结束时间未填时取轨迹首末点的时间。")


class PatrolForm(ScopedModelForm):
    """A patrol, its track typed as GeoJSON or uploaded as a GPX or GeoJSON file (the file wins);
    the times of a GPX track fill the start and end left empty. The model checks the track (its
    point limit) and the average speed, whichever way the track came."""

    track_file = forms.FileField(label="轨迹文件（GPX 或 GeoJSON）", required=False, help_text=TRACK_FILE_HELP,
                                 widget=forms.ClearableFileInput(attrs={"accept": ".gpx,.geojson,.json"}))

    class Meta:
        model = Patrol
        fields = ["chief", "water_body", "segment", "started_at", "ended_at", "track", "distance_km", "note"]
        help_texts = {"track": TRACK_HELP}
        widgets = {"started_at": DATETIME, "ended_at": DATETIME, "track": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("started_at", "ended_at"):  # a GPX track may give them (`clean`)
            self.fields[name].required = False
            self.fields[name].help_text = "上传带时间的 GPX 轨迹时可不填，取轨迹首末点的时间。"
        self.order_fields(["chief", "water_body", "segment", "track_file", "started_at", "ended_at", "track",
                           "distance_km", "note"])

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("track_file")
        if upload:
            try:
                read = patrol_math.read_track_file(upload.read(patrol_math.MAX_TRACK_FILE_BYTES + 1))
            except ValueError as exc:
                self.add_error("track_file", str(exc))
            else:
                cleaned["track"] = read.track
                for name, value in (("started_at", read.started_at), ("ended_at", read.ended_at)):
                    if value is not None and not cleaned.get(name) and name not in self.errors:
                        cleaned[name] = value
        for name, label in (("started_at", "开始时间"), ("ended_at", "结束时间")):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, f"请填写{label}（或上传带时间的 GPX 轨迹）。")
        return cleaned


PROBLEM_FIELDS = ["source", "patrol", "inspection", "water_body", "segment", "enterprise", "category", "description",
                  "found_on", "deadline", "advice", "responsible_unit"]


class EnvironmentProblemForm(ScopedModelForm):
    class Meta:
        model = EnvironmentProblem
        fields = PROBLEM_FIELDS
        widgets = {"found_on": DATE, "deadline": DATE, "description": forms.Textarea(attrs={"rows": 3}),
                   "advice": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 登记问题 from a patrol's page (?patrol=<id>): what the patrol already says is filled in.
        field = self.fields.get("patrol")
        chosen = self.initial.get("patrol")
        if self.is_bound or self.instance.pk is not None or field is None or not chosen:
            return
        try:
            patrol = field.queryset.filter(pk=int(chosen)).first()
        except (TypeError, ValueError):
            patrol = None
        if patrol is not None:
            for name, value in EnvironmentProblem.taken_from_patrol(patrol).items():
                if name in self.fields:
                    self.initial.setdefault(name, value)


class StewardInspectionForm(ScopedModelForm):
    """A steward (bound to its contracts) inspects under its own contracts; park staff under any."""

    class Meta:
        model = StewardInspection
        fields = ["contract", "enterprise", "inspected_on", "inspectors", "summary"]
        widgets = {"inspected_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from openpark.core.scoping import is_park_wide
        from openpark.enterprises.models import ServiceContract

        from .services import inspection_contracts

        field = self.fields.get("contract")
        if field is not None and self.user is not None and not is_park_wide(self.user):
            field.widget = forms.Select()  # its few contracts, listed (the type-ahead searches the park's)
            current = [self.instance.contract_id] if self.instance.contract_id else []
            field.queryset = inspection_contracts(self.user) | ServiceContract.objects.filter(pk__in=current)


class StewardAssessmentForm(ScopedModelForm):
    class Meta:
        model = StewardAssessment
        fields = ["contract", "year", "quarter", "score", "comments", "assessed_by"]


class AssignProblemForm(TransitionForm):
    """交办: to whom, by when; what the problem already names is filled in (and used when left out,
    `services.assign_problem`)."""

    needed = ("responsible_unit", "deadline")
    responsible_unit = forms.CharField(label="责任单位", max_length=200, required=False)
    deadline = forms.DateField(label="整改期限", widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.initial.setdefault("responsible_unit", self.obj.responsible_unit)
            self.initial.setdefault("deadline", self.obj.deadline)


# Water-quality monitoring (水质监测) ----------------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker (local time, Asia/Shanghai)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MonitoringSiteForm(ScopedModelForm):
    class Meta:
        model = MonitoringSite
        fields = ["code", "name", "water_body", "segment", "longitude", "latitude", "kind", "target_class",
                  "is_active", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A choice of class numbers is checked against its choices; the number field's own bounds
        # would compare the text before it is made a number (the model checks them once it is).
        self.fields["target_class"].validators = []


SAMPLE_FIELDS = ["site", "sampled_at", "agency", "sampler", "note"]
PARAMETER_PREFIX = "p_"


RESULT_HINT = ("按 GB 3838-2002 表 1 的单位填写；低于检出限写 ND、未检出、<0.01 或 0.01L；"
               "未测的项目留空。")


def parameter_label(parameter) -> str:
    return f"{parameter.name}（{parameter.unit}）"


class WaterSampleForm(ScopedModelForm):
    """A sample and its results, one field per parameter of GB 3838-2002 Table 1 written as a lab
    writes it: a number in the standard's unit, or below the detection limit as "ND", "未检出",
    "<0.01" or "0.01L". An empty field has no result. Saving grades the sample once."""

    class Meta:
        model = WaterSample
        fields = SAMPLE_FIELDS
        widgets = {"sampled_at": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sampled_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        stored = {}
        if self.instance.pk is not None:
            stored = {item.parameter: item for item in self.instance.measurements.all()}
        self.stored = stored
        for parameter in water_quality.PARAMETERS:
            name = PARAMETER_PREFIX + parameter.key
            self.fields[name] = forms.CharField(
                label=parameter_label(parameter), required=False, max_length=40)
            if parameter.key in stored:
                self.initial.setdefault(name, stored[parameter.key].reading)
        self.results: dict[str, Measurement] = {}

    def parameter_fields(self):
        return [self[PARAMETER_PREFIX + parameter.key] for parameter in water_quality.PARAMETERS]

    @property
    def field_groups(self) -> list[FieldGroup]:
        """The sample first, then its results in a grid under one hint, then the note."""
        results = self.parameter_fields()
        listed = {field.name for field in results} | {"note"}
        first = [field for field in self if field.name not in listed]
        last = [self["note"]] if "note" in self.fields else []
        return [FieldGroup(first), FieldGroup(results, "监测结果", RESULT_HINT, grid=True), FieldGroup(last)]

    def clean(self):
        cleaned = super().clean()
        self.results = {}
        for parameter in water_quality.PARAMETERS:
            name = PARAMETER_PREFIX + parameter.key
            text = cleaned.get(name)
            try:
                found = water_quality.measurement(parameter, text)
            except ValueError as exc:
                self.add_error(name, f"{exc}。")
                continue
            if found is None:
                continue
            item = self.stored.get(parameter.key) or Measurement(parameter=parameter.key)
            item.below_detection = found.below_detection
            number = None if found.value is None else Decimal(str(found.value))
            item.value, item.detection_limit = (None, number) if found.below_detection else (number, None)
            try:
                item.clean_fields(exclude=["sample"])
                item.clean()
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error(name, message)
                continue
            self.results[parameter.key] = item
        return cleaned

    def save(self, commit=True):
        sample = super().save(commit)
        if commit:
            services.save_measurements(sample, self.results, self.stored)
        return sample


# The enterprise environmental file (一企一档, environmental part) ---------------------------------

from .models import (  # noqa: E402
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    HazardousWasteManifest, OnlineMonitor, Penalty, TreatmentFacility,
)

PERMIT_FIELDS = ["enterprise", "number", "category", "issued_on", "expires_on", "renewal_applied_on", "note"]
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
        widgets = {"issued_on": DATE, "expires_on": DATE, "renewal_applied_on": DATE}


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
