from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from openpark.core import navigation
from openpark.core.forms import YearField
from openpark.core.limits import FIRST_YEAR, LAST_YEAR
from openpark.core.masking import is_withheld, visible_value

from . import chains
from .map import colourings_for, default_year, map_layers
from .models import Enterprise, ParcelUse
from .services import land_areas

LAND_YEARS = 3  # land area shown for this many recent years on an enterprise's page


def basic_panel(request, enterprise):
    show_chains = not is_withheld(Enterprise, "chains", request.user)
    return {
        "key": "basic",
        "title": "基本情况",
        "template": "enterprises/panels/basic.html",
        "context": {
            "former_names": enterprise.former_names.all(),
            "above_scale_years": [a.year for a in enterprise.above_scale_years.all()],
            "certificates": enterprise.high_tech_certificates.all(),
            "tags": enterprise.tags.all(),
            "show_chains": show_chains,
            "chains": chains.chain_names_by_enterprise([enterprise.pk]).get(enterprise.pk, []) if show_chains else [],
            "enterprise": enterprise,
            "can_edit": request.user.has_perm("enterprises.change_enterprise"),
        },
    }


def chain_panel(request, chain):
    """A chain's links upstream to downstream with the enterprises at each, and those at no link."""
    count = chains.chain_counts(chain).get(chain.pk, chains.ChainCount())
    links = [(link, count.links[link.pk]) for link in chain.links.all()]
    return {"key": "links", "title": "环节（上游 → 下游）", "template": "enterprises/panels/chain.html",
            "context": {"links": links, "count": count, "unplaced": chains.unplaced_memberships(chain).select_related("enterprise"),
                "add_url": _add_member_url(request, chain=chain.pk)}}


def link_panel(request, link):
    members = link.memberships.filter(enterprise__is_deleted=False).select_related("enterprise")
    return {"key": "members", "title": "环节上的园区企业", "template": "enterprises/panels/link.html",
            "context": {"enterprises": [membership.enterprise for membership in members],
                        "add_url": _add_member_url(request, chain=link.chain_id, link=link.pk)}}


def _add_member_url(request, **initial) -> str | None:
    """The membership form with the chain (and link) chosen, for those who may add members."""
    if not request.user.has_perm("enterprises.add_chainmembership"):
        return None
    return reverse("enterprises:chainmembership_add") + "?" + "&".join(f"{k}={v}" for k, v in initial.items())


def contacts_panel(request, enterprise):
    contacts = [
        {"contact": c, "phone": visible_value(c, "phone", request.user)} for c in enterprise.contacts.all()
    ]
    return {
        "key": "contacts", "title": "联系人", "template": "enterprises/panels/contacts.html",
        "context": {"contacts": contacts, "enterprise": enterprise,
                    "can_add": request.user.has_perm("enterprises.add_contact")},
    }


def land_panel(request, enterprise):
    from .filters import default_year

    latest = default_year()
    years = list(range(latest - LAND_YEARS + 1, latest + 1))
    areas = [(year, land_areas(year, [enterprise.pk]).get(enterprise.pk)) for year in years]
    return {
        "key": "land", "title": "用地", "template": "enterprises/panels/land.html",
        "context": {
            "held": enterprise.held_parcels.filter(is_deleted=False),
            "uses": enterprise.parcel_uses.select_related("parcel", "parcel__holder").filter(parcel__is_deleted=False),
            "let": ParcelUse.objects.filter(parcel__holder=enterprise, parcel__is_deleted=False).select_related("enterprise", "parcel"),
            "areas": areas,
            "enterprise": enterprise,
        },
    }


@login_required
@permission_required("enterprises.view_enterprise", raise_exception=True)
def enterprise_map(request):
    """The map, at the colouring and year of `?colour=…&year=…` when given and valid; else the first
    colouring, at the latest year with its data (each colouring's default year rides on its option,
    for the script to move to when the user changes the colouring before choosing a year)."""
    colourings = colourings_for(request.user)
    colouring = request.GET.get("colour")
    if colouring not in colourings:
        colouring = next(iter(colourings), "status")
    try:
        year = YearField(required=False).clean(request.GET.get("year"))
    except ValidationError:
        year = None
    return render(request, "enterprises/map.html", {
        "title": "企业地图",
        "breadcrumbs": navigation.breadcrumbs(("企业地图", ""), module="enterprises"),
        "colourings": [(key, label, default_year(key)) for key, label in colourings.items()],
        "colour": colouring, "year_chosen": year is not None,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "year": year or default_year(colouring), "first_year": FIRST_YEAR, "last_year": LAST_YEAR,
    })


@login_required
@permission_required("enterprises.view_enterprise", raise_exception=True)
def enterprise_map_data(request):
    colouring = request.GET.get("colour", "status")
    if colouring not in colourings_for(request.user):
        return JsonResponse({"detail": f"不支持按“{colouring}”着色。"}, status=400)
    year_field = YearField(required=False)
    try:
        year = year_field.clean(request.GET.get("year")) or default_year(colouring)
    except ValidationError as exc:
        detail = "年份应为数字。" if getattr(exc, "code", None) == "invalid" else "；".join(exc.messages)
        return JsonResponse({"detail": detail}, status=400)
    return JsonResponse(map_layers(request.user, colouring, year, settings.MAP_TILE_CRS))
