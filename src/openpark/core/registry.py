"""The platform's one declaration per model, and what is made from it.

An app declares each of its models once, in its `declarations.py`, imported by its
`AppConfig.ready()`:

    enterprise_pages = ModelPages(
        Enterprise, filterset_class=EnterpriseFilterSet, form_class=EnterpriseForm,
        list_columns=["uscc", "name", "status", "updated_at"],
        search_fields=("name", "uscc", "former_names__name"),
        api=Api("enterprises", serializer=EnterpriseSerializer, ordering=("name", "uscc")),
        menu=Menu("enterprises", "企业名录", order=10),
        importer=enterprise_importer,
    )

From that one declaration come the model's pages (list, detail, add, edit, delete, history,
restore, export and import), its API endpoint, its menu entry, its part of the global search,
the type-ahead that replaces a `<select>` of every row wherever another model links to it, and
the test harness's walk over all of it. An app's `urls.py` takes `page_urls(app_label)`, its
`api/urls.py` takes `api_router(app_label)`; what differs from the generic (a dashboard, a map, a
hand-written serializer) is given by name, nothing is written twice.

`ModelPages` (openpark.core.generic) is the declaration; this module keeps the registry and
builds the API and search from it.
"""
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from rest_framework.routers import SimpleRouter

from .filters import contains_any

registry: dict[str, "ModelPages"] = {}  # noqa: F821  (label_lower -> declaration)


@dataclass(frozen=True)
class Api:
    """A model's API endpoint: `/api/<app>/<route>/`. The serializer is given, or made from
    `fields`; the viewset is made (scoped as the pages, with the pages' FilterSet) unless the model
    needs a hand-written one."""

    route: str
    serializer: type | None = None
    fields: tuple[str, ...] = ()
    read_only_fields: tuple[str, ...] = ("created_at", "updated_at")
    viewset: type | None = None
    read_only: bool = False
    ordering: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()


@dataclass(frozen=True)
class Menu:
    """The model's entry in its module's menu (the list page), `order` among the module's items."""

    module: str
    label: str
    order: int = 50
    park_wide: bool = False  # park-wide figures: not for users scoped to their enterprises or grids


_added_panels: dict[str, list] = {}


def register(declaration) -> None:
    registry[declaration.key] = declaration


def add_panel(model, panel) -> None:
    """Show another app's panel on a model's page (an enterprise's economy, its 亩均 classes):
    `panel(request, obj)` returns {"key", "title", "template", "context"} or None."""
    panels = _added_panels.setdefault(model._meta.label_lower, [])
    if panel not in panels:
        panels.append(panel)


def added_panels(declaration) -> list:
    return _added_panels.get(declaration.key, [])


def declarations(app_label: str | None = None) -> list:
    return [d for d in registry.values() if app_label is None or d.opts.app_label == app_label]


def declaration_for(model):
    return registry.get(model._meta.label_lower)


def choosable(queryset, user):
    """The rows of `queryset` a user may pick as a link, on a form as in the API: those of a shared
    reference model (a declaration with `shared = True`, the park's vocabulary whose pages show every
    row to whoever may view them) all, the others those of the user's scope."""
    from .scoping import scope_queryset

    declaration = declaration_for(queryset.model)
    if declaration is not None and declaration.shared:
        return declaration.choices(queryset)
    return scope_queryset(queryset, user)


def declared(model):
    """The declaration of a model that has one (a KeyError names a model never declared)."""
    return registry[model._meta.label_lower]


def page_urls(app_label: str) -> list:
    """The page routes of every model the app declares."""
    return [route for declaration in declarations(app_label) for route in declaration.urls()]


def api_router(app_label: str, router: SimpleRouter | None = None) -> SimpleRouter:
    """A router with the API endpoint of every model the app declares with `api=`."""
    router = router or SimpleRouter()
    for declaration in declarations(app_label):
        if declaration.api is not None:
            router.register(declaration.api.route, viewset_for(declaration), basename=declaration.opts.model_name)
    return router


_viewsets: dict[str, type] = {}


def viewset_for(declaration) -> type:
    """The declaration's viewset: its own, or one made once from it."""
    if declaration.api.viewset is not None:
        return declaration.api.viewset
    if declaration.key not in _viewsets:
        _viewsets[declaration.key] = _make_viewset(declaration)
    return _viewsets[declaration.key]


def _make_viewset(declaration) -> type:
    from .api.viewsets import DeclaredReadOnlyViewSet, DeclaredViewSet
    from .api.workflows import EscalationActions, TransitionActions

    api = declaration.api
    base = DeclaredReadOnlyViewSet if api.read_only else DeclaredViewSet
    # A model with a state machine: each transition at .../<pk>/transitions/<name>/; 上报/督办 at .../escalate/.
    bases = ((TransitionActions,) if declaration.has_workflow else ()) + (
        (EscalationActions,) if declaration.offers_escalation else ()) + (base,)
    attrs = {
        "declaration": declaration,
        "queryset": declaration.model.objects.all(),
        "serializer_class": api.serializer or _make_serializer(declaration),
        "filterset_class": declaration.filterset_class,
        "__doc__": f"{declaration.opts.verbose_name_plural}（按用户权限范围）。",
    }
    if api.ordering:
        attrs["ordering_fields"] = list(api.ordering)
    if not declaration.count_rows:
        from .paging import UncountedPagination

        attrs["pagination_class"] = UncountedPagination
    attrs["__module__"] = f"{declaration.opts.app_config.name}.declarations"
    return type(f"{declaration.model.__name__}ViewSet", bases, attrs)


def _make_serializer(declaration) -> type:
    from .api.serializers import ScopedModelSerializer

    api = declaration.api
    meta = {"model": declaration.model}
    if api.fields:
        meta["fields"] = ["id", *api.fields]
        meta["read_only_fields"] = [name for name in api.read_only_fields if name in api.fields]
    else:
        names = {f.name for f in declaration.opts.concrete_fields}
        meta["exclude"] = [name for name in ("is_deleted", "deleted_at") if name in names] or None
        if meta["exclude"] is None:
            del meta["exclude"]
            meta["fields"] = "__all__"
        meta["read_only_fields"] = list(api.read_only_fields)
    return type(f"{declaration.model.__name__}Serializer", (ScopedModelSerializer,), {
        "Meta": type("Meta", (), meta), "__module__": f"{declaration.opts.app_config.name}.declarations",
    })


# Search -----------------------------------------------------------------------------------------

SEARCH_LIMIT = 8  # rows of each kind a search shows
SEARCH_TEXT_LENGTH = 100


def search_text(raw) -> str:
    """What a search box sent, as the database can compare it: control characters (a NUL byte
    cannot be stored in a PostgreSQL text) dropped, blanks trimmed, the length bounded."""
    text = "".join(ch for ch in str(raw or "") if ch.isprintable() or ch == " ")
    return text.strip()[:SEARCH_TEXT_LENGTH]


def searchable(user) -> list:
    """The declarations the user may search: those with search fields whose rows they may view."""
    return [d for d in registry.values()
            if d.search_fields and "list" in d.actions and user.has_perm(d.permission("list"))]


def search_filter(declaration, text: str) -> Q:
    return contains_any(declaration.search_fields, text)


def search(user, text: str, limit: int = SEARCH_LIMIT) -> list[tuple]:
    """(declaration, rows, more) for each kind of record matching `text` among what the user may
    see; a kind with no match is left out."""
    text = search_text(text)
    if not text:
        return []
    found = []
    for declaration in searchable(user):
        rows = list(declaration.scoped(user).filter(search_filter(declaration, text)).distinct()[: limit + 1])
        if rows:
            found.append((declaration, rows[:limit], len(rows) > limit))
    return found


def model_by_label(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None
