"""Table columns for list pages and exports: header with unit, display value and export value.

`display_value` is the one home of how a value reads on a page, in a detail panel, a change record,
an import preview and the text of an export: numbers with thousands separators and two decimals
(a position reads to at most the six decimals of its metre, without trailing zeros), a year as written, 是/否, times in
Asia/Shanghai, lists joined with 、, shapes in words."""
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
    help: str = ""  # what the column means (its field's help text, a property's `help_text`): the header's title

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
        if self.field.many_to_many:  # the linked records by name: 蜂骑士团、先锋队
            return "、".join(str(linked) for linked in getattr(obj, self.name).all())
        return getattr(obj, self.name)

    def display(self, obj) -> str:
        unit_of = getattr(obj, "unit_of", None)  # a figure whose unit the row says (an indicator's value)
        unit = unit_of(self.name) if unit_of is not None and self.field is not None else ""
        return display_value(self.raw(obj), self.field, unit)

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


POSITION_PLACES = 6  # a longitude or latitude to six decimals: a tenth of a metre
COUNT_UNITS = frozenset({"人", "家", "个", "户", "名", "项", "件", "次"})  # figures that count people or things


def display_value(value, field: models.Field | None = None, unit: str = "") -> str:
    """`value` as people read it; `field`, when the value is one field's, says whether a number is
    a year (written as is), a position (its six decimals kept), a figure its model shows as stored
    (`exact_decimals`, with its unit: the row's, else the one its verbose name ends with) or a count
    of people (a whole number);
    so does `unit`, the unit of a figure that its row names (人: a count)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) \
            else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int):
        return _integer_text(value, field)
    if isinstance(value, float):
        return number_text(value) if math.isfinite(value) else _infinite_text(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return _infinite_text(value)
        if is_exact(field):
            shown_unit = unit or unit_in_name(field)
            return exact_text(value, field.decimal_places) + (f" {shown_unit}" if shown_unit else "")
        if is_position(field):
            return _position_text(value)
        return count_text(value) if unit in COUNT_UNITS or is_count(field) else number_text(value)
    if isinstance(value, (list, tuple)):
        return "、".join(display_value(item) for item in value)
    if isinstance(value, dict):
        return _geometry_text(value) or "；".join(f"{key}：{display_value(item)}" for key, item in value.items())
    if getattr(value, "is_deleted", False):  # a link to a record deleted since
        return f"{value}（已删除）"
    return str(value)


def number_text(value, places: int = 2) -> str:
    """A figure with thousands separators and `places` decimals: 1234567.891 → "1,234,567.89"."""
    return f"{value:,.{places}f}"


def distinct_figures(before, after, most: int = 6) -> tuple[str, str]:
    """Two figures that read the same at two decimals, written with the decimals that tell them
    apart (at most `most`): a change of 18.0452 to 18.0461 reads "18.045 → 18.046", not "18.05 → 18.05"."""
    for places in range(2, most + 1):
        texts = number_text(before, places), number_text(after, places)
        if texts[0] != texts[1]:
            return texts
    return texts


def signed_pct(value) -> str:
    """Growth in percent with its sign: "+12.30%", "-4.00%", "0.00%"; "" when there is none."""
    if value is None:
        return ""
    value = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"{'+' if value > 0 else ''}{value:,.2f}%"


def count_text(value) -> str:
    """A count of people or things, a whole number with thousands separators: 12345 → "12,345"."""
    return f"{int(round(value)):,}"


def is_year(field) -> bool:
    """A year field (2026 reads as a year, not as 2,026): named so, or bounded as the years are."""
    if field is None:
        return False
    from .limits import FIRST_YEAR

    name = getattr(field, "name", None) or str(getattr(field, "field", ""))  # a model's or a sheet's
    return name in ("year", "years", "since") or name.endswith(("_year", "_years")) or any(
        getattr(v, "limit_value", None) == FIRST_YEAR for v in getattr(field, "validators", ()))


def is_count(field) -> bool:
    """A number of people or things, stored with decimals (an average headcount): its verbose name
    says so ("年平均职工人数", "…（家）")."""
    name = str(getattr(field, "verbose_name", "") or "")
    return name.endswith(("人数", "户数", "家数")) or any(f"（{unit}）" in name for unit in COUNT_UNITS)


def is_exact(field) -> bool:
    """A figure its model shows as stored (`exact_decimals`, the field names: a lab's result of
    0.0004 mg/L is not 0.00), rather than at two decimals."""
    model = getattr(field, "model", None)
    return model is not None and field.name in getattr(model, "exact_decimals", ())


def unit_in_name(field) -> str:
    """The unit a field's verbose name ends with ("化学需氧量（mg/L）" → "mg/L"); "" when none."""
    name = str(getattr(field, "verbose_name", "") or "")
    if not name.endswith("）") or "（" not in name:
        return ""
    return name[name.rindex("（") + 1:-1]


def exact_text(value: Decimal, places: int) -> str:
    """A figure at its field's decimal places, without the trailing zeros: "0.0004", "3,000", "7.2"."""
    rounded = value.quantize(Decimal(1).scaleb(-places)) if places is not None else value
    return f"{rounded.normalize():,f}" if rounded else "0"


def is_position(field) -> bool:
    """A longitude or latitude: a decimal field of six places or more."""
    return getattr(field, "decimal_places", None) is not None and field.decimal_places >= POSITION_PLACES


def _integer_text(value: int, field) -> str:
    """A whole number with thousands separators; a year as written. Without its field, a number
    under 10,000 is written as is, since it may be a year."""
    if is_year(field) or field is None and abs(value) < 10000:
        return str(value)
    return f"{value:,}"


def _position_text(value: Decimal) -> str:
    """A longitude or latitude in degrees, to at most six decimals and without trailing zeros:
    "120.254143°", "120.266°", "120°"."""
    rounded = value.quantize(Decimal(1).scaleb(-POSITION_PLACES))
    return (format(rounded.normalize(), "f") if rounded else "0") + "°"


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
        if name == "__str__":  # the record itself, under the name of its kind
            columns.append(Column(name, capfirst(str(model._meta.verbose_name)), None))
            continue
        try:
            field = model._meta.get_field(name)
            label = capfirst(str(field.verbose_name))
            help_text = str(field.help_text or "")
        except FieldDoesNotExist:
            field = None
            attribute = getattr(model, name)
            if isinstance(attribute, property):
                attribute = attribute.fget
            label = str(getattr(attribute, "short_description", name))
            help_text = str(getattr(attribute, "help_text", "") or "")
        columns.append(Column(name, label, field, help_text))
    return columns
