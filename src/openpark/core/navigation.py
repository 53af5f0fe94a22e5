"""The main menu. Each app registers its modules in its AppConfig.ready(), with the items that are
not a model's list (a dashboard, a map); a declared model brings its own item (`Menu` of
`openpark.core.registry`). A user sees an item only when one of their roles grants its
permission, and a module only when it has an item for them."""
from dataclasses import dataclass, replace
from functools import cache

from django.urls import reverse
from django.utils.html import format_html_join


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
    return menu


def menu_html(menu: list[dict]) -> str:
    """The menu's markup. Users with the same items share it: made once for each distinct menu."""
    return _menu_html(tuple((m["key"], m["label"], tuple((i["url"], i["label"]) for i in m["items"])) for m in menu))


@cache
def _menu_html(menu: tuple) -> str:
    return format_html_join("\n", '<div class="nav-module" data-module="{}"><span class="nav-module-label">{}</span>'
                            "<ul>{}</ul></div>", (
        (key, label, format_html_join("", '<li><a href="{}">{}</a></li>', items)) for key, label, items in menu))


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
