"""Table columns for list pages and exports: header with unit, display value and export value."""
import math
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
    if isinstance(value, float):
        return f"{value:,.2f}" if math.isfinite(value) else _infinite_text(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, (list, tuple)):
        return "、".join(display_value(item) for item in value)
    if isinstance(value, dict):
        return _geometry_text(value) or "；".join(f"{key}：{display_value(item)}" for key, item in value.items())
    if getattr(value, "is_deleted", False):  # a link to a record deleted since
        return f"{value}（已删除）"
    return str(value)


def _decimal_text(value: Decimal) -> str:
    """Thousands separators and the decimals written, at least two: 70.5000 shows as 70.50."""
    if not value.is_finite():
        return _infinite_text(value)
    places = max(2, -value.normalize().as_tuple().exponent)
    return f"{value:,.{places}f}"


def _infinite_text(value) -> str:
    if value != value:  # NaN: no figure to show
        return ""
    return "∞" if value > 0 else "-∞"


def _geometry_text(value: dict) -> str:
    """A GeoJSON geometry (or a feature holding one) in words; "" when `value` is not one."""
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind, coordinates = value.get("type"), value.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        return ""
    try:
        if kind == "Point":
            return "点（{}, {}）".format(*(_coordinate(c) for c in coordinates[:2]))
        if kind == "Polygon":
            return f"多边形，{_vertices(coordinates[0])} 个顶点"
        if kind == "MultiPolygon":
            vertices = sum(_vertices(polygon[0]) for polygon in coordinates)
            return f"多边形 {len(coordinates)} 块，共 {vertices} 个顶点"
    except (TypeError, ValueError, IndexError):
        return ""
    return ""


def _coordinate(number) -> str:
    return format(Decimal(str(float(number))).normalize(), "f")


def _vertices(ring: list) -> int:
    """A closed ring repeats its first point at the end."""
    return len(ring) - 1 if len(ring) > 1 and ring[0] == ring[-1] else len(ring)


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
