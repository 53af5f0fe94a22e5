from django import forms
from django.db.models import Q

from openpark.core.forms import DateInput, ScopedModelForm
from openpark.core.masking import hidden_fields, is_masked, mask_value

from .choices import Facility
from .models import (
    Activity, Organisation, Participation, Redemption, Reward, Station, StationInspection, VolunteerTeam, Worker,
    rider_accounts,
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
