"""Record scope: which rows of a model a user may see, for pages and API alike.

Park-wide roles (and superusers) see everything. Everyone else sees the rows their bindings reach,
through the scopes registered here: each scope names the binding it reads (the ids a user is bound
to) and the model attribute that says how a model's rows lead to those ids. Core registers the
grid scope (`scope_grid_field`); the enterprises app registers the enterprise scope
(`scope_enterprise_field`) and the contract scope of third parties (a 环保管家 sees the enterprises
its contract covers, while the contract runs), which reaches rows by the same enterprise path. A
user with several bindings sees the union; a model with no path of the kind a user is scoped by
shows them nothing. Bound ids are read once per user object and filtered as a plain `IN` list, so
a list page costs no extra subquery per row.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .roles import PARK_WIDE_ROLE_NAMES


@dataclass(frozen=True)
class Scope:
    """One way a user is limited to some rows: `bound_ids(user)` reads the user's bindings (the
    ids they reach), and a model's `path_attribute` (e.g. `scope_enterprise_field = "enterprise"`)
    is the lookup from its rows to those ids; a model without it is outside the scope."""

    name: str
    path_attribute: str
    bound_ids: Callable[[object], list[int]]
    model: str  # the label of the model the bound ids are of ("core.grid")
    label: str  # those records as people call them ("网格")
    unit: str = "个"  # their counting word ("企业（家）")
    # Whether those it binds are the park's own staff (a department's handlers), who read a record's
    # internal work (its timeline's notes, 上报/督办) as park-wide staff do; an enterprise is not.
    staff: bool = False

    def path(self, model) -> str | None:
        return getattr(model, self.path_attribute, None)


_scopes: dict[str, Scope] = {}


def register_scope(scope: Scope) -> None:
    _scopes[scope.name] = scope


def scopes() -> list[Scope]:
    return list(_scopes.values())


def scope_named(name: str) -> Scope:
    return _scopes[name]


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


def is_park_staff(user) -> bool:
    """Park-wide, or bound through a scope of the park's own staff (`Scope.staff`)."""
    if is_park_wide(user):
        return True
    bound = bound_ids(user)
    return any(scope.staff and bound.get(scope.name) for scope in scopes())


def bound_ids(user) -> dict[str, list[int]]:
    """{scope name: ids the user is bound to} for every registered scope, read once per user object."""
    if not user.is_authenticated:
        return {scope.name: [] for scope in scopes()}
    cached = getattr(user, "_openpark_bound_ids", None)
    if cached is None:
        cached = user._openpark_bound_ids = {scope.name: list(scope.bound_ids(user)) for scope in scopes()}
    return cached


def scope_q(model, user, prefix: str = "") -> Q | None:
    """The filter limiting `model` to the user's scope; None when the user sees every row. With a
    `prefix` ("source__"), the filter of rows of another model whose `prefix` leads to `model`."""
    if is_park_wide(user):
        return None
    ids_by_path: dict[str, set[int]] = {}
    bound = bound_ids(user)
    for scope in scopes():
        path = scope.path(model)
        if path and bound.get(scope.name):
            ids_by_path.setdefault(path, set()).update(bound[scope.name])
    condition = Q(**{f"{prefix}pk__in": []})
    for path, ids in ids_by_path.items():
        condition |= Q(**{f"{prefix}{path}__in": sorted(ids)})
    return condition


def scope_reaches(model, user) -> bool:
    """Whether the user may see any row of `model` at all: park-wide, or bound through a scope
    the model has a path for (a steward reaches outfalls, not the park's river chiefs)."""
    if is_park_wide(user):
        return True
    bound = bound_ids(user)
    return any(scope.path(model) and bound.get(scope.name) for scope in scopes())


def scope_queryset(queryset: QuerySet, user, through: tuple[str, ...] = ()) -> QuerySet:
    """Limit any queryset to what `user` may see; with `through` (links such as "source"), to the
    rows whose linked records the user may see as well (a tracing of an outfall the user may see
    to a source it may not see is not shown)."""
    condition = scope_q(queryset.model, user)
    if condition is None:
        return queryset
    queryset = queryset.filter(condition)
    for link in through:
        queryset = queryset.filter(scope_q(queryset.model._meta.get_field(link).related_model, user, f"{link}__"))
    return queryset


def grid_ids(user) -> list[int]:
    return list(user.grid_bindings.filter(grid__is_deleted=False).values_list("grid_id", flat=True))


GRID_SCOPE = Scope("grid", "scope_grid_field", grid_ids, "core.grid", "网格")
