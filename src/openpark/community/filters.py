import django_filters

from openpark.core import crypto
from openpark.core.filters import DATE_INPUT, SearchFilterSet
from openpark.enterprises.models import Enterprise

from .choices import ActivityKind, EntryKind, JobType, OrganisationKind, RedemptionState, StationKind, StationTier
from .models import (
    Activity, LedgerEntry, Organisation, Participation, Redemption, Reward, Station, VolunteerTeam, Worker,
    normalise_phone,
)


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("name", "officers")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label="组织类型")

    class Meta:
        model = Organisation
        fields = []


class StationFilterSet(SearchFilterSet):
    search_fields = ("name", "address", "facilities")
    tier = django_filters.ChoiceFilter(choices=StationTier.choices, label="层级")
    kind = django_filters.ChoiceFilter(choices=StationKind.choices, label="驿站类型")

    class Meta:
        model = Station
        fields = []


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
        return queryset.filter(phone_digest__in=crypto.candidate_digests(normalise_phone(value)))


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
