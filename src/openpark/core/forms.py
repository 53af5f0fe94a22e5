from django import forms
from django.db import models
from django.forms.models import ModelFormMetaclass

from .fields import IdModelChoiceField, IdModelMultipleChoiceField, SafeJSONFormField
from .limits import FIRST_YEAR, LAST_YEAR
from .models import Grid
from .scoping import scope_queryset

FORM_FIELD_CLASSES = (
    (models.ManyToManyField, IdModelMultipleChoiceField),
    (models.ForeignKey, IdModelChoiceField),
    (models.JSONField, SafeJSONFormField),
)


def platform_formfield(db_field, **kwargs):
    """The form field of a model field, as the platform builds it: ids outside the id range and
    unsafe JSON are refused, and the model field's own validators (its range, a year's bounds)
    run with the field, before the form's `clean()` uses its value."""
    for model_field_class, form_class in FORM_FIELD_CLASSES:
        if isinstance(db_field, model_field_class):
            kwargs.setdefault("form_class", form_class)
            break
    formfield = db_field.formfield(**kwargs)
    if formfield is not None:
        formfield.validators.extend(v for v in db_field.validators if v not in formfield.validators)
    return formfield


class ScopedModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(platform_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ScopedModelForm(forms.ModelForm, metaclass=ScopedModelFormMetaclass):
    """A model form whose choices of related records are limited to live rows in the user's scope,
    so that nobody can link a record to one they may not see. Its fields come from
    `platform_formfield`, whichever subclass declares the model."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            model = queryset.model
            if hasattr(model, "is_deleted"):
                queryset = queryset.filter(is_deleted=False)
            if user is not None:
                queryset = scope_queryset(queryset, user)
            field.queryset = queryset


class YearField(forms.IntegerField):
    """A year of periods, evaluations and targets (FIRST_YEAR–LAST_YEAR)."""

    default_error_messages = {
        "min_value": "年份不能早于 %(limit_value)s 年。",
        "max_value": "年份不能晚于 %(limit_value)s 年。",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(**kwargs)


class GridForm(ScopedModelForm):
    class Meta:
        model = Grid
        fields = ["code", "name", "boundary"]
