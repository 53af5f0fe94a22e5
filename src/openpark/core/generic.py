"""Generic pages for a model: list (filters, sorting, paging, export), detail, add, edit,
delete, history and, for soft-deleted records, restore. An app declares them in a few lines:

    enterprise_pages = ModelPages(
        Enterprise, filterset_class=EnterpriseFilterSet, form_class=EnterpriseForm,
        list_columns=["uscc", "name", "updated_at"],
    )
    urlpatterns = enterprise_pages.urls()

Every page checks the model permission of the action and limits rows to the user's scope, so an
object outside it answers 404, whatever the URL. A soft-deleted record keeps its history page,
where a user who may delete records of the model may restore it; the list shows the deleted rows
with `?deleted=1`.
"""
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Sum
from django.forms import modelform_factory
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views import View

from . import navigation, progress, registry
from .choices import ChangeAction
from .columns import build_columns
from .exports import (
    ExportReasonForm, export_reason, exporting_user, full_fields, record_export, records_export, seen_in_full, write_xlsx,
    xlsx_response,
)
from .forms import ScopedModelForm
from .masking import hidden_fields, is_withheld, mask_value
from .models import ChangeRecord
from .paging import UncountedPage
from .scoping import is_park_wide, scope_queryset, scope_reaches

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
# Query parameters of a list page that are not filters.
LIST_CONTROLS = {"page", "per_page", "sort", "export", "deleted"}

pages_registry = registry.registry  # the declarations, by model label


class ModelPages:
    """The one declaration of a model (see `openpark.core.registry`): its pages and what they
    share (columns, filters, form, permissions), its API endpoint (`api=Api(...)`), its menu
    entry (`menu=Menu(...)`) and the fields the global search and the type-ahead look in."""

    actions = ("list", "detail", "add", "edit", "delete", "history")
    # A shared reference model (water bodies, outfall classes): no one's own records, so whoever may
    # view them sees every row (see `SharedPages`), and links to them choose among all of them.
    shared = False

    def __init__(self, model, *, filterset_class=None, form_class=None, list_columns=("__str__",),
                 detail_fields=None, export_columns=None, form_fields=None, actions=None,
                 default_sort=None, views=None, prefix=None, select_related=(), panels=(),
                 importer=None, links=None, api=None, menu=None, search_fields=None, count_rows=True,
                 attachments=False, escalation=None, link_column=None, list_links=(), totals=()):
        self.model = model
        self.opts = model._meta
        self.filterset_class = filterset_class
        self.form_class = form_class
        self.form_fields = form_fields
        self.columns = build_columns(model, list_columns)
        self.export_columns = build_columns(model, export_columns or list_columns)
        self.detail_fields = detail_fields
        self.default_sort = default_sort
        if actions is not None:
            self.actions = tuple(actions)
        self.views = views or {}
        self.select_related = tuple(select_related)
        # Detail panels: callables (request, obj) -> {"title", "template", "context"} or None;
        # other apps add theirs with `registry.add_panel`, so an enterprise's page shows every module's part.
        self.panels = list(panels)
        self.importer = importer
        # Cells that link somewhere else than the row's page: {column name: obj -> url or ""}.
        self.links = dict(links or {})
        # The column whose text opens the row's page: the first, unless the first names something
        # else (a water body above its segments, an order number, a date) and the record's own
        # words stand in another column.
        self.link_column = link_column
        # Other pages of the same records the list's head links to (a map of them): (label, URL
        # name, permission), each shown to whoever holds its permission.
        self.list_links = tuple(list_links)
        # Number fields the list sums under its rows (a 合计 row): over every row the filters keep,
        # not the page's, in one aggregate query.
        self.totals = tuple(totals)
        self.prefix = prefix or f"{self.opts.model_name}s/"
        self.api = api
        self.menu = menu
        # A table that grows without end (the change records) pages without counting its rows,
        # on the list page and in the API (`openpark.core.paging`).
        self.count_rows = count_rows
        # Records take files and photos (`openpark.core.attachments`): a panel on the detail page,
        # the API's /api/core/attachments/?object=<app.model>:<id>.
        self.attachments = attachments
        # 上报/督办 and the timeline (`openpark.core.workflows`): by default for a model with a state machine.
        self.escalation = escalation
        # Where the global search and the type-ahead look; by default the list's own search.
        self.search_fields = tuple(
            search_fields if search_fields is not None else getattr(filterset_class, "search_fields", ())
        )
        registry.register(self)

    @property
    def key(self) -> str:
        return self.opts.label_lower

    @property
    def all_panels(self) -> list:
        if self.attachments:
            from .attachment_views import attachments_panel

            return [*self.panels, *registry.added_panels(self), attachments_panel]
        return [*self.panels, *registry.added_panels(self)]

    def url_name(self, action: str) -> str:
        return f"{self.opts.app_label}:{self.opts.model_name}_{action}"

    def permission(self, action: str) -> str:
        # Restoring undoes a deletion, so it is the deleters' decision: someone who may only edit
        # must not bring back what they could not have removed.
        # A transition's own permission is the state machine's; its page needs the object's view.
        codename = {"list": "view", "detail": "view", "history": "view", "add": "add",
                    "edit": "change", "delete": "delete", "restore": "delete",
                    "transition": "view", "escalate": "view"}[action]
        return f"{self.opts.app_label}.{codename}_{self.opts.model_name}"

    @property
    def soft_deletable(self) -> bool:
        """Whether deleted rows of the model stay, to be found and restored."""
        return getattr(self.model, "soft_delete", False) and hasattr(self.model, "all_objects")

    @property
    def restorable(self) -> bool:
        return self.soft_deletable and "delete" in self.actions and "history" in self.actions

    @property
    def has_workflow(self) -> bool:
        """Whether the model has a state machine, whose transitions become actions."""
        from .workflows import machine_of

        return machine_of(self.model) is not None and "detail" in self.actions

    @property
    def offers_escalation(self) -> bool:
        """Whether its records may be put before a named person (上报/督办), with a timeline."""
        wanted = self.has_workflow if self.escalation is None else self.escalation
        return wanted and "detail" in self.actions

    def urls(self) -> list:
        from .workflow_views import ObjectEscalateView, ObjectTransitionView

        routes = {
            "list": ("", ObjectListView),
            "add": ("add/", ObjectEditView),
            "detail": ("<int:pk>/", ObjectDetailView),
            "edit": ("<int:pk>/edit/", ObjectEditView),
            "delete": ("<int:pk>/delete/", ObjectDeleteView),
            "history": ("<int:pk>/history/", ObjectHistoryView),
            "restore": ("<int:pk>/restore/", ObjectRestoreView),
            "transition": ("<int:pk>/transitions/<slug:name>/", ObjectTransitionView),
            "escalate": ("<int:pk>/escalate/", ObjectEscalateView),
        }
        return [
            path(self.prefix + route, self.views.get(action, view).as_view(pages=self, action=action),
                 name=f"{self.opts.model_name}_{action}")
            for action, (route, view) in routes.items()
            if action in self.actions or action == "restore" and self.restorable
            or action == "transition" and self.has_workflow or action == "escalate" and self.offers_escalation
        ]

    # Querysets -------------------------------------------------------------------------------

    def scoped(self, user):
        """Every row the user may see at all (lists, details and their actions); subclasses narrow it."""
        return scope_queryset(self.model.objects.all(), user)

    def scoped_deleted(self, user):
        """The soft-deleted rows of the user's scope. A subclass that narrows `scoped` narrows
        this the same way."""
        if not self.soft_deletable:
            return self.model._default_manager.none()
        return scope_queryset(self.model.all_objects.filter(is_deleted=True), user)

    def with_deleted(self, user):
        """Live and deleted rows of the user's scope: what history pages and restore look in."""
        if not self.soft_deletable:
            return self.scoped(user)
        return self.scoped(user) | self.scoped_deleted(user)

    def base_queryset(self, user, deleted: bool = False):
        queryset = self.scoped_deleted(user) if deleted else self.scoped(user)
        related = [c.name for c in {*self.columns, *self.export_columns} if c.related]
        related += self.select_related
        if related:
            queryset = queryset.select_related(*related)
        return queryset

    def lists_deleted(self, params) -> bool:
        """Whether a list page's parameters ask for the deleted rows (`?deleted=1`)."""
        return self.soft_deletable and "history" in self.actions and params.get("deleted") == "1"

    def filterset(self, user, params):
        if self.filterset_class is None:
            return None
        if hasattr(params, "getlist"):  # a query string: a filter of several values (?state=a&state=b) keeps them all
            data = params.copy()
            for control in LIST_CONTROLS:
                data.pop(control, None)
        else:
            data = {k: v for k, v in params.items() if k not in LIST_CONTROLS}
        # Filters whose choices depend on the user read `request.user`, in a task as on a page.
        return self.filterset_class(data, queryset=self.base_queryset(user, self.lists_deleted(params)),
                                    request=SimpleNamespace(user=user))

    def columns_for(self, user, columns=None) -> list:
        """The list columns (or `columns`) less those on a field `user` may not see."""
        return [c for c in (self.columns if columns is None else columns) if not is_withheld(self.model, c.name, user)]

    def list_columns_for(self, user, params) -> list:
        """The columns a list page shows for these parameters; a declaration may leave out one
        that a filter makes the same on every row."""
        return self.columns_for(user)

    def sort_key(self, params, user=None) -> str:
        wanted = params.get("sort", "")
        sortable = {c.name for c in self.columns_for(user) if c.sortable}
        if wanted.lstrip("-") in sortable:
            return wanted
        return self.default_sort or ""

    def listed_queryset(self, user, params):
        """The rows a list page shows for these parameters: scoped, filtered and sorted."""
        filterset = self.filterset(user, params)
        if filterset is None:
            queryset = self.base_queryset(user, self.lists_deleted(params))
        elif filterset.is_valid():
            queryset = filterset.qs
        else:
            queryset = self.model.objects.none()
        sort = self.sort_key(params, user)
        if sort:  # rows without a value last either way, on SQLite as on PostgreSQL
            field = F(sort.lstrip("-"))
            queryset = queryset.order_by(field.desc(nulls_last=True) if sort.startswith("-") else
                                         field.asc(nulls_last=True), "pk")
        elif not queryset.query.order_by and not self.opts.ordering:
            queryset = queryset.order_by("pk")
        return queryset

    # Export ----------------------------------------------------------------------------------

    def totals_row(self, queryset, columns) -> list | None:
        """The 合计 row under a list of these columns: each summed column's total over `queryset`
        (one query), None under the others; None when the model declares no totals or none of its
        summed columns is shown."""
        shown = [column.name for column in columns if column.name in self.totals]
        if not shown:
            return None
        sums = queryset.order_by().aggregate(**{f"total_{name}": Sum(name) for name in shown})
        return [(sums[f"total_{column.name}"] or 0) if column.name in shown else None for column in columns]

    def export_filename(self) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.opts.verbose_name_plural}-{stamp}.xlsx"

    def row_cells(self, obj, deleted: bool = False, columns=None) -> list[tuple[str, str]]:
        """(text, link) of each list column (or of `columns`); the link column (`link_column`, else the
        first) links to the row's page (a deleted row's page is its history)."""
        cells = []
        columns = self.columns if columns is None else columns
        link = self.link_column if any(c.name == self.link_column for c in columns) else \
            next((c.name for c in columns), None)
        for column in columns:
            if column.name == link:
                url = obj.get_history_url() if deleted else obj.get_absolute_url()
            else:
                url = self.links[column.name](obj) if column.name in self.links else ""
            cells.append((column.display(obj), url))
        return cells

    def export_bytes(self, queryset, progress=None, user=None) -> bytes:
        from .deadlines import with_overdue

        queryset = with_overdue(queryset)
        if self.importer is not None:  # the import layout, so that the file can go round
            return self.importer.export_bytes(queryset, user)
        return write_xlsx(
            self.columns_for(user, self.export_columns), queryset.iterator(chunk_size=2000),
            str(self.opts.verbose_name_plural), progress=progress,
        )


def error_message(exc) -> str:
    """What a refused action tells the user: a ValidationError's messages, or the error's text."""
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


class SharedPages(ModelPages):
    """The pages of a shared reference model (the park's vocabulary: water bodies, outfall classes):
    no enterprise's or grid's records, so whoever may view them sees them all, and whoever may link
    to them (a 环保管家 recording an outfall) chooses among all of them (`registry.choosable`)."""

    shared = True

    def scoped(self, user):
        return self.model.objects.all()

    def scoped_deleted(self, user):
        return self.model.all_objects.filter(is_deleted=True)

    def choices(self, queryset):
        """The rows offered where a link to this model is chosen: all of them."""
        return queryset


class PagesView(LoginRequiredMixin, View):
    pages: ModelPages = None
    action: str = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            self.pages.permission(self.action)
        ):
            raise PermissionDenied("您没有权限执行此操作。")
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(self.pages.scoped(self.request.user), pk=self.kwargs["pk"])

    @property
    def model(self):
        return self.pages.model

    def breadcrumbs(self, *tail) -> list[tuple[str, str]]:
        if "list" in self.pages.actions:
            tail = ((capfirst(str(self.pages.opts.verbose_name_plural)), reverse(self.pages.url_name("list"))), *tail)
        module = self.pages.menu.module if self.pages.menu is not None else None
        return navigation.breadcrumbs(*tail, module=module)

    def can(self, action: str) -> bool:
        offered = self.pages.restorable if action == "restore" else action in self.pages.actions
        return offered and self.request.user.has_perm(self.pages.permission(action))

    def context(self, **extra) -> dict:
        return {
            "pages": self.pages,
            "opts": self.pages.opts,
            "can_add": self.can("add"),
            "can_edit": self.can("edit"),
            "can_delete": self.can("delete"),
            "can_history": self.can("history"),
            "can_restore": self.can("restore"),
            "can_import": self.pages.importer is not None and self.can("add") and self.can("edit"),
            **extra,
        }


class ObjectListView(PagesView):
    template_name = "core/object_list.html"
    partial_template_name = "core/includes/object_table.html"

    def get(self, request):
        params = request.GET
        queryset = self.pages.listed_queryset(request.user, params)
        if params.get("export") == "xlsx":
            return self.export(queryset)
        per_page = _int_param(params.get("per_page"), DEFAULT_PAGE_SIZE)
        per_page = per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE
        if self.pages.count_rows:
            page = Paginator(queryset, per_page).get_page(params.get("page"))
        else:
            page = UncountedPage(queryset, params.get("page"), per_page)
        filterset = self.pages.filterset(request.user, params)
        if filterset is not None and not filterset.is_valid():
            messages.error(request, "筛选条件有误：" + _filter_errors(filterset))
        deleted = self.pages.lists_deleted(params)
        columns = self.pages.list_columns_for(request.user, params)
        plural = capfirst(str(self.pages.opts.verbose_name_plural))
        overdue = set()
        if self.pages.has_workflow and not deleted:
            from .deadlines import overdue_ids

            overdue = {int(pk) for pk in overdue_ids(self.model, [obj.pk for obj in page.object_list])}
            for obj in page.object_list:  # what a row's own 逾期 column may read instead of asking again
                obj.overdue_now = obj.pk in overdue
        context = self.context(
            page=page,
            rows=[(obj, self.pages.row_cells(obj, deleted, columns)) for obj in page.object_list],
            overdue=overdue,
            columns=columns,
            deleted=deleted,
            # The list offers the deleted rows to those who may restore them (who may delete the
            # model's records): someone who may only read has nothing to do there.
            offers_deleted=self.pages.soft_deletable and self.can("restore"),
            filter_form=filterset.form if filterset is not None else None,
            sort=self.pages.sort_key(params, request.user),
            query_without=lambda *names: _query_without(params, *names),
            per_page=per_page,
            page_sizes=PAGE_SIZES,
            # Personal data the user may see leaves in full only with a reason (导出事由).
            export_reason_form=ExportReasonForm() if seen_in_full(self.model, request.user) else None,
            breadcrumbs=self.breadcrumbs(("已删除", "")) if deleted else self.breadcrumbs(),
            title=f"已删除的{plural}" if deleted else plural,
            list_links=[(label, reverse(url_name)) for label, url_name, permission in self.pages.list_links
                        if request.user.has_perm(permission)],
        )
        context["totals"] = self.pages.totals_row(queryset, columns)
        context["querystring"] = _query_without(params, "page")
        context["sort_querystring"] = _query_without(params, "page", "sort")
        template = self.partial_template_name if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)

    def post(self, request):
        """导出 with a reason (导出事由): the same export, with the personal data the user may see
        in full, and the reason recorded in the audit trail."""
        if request.POST.get("export") != "xlsx":
            return HttpResponseNotAllowed(["GET"])
        try:
            reason = export_reason(request)
        except ValidationError as exc:
            messages.error(request, error_message(exc))
            return redirect(request.get_full_path())
        return self.export(self.pages.listed_queryset(request.user, request.GET), reason)

    def export(self, queryset, reason: str = ""):
        from .tasks import export_list

        settings_limit = _export_sync_limit()
        # Counting stops past the limit: a long table is not counted to learn that it is long.
        if queryset.order_by()[:settings_limit + 1].count() > settings_limit:
            # a filter of several values (?state=a&state=b) goes to the task as a list
            params = {k: values if len(values) > 1 else values[0] for k, values in self.request.GET.lists()
                      if k != "export"}
            run = progress.start(
                export_list, f"导出{self.pages.opts.verbose_name_plural}", self.request.user,
                self.pages.key, self.request.user.pk, params, reason,
            )
            messages.info(self.request, "数据较多，已转为后台导出，完成后可在此页下载。")
            return HttpResponseRedirect(run.get_absolute_url())
        content = self.pages.export_bytes(queryset, user=exporting_user(self.request.user, reason))
        if records_export(self.model, reason):
            record_export(self.model, self.request.user, queryset.count(), reason,
                          full_fields(self.model, self.request.user, reason))
        return xlsx_response(content, self.pages.export_filename())


TIMESTAMPS = frozenset({"created_at", "updated_at"})
BEYOND_SCOPE = "（不在您的查看范围内）"


class ObjectDetailView(PagesView):
    template_name = "core/object_detail.html"

    def get(self, request, pk):
        obj = self.get_object()
        from .workflow_views import workflow_context

        panels = [panel for panel in (build(request, obj) for build in self.pages.all_panels) if panel]
        frozen = getattr(obj, "is_frozen", False)  # a model's records that no one may change any more
        return render(request, self.template_name, self.context(
            **workflow_context(request, self.pages, obj),
            object=obj,
            can_edit=self.can("edit") and not frozen,
            can_delete=self.can("delete") and not frozen,
            fields=self.detail_rows(obj),
            panels=panels,
            # Static scripts the panels need (a chart library, say), each once, in order.
            scripts=list(dict.fromkeys(script for panel in panels for script in panel.get("scripts", ()))),
            styles=list(dict.fromkeys(style for panel in panels for style in panel.get("styles", ()))),
            breadcrumbs=self.breadcrumbs((str(obj), "")),
            title=str(obj),
        ))

    def detail_rows(self, obj) -> list[tuple[str, str, str]]:
        """(label, value, link) of each field shown: a record the object names links to its own page
        when the user may view that kind of record."""
        names = self.pages.detail_fields or sorted(
            (f.name for f in self.pages.opts.concrete_fields if f.name not in {"id", "is_deleted", "deleted_at"}),
            key=lambda name: name in TIMESTAMPS)  # what the record says first, when it was written last
        columns = self.pages.columns_for(self.request.user, build_columns(self.model, names))
        beyond = self.beyond_scope(obj, columns)
        masked = hidden_fields(self.model, self.request.user)  # personal data the user sees only masked
        return [(c.label, BEYOND_SCOPE, "") if c.name in beyond
                else (c.label, mask_value(c.name, c.display(obj)), "") if c.name in masked
                else (c.label, c.display(obj), self.link_of(c, obj))
                for c in columns]

    def beyond_scope(self, obj, columns) -> set[str]:
        """The related fields naming a record the viewer's scope could reach but does not (a
        steward's outfall merged into another enterprise's): neither named nor linked, as its page
        would answer 404."""
        user = self.request.user
        if is_park_wide(user):
            return set()
        beyond = set()
        for column in columns:
            linked = getattr(obj, column.name, None) if column.related else None
            if linked is None:
                continue
            model, declaration = type(linked), registry.declaration_for(type(linked))
            if declaration is None or declaration.shared or not scope_reaches(model, user):
                continue
            if not scope_queryset(model._default_manager.filter(pk=linked.pk), user).exists():
                beyond.add(column.name)
        return beyond

    def link_of(self, column, obj) -> str:
        if not column.related:
            return ""
        linked = getattr(obj, column.name, None)
        url = getattr(linked, "get_absolute_url", None)
        if linked is None or url is None:
            return ""
        opts = linked._meta
        if not self.request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return ""
        try:
            return url()
        except NoReverseMatch:  # a kind of record without pages of its own
            return ""


class ObjectEditView(PagesView):
    template_name = "core/object_form.html"

    def form_class(self):
        if self.pages.form_class is not None:
            return self.pages.form_class
        return modelform_factory(self.model, form=ScopedModelForm, fields=self.pages.form_fields or "__all__")

    def get_instance(self):
        return self.get_object() if "pk" in self.kwargs else None

    def render_form(self, form, instance):
        opts = self.pages.opts
        if instance is None:
            title = f"新建{opts.verbose_name}"
            crumbs = self.breadcrumbs((title, ""))
        else:
            title = f"编辑{opts.verbose_name}：{instance}"
            crumbs = self.breadcrumbs((str(instance), instance.get_absolute_url()), ("编辑", ""))
        return render(self.request, self.template_name, self.context(
            form=form, object=instance, breadcrumbs=crumbs, title=title,
        ))

    def get(self, request, pk=None):
        instance = self.get_instance()
        if getattr(instance, "is_frozen", False):
            return self.refuse_frozen(instance)
        form_class = self.form_class()
        # An add page may be opened with values chosen, e.g. ?enterprise=12 from that enterprise's page.
        initial = {k: v for k, v in request.GET.items() if instance is None and k in form_class.base_fields}
        return self.render_form(form_class(instance=instance, initial=initial, user=request.user), instance)

    def refuse_frozen(self, instance):
        """A frozen record's edit page says why it cannot be changed, on the record's page."""
        messages.error(self.request, instance.frozen_refusal("修改"))
        return HttpResponseRedirect(instance.get_absolute_url())

    def post(self, request, pk=None):
        instance = self.get_instance()
        if getattr(instance, "is_frozen", False):
            return self.refuse_frozen(instance)
        form = self.form_class()(request.POST, request.FILES, instance=instance, user=request.user)
        if not form.is_valid():
            messages.error(request, "保存失败，请按提示修改后重试。")
            return self.render_form(form, instance)
        try:
            with transaction.atomic():
                obj = form.save()
        except ValidationError as exc:  # a rule only the save knows (a record frozen meanwhile, a number taken)
            form.add_error(None, exc.messages)
            messages.error(request, "保存失败，请按提示修改后重试。")
            return self.render_form(form, instance)
        verb = "已新建" if instance is None else "已保存"
        messages.success(request, f"{verb}{self.pages.opts.verbose_name}“{obj}”。")
        return HttpResponseRedirect(obj.get_absolute_url())


class ObjectDeleteView(PagesView):
    template_name = "core/object_confirm_delete.html"

    def get(self, request, pk):
        obj = self.get_object()
        references = obj.live_references() if hasattr(obj, "live_references") else []
        return render(request, self.template_name, self.context(
            object=obj, title=f"删除{self.pages.opts.verbose_name}", references=references,
            breadcrumbs=self.breadcrumbs((str(obj), obj.get_absolute_url()), ("删除", "")),
        ))

    def post(self, request, pk):
        obj = self.get_object()
        try:
            with transaction.atomic():
                obj.delete()
        except ValidationError as exc:  # the model refuses (a published run, say)
            messages.error(request, error_message(exc))
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, f"已删除{self.pages.opts.verbose_name}“{obj}”。")
        return HttpResponseRedirect(reverse(self.pages.url_name("list")))


class ObjectHistoryView(PagesView):
    """The change records of one record; a soft-deleted record's too, saying when and by whom it
    was deleted, with 恢复 for those who may restore it."""

    template_name = "core/object_history.html"

    def get_object(self):
        return get_object_or_404(self.pages.with_deleted(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, pk):
        obj = self.get_object()
        records = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=str(obj.pk)
        ).select_related("user", "content_type")
        page = Paginator(records, DEFAULT_PAGE_SIZE).get_page(request.GET.get("page"))
        deleted = getattr(obj, "is_deleted", False)
        if deleted:
            list_url = reverse(self.pages.url_name("list")) + "?deleted=1" if "list" in self.pages.actions else ""
            crumbs = self.breadcrumbs(("已删除", list_url), (str(obj), ""), ("变更历史", ""))
        else:
            crumbs = self.breadcrumbs((str(obj), obj.get_absolute_url()), ("变更历史", ""))
        can_restore = deleted and self.can("restore") and not getattr(obj, "is_frozen", False)
        return render(request, self.template_name, self.context(
            object=obj, page=page, title=f"{obj} 的变更历史", deleted=deleted,
            deletion=records.filter(action=ChangeAction.DELETE).first() if deleted else None,
            can_restore=can_restore,
            restore_url=reverse(self.pages.url_name("restore"), args=[obj.pk]) if can_restore else "",
            breadcrumbs=crumbs,
        ))


class ObjectRestoreView(PagesView):
    """Restore a soft-deleted record (POST), recorded as a RESTORE change; refused, with the
    reason, when the record no longer fits (see `DomainModel.restore`)."""

    def get_object(self):
        return get_object_or_404(self.pages.with_deleted(self.request.user), pk=self.kwargs["pk"])

    def post(self, request, pk):
        obj = self.get_object()
        name = self.pages.opts.verbose_name
        if not obj.is_deleted:
            messages.info(request, f"{name}“{obj}”没有被删除，无需恢复。")
            return HttpResponseRedirect(obj.get_absolute_url())
        try:
            with transaction.atomic():
                obj.restore()
        except ValidationError as exc:
            messages.error(request, f"不能恢复{name}“{obj}”：{error_message(exc)}")
            return HttpResponseRedirect(obj.get_history_url())
        messages.success(request, f"已恢复{name}“{obj}”。")
        return HttpResponseRedirect(obj.get_absolute_url())


def object_history_url(record: ChangeRecord) -> str:
    """The history page of a change record's object, where its pages have one ("" otherwise):
    a deleted object has no other page."""
    pages = pages_registry.get(f"{record.content_type.app_label}.{record.content_type.model}")
    if pages is None or "history" not in pages.actions or not record.object_id.isdigit():
        return ""
    return reverse(pages.url_name("history"), args=[record.object_id])


def _int_param(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _export_sync_limit() -> int:
    from django.conf import settings

    return settings.EXPORT_SYNC_LIMIT


def _query_without(params, *names) -> str:
    return urlencode([(k, v) for k, values in params.lists() if k not in names for v in values])


def _filter_errors(filterset) -> str:
    parts = []
    for name, errors in filterset.errors.items():
        label = filterset.form.fields[name].label if name in filterset.form.fields else name
        parts.append(f"{label}：{'；'.join(errors)}")
    return "；".join(parts)
