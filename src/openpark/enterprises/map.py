"""The enterprise map: zone and park boundaries, enterprises as points coloured by an attribute.

Everything is served as GeoJSON by the app itself; no tile server is needed. When the configured
basemap is in GCJ-02, coordinates are converted here, so the stored WGS-84 values never change.
"""
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from openpark.core import geo
from openpark.core.masking import is_withheld
from openpark.core.scoping import scope_queryset

from .chains import NOT_IN_CHAIN, chain_names_by_enterprise
from .choices import EnterpriseStatus
from .models import AboveScaleYear, Enterprise, HighTechCertificate, SubPark, Zone

# Each colouring: its label, and the enterprise's field it shows (one restricted from a role by
# Enterprise.restricted_fields is not offered to that role).
COLOURINGS = {
    "status": ("经营状态", "status"),
    "zone": ("片区", "zone"),
    "industry": ("行业大类", "industry"),
    "above_scale": ("规上/规下", "above_scale_years"),
    "high_tech": ("高新技术企业", "high_tech_certificates"),
    "chain": ("产业链", "chains"),
}
PALETTE = ["#1d5fa8", "#e07b00", "#2e9d4f", "#c4302b", "#7d4fb3", "#8c5a3c", "#d45fb0", "#6b7785",
           "#b5a100", "#1aa3b8"]
OTHER_COLOUR = "#9aa5b1"
NONE_LABEL = "未填写"




@dataclass(frozen=True)
class Colouring:
    """A colouring another app brings (the 亩均 class, say): `categorise` gives each enterprise's
    category for the year (enterprises, year) -> {pk: label}; `colours` fixes the legend's order
    and colours (categories not in it get the palette's); shown to users with `permission`;
    `default_year` () -> the year the map opens it at (the latest year with its data; None, or no
    function, for the map's own default)."""
    key: str
    label: str
    permission: str
    categorise: Callable[[list, int], dict[int, str]]
    colours: tuple[tuple[str, str], ...] = ()
    default_year: Callable[[], int | None] | None = None


_colourings: dict[str, Colouring] = {}


def register_colouring(colouring: Colouring) -> None:
    _colourings[colouring.key] = colouring


def colourings_for(user) -> dict[str, str]:
    """The colourings `user` may choose: those of fields it may see, and the registered ones whose
    permission it holds."""
    own = {key: label for key, (label, shown) in COLOURINGS.items() if not is_withheld(Enterprise, shown, user)}
    return own | {key: c.label for key, c in _colourings.items() if user.has_perm(c.permission)}


def default_year(colouring: str) -> int:
    """The year the map shows `colouring` at when none is chosen: the colouring's own (the latest
    year with its data), else the latest year with 规上 data."""
    from .filters import default_year as latest_above_scale_year

    own = _colourings.get(colouring)
    year = own.default_year() if own is not None and own.default_year is not None else None
    return year or latest_above_scale_year()


def _categories(enterprises: list[Enterprise], colouring: str, year: int) -> dict[int, str]:
    if colouring in _colourings:
        return _colourings[colouring].categorise(enterprises, year)
    ids = [e.pk for e in enterprises]
    if colouring == "status":
        labels = dict(EnterpriseStatus.choices)
        return {e.pk: str(labels.get(e.status, e.status)) for e in enterprises}
    if colouring == "zone":
        return {e.pk: e.zone.name if e.zone_id else NONE_LABEL for e in enterprises}
    if colouring == "industry":
        return {e.pk: _division(e) for e in enterprises}
    if colouring == "above_scale":
        above = set(AboveScaleYear.objects.filter(year=year, enterprise_id__in=ids).values_list("enterprise_id", flat=True))
        return {pk: f"{year}年规上" if pk in above else f"{year}年规下" for pk in ids}
    if colouring == "high_tech":
        high = set(HighTechCertificate.objects.filter(
            enterprise_id__in=ids, issued_on__year__lte=year,
            issued_on__year__gte=year - HighTechCertificate.VALID_YEARS + 1,
        ).values_list("enterprise_id", flat=True))
        return {pk: f"{year}年高新技术企业" if pk in high else "非高新技术企业" for pk in ids}
    chains = chain_names_by_enterprise(ids)
    return {pk: chains[pk][0] if chains.get(pk) else NOT_IN_CHAIN for pk in ids}


def _division(enterprise) -> str:
    industry = enterprise.industry
    if industry is None:
        return NONE_LABEL
    while industry.level > 2 and industry.parent is not None:
        industry = industry.parent
    return industry.name


def _legend(categories: dict[int, str], fixed: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    present = Counter(categories.values())
    legend = {label: colour for label, colour in fixed if label in present}
    ranked = [label for label, _ in present.most_common() if label not in legend]
    return legend | {label: PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i, label in enumerate(ranked)}


def _boundary_features(model, transform) -> list[dict]:
    return [
        {"type": "Feature", "geometry": transform(obj.boundary), "properties": {"name": obj.name}}
        for obj in model.objects.exclude(boundary=None)
        if obj.boundary
    ]


def map_layers(user, colouring: str, year: int, crs: str = "wgs84") -> dict:
    def transform(geometry):
        return geo.transform_geometry(geometry, geo.wgs84_to_gcj02) if crs == "gcj02" else geometry

    enterprises = list(
        scope_queryset(Enterprise.objects.all(), user)
        .exclude(longitude=None).exclude(latitude=None)
        .select_related("zone", "industry__parent__parent")
    )
    categories = _categories(enterprises, colouring, year)
    legend = _legend(categories, _colourings[colouring].colours if colouring in _colourings else ())
    points = [
        {
            "type": "Feature",
            "geometry": transform({"type": "Point", "coordinates": [float(e.longitude), float(e.latitude)]}),
            "properties": {"name": e.name, "url": e.get_absolute_url(), "category": categories[e.pk],
                           "colour": legend[categories[e.pk]]},
        }
        for e in enterprises
    ]
    return {
        "colouring": colouring, "year": year,
        "zones": {"type": "FeatureCollection", "features": _boundary_features(Zone, transform)},
        "subparks": {"type": "FeatureCollection", "features": _boundary_features(SubPark, transform)},
        "enterprises": {"type": "FeatureCollection", "features": points},
        "legend": [{"label": label, "colour": colour, "count": sum(1 for c in categories.values() if c == label)}
                   for label, colour in legend.items()],
    }
