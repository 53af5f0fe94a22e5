"""Masking personal data for roles that may not see it in full, and withholding what a role may
not see at all.

A model names its sensitive fields and the permission that shows them in full
(`ChangeLoggedModel.sensitive_fields`); `mask_values` applies that to any dict of the model's
values, so a change record, an export or an API response masks the same fields the same way.

A model names its restricted fields and the permission that shows them
(`ChangeLoggedModel.restricted_fields`); `withheld_fields` tells which a user may not see, and
the pages (list columns, details, forms), the API serializers, the filters and the exports leave
those out, so no path shows what another hides.
"""
from django.core.exceptions import FieldDoesNotExist

HIDDEN = "******"


def mask_phone(phone: str) -> str:
    """138****5678 for a mobile number; other numbers keep their first 3 and last 2 characters."""
    phone = (phone or "").strip()
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) > 5:
        return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]
    return "*" * len(phone)


def is_masked(value: str) -> bool:
    return "*" in (value or "")


def mask_value(name: str, value):
    if value in (None, ""):
        return value
    return mask_phone(str(value)) if "phone" in name else HIDDEN


def hidden_fields(model, user) -> set[str]:
    """The sensitive fields of `model` that `user` may not see in full."""
    sensitive = getattr(model, "sensitive_fields", None) or {}
    return {name for name, permission in sensitive.items() if not user.has_perm(permission)}


def mask_values(model, values: dict | None, user, masked_already=frozenset()) -> dict | None:
    """A copy of `values` (field name -> value) with the fields hidden from `user` masked (but for
    those in `masked_already`, such as the encrypted fields a change record keeps masked)."""
    if not values or model is None:
        return values
    hidden = hidden_fields(model, user) - set(masked_already)
    if not hidden:
        return values
    return {name: mask_value(name, value) if name in hidden else value for name, value in values.items()}


def visible_value(instance, name: str, user):
    """One field of `instance` as `user` may see it: in full, or masked."""
    value = getattr(instance, name)
    if user is None or name not in hidden_fields(type(instance), user):
        return value
    return mask_value(name, value)


def is_hidden(model, path: str, user) -> bool:
    """Whether a field path of `model` ("phone", "worker__phone") ends on or passes through a
    sensitive field `user` may not see in full: a filter or an ordering by it would tell, row by row,
    what the mask hides (a filter by the whole number tried for each of the 10,000 hidden middles)."""
    return _path_meets(model, path, user, hidden_fields)


def _path_meets(model, path: str, user, fields_of) -> bool:
    """Whether a field path of `model` ends on or passes through a field among `fields_of(model, user)`
    of the model where it stands (False without a user: a task acts for nobody in particular)."""
    if user is None:
        return False
    for name in (path or "").split("__"):
        if name in fields_of(model, user):
            return True
        try:
            model = model._meta.get_field(name).related_model
        except FieldDoesNotExist:
            return False
        if model is None:
            return False
    return False


def withheld_fields(model, user) -> set[str]:
    """The restricted fields of `model` that `user` may not see at all (none without a user: a
    task or a command that acts for nobody in particular)."""
    restricted = getattr(model, "restricted_fields", None) or {}
    if user is None:
        return set()
    return {name for name, permission in restricted.items() if not user.has_perm(permission)}


def is_withheld(model, path: str, user) -> bool:
    """Whether a field path of `model` ("chains", "enterprise__chains__name") passes through a
    field `user` may not see, on `model` or on a model it leads to."""
    return _path_meets(model, path, user, withheld_fields)
