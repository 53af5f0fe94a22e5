import django_filters

from openpark.core.filters import SearchFilterSet, YearFilter
from openpark.enterprises.industry import industry_lookup
from openpark.enterprises.models import Chain, Zone

from .choices import GROUP_LABELS, DisposalRoute, DisposalState, Grade, RunState
from .models import DisposalCase, Result, Run, SchemeVersion

GROUPS = tuple(GROUP_LABELS.items())


class SchemeVersionFilterSet(SearchFilterSet):
    search_fields = ("name", "title", "note")

    class Meta:
        model = SchemeVersion
        fields = []


class RunFilterSet(SearchFilterSet):
    search_fields = ("title", "note")

    year = YearFilter(label="评价年度")
    state = django_filters.ChoiceFilter(choices=RunState.choices, label="状态")

    class Meta:
        model = Run
        fields = []


class ResultFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc")

    run = django_filters.ModelChoiceFilter(queryset=Run.objects.all(), label="评价批次")
    group = django_filters.ChoiceFilter(choices=GROUPS, label="组别")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="等级")
    excluded = django_filters.BooleanFilter(field_name="group", lookup_expr="exact", method="filter_excluded",
                                            label="仅未纳入评价")
    adjusted = django_filters.BooleanFilter(method="filter_adjusted", label="仅调档的")
    lacking = django_filters.BooleanFilter(method="filter_lacking", label="仅缺数据的")
    zone = django_filters.ModelChoiceFilter(field_name="enterprise__zone", queryset=Zone.objects.all(), label="片区")
    industry = django_filters.CharFilter(method="filter_industry", label="行业代码",
                                         help_text="门类字母或代码前缀，如 C、36、C3670")
    chain = django_filters.ModelChoiceFilter(field_name="enterprise__chains", queryset=Chain.objects.all(),
                                             distinct=True, label="产业链")

    class Meta:
        model = Result
        fields = []

    def filter_excluded(self, queryset, name, value):
        return queryset.filter(group="") if value else queryset.exclude(group="")

    def filter_adjusted(self, queryset, name, value):
        from django.db.models import F

        return queryset.exclude(grade=F("computed_grade")) if value else queryset.filter(grade=F("computed_grade"))

    def filter_lacking(self, queryset, name, value):
        return queryset.exclude(missing=[]) if value else queryset.filter(missing=[])

    def filter_industry(self, queryset, name, value):
        return queryset.filter(**industry_lookup(value, prefix="enterprise__"))


class DisposalCaseFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc", "officer", "note")

    year = YearFilter(label="认定年度")
    route = django_filters.ChoiceFilter(choices=DisposalRoute.choices, label="处置方式")
    state = django_filters.ChoiceFilter(choices=DisposalState.choices, label="状态")
    zone = django_filters.ModelChoiceFilter(field_name="enterprise__zone", queryset=Zone.objects.all(), label="片区")

    class Meta:
        model = DisposalCase
        fields = []
