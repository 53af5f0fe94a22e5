"""The park cockpit's pages: /cockpit/ in the platform's frame, /cockpit/wall/ full screen for a
wall display (dark, large figures, reloading itself); the leaders' home page is the cockpit."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import cockpit
from .scoping import is_park_wide

# The roles whose home page is the cockpit.
COCKPIT_ROLES = ("leader",)


def _context(request) -> dict:
    user = request.user
    if not is_park_wide(user):
        raise PermissionDenied("园区驾驶舱仅向园区管理人员开放。")
    year = cockpit.this_year()
    panels = cockpit.panels_for(user, year)
    if not panels:
        raise PermissionDenied("您的角色没有可在驾驶舱查看的内容。")
    scripts = list(dict.fromkeys(script for _, panel in panels for script in panel.scripts))
    styles = list(dict.fromkeys(style for _, panel in panels for style in panel.styles))
    return {"panels": panels, "year": year, "scripts": scripts, "styles": styles, "now": timezone.localtime(),
            "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "wall_url": reverse("cockpit_wall"), "cockpit_url": reverse("cockpit")}


def cockpit_page(request, home_sections: list | None = None):
    """The cockpit; as a role's home page (home_sections given) with the sections modules add to it."""
    home = home_sections is not None
    context = _context(request)
    context.update(title="园区驾驶舱", sections=home_sections or [],
                   breadcrumbs=[("首页", "")] if home else [("首页", reverse("home")), ("园区驾驶舱", "")])
    return render(request, "core/cockpit.html", context)


@login_required
def cockpit_view(request):
    return cockpit_page(request)


@login_required
def cockpit_wall(request):
    context = _context(request)
    context["panels"] = [(tile, panel) for tile, panel in context["panels"] if tile.on_wall]
    refresh = settings.COCKPIT_WALL_REFRESH_SECONDS
    context.update(title="园区驾驶舱", refresh_seconds=refresh, refresh_minutes=max(1, round(refresh / 60)))
    return render(request, "core/cockpit_wall.html", context)
