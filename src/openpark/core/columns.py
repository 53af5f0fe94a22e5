"""Table columns for list pages and exports: header with unit, display value and export value."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    field: models.Field | None

    @property
    def sortable(self) -> bool:
        return self.field is not None and self.field.concrete

    @property
    def related(self) -> bool:
        return self.field is not None and self.field.is_relation and self.field.many_to_one

    def raw(self, obj):
        if self.field is None:
            value = getattr(obj, self.name)
            return value() if callable(value) else value
        if self.field.choices:
            return getattr(obj, f"get_{self.name}_display")()
        return getattr(obj, self.name)

    def display(self, obj) -> str:
        return display_value(self.raw(obj))

    def export(self, obj):
        """A value xlsxwriter writes natively: numbers stay numbers, the rest becomes text."""
        value = self.raw(obj)
        if isinstance(value, bool) or value is None:
            return display_value(value)
        if isinstance(value, (int, float)):
            return value
        if isinstance(value, Decimal):
            return float(value)
        return display_value(value)


def display_value(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if getattr(value, "is_deleted", False):  # a link to a record deleted since
        return f"{value}（已删除）"
    return str(value)


def build_columns(model, names) -> list[Column]:
    columns = []
    for name in names:
        try:
            field = model._meta.get_field(name)
            label = capfirst(str(field.verbose_name))
        except FieldDoesNotExist:
            field = None
            attribute = getattr(model, name)
            if isinstance(attribute, property):
                attribute = attribute.fget
            label = str(getattr(attribute, "short_description", name))
        columns.append(Column(name, label, field))
    return columns
