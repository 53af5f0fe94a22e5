"""The environment map (环保地图): water bodies and their segments, outfalls coloured by their stage,
monitoring sites coloured by the class of their latest sample, and the last 30 days of patrol tracks,
served as GeoJSON by the app itself (no tile server needed), as the enterprise map is. Water bodies
and segments carry a `label` (their own name), shown along their line.

One query per layer, whatever the number of rows; a layer is given only to a user who may see its
records, and its rows are those of the user's scope. Texts go out as data: the page's script puts
every one of them through `OpenPark.escapeHtml`, or sets it as an element's text (the labels). When the configured basemap is in GCJ-02,
coordinates are converted here, so the stored WGS-84 values never change.
"""
import math
from collections import Counter
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from openpark.core import geo
from openpark.core.scoping import scope_queryset

from . import patrols as patrol_math, services
from .choices import ALL_STAGES, SAMPLE_CLASS_CHOICES, OutfallStage, WaterBodyKind
from .models import MonitoringSite, Outfall, Patrol, RiverSegment, WaterBody

PATROL_DAYS = 30

# Every legend entry is told apart from every other one drawn the same way (points from points, lines
# from lines) and from the map's grey ground: tests/environment/test_map.py measures the colour
# difference (CIEDE2000) of each pair.
# Water classes as Chinese water-quality maps colour them: I–II blues, III green, IV yellow, V
# orange, 劣V red; a site with no graded sample is left white (an empty ring).
CLASS_COLOURS = {1: "#5ab4e5", 2: "#1d5fa8", 3: "#2e9d4f", 4: "#e6c200", 5: "#f08c00", 6: "#d32f2f"}
NO_CLASS = "尚无评价结果"
NO_CLASS_COLOUR = "#ffffff"
# The outfall's stages, in hues the classes do not use: magenta and pink while it is only found,
# browns while it is examined (测、溯), cyans in remediation, olive to deep green towards close-out,
# greys and purple where it ended otherwise.
STAGE_COLOURS = {
    OutfallStage.SUSPECTED: "#e4007f", OutfallStage.VERIFIED: "#f48fb1", OutfallStage.MONITORED: "#d7b899",
    OutfallStage.TRACED: "#795548", OutfallStage.PLAN_APPROVED: "#00bfa5", OutfallStage.IN_REMEDIATION: "#00838f",
    OutfallStage.PENDING_CLOSEOUT: "#aed581", OutfallStage.COUNTY_PRECLOSED: "#7a7d1a",
    OutfallStage.CLOSED: "#1b5e20", OutfallStage.REJECTED: "#78909c", OutfallStage.ABOLISHED: "#37474f",
    OutfallStage.MERGED: "#8e44ad",
}
# Water bodies blue, their segments (a river chief's stretch, drawn over them) teal, patrols purple.
WATER_COLOUR, SEGMENT_COLOUR = "#3b8fd9", "#00a693"
PATROL_COLOUR = "#7d4fb3"
LAYERS = {  # key: (name, permission)
    "waters": ("水体", "environment.view_waterbody"),
    "segments": ("河段", "environment.view_riversegment"),
    "patrols": (f"近 {PATROL_DAYS} 天巡河轨迹", "environment.view_patrol"),
    "outfalls": ("入河排污口", "environment.view_outfall"),
    "sites": ("监测断面", "environment.view_monitoringsite"),
}  # drawn in this order: the points on top


# Where along its line a name is shown: a water body's near its start, where no other river crosses
# and clear of its segments' names, which are at their middles (and on the other side of the line).
LABEL_AT = {"waters": 0.1, "segments": 0.5}


def point_along(geometry: dict, fraction: float) -> list[float] | None:
    """[lon, lat] at `fraction` of the length of a line (of the longest line of a MultiLineString,
    of the outer ring of a polygon); None for a geometry with no line."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "LineString":
        lines = [coordinates]
    elif kind == "MultiLineString":
        lines = coordinates
    elif kind == "Polygon":
        lines = coordinates[:1]
    elif kind == "MultiPolygon":
        lines = [polygon[0] for polygon in coordinates if polygon]
    else:
        return None
    lines = [[(float(x), float(y)) for x, y, *_ in line] for line in lines if line]
    if not lines:
        return None

    def steps(line):
        return [((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 for (x1, y1), (x2, y2) in zip(line, line[1:])]

    line = max(lines, key=lambda candidate: sum(steps(candidate)))
    left = sum(steps(line)) * fraction
    for (x1, y1), (x2, y2), step in zip(line, line[1:], steps(line)):
        if step and left <= step:
            return [x1 + (x2 - x1) * left / step, y1 + (y2 - y1) * left / step]
        left -= step
    return list(line[-1])


# The most points of one water body or segment sent to the map: a stored outline may hold up to
# `models.MAX_GEOMETRY_POINTS`; the map draws it thinned, each line or ring keeping its ends.
MAP_WATER_POINTS = 2000


def simplified(geometry: dict, limit: int = MAP_WATER_POINTS) -> dict:
    """A line's, polygon's or multi-polygon's drawing of at most about `limit` points, each line or
    ring thinned in proportion to its share of the points (a ring stays closed); small ones as they are."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind in ("LineString", "MultiLineString"):
        return patrol_math.simplify_track(geometry, limit)
    if kind not in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = coordinates if kind == "MultiPolygon" else [coordinates]
    total = sum(len(ring) for polygon in polygons for ring in polygon)
    if total <= limit:
        return geometry
    thinned = [[patrol_math.simplify_line(ring, max(4, limit * len(ring) // total)) for ring in polygon]
               for polygon in polygons]
    return {"type": kind, "coordinates": thinned if kind == "MultiPolygon" else thinned[0]}


def _km(value) -> str:
    return f"{value:,.2f} 千米" if value is not None else ""


def _feature(geometry, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _collection(features) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _point(longitude, latitude) -> dict:
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def _detail(name: str, pk: int) -> str:
    return reverse(f"environment:{name}_detail", args=[pk])


def _waters(user) -> tuple[list, list]:
    target_labels = dict(WaterBody._meta.get_field("target_class").choices)
    kinds = dict(WaterBodyKind.choices)
    features = []
    for pk, name, kind, target, length, geometry in (
            scope_queryset(WaterBody.objects.exclude(geometry=None), user)
            .values_list("pk", "name", "kind", "target_class", "length_km", "geometry")):
        if not geometry:
            continue
        figure = "，".join(text for text in (
            str(kinds.get(kind, "")), f"水质目标 {target_labels[target]}" if target else "", _km(length)) if text)
        features.append(_feature(simplified(geometry), name=name, label=name, figure=figure,
                                 url=_detail("waterbody", pk),
                                 colour=WATER_COLOUR, lake=kind == WaterBodyKind.LAKE,
                                 yangtze=kind == WaterBodyKind.YANGTZE))
    return features, [{"label": "水体", "colour": WATER_COLOUR, "count": len(features), "shape": "line"}]


def _segments(user) -> tuple[list, list]:
    features = []
    for pk, name, body, length, start, end, geometry in (
            scope_queryset(RiverSegment.objects.exclude(geometry=None), user)
            .values_list("pk", "name", "water_body__name", "length_km", "start_description", "end_description",
                         "geometry")):
        if not geometry:
            continue
        reach = f"{start}至{end}" if start and end else ""
        figure = "，".join(text for text in (reach, _km(length)) if text)
        features.append(_feature(simplified(geometry), name=f"{body} · {name}", label=name, figure=figure,
                                 url=_detail("riversegment", pk), colour=SEGMENT_COLOUR))
    return features, [{"label": "河段", "colour": SEGMENT_COLOUR, "count": len(features), "shape": "line"}]


def _outfalls(user) -> tuple[list, list]:
    labels = dict(OutfallStage.choices)
    rows = list(scope_queryset(Outfall.objects.all(), user)
                .values_list("pk", "code", "name", "stage", "longitude", "latitude", "water_body__name",
                             "outfall_class__name"))
    features = [_feature(_point(lon, lat), name=f"{code} {name}", stage=stage, colour=STAGE_COLOURS[stage],
                         figure=f"{labels[stage]}，{kind}，排入{body}", url=_detail("outfall", pk))
                for pk, code, name, stage, lon, lat, body, kind in rows]
    counted = Counter(stage for _, _, _, stage, *_ in rows)
    legend = [{"label": str(labels[stage]), "colour": STAGE_COLOURS[stage], "count": counted[stage.value],
               "stage": stage.value} for stage in ALL_STAGES if counted[stage.value]]
    return features, legend


def _sites(user) -> tuple[list, list]:
    classes = dict(SAMPLE_CLASS_CHOICES)
    rows = list(services.with_latest_class(scope_queryset(MonitoringSite.objects.filter(is_active=True), user)
                                           .exclude(longitude=None).exclude(latitude=None))
                .values_list("pk", "code", "name", "longitude", "latitude", "target_class", "latest_class"))
    features = []
    for pk, code, name, lon, lat, target, latest in rows:
        latest_text = f"最新水质 {classes[latest]}" if latest else NO_CLASS
        target_text = f"目标 {classes[target]}" if target else "未定目标"
        worse = bool(latest and target and latest > target)
        features.append(_feature(
            _point(lon, lat), name=f"{code} {name}", water_class=latest or 0,
            colour=CLASS_COLOURS.get(latest, NO_CLASS_COLOUR), worse=worse,
            figure=f"{latest_text}（{target_text}）" + ("，劣于目标" if worse else ""), url=_detail("monitoringsite", pk)))
    counted = Counter(latest or 0 for *_, latest in rows)
    legend = [{"label": label, "colour": CLASS_COLOURS[number], "count": counted[number], "water_class": number}
              for number, label in SAMPLE_CLASS_CHOICES]
    legend.append({"label": NO_CLASS, "colour": NO_CLASS_COLOUR, "count": counted[0], "water_class": 0})
    return features, legend


def _patrols(user, now) -> tuple[list, list]:
    since = now - timedelta(days=PATROL_DAYS)
    rows = (scope_queryset(Patrol.objects.filter(started_at__gte=since, started_at__lte=now).exclude(track=None), user)
            .order_by("started_at", "pk")
            .values_list("pk", "chief__name", "water_body__name", "started_at", "duration_minutes", "distance_km",
                         "counts", "track"))
    features = []
    for pk, chief, body, started, minutes, km, counts, track in rows:
        if not track:
            continue
        figure = "，".join(text for text in (_km(km), f"{minutes:,} 分钟", "计入履职" if counts else "不计入履职") if text)
        features.append(_feature(patrol_math.simplify_track(track), name=f"{chief} {timezone.localtime(started):%Y-%m-%d %H:%M} 巡{body}",
                                 counts=bool(counts), figure=figure, url=_detail("patrol", pk),
                                 colour=PATROL_COLOUR))
    counted = sum(1 for f in features if f["properties"]["counts"])
    legend = [{"label": "计入履职的巡河", "colour": PATROL_COLOUR, "count": counted, "shape": "line"},
              {"label": "不计入履职的巡河（虚线）", "colour": PATROL_COLOUR, "count": len(features) - counted,
               "shape": "dashed"}]
    return features, legend


def map_layers(user, crs: str = "wgs84", now=None) -> dict:
    """{"layers": [{key, name, features (GeoJSON), legend}], ...} of the layers the user may see."""
    now = now or timezone.now()

    def transform(geometry):
        return geo.transform_geometry(geometry, geo.wgs84_to_gcj02) if crs == "gcj02" else geometry

    builders = {"waters": _waters, "segments": _segments, "outfalls": _outfalls, "sites": _sites,
                "patrols": lambda u: _patrols(u, now)}
    layers = []
    for key, (name, permission) in LAYERS.items():
        if not user.has_perm(permission):
            continue
        features, legend = builders[key](user)
        for feature in features:
            feature["geometry"] = transform(feature["geometry"])
        layers.append({"key": key, "name": name, "features": _collection(features), "legend": legend})
    # The names along the lines, placed once every point is known: clear of the outfalls and sites
    # and of the names placed before them.
    taken = [feature["geometry"]["coordinates"] for layer in layers if layer["key"] in MARKER_LAYERS
             for feature in layer["features"]["features"]]
    for layer in layers:
        if layer["key"] not in LABEL_AT:
            continue
        for feature in layer["features"]["features"]:
            right = layer["key"] == "waters"  # a water body's name right of its line, a segment's left
            label = feature["properties"]["label"] or ""
            point = label_point(feature["geometry"], LABEL_AT[layer["key"]], taken, len(label), right)
            feature["properties"]["label_at"] = point
            if point is not None:  # the name's own ends, for the names placed after it
                width = CHAR_DEGREES * len(label) * (1 if right else -1)
                taken += [point, [point[0] + width / 2, point[1]], [point[0] + width, point[1]]]
    return {"layers": layers, "patrol_days": PATROL_DAYS}


MARKER_LAYERS = ("outfalls", "sites")
# A name is a box beside its point along the line (right of a water body's line, left of a
# segment's): about CHAR_DEGREES of longitude a character at the park's usual zoom, LABEL_HEIGHT of
# latitude high; it is placed where no point drawn falls in its box (with PAD around it), nearest
# its usual place; where none is clear, where the nearest point is farthest.
CHAR_DEGREES = 0.0016
LABEL_HEIGHT = 0.0022
PAD = 0.001
LABEL_CANDIDATES = tuple(step / 20 for step in range(1, 20))


def _box_distance(point, box) -> float:
    left, right, bottom, top = box
    dx = max(left - point[0], 0.0, point[0] - right)
    dy = max(bottom - point[1], 0.0, point[1] - top)
    return math.hypot(dx, dy)


def label_point(geometry: dict, preferred: float, taken, length: int = 4, right: bool = True) -> list[float] | None:
    """Where along a line its name of `length` characters goes (its box right of the point, or
    left): at `preferred` (a fraction of the line's length) when no point of `taken` ([lon, lat] of
    the markers and names already placed) is in or near its box; else at the clear fraction nearest
    the preferred one; else where the nearest point is farthest. None for a geometry with no line."""
    width = CHAR_DEGREES * max(1, length)
    best, best_distance = None, -1.0
    for fraction in sorted((preferred, *LABEL_CANDIDATES), key=lambda f: abs(f - preferred)):
        point = point_along(geometry, fraction)
        if point is None:
            return None
        x, y = point
        box = (x, x + width, y - LABEL_HEIGHT / 2, y + LABEL_HEIGHT / 2) if right else \
            (x - width, x, y - LABEL_HEIGHT / 2, y + LABEL_HEIGHT / 2)
        distance = min((_box_distance((float(p[0]), float(p[1])), box) for p in taken), default=math.inf)
        if distance >= PAD:
            return point
        if distance > best_distance:
            best, best_distance = point, distance
    return best


# One patrol's track on its own page: the line walked over the water body (or segment) patrolled,
# its start and end marked. The same thinning and basemap conversion as the environment map.
PATROL_PAGE_POINTS = 1000


def patrol_track(patrol, crs: str = "wgs84") -> dict | None:
    """The drawing of a patrol's track for its page (None without a track): the track thinned to
    PATROL_PAGE_POINTS, the outline of the segment (or else the water body) patrolled, and the
    start and end with their times."""
    if not patrol.track:
        return None

    def transform(geometry):
        return geo.transform_geometry(geometry, geo.wgs84_to_gcj02) if crs == "gcj02" else geometry

    track = transform(patrol_math.simplify_track(patrol.track, PATROL_PAGE_POINTS))
    lines = patrol_math.lines_of(track)
    water = patrol.segment if patrol.segment_id and patrol.segment.geometry else patrol.water_body
    outline = transform(simplified(water.geometry)) if water.geometry else None
    segment = water is patrol.segment
    return {
        "track": track, "water": outline,
        "legend": "紫色线为巡河轨迹" + (f"，{'青' if segment else '蓝'}色线为所巡的{water.name}" if outline else "")
        + "；绿点为起点，红点为终点。",
        "start": {"point": lines[0][0], "label": f"起点 {timezone.localtime(patrol.started_at):%H:%M}"},
        "end": {"point": lines[-1][-1], "label": f"终点 {timezone.localtime(patrol.ended_at):%H:%M}"},
        "colour": PATROL_COLOUR, "water_colour": SEGMENT_COLOUR if segment else WATER_COLOUR,
    }
