import django_filters
from django import forms

from openpark.core.filters import SearchFilterSet, YearFilter
from openpark.enterprises.industry import industry_lookup
from openpark.enterprises.models import Zone

from .choices import Frequency, Source
from .models import CityFigure, Fact, Indicator


class IndicatorFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "department")

    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, label="频次")
    source = django_filters.ChoiceFilter(choices=Source.choices, label="数据来源")

    class Meta:
        model = Indicator
        fields = []


class FactFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc")

    indicator = django_filters.ModelChoiceFilter(queryset=Indicator.objects.all(), label="指标")
    year = YearFilter(label="年份")
    month = django_filters.NumberFilter(label="截至月份", widget=forms.NumberInput(attrs={"min": 1, "max": 12}))
    annual = django_filters.BooleanFilter(field_name="month", lookup_expr="isnull", label="仅年度数据")
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label="企业编号",
                                             widget=forms.HiddenInput)
    zone = django_filters.ModelChoiceFilter(field_name="enterprise__zone", queryset=Zone.objects.all(), label="片区")
    industry = django_filters.CharFilter(method="filter_industry", label="行业代码",
                                         help_text="门类字母或代码前缀，如 C、36、C3670")

    class Meta:
        model = Fact
        fields = []

    def filter_industry(self, queryset, name, value):
        return queryset.filter(**industry_lookup(value, prefix="enterprise__"))


class CityFigureFilterSet(SearchFilterSet):
    search_fields = ("indicator__name", "note")

    indicator = django_filters.ModelChoiceFilter(queryset=Indicator.objects.all(), label="指标")
    year = YearFilter(label="年份")

    class Meta:
        model = CityFigure
        fields = []
