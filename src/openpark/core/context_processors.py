from . import navigation
from .roles import ROLES_BY_NAME
from .scoping import role_names


def menu(request):
    user = getattr(request, "user", None)
    if user is None:  # an error page for a request refused before authentication (a bad Host header)
        return {"menu": [], "user_roles": []}
    return {
        "menu": navigation.modules_for(user),
        "user_roles": [ROLES_BY_NAME[n] for n in sorted(role_names(user)) if n in ROLES_BY_NAME],
    }
