import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters as rest_framework_filters

from .choices import ChangeAction, GrantAction, GrantState
from .fields import IdRangeChoiceMixin
from .forms import DateInput, YearField
from .limits import ID_MAX
from .masking import is_hidden, is_withheld
from .models import ChangeRecord, Grid, RoleGrant, Target


class IdFilterChoiceField(IdRangeChoiceMixin, django_filters.fields.ModelChoiceField):
    pass


class IdFilterMultipleChoiceField(IdRangeChoiceMixin, django_filters.fields.ModelMultipleChoiceField):
    pass


class BoundedNumberField(forms.DecimalField):
    """A number to filter by, within the range of the database's integer columns."""

    def validate(self, value):
        super().validate(value)
        if value is not None and abs(value) > ID_MAX:
            raise ValidationError(f"数值超出范围（绝对值不能超过 {ID_MAX}）。", code="out_of_range")


class AllYesNo(django_filters.widgets.BooleanWidget):
    """A yes-or-no filter that narrows nothing until asked: 全部, 是, 否."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "全部"), ("true", "是"), ("false", "否")]


class YearFilter(django_filters.NumberFilter):
    """A year of periods, evaluations and targets (FIRST_YEAR–LAST_YEAR); others are refused."""

    field_class = YearField


# The form fields of django-filter's own filters that read ids or numbers, and the bounded ones
# every platform FilterSet uses instead (see SearchFilterSet.get_filters).
BOUNDED_FIELD_CLASSES = {
    django_filters.fields.ModelChoiceField: IdFilterChoiceField,
    django_filters.fields.ModelMultipleChoiceField: IdFilterMultipleChoiceField,
    forms.DecimalField: BoundedNumberField,
}


def contains_any(fields, text: str) -> Q:
    """Rows where any of `fields` contains `text`: a list's search box, the global search and the
    type-ahead all look this way."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": text})
    return condition


class SearchFilterSet(django_filters.FilterSet):
    """The base of every FilterSet: a free-text `q` over the fields named in `search_fields`,
    record ids and numbers refused with a Chinese message when no database column can hold them
    (instead of an error from the database), and no filter on a field the requesting user may not
    see (the model's `restricted_fields`) or sees only masked (its `sensitive_fields`): it is not
    offered, and a value sent for it narrows nothing, so that no filter tells what a mask hides.
    An empty choice reads 全部 (FILTERS_EMPTY_CHOICE_LABEL), a yes-or-no filter 全部/是/否."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="搜索")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user, model = getattr(self.request, "user", None), self._meta.model
        if user is None or model is None:
            return
        for name in [name for name, filter_ in self.filters.items()
                     if any(check(model, path, user) for check in (is_withheld, is_hidden)
                            for path in (name, filter_.field_name))]:
            del self.filters[name]
        self._scope_choices(user)

    def _scope_choices(self, user) -> None:
        """A filter that lists records (企业, 排口 …) lists only those the user may see: an enterprise
        user is never shown the names of the park's other enterprises."""
        from .registry import declaration_for

        for filter_ in self.filters.values():
            queryset = getattr(filter_, "queryset", None)
            if isinstance(filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter) \
                    and queryset is not None and not callable(queryset):
                pages = declaration_for(queryset.model)
                if pages is not None:
                    filter_.queryset = queryset.filter(pk__in=pages.scoped(user).values("pk"))

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for filter_ in filters.values():
            filter_.field_class = BOUNDED_FIELD_CLASSES.get(filter_.field_class, filter_.field_class)
            if isinstance(filter_, django_filters.BooleanFilter):
                filter_.extra.setdefault("widget", AllYesNo)
        return filters

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(contains_any(self.search_fields, value)) if value else queryset


DATE_INPUT = DateInput()


class RuleFilter(django_filters.BooleanFilter):
    """是/否 by a model's own rule (a Q, such as `Case.overdue_q`): 是 keeps the rows it holds for,
    否 the others, 全部 all; the rule is asked when the filter runs, never at import."""

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule

    def filter(self, queryset, value):
        if value is None:
            return queryset
        return queryset.filter(self.rule()) if value else queryset.exclude(self.rule())


class ContentTypeChoiceField(IdFilterChoiceField):
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
    username = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label="操作人（用户名）")
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label="操作")
    content_type = ContentTypeFilter(queryset=_recorded_types, label="对象类型")
    object_id = django_filters.CharFilter(label="对象编号")
    request_id = django_filters.CharFilter(label="请求编号")

    class Meta:
        model = ChangeRecord
        fields = ["username", "action", "content_type", "object_id", "request_id"]


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


class OrderingFilter(rest_framework_filters.OrderingFilter):
    """The API's `?ordering=`, never by a field the requesting user may not see or sees only
    masked: the order of rows by a hidden number tells what the mask hides."""

    def get_valid_fields(self, queryset, view, context=None):
        fields = super().get_valid_fields(queryset, view, context or {})
        user, model = getattr(view.request, "user", None), queryset.model
        return [(name, label) for name, label in fields
                if not is_hidden(model, name, user) and not is_withheld(model, name, user)
                and not _is_encrypted(model, name)]


def _is_encrypted(model, name: str) -> bool:
    """Whether `name` is stored encrypted: an order by its stored tokens would mean nothing."""
    from .fields import EncryptedCharField

    try:
        return isinstance(model._meta.get_field(name), EncryptedCharField)
    except FieldDoesNotExist:
        return False


class FilterBackend(DjangoFilterBackend):
    """The API's filter backend: a view's `filterset_fields` make a SearchFilterSet too."""

    filterset_base = SearchFilterSet


class TargetFilterSet(SearchFilterSet):
    search_fields = ("name", "owner", "note")

    year = YearFilter(label="年度")

    class Meta:
        model = Target
        fields = ["metric", "direction"]
