"""One demo account per role, bound to demo records where the role is scoped.

Each app that holds a binding binds the demo account of the role it scopes
(`register_demo_binding`): core binds the grid worker to the first grid, the enterprises app the
enterprise user to the first enterprise.
"""
from collections.abc import Callable

from django.contrib.auth.models import Group

from .models import Grid, GridBinding, User
from .roles import ROLES, Role

DEMO_PASSWORD_SUFFIX = "@Chengnan2026"

_demo_bindings: dict[str, Callable] = {}  # role slug -> bind(user)


def register_demo_binding(role_slug: str, bind: Callable) -> None:
    _demo_bindings[role_slug] = bind


def demo_username(role: Role) -> str:
    return f"demo_{role.slug}"


def demo_password(role: Role) -> str:
    return f"{role.slug.capitalize()}{DEMO_PASSWORD_SUFFIX}"


def bind_first_grid(user) -> None:
    first = Grid.objects.order_by("code").first()
    if first is not None:
        GridBinding.objects.get_or_create(user=user, grid=first)


register_demo_binding("grid", bind_first_grid)


def ensure_demo_users() -> list[tuple[Role, str, str]]:
    accounts = []
    for role in ROLES:
        user, _ = User.objects.get_or_create(
            username=demo_username(role), defaults={"full_name": f"演示{role.name}"}
        )
        user.set_password(demo_password(role))
        user.is_staff = role.slug == "admin"
        user.save()
        user.groups.set([Group.objects.get(name=role.name)])
        accounts.append((role, user.username, demo_password(role)))
        if role.slug in _demo_bindings:
            _demo_bindings[role.slug](user)
    return accounts
