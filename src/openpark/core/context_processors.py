from . import navigation
from .roles import ROLES_BY_NAME
from .scoping import role_names


def menu(request):
    user = request.user
    return {
        "menu": navigation.modules_for(user),
        "user_roles": [ROLES_BY_NAME[n] for n in sorted(role_names(user)) if n in ROLES_BY_NAME],
    }
