"""A class as every page writes it: "A 类", never the bare code."""
from django import template

from openpark.evaluation.choices import grade_label

register = template.Library()


@register.filter
def grade(code) -> str:
    return grade_label(code)
