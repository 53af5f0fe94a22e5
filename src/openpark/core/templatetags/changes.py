from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def changed_fields(context, record):
    """A change record's changed fields as the requesting user may see them (sensitive ones masked);
    the records of one page read the name of each linked record once."""
    request = context["request"]
    if not hasattr(request, "_recorded_values"):
        request._recorded_values = {}
    return record.changed_fields_labelled(request.user, request._recorded_values)
