"""账号管理: the system administrator's pages for accounts, their roles and bindings, so that daily
work needs no admin site. The rules (who may act on whom, which roles may be granted, how a
password is reset) are `openpark.core.accounts`'; these pages only ask them."""
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import accounts, navigation
from .choices import GrantState
from .forms import AccountForm
from .generic import error_message
from .models import ChangeRecord, RoleGrant, User
from .roles import ROLES

PAGE_SIZE = 50
RECENT_CHANGES = 20


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied("您没有管理账号的权限。")


def _breadcrumbs(*tail):
    return navigation.breadcrumbs(("账号管理", reverse("core:account_list")), *tail, module="system")


def _account(request, pk, action: str | None = None):
    """The account `pk`, when the user may manage it (and `action` it, else 403). An account one
    may not manage (a superuser, an administrator) answers 404 as a missing one does, as in the
    API, so that its id cannot be told from a free one."""
    target = get_object_or_404(User, pk=pk)
    if not accounts.may_manage(request.user, target):
        raise Http404("没有这个账号。")
    if action is not None:
        accounts.check_account_action(request.user, target, action)
    return target


def _status(user, login_locked: set[str]) -> str:
    if not user.is_active:
        return "已停用"
    if user.is_locked:
        return "已锁定"
    if user.username in login_locked:
        return "登录失败锁定"
    return "正常"


def _role_list(user) -> str:
    names = {group.name for group in user.groups.all()}
    return "、".join(role.name for role in ROLES if role.name in names) or "—"


def _bindings_of(users) -> dict[int, str]:
    """{user id: "企业：甲公司、乙公司；网格：…"} for a page of accounts, one query per kind of binding."""
    shown: dict[int, list[str]] = {}
    ids = [user.pk for user in users]
    for binding in accounts.account_bindings():
        found: dict[int, list[str]] = {}
        rows = binding.binding_model.objects.filter(user_id__in=ids).select_related(binding.field)
        for row in rows.order_by(f"{binding.field}_id"):
            found.setdefault(row.user_id, []).append(str(getattr(row, binding.field)))
        for user_id, names in found.items():
            shown.setdefault(user_id, []).append(f"{binding.label}：{'、'.join(names)}")
    return {user_id: "；".join(parts) for user_id, parts in shown.items()}


@login_required
def account_list(request):
    _require(request.user, "core.view_user")
    text = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL
    role = request.GET.get("role") or ""
    state = request.GET.get("state") or ""
    users = accounts.find_accounts(request.user, text, role, state)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    locked = accounts.login_locked(user.username for user in rows)
    bindings = _bindings_of(rows)
    return render(request, "core/account_list.html", {
        "title": "账号管理", "breadcrumbs": _breadcrumbs(), "page": page,
        "rows": [{"user": user, "roles": _role_list(user), "bindings": bindings.get(user.pk, "—"),
                  "status": _status(user, locked)} for user in rows],
        "roles": [(r.slug, r.name) for r in ROLES if request.user.is_superuser or not r.administrative], "states": accounts.ACCOUNT_STATES, "q": text, "role": role, "state": state,
        "querystring": urlencode({k: v for k, v in (("q", text), ("role", role), ("state", state)) if v}),
        "can_add": request.user.has_perm("core.add_user"),
    })


def _save_account(actor, target, form) -> list:
    """Write the form's name, phone, bindings and roles; the caller's transaction makes it all or
    nothing. The role grants made (some may wait for approval)."""
    data = form.cleaned_data
    target.full_name, target.phone = data["full_name"], data.get("phone", "").strip()
    target.save()
    for binding in form.bindings:
        accounts.change_bindings(target, binding, data[f"binding_{binding.key}"])
    if "roles" in form.fields:
        return accounts.change_roles(actor, target, set(data["roles"]), data.get("reason", ""))
    return []


def _grant_message(request, grants) -> None:
    pending = [g for g in grants if g.state == GrantState.PENDING]
    if pending:
        names = "、".join(g.get_role_display() for g in pending)
        messages.info(request, f"授予“{names}”的申请已提交，须由另一位管理员（安全管理员或其他系统管理员）审批后生效。")


def _form_page(request, form, title, target=None, status=200):
    tail = ((str(target), target.get_absolute_url()), (title, "")) if target else ((title, ""),)
    return render(request, "core/object_form.html", {
        "title": title, "form": form, "object": target, "breadcrumbs": _breadcrumbs(*tail),
    }, status=status)


@login_required
@never_cache
def account_add(request):
    _require(request.user, "core.add_user")
    if request.method != "POST":
        return _form_page(request, AccountForm(actor=request.user), "新建账号")
    form = AccountForm(request.POST, actor=request.user)
    if not form.is_valid():
        return _form_page(request, form, "新建账号", status=400)
    try:
        with transaction.atomic():
            target = User(username=form.cleaned_data["username"])
            password = accounts.temporary_password(target)
            target.set_password(password)
            target.must_change_password = True
            grants = _save_account(request.user, target, form)
    except ValidationError as exc:
        form.add_error(None, error_message(exc))
        return _form_page(request, form, "新建账号", status=400)
    _grant_message(request, grants)
    return _password_page(request, target, password, "账号已创建")


def _password_page(request, target, password, headline, change_when="首次登录"):
    return render(request, "core/account_password.html", {
        "title": headline, "account": target, "password": password, "change_when": change_when,
        "breadcrumbs": _breadcrumbs((str(target), target.get_absolute_url()), (headline, "")),
    })


def _recent_changes(target) -> list:
    """The account's latest changes: of the account itself and of its bindings (bound and unbound
    records alike, which name the account before or after), in one query; a binding's change says
    what it binds."""
    bindings = accounts.account_bindings()
    types = ContentType.objects.get_for_models(User, *(b.binding_model for b in bindings))
    labels = {types[b.binding_model].pk: b.label for b in bindings}
    concerns = Q(content_type=types[User], object_id=str(target.pk))
    for binding in bindings:
        binding_type = types[binding.binding_model]
        concerns |= Q(content_type=binding_type, after__user=target.pk) | Q(content_type=binding_type, before__user=target.pk)
    records = list(ChangeRecord.objects.filter(concerns).select_related("user", "content_type")
                   .order_by("-time", "-id")[:RECENT_CHANGES])
    for record in records:
        if record.content_type_id in labels:
            record.subject = f"绑定{labels[record.content_type_id]}：{record.object_repr}"
    return records


@login_required
def account_detail(request, pk):
    _require(request.user, "core.view_user")
    target = _account(request, pk)
    locked = accounts.login_locked([target.username])
    records = _recent_changes(target)
    return render(request, "core/account_detail.html", {
        "title": str(target), "account": target, "status": _status(target, locked),
        "login_locked": target.username in locked, "roles": _role_list(target),
        "bindings": [(b.label, b.bound(target)) for b in accounts.account_bindings()],
        "pending": RoleGrant.objects.filter(user=target, state=GrantState.PENDING).select_related("requested_by"),
        "records": records, "breadcrumbs": _breadcrumbs((str(target), "")),
        "can": {action: not accounts.account_problem(request.user, target, action)
                for action in ("edit", "lock", "unlock", "reset", "deactivate", "activate")},
    })


@login_required
@never_cache
def account_edit(request, pk):
    target = _account(request, pk, "edit")
    if request.method != "POST":
        return _form_page(request, AccountForm(actor=request.user, instance=target), "修改账号", target)
    form = AccountForm(request.POST, actor=request.user, instance=target)
    if not form.is_valid():
        return _form_page(request, form, "修改账号", target, status=400)
    try:
        with transaction.atomic():
            grants = _save_account(request.user, target, form)
    except ValidationError as exc:
        target.refresh_from_db()
        form.add_error(None, error_message(exc))
        return _form_page(request, form, "修改账号", target, status=400)
    messages.success(request, "账号已保存。")
    _grant_message(request, grants)
    return redirect(target)


ACTIONS = {
    "lock": (accounts.lock, "账号已锁定，不能再登录或使用接口令牌。"),
    "unlock": (accounts.unlock, "账号已解锁，登录失败锁定也已解除。"),
    "deactivate": (lambda actor, target: accounts.set_active(actor, target, False), "账号已停用。"),
    "activate": (lambda actor, target: accounts.set_active(actor, target, True), "账号已启用。"),
}


@login_required
@require_POST
def account_action(request, pk, action):
    target = _account(request, pk, action)
    act, done = ACTIONS[action]
    act(request.user, target)
    messages.success(request, done)
    return redirect(target)


@login_required
@require_POST
@never_cache
def account_reset_password(request, pk):
    target = _account(request, pk, "reset")
    password = accounts.reset_password(request.user, target)
    return _password_page(request, target, password, "密码已重置", change_when="下次登录")
