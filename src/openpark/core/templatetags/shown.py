"""How values read on pages, each rule at home in `openpark.core.columns`."""
import math

from django import template

from openpark.core.columns import COUNT_UNITS, count_text, display_value, number_text, signed_pct

register = template.Library()


@register.filter
def shown(value) -> str:
    """A value as list and detail pages show it (numbers formatted, labels not codes)."""
    return display_value(value)


@register.filter
def figure(value, places=2) -> str:
    """A figure (money, an area, a score, a percentage) with thousands separators and two decimals;
    "" for no figure, so that `|default:"—"` shows the dash."""
    number = _number(value)
    if number is None:
        return ""
    return number_text(number, int(places)) if math.isfinite(number) else display_value(number)


@register.filter
def count(value) -> str:
    """A count of people or things: a whole number with thousands separators."""
    number = _number(value)
    return "" if number is None or not math.isfinite(number) else count_text(number)


def _number(value) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def growth(value) -> str:
    """A growth in percent with its sign and two decimals: "+12.30%"; "" for none."""
    number = _number(value)
    return "" if number is None or not math.isfinite(number) else signed_pct(number)


@register.filter
def figure_in(value, unit) -> str:
    """A figure in its unit: a whole number for people and things (人, 家, 个…), else two decimals."""
    return count(value) if str(unit) in COUNT_UNITS else figure(value)
