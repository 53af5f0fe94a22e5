from functools import partial

from . import navigation
from .notifications import unread_count
from .workflows import open_count
from .roles import ROLES_BY_NAME
from .scoping import role_names


def menu(request):
    user = getattr(request, "user", None)
    if user is None:  # an error page for a request refused before authentication (a bad Host header)
        return {"menu": [], "menu_html": "", "user_roles": []}
    menu = navigation.modules_for(user)
    return {
        "menu": menu,
        # A page outside any menu item's URLs (an import) may name the place it belongs to.
        "menu_html": navigation.menu_html(menu, navigation.current_item(
            menu, getattr(request, "navigation_path", request.path))),
        "user_roles": [ROLES_BY_NAME[n] for n in sorted(role_names(user)) if n in ROLES_BY_NAME],
    }


def notifications(request):
    """The counts of the top bar's 通知 (unread) and 待办 (open items) badges: one count each, made
    only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": partial(unread_count, user), "open_todo": partial(open_count, user)}
