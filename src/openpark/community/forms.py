from django import forms
from django.db.models import Q

from openpark.core.forms import DateInput, ScopedModelForm
from openpark.core.masking import hidden_fields, is_masked, mask_value

from openpark.core.workflows import TransitionForm

from . import cases
from .choices import Facility, Resolution, Satisfaction
from .models import (
    Activity, Case, CaseCategory, CaseTimeLimit, Department, Open311Key, Organisation, Participation, Redemption, Reward, Station,
    StationInspection, VolunteerTeam, Worker, rider_accounts,
)
from .standards import CHECKLIST_FIELDS

DATE = DateInput()
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

ORGANISATION_FIELDS = ["name", "kind", "parent", "covered_enterprises", "officers", "founded_on", "note"]
STATION_FIELDS = ["name", "tier", "kind", "organisation", "address", "longitude", "latitude", "opens_at", "closes_at",
                  "facilities", "note"]
INSPECTION_FIELDS = ["station", "inspected_on", "inspector", *CHECKLIST_FIELDS, "rectify_by", "note"]
TEAM_FIELDS = ["name", "organisation", "leader", "founded_on", "note"]
WORKER_FIELDS = ["name", "employer", "job_type", "party_member", "union_member", "grid_worker", "grid", "station", "teams",
                 "phone", "id_number", "consent_on", "user", "note"]
ACTIVITY_FIELDS = ["title", "kind", "held_on", "place", "station", "organiser", "team", "hours", "points", "note"]
PARTICIPATION_FIELDS = ["activity", "worker", "attended", "note"]
REWARD_FIELDS = ["name", "points", "stock", "limit_per_person", "is_active", "description"]
REDEMPTION_FIELDS = ["worker", "reward", "quantity", "note"]


class OrganisationForm(ScopedModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {"founded_on": DATE}


class StationForm(ScopedModelForm):
    facilities = forms.MultipleChoiceField(label="设施", choices=Facility.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Station
        fields = STATION_FIELDS
        widgets = {"opens_at": TIME, "closes_at": TIME}


class StationInspectionForm(ScopedModelForm):
    class Meta:
        model = StationInspection
        fields = INSPECTION_FIELDS
        widgets = {"inspected_on": DATE, "rectify_by": DATE}
        help_texts = {CHECKLIST_FIELDS[0]: "逐项检查：达标的项勾选，未勾选的项记为未达标。"}


class VolunteerTeamForm(ScopedModelForm):
    class Meta:
        model = VolunteerTeam
        fields = TEAM_FIELDS
        widgets = {"founded_on": DATE}


class WorkerForm(ScopedModelForm):
    """The phone and ID number are shown masked to a user without the right to see them; sent
    back masked, the stored value stays."""

    class Meta:
        model = Worker
        fields = WORKER_FIELDS
        widgets = {"consent_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:  # a rider's account, or the one already linked
            field = self.fields["user"]
            field.queryset = field.queryset.filter(Q(pk__in=rider_accounts().values("pk")) | Q(pk=self.instance.user_id))
        self.masked = hidden_fields(Worker, self.user) if self.user is not None else set()
        for name in self.masked & set(self.fields):
            value = getattr(self.instance, name, "")
            self.initial[name] = mask_value(name, value)

    def _kept(self, name):
        value = self.cleaned_data.get(name, "")
        if name in self.masked and is_masked(value):
            return getattr(self.instance, name, "") if self.instance.pk else ""
        return value

    def clean_phone(self):
        return self._kept("phone")

    def clean_id_number(self):
        return self._kept("id_number")


class ActivityForm(ScopedModelForm):
    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS
        widgets = {"held_on": DATE}


class ParticipationForm(ScopedModelForm):
    class Meta:
        model = Participation
        fields = PARTICIPATION_FIELDS


class RewardForm(ScopedModelForm):
    class Meta:
        model = Reward
        fields = REWARD_FIELDS


class RedemptionForm(ScopedModelForm):
    class Meta:
        model = Redemption
        fields = REDEMPTION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a request made is approved or refused, not rewritten
            for name in ("worker", "reward", "quantity"):
                self.fields[name].disabled = True


# 随手拍 and grid cases --------------------------------------------------------------------------

DEPARTMENT_FIELDS = ["name", "kind", "phone", "grids", "is_active", "note"]
CATEGORY_FIELDS = ["code", "name", "group", "icon", "department", "urgency", "points", "anonymous_allowed",
                   "is_active", "order", "description", "keywords"]
TIME_LIMIT_FIELDS = ["category", "stage", "urgency", "amount", "unit"]
CASE_FIELDS = ["category", "urgency", "description", "longitude", "latitude", "address", "grid", "reporter_name",
               "reporter_phone", "anonymous"]
MAX_EXTENSION_DAYS = 30


class DepartmentForm(ScopedModelForm):
    class Meta:
        model = Department
        fields = DEPARTMENT_FIELDS


class CaseCategoryForm(ScopedModelForm):
    class Meta:
        model = CaseCategory
        fields = CATEGORY_FIELDS


class CaseTimeLimitForm(ScopedModelForm):
    class Meta:
        model = CaseTimeLimit
        fields = TIME_LIMIT_FIELDS


class CaseForm(ScopedModelForm):
    """A case entered by staff (a phone call, a walk-in): filed as the phone page files it."""

    class Meta:
        model = Case
        fields = CASE_FIELDS

    # Who reported a case is what they said when filing: an edit never names or unmasks them.
    REPORTER_FIELDS = ("reporter_name", "reporter_phone", "anonymous")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in self.REPORTER_FIELDS:
                self.fields.pop(name, None)

    def save(self, commit=True):
        if self.instance.pk is None:
            from .choices import CaseChannel

            self.instance.channel = CaseChannel.STAFF
        return super().save(commit=commit)


class Open311KeyForm(ScopedModelForm):
    """A key's name and whether it is in use; the key itself is issued once (`open311.keys.issue`)."""

    class Meta:
        model = Open311Key
        fields = ["name", "is_active"]


class DispatchForm(TransitionForm):
    """派遣: to which department; the category's own is offered first."""

    needed = ("department",)
    department = forms.ModelChoiceField(label="处置部门", queryset=Department.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        if self.obj is not None:
            from .casework import owner_of

            owner = owner_of(self.obj)
            self.initial.setdefault("department", owner.pk if owner else None)

    def clean_department(self):
        department = self.cleaned_data.get("department")
        if department is None:
            raise forms.ValidationError("请选择处置部门。")
        return department


class DuplicateForm(TransitionForm):
    """重复上报: the open case this one repeats (its number)."""

    needed = ("duplicate_of",)
    duplicate_of = forms.CharField(label="重复于（案件编号）", max_length=20, required=False)

    def clean_duplicate_of(self):
        number = (self.cleaned_data.get("duplicate_of") or "").strip().upper()
        if not number:
            raise forms.ValidationError("请填写与之重复的案件编号。")
        original = self.scoped(Case.objects.filter(number=number)).first()
        if original is None:
            raise forms.ValidationError(f"没有编号为 {number} 的案件。")
        if self.obj is not None and original.pk == self.obj.pk:
            raise forms.ValidationError("案件不能与自身重复。")
        if original.state in cases.ENDED_STATES:
            raise forms.ValidationError(f"案件 {number} 已{original.get_state_display()}，不能作为重复的依据。")
        return original


class ExtensionForm(TransitionForm):
    needed = ("days",)
    days = forms.IntegerField(label="延期（工作日）", min_value=1, max_value=MAX_EXTENSION_DAYS, required=False)

    def clean_days(self):
        days = self.cleaned_data.get("days")
        if days is None:
            raise forms.ValidationError("请填写延期的工作日数。")
        return days


class CloseForm(TransitionForm):
    """结案: fixed, or closed without being fixed (then the reason is required)."""

    needed = ("resolution",)
    resolution = forms.ChoiceField(label="结案结果", choices=[("", "请选择"), *Resolution.choices], required=False)

    def clean(self):
        data = super().clean()
        if not data.get("resolution"):
            self.add_error("resolution", "请选择结案结果。")
        elif data["resolution"] == Resolution.NOT_FIXED and not (data.get("note") or "").strip():
            self.add_error("note", "未解决结案须说明原因。")
        return data


class EvaluateForm(TransitionForm):
    needed = ("satisfaction",)
    satisfaction = forms.ChoiceField(label="评价", choices=[("", "请选择"), *Satisfaction.choices], required=False)

    def clean_satisfaction(self):
        value = self.cleaned_data.get("satisfaction")
        if not value:
            raise forms.ValidationError("请选择评价。")
        return value
