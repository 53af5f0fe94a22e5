"""Model fields shared by the apps."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from . import uscc
from .codes import normalise_code


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_uscc") from exc


class USCCFormField(forms.CharField):
    """Accepts the code as people type it (spaces, lower case, full-width) and normalises it."""

    def to_python(self, value):
        return uscc.normalise(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # the typed form may be longer than the normalised code
        return attrs


class USCCSerializerField(serializers.CharField):
    def to_internal_value(self, data):
        return uscc.normalise(super().to_internal_value(data))


class CodeFormField(forms.CharField):
    def to_python(self, value):
        return normalise_code(super().to_python(value))


class CodeField(models.CharField):
    """A certificate or document number, stored normalised (see normalise_code)."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_code(value) if value else value

    def pre_save(self, model_instance, add):
        value = normalise_code(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CodeFormField, **kwargs})


class USCCField(models.CharField):
    """统一社会信用代码, normalised and checked to GB 32100-2015."""

    default_validators = [validate_uscc]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return uscc.normalise(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": USCCFormField, **kwargs})
