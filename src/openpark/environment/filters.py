import django_filters

from openpark.core.filters import SearchFilterSet

from .choices import WaterBodyKind, WaterBodyLevel, WaterClass
from .models import RiverSegment, WaterBody


class WaterBodyFilterSet(SearchFilterSet):
    search_fields = ("name",)
    kind = django_filters.ChoiceFilter(choices=WaterBodyKind.choices, label="类型")
    level = django_filters.ChoiceFilter(choices=WaterBodyLevel.choices, label="管理级别")
    target_class = django_filters.ChoiceFilter(choices=WaterClass.choices, label="水质目标")

    class Meta:
        model = WaterBody
        fields = []


class RiverSegmentFilterSet(SearchFilterSet):
    search_fields = ("name", "water_body__name", "start_description", "end_description")
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.all(), label="水体")

    class Meta:
        model = RiverSegment
        fields = []
