import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.views.decorators.http import require_POST
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseServerError, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.generic import RedirectView

from urllib.parse import urlencode

from . import accounts, cockpit_views, navigation, progress, registry, tokens
from .registry import declared
from .choices import GrantState
from .forms import ApiTokenForm, CheckedPasswordChangeForm, DecisionForm, RoleGrantForm
from .changes import visible_change_records
from .exports import xlsx_response
from .generic import ObjectDetailView, PagesView, error_message, object_history_url
from .models import ApiToken, ChangeRecord, ImportJob, RoleGrant, TaskRun
from .roles import ROLES, ROLES_BY_SLUG
from .scoping import bound_ids, role_names, scope_queryset, scopes
from .states import TransitionError

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    form_class = CheckedPasswordChangeForm
    success_url = reverse_lazy("home")
    extra_context = {"title": "修改密码"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        messages.success(self.request, "密码已修改。")
        return super().form_valid(form)


def lockout_message() -> str:
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"由于连续多次登录失败，登录已被暂时锁定，请 {minutes} 分钟后再试，或联系系统管理员解锁。"


def account_locked(request, credentials=None, *args, **kwargs):
    """django-axes calls this when a login is locked after repeated failures; the page and the
    API give the same message."""
    if _wants_json(request):
        return JsonResponse({"detail": lockout_message(), "code": "locked"}, status=429)
    return render(
        request, "registration/locked.html", {"message": lockout_message(), "title": "账号已锁定"}, status=429
    )


def user_roles(user):
    names = role_names(user)
    return [role for role in ROLES if role.name in names]


@login_required
def home(request):
    """Send each user to the home page of their first role."""
    roles = user_roles(request.user)
    if not roles:
        return render(request, "core/home_norole.html", {"title": "首页"})
    return redirect("role_home", slug=roles[0].slug)


@login_required
def role_home(request, slug):
    role = ROLES_BY_SLUG.get(slug)
    if role is None or role not in user_roles(request.user):
        raise Http404("没有这个角色的首页。")
    if role.slug in cockpit_views.COCKPIT_ROLES:
        return cockpit_views.cockpit_page(request, home_sections=role_sections(request, role))
    return work_home(request, role)


def role_sections(request, role) -> list:
    """The sections other modules add to a role's home page (a leader's escalations, stuck projects)."""
    return [section for section in (build(request, role) for build in navigation.home_sections) if section]


def work_home(request, role):
    """A role's home page: what the role can do now; a role whose own module is not built yet is
    told so plainly, rather than shown duties it cannot carry out."""
    user = request.user
    context = {
        "role": role,
        "planned": navigation.planned_module_of(role),
        "title": f"{role.name}工作台",
        "other_roles": [r for r in user_roles(user) if r != role],
        "modules": navigation.modules_for(user),
        "recent_tasks": TaskRun.objects.filter(user=user)[:5],
        "breadcrumbs": [("首页", "")],
    }
    context.update(_home_panels(user))
    tiles = [built for built in (build(request, role) for build in navigation.home_tiles) if built is not None]
    if tiles:  # the role's own headline figures (`navigation.register_home_tiles`)
        context["scope_cards"] = sorted((tile for built in tiles for tile in built), key=lambda tile: tile["order"])
    context["sections"] = role_sections(request, role)
    return render(request, "core/home.html", context)


def _home_panels(user) -> dict:
    """The figures and lists a home page shows, each only when the user may see it: for each kind
    of record a scope binds users to (enterprises, grids), how many the user sees and, when the
    user is bound to some, which."""
    panels = {"scope_cards": [], "my_records": []}
    bound = bound_ids(user)
    by_model: dict[str, list] = {}
    for scope in scopes():
        by_model.setdefault(scope.model, []).append(scope)
    for model_label, model_scopes in by_model.items():
        declaration = registry.registry.get(model_label)
        if declaration is None or not user.has_perm(declaration.permission("list")):
            continue
        rows = scope_queryset(declaration.model.objects.all(), user)
        first = model_scopes[0]
        panels["scope_cards"].append({
            "key": model_label, "count": rows.count(), "url": reverse(declaration.url_name("list")),
            "label": f"{first.label}（{first.unit}）", "order": navigation.module_order(declaration),
        })
        mine = sorted({pk for scope in model_scopes for pk in bound.get(scope.name, [])})
        if mine:
            panels["my_records"].append({"title": f"我的{first.label}", "rows": rows.filter(pk__in=mine)})
    panels["scope_cards"].sort(key=lambda card: card["order"])
    if user.has_perm("core.view_changerecord"):
        panels["recent_changes"] = visible_change_records(ChangeRecord.objects.select_related("content_type", "user"), user)[:8]
    return panels


class ChangeRecordDetailView(ObjectDetailView):
    template_name = "core/changerecord_detail.html"

    def context(self, **extra) -> dict:
        return super().context(history_url=object_history_url(extra["object"]), **extra)


@login_required
def taskrun_list(request):
    page = Paginator(TaskRun.objects.visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/taskrun_list.html", {
        "page": page, "title": "我的后台任务",
        "breadcrumbs": [("首页", reverse("home")), ("我的后台任务", "")],
    })


@login_required
def taskrun_detail(request, pk):
    run = get_object_or_404(TaskRun.objects.visible_to(request.user), pk=pk)
    if request.headers.get("HX-Request"):
        return render(request, "core/includes/task_progress.html", {"run": run})
    back = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return render(request, "core/taskrun_detail.html", {
        "run": run, "title": run.label, "next_url": back if safe else "",
        "breadcrumbs": [("首页", reverse("home")), ("我的后台任务", reverse("core:taskrun_list")), (run.label, "")],
    })


@login_required
def taskrun_download(request, pk):
    run = get_object_or_404(TaskRun.objects.visible_to(request.user), pk=pk)
    if not run.result_file:
        raise Http404("结果文件已清理。" if run.file_removed_at else "该任务没有结果文件。")
    return FileResponse(run.result_file.open("rb"), as_attachment=True,
                        filename=run.result_file.name.rsplit("/", 1)[-1])


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/open311/"))


def error_404(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "未找到。", "code": "not_found"}, status=404)
    return render(request, "404.html", {"title": "页面不存在"}, status=404)


def error_403(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "您没有执行该操作的权限。", "code": "permission_denied"}, status=403)
    return render(request, "403.html", {"title": "没有权限", "reason": str(exception or "")}, status=403)


def error_500(request):
    if _wants_json(request):
        return JsonResponse({"detail": "服务器内部错误，请稍后重试或联系管理员。", "code": "server_error"}, status=500)
    # No request context: whatever failed (the database, say) must not fail this page too.
    return HttpResponseServerError(loader.render_to_string("500.html"))


CSRF_MESSAGE = "安全校验失败：页面可能已过期，请返回并刷新页面后重试。"


def csrf_failure(request, reason=""):
    """Django calls this when a form's CSRF check fails; the reason goes to the log only (Django's
    django.security.csrf logs it, with the path, once)."""
    if _wants_json(request):
        return JsonResponse({"detail": CSRF_MESSAGE, "code": "csrf_failed"}, status=403)
    return render(request, "403.html", {"title": "安全校验失败", "reason": CSRF_MESSAGE}, status=403)


def error_400(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "请求有误。", "code": "bad_request"}, status=400)
    return render(request, "400.html", {"title": "请求有误"}, status=400)


# Imports ---------------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
IMPORT_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv")


def _importer_or_404(name):
    from .imports import registry

    importer = registry.get(name)
    if importer is None:
        raise Http404("没有这种导入。")
    return importer


def _require_import_permission(user, importer):
    opts = importer.model._meta
    needed = [f"{opts.app_label}.add_{opts.model_name}", f"{opts.app_label}.change_{opts.model_name}"]
    if not user.has_perms(needed):
        raise PermissionDenied("您没有导入此类数据的权限。")


def _import_breadcrumbs(request, importer, *tail):
    """An import's pages sit in the module of the records they import: the breadcrumbs run 首页 →
    the module → the records' list → the import, and the sidebar marks that list as the page's place."""
    opts = importer.model._meta
    declaration = registry.declaration_for(importer.model)
    menu = getattr(declaration, "menu", None)
    crumbs = []
    list_url = _records_list_url(importer)
    if list_url:
        crumbs.append((str(opts.verbose_name_plural), list_url))
        request.navigation_path = list_url
    return navigation.breadcrumbs(*crumbs, *tail, module=menu.module if menu is not None else opts.app_label)


def _records_list_url(importer) -> str:
    """The list of the records an import writes; "" when they have none."""
    opts = importer.model._meta
    try:
        return reverse(f"{opts.app_label}:{opts.model_name}_list")
    except NoReverseMatch:
        return ""


@login_required
def import_start(request, name):
    importer = _importer_or_404(name)
    _require_import_permission(request.user, importer)
    data = request.POST if request.method == "POST" else None
    options_form = importer.options_form(data) if importer.options_form else None
    context = {
        "importer": importer, "title": f"批量导入{importer.title}", "options_form": options_form,
        "breadcrumbs": _import_breadcrumbs(request, importer, ("批量导入", "")),
        "extensions": "、".join(IMPORT_EXTENSIONS),
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    if request.method != "POST":
        return render(request, "core/import_start.html", context)
    upload = request.FILES.get("file")
    problem = _upload_problem(upload)
    if problem or (options_form is not None and not options_form.is_valid()):
        if problem:
            messages.error(request, problem)
        return render(request, "core/import_start.html", context, status=400)
    job = ImportJob.objects.create(
        importer=name, user=request.user, file=upload, filename=upload.name[:200],
        options=options_form.cleaned_data if options_form is not None else {},
    )
    from .tasks import check_import

    job.check_run = progress.start(check_import, f"检查导入文件 {job.filename}", request.user, str(job.pk))
    job.save(update_fields=["check_run"])
    return redirect(job)


def _upload_problem(upload) -> str:
    if upload is None:
        return "请选择要导入的文件。"
    if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
        return f"不支持的文件类型“{upload.name}”，请上传 {'、'.join(IMPORT_EXTENSIONS)} 文件。"
    if upload.size == 0:
        return "文件是空的。"
    if upload.size > MAX_UPLOAD_BYTES:
        return f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，请拆分后导入。"
    return ""


@login_required
def import_template(request, name):
    from .importing import template_xlsx

    importer = _importer_or_404(name)
    _require_import_permission(request.user, importer)
    return xlsx_response(template_xlsx(importer.spec), f"{importer.title}导入模板.xlsx")


def _own_job(request, pk):
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    return job, _importer_or_404(job.importer)


def _job_context(job, importer, column_form=None) -> dict:
    from .choices import ImportState
    from .forms import ColumnMappingForm

    checked = job.state in (ImportState.READY, ImportState.INVALID) and job.preview
    if column_form is None and checked:
        column_form = ColumnMappingForm(job.preview)
    preview = job.preview or {}
    return {
        "job": job, "importer": importer, "run": job.current_run,
        "options": importer.describe_options(job.options),
        "preview_summary": importer.preview_summary(preview) if job.state == ImportState.READY and preview else "",
        "result_summary": importer.result_summary(job.result) if job.result else "",
        "unmatched": (preview.get("unmatched") or []) if checked else [],
        "mapped": (preview.get("mapped") or []) if checked else [],
        "column_form": column_form if column_form is not None and column_form.headers else None,
        "list_url": _records_list_url(importer),
        "records_name": str(importer.model._meta.verbose_name_plural),
    }


def _render_job(request, job, importer, column_form=None, status=200):
    context = _job_context(job, importer, column_form)
    if request.headers.get("HX-Request"):
        return render(request, "core/includes/import_job.html", context, status=status)
    context.update(title=f"导入{importer.title}：{job.filename}",
                   breadcrumbs=_import_breadcrumbs(request, importer, ("批量导入", reverse("core:import_start", args=[job.importer])), (job.filename, "")))
    return render(request, "core/importjob_detail.html", context, status=status)


@login_required
def importjob_detail(request, pk):
    job, importer = _own_job(request, pk)
    return _render_job(request, job, importer)


@login_required
def importjob_confirm(request, pk):
    """Apply a checked file. Columns the file has and no field reads must have been confirmed as
    ignored, with the "我确认忽略以上列" box ticked alongside."""
    from .choices import ImportState
    from .imports import IGNORED_COLUMNS, acknowledged_columns
    from .tasks import apply_import

    job, importer = _own_job(request, pk)
    _require_import_permission(request.user, importer)
    if request.method != "POST":
        return redirect(job)
    if job.state != ImportState.READY:
        messages.error(request, "该文件当前不能导入（需先通过检查，且只能导入一次）。")
        return redirect(job)
    if not job.file:
        messages.error(request, "上传的文件已清理，不能再导入，请重新上传。")
        return redirect(job)
    unmatched = (job.preview or {}).get("unmatched") or []
    if unmatched and request.POST.get("ignore_unmatched") != "1":
        messages.error(request, f"文件中有 {len(unmatched)} 列未能识别，其中的数据不会导入。请为这些列指定对应字段后重新检查，"
                                "或勾选“我确认忽略以上列”后再确认导入。")
        return redirect(job)
    job.options = {**job.options, IGNORED_COLUMNS: acknowledged_columns(unmatched)}
    job.state = ImportState.IMPORTING
    job.save(update_fields=["state", "options"])
    job.apply_run = progress.start(apply_import, f"导入 {job.filename}", request.user, str(job.pk))
    job.save(update_fields=["apply_run"])
    return redirect(job)


@login_required
def importjob_columns(request, pk):
    """Name by hand the fields that columns of a checked file hold, then check the file again with
    those names (kept in the job's options; remembered for the next files once the import is confirmed)."""
    from .choices import ImportState
    from .forms import ColumnMappingForm
    from .imports import COLUMN_MAP, IGNORED_COLUMNS
    from .tasks import check_import

    job, importer = _own_job(request, pk)
    _require_import_permission(request.user, importer)
    if request.method != "POST":
        return redirect(job)
    form = ColumnMappingForm(job.preview or {}, request.POST)
    if job.state not in (ImportState.READY, ImportState.INVALID) or not form.headers:
        messages.error(request, "该文件当前不能指定列的对应字段（只能在检查完成后、导入之前指定）。")
        return redirect(job)
    if not form.is_valid():
        return _render_job(request, job, importer, form, status=400)
    options = {**job.options, COLUMN_MAP: {**job.options.get(COLUMN_MAP, {}), **form.column_map()}}
    options.pop(IGNORED_COLUMNS, None)
    for report in (job.error_report, job.changes_report):
        if report:
            report.delete(save=False)
    job.options, job.state, job.preview, job.errors, job.error_count = options, ImportState.CHECKING, None, None, 0
    job.apply_run = None
    job.save()
    job.check_run = progress.start(check_import, f"重新检查导入文件 {job.filename}", request.user, str(job.pk))
    job.save(update_fields=["check_run"])
    return redirect(job)


@login_required
def importjob_report(request, pk):
    job, importer = _own_job(request, pk)
    if not job.error_report:
        raise Http404("没有错误报告。")
    return FileResponse(job.error_report.open("rb"), as_attachment=True,
                        filename=job.error_report.name.rsplit("/", 1)[-1])


@login_required
def importjob_changes(request, pk):
    """The changes report of a checked file: every record it creates, changes or deletes."""
    job, importer = _own_job(request, pk)
    if not job.changes_report:
        raise Http404("没有变更明细。")
    return FileResponse(job.changes_report.open("rb"), as_attachment=True,
                        filename=job.changes_report.name.rsplit("/", 1)[-1])


# Role grants (三员分立) -------------------------------------------------------------------------


def rolegrant_panel(request, grant):
    pending = grant.state == GrantState.PENDING
    why_not = accounts.decide_problem(request.user, grant) if pending else ""
    return {"key": "decision", "title": "审批", "template": "core/panels/rolegrant.html", "context": {
        "grant": grant, "can_decide": pending and not why_not, "why_not": why_not,
        "form": DecisionForm(), "history": accounts.GRANT_STATES.history_rows(grant),
    }}


class RoleGrantAddView(PagesView):
    template_name = "core/object_form.html"

    def render_form(self, form):
        title = "授予或收回角色"
        return render(self.request, self.template_name, self.context(
            form=form, title=title, breadcrumbs=self.breadcrumbs((title, "")),
        ))

    def get(self, request):
        initial = {k: v for k, v in request.GET.items() if k in ("user", "role", "action")}
        return self.render_form(RoleGrantForm(actor=request.user, initial=initial))

    def post(self, request):
        form = RoleGrantForm(request.POST, actor=request.user)
        if not form.is_valid():
            return self.render_form(form)
        data = form.cleaned_data
        try:
            grant = accounts.request_grant(request.user, data["user"], data["role"], data["action"], data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_form(form)
        if grant.state == GrantState.PENDING:
            messages.info(request, "申请已提交，须由另一位管理员（安全管理员或其他系统管理员）审批后生效。")
        else:
            messages.success(request, f"已生效：{grant}。")
        return redirect(grant)


@login_required
@require_POST
def rolegrant_decide(request, pk, decision):
    grant = get_object_or_404(declared(RoleGrant).scoped(request.user), pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    decide = {"approve": accounts.approve, "reject": accounts.reject}.get(decision)
    if decide is None:
        raise Http404("没有这种审批操作。")
    try:
        decide(request.user, grant, note)
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, "已批准，授权生效。" if decision == "approve" else "已驳回。")
    return redirect(grant)


# API tokens ----------------------------------------------------------------------------------


def _tokens_context(request, form) -> dict:
    user = request.user
    context = {
        "title": "接口令牌", "form": form, "breadcrumbs": [("首页", reverse("home")), ("接口令牌", "")],
        "own": ApiToken.objects.filter(user=user),
    }
    if user.has_perm("core.view_apitoken"):
        others = ApiToken.objects.exclude(user=user).select_related("user")
        context["others"] = Paginator(others, 50).get_page(request.GET.get("page"))
        context["can_revoke_others"] = user.has_perm("core.delete_apitoken")
    return context


@login_required
def apitoken_list(request):
    return render(request, "core/apitoken_list.html", _tokens_context(request, ApiTokenForm()))


@login_required
@require_POST
def apitoken_add(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(request, "core/apitoken_list.html", _tokens_context(request, form), status=400)
    token, key = tokens.issue(request.user, form.cleaned_data["name"], form.cleaned_data["days"])
    return render(request, "core/apitoken_created.html", {
        "title": "新令牌", "token": token, "key": key,
        "breadcrumbs": [("首页", reverse("home")), ("接口令牌", reverse("core:apitoken_list")), ("新令牌", "")],
    })


@login_required
@require_POST
def apitoken_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    user = request.user
    if token.user_id != user.pk and not accounts.may_revoke_token(user, token):
        raise Http404("没有这个令牌。")
    token.delete()
    messages.success(request, f"已吊销令牌“{token}”。")
    return redirect("core:apitoken_list")


# Login records (audit) -----------------------------------------------------------------------


@login_required
def login_records(request):
    """Logins, logouts and failed logins, for auditors (django-axes keeps them)."""
    from axes.models import AccessFailureLog, AccessLog

    if not request.user.has_perm("axes.view_accesslog"):
        raise PermissionDenied("只有审计管理员可以查阅登录记录。")
    return render(request, "core/login_records.html", {
        "title": "登录记录",
        "breadcrumbs": [("首页", reverse("home")), ("登录记录", "")],
        "logins": Paginator(AccessLog.objects.order_by("-attempt_time"), 50).get_page(request.GET.get("page")),
        "failures": Paginator(AccessFailureLog.objects.order_by("-attempt_time"), 50).get_page(
            request.GET.get("failures_page")),
    })


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon (the Django admin's)."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


# Search and type-ahead -------------------------------------------------------------------------

AUTOCOMPLETE_LIMIT = 20


@login_required
def autocomplete(request, label):
    """Rows of a declared model matching `q` (or the chosen `ids`), among those the user may see:
    the type-ahead of forms that link to it."""
    model = registry.model_by_label(label)
    declaration = registry.declaration_for(model) if model is not None else None
    if declaration is None or not declaration.search_fields:
        raise Http404("没有这种记录。")
    if not request.user.has_perm(declaration.permission("list")):
        raise PermissionDenied("您没有查看此类记录的权限。")
    rows = declaration.scoped(request.user)
    text = registry.search_text(request.GET.get("q"))
    if text:
        rows = rows.filter(registry.search_filter(declaration, text)).distinct()
    labelled = hasattr(model, "choice_label")
    if labelled:
        rows = rows.select_related(*getattr(model, "choice_related", ()))
    found = list(rows[: AUTOCOMPLETE_LIMIT + 1])
    return JsonResponse({
        "results": [{"id": row.pk, "text": row.choice_label() if labelled else str(row)}
                    for row in found[:AUTOCOMPLETE_LIMIT]],
        "more": len(found) > AUTOCOMPLETE_LIMIT,
    })


@login_required
def search(request):
    """The global search: every kind of record the user may see, by the fields its declaration
    names (an enterprise by name, former name or code; a project by name or number)."""
    text = registry.search_text(request.GET.get("q"))
    groups = [
        {"title": str(d.opts.verbose_name_plural), "rows": rows, "more": more,
         "more_url": f"{reverse(d.url_name('list'))}?{urlencode({'q': text})}"}
        for d, rows, more in registry.search(request.user, text)
    ]
    return render(request, "core/search.html", {
        "title": f"搜索“{text}”" if text else "搜索", "text": text, "groups": groups,
        "breadcrumbs": [("首页", reverse("home")), ("搜索", "")],
    })
