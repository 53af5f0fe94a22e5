"""The main menu. Each app registers its modules in its AppConfig.ready(); a user sees a module
only when one of their roles grants the permission it names."""
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None  # "app_label.codename"; None: every signed-in user
    park_wide: bool = False  # park-wide figures: not for users scoped to their enterprises or grids


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    order: int
    items: tuple[MenuItem, ...]


_modules: dict[str, Module] = {}


def register(module: Module) -> None:
    _modules[module.key] = module


def modules_for(user) -> list[dict]:
    """The modules and items the user may open, in menu order, with resolved URLs."""
    from .scoping import is_park_wide

    if not user.is_authenticated:
        return []
    park_wide = is_park_wide(user)
    menu = []
    for module in sorted(_modules.values(), key=lambda m: m.order):
        items = [
            {"label": item.label, "url": reverse(item.url_name)}
            for item in module.items
            if (item.permission is None or user.has_perm(item.permission)) and (park_wide or not item.park_wide)
        ]
        if items:
            menu.append({"key": module.key, "label": module.label, "items": items})
    return menu


# Sections other apps add to the role home pages: callables (request, role) returning
# {"title", "template", "context"}, or None where the section has nothing for this user.
home_sections: list = []


def register_home_section(section) -> None:
    if section not in home_sections:
        home_sections.append(section)
