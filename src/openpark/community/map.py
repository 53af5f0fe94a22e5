"""The map of the "1+N" service network (服务站点地图): the centres (党建指导中心, 行业党群服务中心)
and the service posts, 小哥驿站 and 靖小蜂 each a layer of their own, served as GeoJSON by the app
itself (no tile server needed), as the environment map is.

Each tier is drawn in its own colour and size, largest at the top of the network, so that the one
centre, the two 小哥驿站 and the 66 靖小蜂 read at a glance; a station closed at the time asked is
drawn hollow. One query per layer, whatever the number of stations; the layers are given only to a
user who may view the stations (shared records: every station, whoever looks). Texts go out as
data, which the page's script sets as elements' text. When the configured basemap is in GCJ-02,
coordinates are converted here, so the stored WGS-84 values never change.
"""
from django.urls import reverse
from django.utils import timezone

from openpark.core import geo

from . import standards, stations
from .choices import StationKind, StationTier
from .models import Station

PERMISSION = "community.view_station"
OPEN, CLOSED = "开放中", "已关闭"

# Every legend entry is told apart from every other one and from the map's grey ground:
# tests/community/test_map.py measures the colour difference (CIEDE2000) of each pair. The centres
# in the party's reds (the guidance centre deepest), the 小哥驿站 blue, the 靖小蜂 a bee's amber.
TIER_COLOURS = {StationTier.GUIDANCE_CENTRE: "#8e1b1b", StationTier.SERVICE_CENTRE: "#e53935"}
KIND_COLOURS = {StationKind.XIAOGE: "#1565c0", StationKind.JINGXIAOFENG: "#f2a900"}
# The markers' radii in pixels: the higher the tier, the larger.
TIER_RADII = {StationTier.GUIDANCE_CENTRE: 15, StationTier.SERVICE_CENTRE: 12}
KIND_RADII = {StationKind.XIAOGE: 9, StationKind.JINGXIAOFENG: 6}

LAYERS = {  # key: (name, the stations of the layer); drawn in this order, the centres on top
    "jingxiaofeng": ("靖小蜂驿站", {"tier": StationTier.POST, "kind": StationKind.JINGXIAOFENG}),
    "xiaoge": ("小哥驿站", {"tier": StationTier.POST, "kind": StationKind.XIAOGE}),
    "centres": ("党群服务中心", {"tier__in": [StationTier.GUIDANCE_CENTRE, StationTier.SERVICE_CENTRE]}),
}
FIELDS = ("pk", "name", "tier", "kind", "address", "longitude", "latitude", "opens_at", "closes_at", "facilities")


def _style(tier: str, kind: str) -> tuple[str, str, int]:
    """(label, colour, radius) of a station's marker: its kind's for a post, else its tier's."""
    if tier == StationTier.POST:
        return str(StationKind(kind).label), KIND_COLOURS[kind], KIND_RADII[kind]
    return str(StationTier(tier).label), TIER_COLOURS[tier], TIER_RADII[tier]


def _layer(filters: dict, at, transform) -> tuple[list, list]:
    features, counted = [], {}
    rows = sorted(Station.objects.filter(**filters).values_list(*FIELDS),
                  key=lambda row: (list(StationTier).index(row[2]), row[1]))
    for pk, name, tier, kind, address, lon, lat, opens_at, closes_at, facilities in rows:
        label, colour, radius = _style(tier, kind)
        is_open = stations.is_open(opens_at, closes_at, at)
        hours = Station(opens_at=opens_at, closes_at=closes_at).hours  # the station's own wording
        counted.setdefault((label, colour, radius), [0, 0])[0 if is_open else 1] += 1
        features.append({"type": "Feature", "id": pk,
                         "geometry": transform({"type": "Point", "coordinates": [float(lon), float(lat)]}),
                         "properties": {
                             "name": name, "label": label, "address": address or "未填写地址", "hours": hours,
                             "facilities": standards.facilities_text(facilities) or "未填写设施", "open": is_open,
                             "state": OPEN if is_open else CLOSED, "colour": colour, "radius": radius,
                             "url": reverse("community:station_detail", args=[pk])}})
    legend = [{"label": label, "colour": colour, "radius": radius, "count": opened + closed, "open": opened,
               "closed": closed} for (label, colour, radius), (opened, closed) in counted.items()]
    return features, legend


def map_layers(user, crs: str = "wgs84", now=None) -> dict:
    """{"layers": [{key, name, features (GeoJSON), legend}], "at": "HH:MM", "open", "closed"}: the
    layers the user may see, each station open or closed at `now` (local time)."""
    now = timezone.localtime(now or timezone.now())
    at = now.time().replace(second=0, microsecond=0)

    def transform(geometry):
        return geo.transform_geometry(geometry, geo.wgs84_to_gcj02) if crs == "gcj02" else geometry

    layers = []
    if user.has_perm(PERMISSION):
        for key, (name, filters) in LAYERS.items():
            features, legend = _layer(filters, at, transform)
            layers.append({"key": key, "name": name, "legend": legend,
                           "features": {"type": "FeatureCollection", "features": features}})
    opened = sum(item["open"] for layer in layers for item in layer["legend"])
    closed = sum(item["closed"] for layer in layers for item in layer["legend"])
    return {"layers": layers, "at": f"{now:%Y-%m-%d %H:%M}", "open": opened, "closed": closed}
