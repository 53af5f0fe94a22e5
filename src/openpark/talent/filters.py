"""The FilterSets of 人才服务's lists and API. Each year filter selects exactly the rows that the
counts page (`counts.py`) counts for that year, so each figure there links to its rows."""
from datetime import date

import django_filters
from django.db.models import Q

from openpark.core.filters import SearchFilterSet, YearFilter
from openpark.core.forms import DateInput
from openpark.core.widgets import AutocompleteSelect
from openpark.enterprises.models import Enterprise

from .choices import ApprenticeshipOutcome, Education, FairKind, PartnershipKind, PostingStatus, SkillLevel
from .models import Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining

DATE = DateInput()


def _year(field: str) -> YearFilter:
    return YearFilter(field_name=field, lookup_expr="year", label="年度")


def _enterprise():
    """Chosen by typing (the platform's type-ahead), not from a list of every enterprise."""
    return django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="企业",
                                            widget=AutocompleteSelect(Enterprise))


def _range(field: str, label: str) -> tuple:
    return (django_filters.DateFilter(field_name=field, lookup_expr="gte", label=f"{label}从", widget=DATE),
            django_filters.DateFilter(field_name=field, lookup_expr="lte", label=f"{label}至", widget=DATE))


class JobPostingFilterSet(SearchFilterSet):
    search_fields = ("title", "trade", "enterprise__name")
    enterprise = _enterprise()
    status = django_filters.ChoiceFilter(choices=PostingStatus.choices, label="状态")
    education = django_filters.ChoiceFilter(choices=Education.choices, label="学历要求")
    year = _year("posted_on")
    posted_from, posted_to = _range("posted_on", "发布日期")

    class Meta:
        model = JobPosting
        fields = []


class SchoolPartnershipFilterSet(SearchFilterSet):
    search_fields = ("school", "major", "enterprise__name")
    enterprise = _enterprise()
    kind = django_filters.ChoiceFilter(choices=PartnershipKind.choices, label="合作形式")
    active_in = YearFilter(method="filter_active_in", label="合作年度")

    class Meta:
        model = SchoolPartnership
        fields = []

    def filter_active_in(self, queryset, name, value):
        """The partnerships running at some time in the year: begun by its end, not ended before it."""
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(year, 1, 1)),
                               started_on__lte=date(year, 12, 31))


class RecruitmentFairFilterSet(SearchFilterSet):
    search_fields = ("name", "venue", "organiser")
    kind = django_filters.ChoiceFilter(choices=FairKind.choices, label="形式")
    year = _year("held_on")
    held_from, held_to = _range("held_on", "举办日期")

    class Meta:
        model = RecruitmentFair
        fields = []


class FairBoothFilterSet(SearchFilterSet):
    search_fields = ("fair__name", "enterprise__name")
    enterprise = _enterprise()
    fair = django_filters.ModelChoiceFilter(queryset=RecruitmentFair.objects.all(), label="招聘会")
    year = _year("fair__held_on")
    held_from, held_to = _range("fair__held_on", "举办日期")

    class Meta:
        model = FairBooth
        fields = []


class SkillsTrainingFilterSet(SearchFilterSet):
    search_fields = ("name", "trade", "organiser", "enterprise__name")
    enterprise = _enterprise()
    year = _year("started_on")
    started_from, started_to = _range("started_on", "开班日期")

    class Meta:
        model = SkillsTraining
        fields = []


class ApprenticeshipFilterSet(SearchFilterSet):
    search_fields = ("master", "apprentice", "trade", "enterprise__name")
    enterprise = _enterprise()
    outcome = django_filters.ChoiceFilter(choices=ApprenticeshipOutcome.choices, label="带徒结果")
    skill_level = django_filters.ChoiceFilter(choices=SkillLevel.choices, label="达到技能等级")
    year = _year("started_on")
    started_from, started_to = _range("started_on", "开始日期")
    finished_year = YearFilter(field_name="finished_on", lookup_expr="year", label="结束年度")
    finished_from, finished_to = _range("finished_on", "实际结束日期")

    class Meta:
        model = Apprenticeship
        fields = []
