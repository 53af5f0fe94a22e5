"""Record scope: which rows of a model a user may see, for pages and API alike.

Park-wide roles (and superusers) see everything. An enterprise user sees the rows linked to the
enterprises bound to them, a grid worker the rows linked to their grids; a user with both
bindings sees the union. A model with no link of the kind a user is scoped by shows them nothing.
Bound ids are read once per user object and filtered as a plain `IN` list, so a list page costs
no extra subquery per row.
"""
from django.db.models import Q, QuerySet

from .roles import PARK_WIDE_ROLE_NAMES


def role_names(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_openpark_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._openpark_role_names = cached
    return cached


def is_park_wide(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or bool(role_names(user) & PARK_WIDE_ROLE_NAMES)
    )


def bound_ids(user) -> tuple[list[int], list[int]]:
    """(enterprise ids, grid ids) bound to the user, read once per user object."""
    cached = getattr(user, "_openpark_bound_ids", None)
    if cached is None:
        enterprises = list(
            user.enterprise_bindings.filter(enterprise__is_deleted=False).values_list(
                "enterprise_id", flat=True
            )
        )
        grids = list(
            user.grid_bindings.filter(grid__is_deleted=False).values_list("grid_id", flat=True)
        )
        cached = user._openpark_bound_ids = (enterprises, grids)
    return cached


def scope_q(model, user) -> Q | None:
    """The filter limiting `model` to the user's scope; None when the user sees every row."""
    if is_park_wide(user):
        return None
    enterprise_ids, grid_ids = bound_ids(user) if user.is_authenticated else ([], [])
    condition = Q(pk__in=[])
    enterprise_path = getattr(model, "scope_enterprise_field", None)
    grid_path = getattr(model, "scope_grid_field", None)
    if enterprise_path and enterprise_ids:
        condition |= Q(**{f"{enterprise_path}__in": enterprise_ids})
    if grid_path and grid_ids:
        condition |= Q(**{f"{grid_path}__in": grid_ids})
    return condition


def scope_queryset(queryset: QuerySet, user) -> QuerySet:
    """Limit any queryset to what `user` may see."""
    condition = scope_q(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)
