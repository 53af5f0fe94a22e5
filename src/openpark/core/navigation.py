"""The main menu: the left sidebar, one collapsible group per module. Each app registers its modules
in its AppConfig.ready(), with the items that are not a model's list (a dashboard, a map); a
declared model brings its own item (`Menu` of `openpark.core.registry`). A user sees an item only
when one of their roles grants its permission, and a module only when it has an item for them.
The modules not built yet are listed as planned; the pages' breadcrumbs are made here too."""
from dataclasses import dataclass, replace
from functools import cache

from django.apps import apps
from django.urls import reverse
from django.utils.html import format_html, format_html_join


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None  # "app_label.codename"; None: every signed-in user
    park_wide: bool = False  # park-wide figures: not for users scoped to their enterprises or grids
    order: int | None = None  # among the module's items; by default the place it is listed at


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    order: int
    items: tuple[MenuItem, ...]


_modules: dict[str, Module] = {}


def register(module: Module) -> None:
    _modules[module.key] = module
    _menu_entries.cache_clear()
    _menu_html.cache_clear()


def module_items(module: Module) -> list[MenuItem]:
    """The module's own items and those its declared models bring, in order."""
    from .registry import declarations

    items = [item if item.order is not None else replace(item, order=(index + 1) * 10)
             for index, item in enumerate(module.items)]
    for declaration in declarations():
        menu = declaration.menu
        if menu is not None and menu.module == module.key:
            items.append(MenuItem(menu.label, declaration.url_name("list"), declaration.permission("list"),
                                  menu.park_wide, menu.order))
    return sorted(items, key=lambda item: item.order)


def module_order(declaration) -> int:
    """Where the module of a declared model's menu entry stands in the menu (last without one)."""
    module = _modules.get(declaration.menu.module) if declaration.menu is not None else None
    return module.order if module is not None else 1000


def modules_for(user) -> list[dict]:
    """The modules and items the user may open, in menu order, with resolved URLs."""
    from .scoping import is_park_wide

    if not user.is_authenticated:
        return []
    park_wide = is_park_wide(user)
    menu = []
    for module, entries in _menu_entries():
        items = [
            {"label": item.label, "url": url}
            for item, url in entries
            if (item.permission is None or user.has_perm(item.permission)) and (park_wide or not item.park_wide)
        ]
        if items:
            menu.append({"key": module.key, "label": module.label, "items": items})
    if not any(module["key"] == "cockpit" for module in menu):
        cockpit = cockpit_entry(user)
        if cockpit is not None:
            menu.insert(0, cockpit)
    return menu


def menu_html(menu: list[dict], current: str = "") -> str:
    """The sidebar's markup, the item at `current` (a URL) marked as the page the user is on.
    Users with the same items share it: made once for each distinct menu and current item."""
    return _menu_html(tuple((m["key"], m["label"], tuple((i["url"], i["label"]) for i in m["items"])) for m in menu),
                      current, tuple((p.label, p.duty) for p in planned_modules()))


def current_item(menu: list[dict], path: str) -> str:
    """The URL of the menu item the page at `path` belongs to: the item's own page or one under it
    (a record of its list, the record's edit page...); the longest such URL wins. "" when none."""
    urls = [item["url"] for module in menu for item in module["items"] if path.startswith(item["url"])]
    return max(urls, key=len, default="")


@cache
def _menu_html(menu: tuple, current: str, planned: tuple) -> str:
    def link(url, label):
        if url == current:
            return format_html('<li><a href="{}" class="current" aria-current="page">{}</a></li>', url, label)
        return format_html('<li><a href="{}">{}</a></li>', url, label)

    def group(key, label, items):
        holds_current = any(url == current for url, _ in items)
        return format_html('<details class="nav-module{}" data-module="{}" open><summary class="nav-module-label">{}'
                           "</summary><ul>{}</ul></details>", " has-current" if holds_current else "", key, label,
                           format_html_join("", "{}", ((link(url, text),) for url, text in items)))

    groups = format_html_join("\n", "{}", ((group(*module),) for module in menu))
    if not planned:
        return groups
    return format_html('{}\n<details class="nav-module nav-planned" data-module="planned"><summary class="nav-module-label">'
                       "建设中的模块</summary><ul>{}</ul></details>", groups,
                       format_html_join("", '<li><span title="{}">{} <small>建设中</small></span></li>', (
                           (duty, label) for label, duty in planned)))


@cache
def _menu_entries() -> tuple:
    """Every module in menu order with its items and their addresses: the same for every request
    once the apps are ready (a module registered later starts it anew), so made once."""
    return tuple((module, tuple((item, reverse(item.url_name)) for item in module_items(module)))
                 for module in sorted(_modules.values(), key=lambda m: m.order))


# Sections other apps add to the role home pages: callables (request, role) returning
# {"title", "template", "context"}, or None where the section has nothing for this user.
home_sections: list = []


def register_home_section(section) -> None:
    if section not in home_sections:
        home_sections.append(section)


# A role's headline figures on its home page: each builder(request, role) gives a list of tiles
# ({key, label, count, url, order}) for the roles it knows, None for the others. A role some module
# gives tiles to shows those instead of the count of records in the user's scope.
home_tiles: list = []


def register_home_tiles(builder) -> None:
    if builder not in home_tiles:
        home_tiles.append(builder)


@dataclass(frozen=True)
class PlannedModule:
    """A module of the platform that is not built yet: the sidebar lists it as planned, and the home
    page of a role whose work it is says so, until its app is installed."""
    app: str  # the app label it will have
    label: str
    duty: str
    roles: tuple[str, ...]  # slugs of the roles whose work it holds


PLANNED_MODULES = (
    PlannedModule("environment", "智慧环保", "排口、整治、污染源、巡河、水质、企业环境档案、环保管家检查",
                  ("environment", "steward")),
    PlannedModule("transformation", "智改数转", "智改数转认定、改造项目与目标", ("industry",)),
    PlannedModule("community", "党建与网格", "组织、党员、驿站、志愿队伍、活动、积分、随手拍", ("community", "grid")),
    PlannedModule("space", "空间与土地", "规划、退二进三、可用土地与项目匹配、飞地项目", ()),
    # The leaders' home page is the cockpit, which exists: the annual report is what is to come.
    PlannedModule("annual_report", "年度报告", "园区全年指标与目标对比的年度报告，由驾驶舱的数据生成", ()),
)


def planned_modules() -> list[PlannedModule]:
    """The planned modules whose app is not installed yet."""
    return [module for module in PLANNED_MODULES if not apps.is_installed(f"openpark.{module.app}")]


def planned_module_of(role) -> PlannedModule | None:
    """The module that holds the role's own work when it is not built yet, else None."""
    return next((module for module in planned_modules() if role.slug in module.roles), None)


def cockpit_entry(user) -> dict | None:
    """The sidebar's link to the park cockpit (`openpark.core.cockpit`), for the park leaders."""
    from .cockpit_views import COCKPIT_ROLES
    from .roles import ROLES_BY_SLUG
    from .scoping import role_names

    if not {ROLES_BY_SLUG[slug].name for slug in COCKPIT_ROLES} & role_names(user):
        return None
    return {"key": "cockpit", "label": "驾驶舱", "items": [{"label": "园区驾驶舱", "url": reverse("cockpit")}]}


def breadcrumbs(*trail: tuple[str, str | None], module: str | None = None) -> list[tuple[str, str]]:
    """The path from the home page to the page: 首页, the module (when named; it has no page of its
    own), then `trail`'s (label, url) pairs, the last one usually without a url (the page itself)."""
    crumbs = [("首页", reverse("home"))]
    if module in _modules:
        crumbs.append((_modules[module].label, ""))
    return crumbs + [(str(label), url or "") for label, url in trail]
