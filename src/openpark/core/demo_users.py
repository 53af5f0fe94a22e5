"""One demo account per role, bound to demo records where the role is scoped."""
from django.contrib.auth.models import Group

from .models import EnterpriseBinding, Grid, GridBinding, User
from .roles import ROLES, Role

DEMO_PASSWORD_SUFFIX = "@Chengnan2026"


def demo_username(role: Role) -> str:
    return f"demo_{role.slug}"


def demo_password(role: Role) -> str:
    return f"{role.slug.capitalize()}{DEMO_PASSWORD_SUFFIX}"


def ensure_demo_users() -> list[tuple[Role, str, str]]:
    from openpark.enterprises.models import Enterprise

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
        if role.slug == "enterprise":
            first = Enterprise.objects.order_by("uscc").first()
            if first is not None:
                EnterpriseBinding.objects.get_or_create(user=user, enterprise=first)
        if role.slug == "grid":
            first = Grid.objects.order_by("code").first()
            if first is not None:
                GridBinding.objects.get_or_create(user=user, grid=first)
    return accounts
