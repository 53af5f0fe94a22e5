"""Accounts and roles under 三员分立 (separation of the three administrators).

The system administrator manages accounts, the security administrator grants roles, the audit
administrator reads the records; none of them can do the others' work or act on a superuser or
on another administrator. A business role that a system administrator asks for takes effect
only when a second administrator (a security administrator, or another system administrator)
approves it; a security administrator grants it directly. Administrator roles are granted by
superusers only. Every grant, approval and refusal is recorded.
"""
import secrets
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.backends import ModelBackend
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


# Account management (系统 › 账号管理) ------------------------------------------------------------

class AccountBackend(ModelBackend):
    """Django's password login, refusing locked accounts as it refuses inactive ones; a session
    of an account locked meanwhile ends at its next request (`get_user` asks the same)."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not getattr(user, "is_locked", False)


@dataclass(frozen=True)
class AccountBinding:
    """A binding an account can hold (an enterprise user's enterprises, a grid worker's grids):
    the binding model ("app_label.model"), its field naming the bound record, and the role whose
    scope it is. Each app that holds a binding registers it (`register_account_binding`)."""

    key: str
    label: str  # the bound records as people call them ("企业")
    model: str
    field: str
    role: str  # the slug of the role the binding scopes

    @property
    def binding_model(self):
        from django.apps import apps

        return apps.get_model(self.model)

    @property
    def target_model(self):
        return self.binding_model._meta.get_field(self.field).related_model

    def bound(self, user) -> list:
        """The records the account is bound to (deleted ones left out)."""
        return [getattr(binding, self.field) for binding in self.binding_model.objects.filter(user=user)
                .select_related(self.field).order_by(f"{self.field}_id")]


_account_bindings: dict[str, AccountBinding] = {}


def register_account_binding(binding: AccountBinding) -> None:
    _account_bindings[binding.key] = binding


def account_bindings() -> list[AccountBinding]:
    return list(_account_bindings.values())


TEMPORARY_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
TEMPORARY_PASSWORD_LENGTH = 14


def temporary_password(user) -> str:
    """A random password that passes the password rules, to be told to the account's owner once
    and changed by them at their first login."""
    while True:
        password = "".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH))
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


def account_problem(actor, target, action: str) -> str:
    """Why `actor` may not `action` ("edit", "lock", "unlock", "reset", "deactivate", "activate")
    the account `target`, or "" when they may."""
    if not actor.has_perm("core.change_user"):
        return "您没有管理账号的权限。"
    if target.is_superuser and not actor.is_superuser:
        return "不能管理超级管理员的账号。"
    if not may_manage(actor, target):
        return "不能管理管理员的账号（包括自己的），须由超级管理员办理。"
    if target.pk == actor.pk and action in ("lock", "deactivate"):
        return "不能锁定或停用自己的账号。"
    if action == "lock" and target.is_locked:
        return "该账号已锁定。"
    if action == "deactivate" and not target.is_active:
        return "该账号已停用。"
    if action == "activate" and target.is_active:
        return "该账号未停用。"
    return ""


def check_account_action(actor, target, action: str) -> None:
    problem = account_problem(actor, target, action)
    if problem:
        raise PermissionDenied(problem)


def lock(actor, target) -> None:
    check_account_action(actor, target, "lock")
    target.is_locked = True
    target.save(update_fields=["is_locked"])


def unlock(actor, target) -> None:
    """Lift the administrator's lock and the login lock of repeated failures (django-axes)."""
    from axes.utils import reset

    check_account_action(actor, target, "unlock")
    with transaction.atomic():
        if target.is_locked:
            target.is_locked = False
            target.save(update_fields=["is_locked"])
        reset(username=target.username)


ACCOUNT_STATES = (("active", "正常"), ("locked", "已锁定"), ("inactive", "已停用"))


def find_accounts(actor, text: str = "", role: str = "", state: str = ""):
    """The accounts `actor` may manage whose name or user name contains `text`, holding the role
    of slug `role`, in `state` (one of ACCOUNT_STATES); an unknown role or state filters nothing."""
    from django.db.models import Q

    from .models import User

    users = manageable_users(actor, User.objects.all())
    if text:
        users = users.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    if role in ROLES_BY_SLUG:
        users = users.filter(groups__name=ROLES_BY_SLUG[role].name)
    users = users.filter(**{"active": {"is_active": True, "is_locked": False},
                            "locked": {"is_active": True, "is_locked": True},
                            "inactive": {"is_active": False}}.get(state, {}))
    return users.prefetch_related("groups").order_by("username")


def login_locked(usernames) -> set[str]:
    """The user names among `usernames` whose login is locked by repeated failures now."""
    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(AccessAttempt.objects.filter(
        username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since,
    ).values_list("username", flat=True))


def set_active(actor, target, active: bool) -> None:
    """Deactivate an account (it keeps its records and their author; it cannot log in) or bring
    it back. Accounts are never deleted here."""
    check_account_action(actor, target, "activate" if active else "deactivate")
    target.is_active = active
    target.save(update_fields=["is_active"])


def reset_password(actor, target) -> str:
    """Give the account a temporary password, returned to be shown once; its owner must change it
    at the next login (`User.save`), and its API tokens end."""
    check_account_action(actor, target, "reset")
    password = temporary_password(target)
    target.set_password(password)
    target.must_change_password = True
    target.save()
    return password


def grantable_roles(actor) -> list[Role]:
    """The roles `actor` may give or take away on the account pages: the business roles, and the
    administrator roles for a superuser only."""
    from .roles import ROLES

    if not actor.has_perm("core.add_rolegrant"):
        return []
    return [role for role in ROLES if actor.is_superuser or not role.administrative]


def change_roles(actor, target, wanted: set[str], reason: str) -> list:
    """Grant the roles of `wanted` the account lacks and take away those it holds and are not
    wanted, among the roles `actor` may grant, each through `request_grant` (a system
    administrator's grants wait for a second administrator). All or nothing: the first refusal
    raises and nothing is made."""
    offered = {role.slug for role in grantable_roles(actor)}
    if not wanted <= offered:
        raise ValidationError("您不能授予这个角色。")
    held = {role.slug for role in ROLES_BY_SLUG.values() if role.name in role_names(target)} & offered
    changes = [(slug, GrantAction.GRANT) for slug in sorted(wanted - held)]
    changes += [(slug, GrantAction.REVOKE) for slug in sorted(held - wanted)]
    if changes and not (reason or "").strip():
        raise ValidationError("请填写授权事由。")
    with transaction.atomic():
        return [request_grant(actor, target, slug, action, reason) for slug, action in changes]


def change_bindings(target, binding: AccountBinding, wanted) -> tuple[int, int]:
    """Bind the account to exactly the records of `wanted`; (added, removed)."""
    model = binding.binding_model
    current = set(model.objects.filter(user=target).values_list(f"{binding.field}_id", flat=True))
    wanted_ids = {obj.pk for obj in wanted}
    added, removed = wanted_ids - current, current - wanted_ids
    for pk in sorted(added):
        model.objects.create(user=target, **{f"{binding.field}_id": pk})
    for row in model.objects.filter(user=target, **{f"{binding.field}_id__in": sorted(removed)}):
        row.delete()  # one by one, so that each removal is recorded with what it was
    return len(added), len(removed)
