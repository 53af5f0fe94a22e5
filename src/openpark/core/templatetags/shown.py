from django import template

from openpark.core.columns import display_value

register = template.Library()


@register.filter
def shown(value) -> str:
    """A value as list and detail pages show it (numbers formatted, labels not codes)."""
    return display_value(value)
