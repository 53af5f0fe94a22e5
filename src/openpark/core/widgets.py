"""Form widgets of the platform."""
from django import forms
from django.urls import reverse

from .limits import ID_MAX

ID_DIGITS = len(str(ID_MAX))  # a longer string of digits is no id (and too long for int())


class AutocompleteMixin:
    """A select of linked records that renders only the chosen ones: the page types ahead
    against `/core/autocomplete/<model>/` (openpark.js), so no page lists every enterprise.
    The form field's queryset still decides what may be chosen."""

    def __init__(self, model, attrs=None, choices=()):
        super().__init__(attrs=attrs, choices=choices)
        self.model_label = model._meta.label_lower

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-autocomplete"] = reverse("core:autocomplete", args=[self.model_label])
        attrs.setdefault("data-placeholder", "输入名称或代码查找…")
        return attrs

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        options = []
        field = self.choices.field
        if not self.allow_multiple_selected and not self.is_required:
            options.append(self.create_option(name, "", empty_choice_label(field), not chosen, 0))
        ids = [int(v) for v in chosen if v.isdigit() and len(v) <= ID_DIGITS and int(v) <= ID_MAX]
        for obj in field.queryset.filter(pk__in=ids) if ids else ():
            options.append(self.create_option(name, obj.pk, field.label_from_instance(obj), True, len(options)))
        return [(None, options, 0)]


EMPTY_CHOICE = "请选择"


def _is_dashes(label) -> bool:
    return set(str(label)) == {"-"}


def empty_choice_label(field) -> str:
    """The empty choice as the field names it (a filter's 全部), never Django's "---------"."""
    label = getattr(field, "empty_label", None)
    return EMPTY_CHOICE if not label or _is_dashes(label) else str(label)


def name_empty_choices(form) -> None:
    """Every empty choice of the form's selects reads 请选择, not Django's "---------": a model
    field's blank choice, a foreign key's empty label. A label the form gave itself (全部) stays."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None and _is_dashes(field.empty_label):
                field.empty_label = EMPTY_CHOICE
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices = list(field.choices)
            if any(value == "" and isinstance(label, str) and _is_dashes(label) for value, label in choices):
                field.choices = [(value, EMPTY_CHOICE if value == "" and isinstance(label, str) and _is_dashes(label)
                                  else label) for value, label in choices]


class AutocompleteSelect(AutocompleteMixin, forms.Select):
    pass


class AutocompleteSelectMultiple(AutocompleteMixin, forms.SelectMultiple):
    pass
