from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from . import navigation, progress
from .filters import ChangeRecordFilterSet, GridFilterSet
from .forms import GridForm
from .exports import xlsx_response
from .generic import ModelPages, ObjectDetailView, object_history_url
from .models import CalendarDay, CalendarYear, ChangeRecord, Grid, ImportJob, TaskRun
from .roles import ROLES, ROLES_BY_SLUG
from .scoping import bound_ids, role_names, scope_queryset


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def account_locked(request, credentials=None, *args, **kwargs):
    """django-axes calls this when an account is locked after repeated failures."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/locked.html", {"minutes": minutes, "title": "账号已锁定"}, status=429
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
    user = request.user
    context = {
        "role": role,
        "title": f"{role.name}工作台",
        "other_roles": [r for r in user_roles(user) if r != role],
        "modules": navigation.modules_for(user),
        "recent_tasks": TaskRun.objects.filter(user=user)[:5],
        "breadcrumbs": [("首页", "")],
    }
    context.update(_home_panels(user))
    context["sections"] = [section for section in (build(request, role) for build in navigation.home_sections)
                           if section]
    return render(request, "core/home.html", context)


def _home_panels(user) -> dict:
    """The figures and lists a home page shows, each only when the user may see it."""
    from openpark.enterprises.models import Enterprise

    from .models import Grid

    panels = {}
    if user.has_perm("enterprises.view_enterprise"):
        enterprises = scope_queryset(Enterprise.objects.all(), user)
        panels["enterprise_count"] = enterprises.count()
        enterprise_ids, grid_ids = bound_ids(user)
        if enterprise_ids:
            panels["my_enterprises"] = enterprises.filter(pk__in=enterprise_ids)
    if user.has_perm("core.view_grid"):
        grids = scope_queryset(Grid.objects.all(), user)
        panels["grid_count"] = grids.count()
        if bound_ids(user)[1]:
            panels["my_grids"] = grids
    if user.has_perm("core.view_changerecord"):
        panels["recent_changes"] = ChangeRecord.objects.select_related("content_type")[:8]
    return panels


class ChangeRecordDetailView(ObjectDetailView):
    template_name = "core/changerecord_detail.html"

    def context(self, **extra) -> dict:
        return super().context(history_url=object_history_url(extra["object"]), **extra)


grid_pages = ModelPages(
    Grid, filterset_class=GridFilterSet, form_class=GridForm,
    list_columns=["code", "name", "updated_at"],
    detail_fields=["code", "name", "boundary", "created_at", "updated_at"],
)
calendar_day_pages = ModelPages(
    CalendarDay, list_columns=["day", "is_workday", "name"], form_fields=["day", "is_workday", "name"],
    prefix="calendar/days/", default_sort="-day",
)
calendar_year_pages = ModelPages(
    CalendarYear, list_columns=["year", "note"], form_fields=["year", "note"], prefix="calendar/years/",
)
change_pages = ModelPages(
    ChangeRecord, filterset_class=ChangeRecordFilterSet, actions=("list", "detail"),
    list_columns=["time", "actor", "action", "object_type", "object_repr", "request_id"],
    detail_fields=["time", "actor", "source", "request_id", "object_type", "object_id",
                   "object_repr", "action"],
    views={"detail": ChangeRecordDetailView}, prefix="changes/", select_related=["content_type"],
    links={"object_repr": object_history_url},
)


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


def _import_breadcrumbs(importer, *tail):
    opts = importer.model._meta
    crumbs = [("首页", reverse("home"))]
    try:
        crumbs.append((str(opts.verbose_name_plural), reverse(f"{opts.app_label}:{opts.model_name}_list")))
    except NoReverseMatch:
        pass
    return crumbs + list(tail)


@login_required
def import_start(request, name):
    importer = _importer_or_404(name)
    _require_import_permission(request.user, importer)
    data = request.POST if request.method == "POST" else None
    options_form = importer.options_form(data) if importer.options_form else None
    context = {
        "importer": importer, "title": f"批量导入{importer.title}", "options_form": options_form,
        "breadcrumbs": _import_breadcrumbs(importer, ("批量导入", "")),
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
    return xlsx_response(template_xlsx(importer.spec), f"{importer.title}导入模板.xlsx")


def _own_job(request, pk):
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    return job, _importer_or_404(job.importer)


@login_required
def importjob_detail(request, pk):
    job, importer = _own_job(request, pk)
    context = {
        "job": job, "importer": importer, "run": job.current_run,
        "options": importer.describe_options(job.options),
        "preview_summary": importer.preview_summary(job.preview) if job.preview else "",
        "result_summary": importer.result_summary(job.result) if job.result else "",
    }
    if request.headers.get("HX-Request"):
        return render(request, "core/includes/import_job.html", context)
    context.update(title=f"导入{importer.title}：{job.filename}",
                   breadcrumbs=_import_breadcrumbs(importer, ("批量导入", reverse("core:import_start", args=[job.importer])), (job.filename, "")))
    return render(request, "core/importjob_detail.html", context)


@login_required
def importjob_confirm(request, pk):
    from .choices import ImportState
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
    job.state = ImportState.IMPORTING
    job.save(update_fields=["state"])
    job.apply_run = progress.start(apply_import, f"导入 {job.filename}", request.user, str(job.pk))
    job.save(update_fields=["apply_run"])
    return redirect(job)


@login_required
def importjob_report(request, pk):
    job, importer = _own_job(request, pk)
    if not job.error_report:
        raise Http404("没有错误报告。")
    return FileResponse(job.error_report.open("rb"), as_attachment=True,
                        filename=job.error_report.name.rsplit("/", 1)[-1])
