"""Accounts and roles under 三员分立 (separation of the three administrators).

The system administrator manages accounts, the security administrator grants roles, the audit
administrator reads the records; none of them can do the others' work or act on a superuser or
on another administrator. A business role that a system administrator asks for takes effect
only when a second administrator (a security administrator, or another system administrator)
approves it; a security administrator grants it directly. Administrator roles are granted by
superusers only. Every grant, approval and refusal is recorded.
"""
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .choices import GrantAction, GrantState
from .roles import ADMINISTRATIVE_ROLE_NAMES, ROLES_BY_SLUG, Role
from .scoping import role_names
from .states import StateMachine, Transition

SYSTEM_ADMIN_ROLE = "系统管理员"

GRANT_STATES = StateMachine("state", dict(GrantState.choices), (
    # Made at once by whoever may do so without a second administrator (see `needs_approval`).
    Transition("effect", "直接生效", (GrantState.PENDING,), GrantState.APPROVED, "core.add_rolegrant"),
    Transition("approve", "批准", (GrantState.PENDING,), GrantState.APPROVED, "core.approve_rolegrant"),
    Transition("reject", "驳回", (GrantState.PENDING,), GrantState.REJECTED, "core.approve_rolegrant",
               needs_note=True),
))


def is_administrator(user) -> bool:
    """A superuser or a holder of one of the three administrator roles."""
    return user.is_superuser or bool(role_names(user) & ADMINISTRATIVE_ROLE_NAMES)


def may_manage(actor, target) -> bool:
    """Whether `actor` may act on `target`'s account at all (edit it, reset its password, bind
    it, change its roles): a superuser may act on anyone, others on no administrator, themselves
    included."""
    return actor.is_superuser or not is_administrator(target)


def manageable_users(actor, queryset):
    """The accounts of `queryset` that `actor` may act on."""
    if actor.is_superuser:
        return queryset
    return queryset.filter(is_superuser=False).exclude(groups__name__in=ADMINISTRATIVE_ROLE_NAMES)


def may_revoke_token(actor, token) -> bool:
    """Revoking protects, so a security administrator may revoke any account's token, another
    administrator's too; a superuser's only a superuser."""
    return actor.has_perm("core.delete_apitoken") and (actor.is_superuser or not token.user.is_superuser)


def grant_problem(actor, target, role: Role, action: str) -> str:
    """Why `actor` may not give `role` to `target` (or take it away), or "" when they may."""
    if not actor.has_perm("core.add_rolegrant"):
        return "您没有授予或收回角色的权限。"
    if target.is_superuser:
        return "超级管理员的角色不在此管理。"
    if role.administrative and not actor.is_superuser:
        return "系统管理员、安全管理员和审计管理员角色只能由超级管理员授予或收回。"
    if target.pk == actor.pk:
        return "不能给自己授予或收回角色。"
    if not may_manage(actor, target):
        return "不能修改其他管理员账号的角色。"
    held = role_names(target)
    if action == GrantAction.REVOKE:
        return "" if role.name in held else f"该账号没有“{role.name}”角色。"
    if role.name in held:
        return f"该账号已有“{role.name}”角色。"
    return _incompatibility(target, held, role)


def _incompatibility(target, held: frozenset[str], role: Role) -> str:
    administrative = held & ADMINISTRATIVE_ROLE_NAMES
    if role.administrative and target.must_change_password:
        return "该账号的密码由他人设置，须本人登录并修改密码后，才能授予管理员角色。"
    if role.administrative and administrative:
        return "系统管理员、安全管理员和审计管理员不能由同一账号兼任。"
    if role.administrative and held:
        return "该账号持有业务角色，不能兼任管理员角色。"
    if not role.administrative and administrative:
        return "管理员账号不能兼任业务角色。"
    return ""


def needs_approval(actor, role: Role, action: str) -> bool:
    """A grant by a system administrator waits for a second administrator; taking a role away
    reduces rights and takes effect at once."""
    return action == GrantAction.GRANT and not actor.has_perm("core.grant_role_directly")


def request_grant(actor, target, role_slug: str, action: str, reason: str):
    """Grant or revoke a role: at once where the actor may, otherwise as a request waiting for
    approval. ValidationError (in Chinese) when it may not be made; then nothing changes."""
    from .models import RoleGrant

    role = ROLES_BY_SLUG.get(role_slug)
    if role is None:
        raise ValidationError("没有这个角色。")
    if not (reason or "").strip():
        raise ValidationError("请填写授权事由。")
    problem = grant_problem(actor, target, role, action)
    if not problem and _pending(target, role_slug, action).exists():
        problem = "已有相同的申请在等待审批。"
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        grant = RoleGrant.objects.create(
            user=target, role=role_slug, action=action, reason=reason.strip(), requested_by=actor,
        )
        if not needs_approval(actor, role, action):
            _decide(grant, "effect", actor, "")
    return grant


def _pending(target, role_slug: str, action: str):
    from .models import RoleGrant

    return RoleGrant.objects.filter(user=target, role=role_slug, action=action, state=GrantState.PENDING)


def decide_problem(actor, grant) -> str:
    """Why `actor` may not approve or reject `grant`, or ""."""
    if not actor.has_perm("core.approve_rolegrant"):
        return "您没有审批角色授权的权限。"
    if grant.requested_by_id == actor.pk:
        return "不能审批自己提出的申请，须由另一位管理员审批。"
    if grant.user_id == actor.pk:
        return "不能审批给自己的授权。"
    if not may_manage(actor, grant.user):
        return "不能修改其他管理员账号的角色。"
    return ""


def approve(actor, grant, note: str = ""):
    _check_decision(actor, grant)
    role = ROLES_BY_SLUG[grant.role]
    problem = grant_problem(grant.requested_by, grant.user, role, grant.action)
    if problem:  # the account has changed since the request (it got the role some other way, say)
        raise ValidationError(problem)
    with transaction.atomic():
        return _decide(grant, "approve", actor, note)


def reject(actor, grant, note: str):
    _check_decision(actor, grant)
    with transaction.atomic():
        return GRANT_STATES.apply(grant, "reject", actor, note, decided_by=actor, decided_at=timezone.now())


def _check_decision(actor, grant) -> None:
    problem = decide_problem(actor, grant)
    if problem:
        raise PermissionDenied(problem)


def _decide(grant, transition: str, actor, note: str):
    change = GRANT_STATES.apply(grant, transition, actor, note, decided_by=actor, decided_at=timezone.now())
    _apply(grant)
    return change


def _apply(grant) -> None:
    """Give the role (or take it away) and keep the account's admin-site access in step."""
    user = grant.user
    group = Group.objects.get(name=ROLES_BY_SLUG[grant.role].name)
    if grant.action == GrantAction.GRANT:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    user.__dict__.pop("_openpark_role_names", None)
    sync_staff_flag(user)


def sync_staff_flag(user) -> None:
    """Only superusers and system administrators enter the admin site (accounts are managed there)."""
    staff = user.is_superuser or SYSTEM_ADMIN_ROLE in set(user.groups.values_list("name", flat=True))
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
