import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .choices import ChangeAction, GrantAction, GrantState
from .models import ChangeRecord, Grid, RoleGrant


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text `q` over the fields named in `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="搜索")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ContentTypeChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        return str(model._meta.verbose_name) if model is not None else obj.model


class ContentTypeFilter(django_filters.ModelChoiceFilter):
    field_class = ContentTypeChoiceField


def _recorded_types(request=None):
    from .changes import visible_content_type_ids

    types = ContentType.objects.filter(pk__in=ChangeRecord.objects.values("content_type").distinct())
    visible = visible_content_type_ids(request.user) if request is not None else []
    if visible is not None:
        types = types.filter(pk__in=visible)
    return types.order_by("app_label", "model")


class ChangeRecordFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "username", "request_id")

    date_from = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label="起始日期",
                                          widget=DATE_INPUT)
    date_to = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label="截止日期",
                                        widget=DATE_INPUT)
    user = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.all(), label="用户")
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label="操作")
    content_type = ContentTypeFilter(queryset=_recorded_types, label="对象类型")
    object_id = django_filters.CharFilter(label="对象编号")
    request_id = django_filters.CharFilter(label="请求编号")

    class Meta:
        model = ChangeRecord
        fields = ["user", "action", "content_type", "object_id", "request_id"]


class GridFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = Grid
        fields = []


class RoleGrantFilterSet(SearchFilterSet):
    search_fields = ("user__username", "user__full_name", "reason")

    state = django_filters.ChoiceFilter(choices=GrantState.choices, label="状态")
    action = django_filters.ChoiceFilter(choices=GrantAction.choices, label="操作")

    class Meta:
        model = RoleGrant
        fields = ["state", "action"]
