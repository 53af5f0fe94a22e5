from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def changed_fields(context, record):
    """A change record's changed fields as the requesting user may see them (sensitive ones masked)."""
    return record.changed_fields_labelled(context["request"].user)
