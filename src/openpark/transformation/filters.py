import django_filters

from openpark.core.filters import DATE_INPUT, SearchFilterSet, YearFilter
from openpark.core.widgets import AutocompleteSelect
from openpark.enterprises.models import Enterprise, Zone

from .choices import CertificationKind, CertificationLevel, IssuingLevel, NetworkConnection, ProjectState
from .models import Certification, TransformationProject


class CertificationFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "document_number")
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="企业",
                                                  widget=AutocompleteSelect(Enterprise))
    kind = django_filters.ChoiceFilter(choices=CertificationKind.choices, label="认定类型")
    level = django_filters.ChoiceFilter(choices=CertificationLevel.choices, label="级别")
    issuing_level = django_filters.ChoiceFilter(choices=IssuingLevel.choices, label="认定层级")
    current = django_filters.BooleanFilter(field_name="superseded_by", lookup_expr="isnull", label="当前有效")
    zone = django_filters.ModelChoiceFilter(field_name="enterprise__zone", queryset=Zone.objects.all(),
                                            label="所在片区")
    certified_from = django_filters.DateFilter(field_name="certified_on", lookup_expr="gte", label="认定日期从",
                                               widget=DATE_INPUT)
    certified_to = django_filters.DateFilter(field_name="certified_on", lookup_expr="lte", label="认定日期至",
                                             widget=DATE_INPUT)
    levels = django_filters.MultipleChoiceFilter(field_name="level", choices=CertificationLevel.choices,
                                                 label="级别（多选）")
    issued_at_least = django_filters.ChoiceFilter(choices=IssuingLevel.choices, method="filter_issued_at_least",
                                                  label="认定层级不低于")
    # Last, so that it keeps one row of each enterprise among those the other filters kept: the list
    # then has as many rows as a target's 获得认定的企业数 counts enterprises.
    one_per_enterprise = django_filters.BooleanFilter(method="filter_one_per_enterprise", label="每家企业只列一条")

    class Meta:
        model = Certification
        fields = []

    def filter_issued_at_least(self, queryset, name, value):
        if not value:
            return queryset
        order = list(IssuingLevel.values)
        return queryset.filter(issuing_level__in=order[order.index(value):])

    def filter_one_per_enterprise(self, queryset, name, value):
        if not value:
            return queryset
        from django.db.models import Min

        first = queryset.order_by().values("enterprise").annotate(first=Min("pk")).values("first")
        return queryset.filter(pk__in=first)


class TransformationProjectFilterSet(SearchFilterSet):
    search_fields = ("name", "enterprise__name")
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all(), label="企业",
                                                  widget=AutocompleteSelect(Enterprise))
    state = django_filters.ChoiceFilter(choices=ProjectState.choices, label="状态")
    network = django_filters.ChoiceFilter(choices=NetworkConnection.choices, label="网络接入")
    year = YearFilter(label="年度")

    class Meta:
        model = TransformationProject
        fields = []
