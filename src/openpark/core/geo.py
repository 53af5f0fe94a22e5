"""Map helpers: GeoJSON validation and the GCJ-02 offset.

Coordinates are stored as WGS-84 / CGCS2000 [lon, lat]; GCJ-02 is computed only for a basemap
that needs it.
"""
import math

# China's extent, loosely: coordinates outside it are almost always swapped or mistyped.
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)


def check_position(position) -> list[float]:
    if not isinstance(position, (list, tuple)) or len(position) < 2:
        raise ValueError("坐标应为 [经度, 纬度]。")
    try:
        lon, lat = float(position[0]), float(position[1])
    except (TypeError, ValueError) as exc:
        raise ValueError("坐标必须是数字。") from exc
    wrong = []
    if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        wrong.append(f"经度 {_degrees(lon)} 不在中国境内（{_degrees(LON_RANGE[0])}°–{_degrees(LON_RANGE[1])}°E）")
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        wrong.append(f"纬度 {_degrees(lat)} 不在中国境内（{_degrees(LAT_RANGE[0])}°–{_degrees(LAT_RANGE[1])}°N）")
    if wrong:
        raise ValueError("；".join(wrong) + "，请检查经纬度是否写反。")
    return [lon, lat]


def _degrees(number: float) -> str:
    """A number of degrees as typed, without a trailing ".0": 200.0 → "200", 31.98 → "31.98"."""
    return f"{number:.6f}".rstrip("0").rstrip(".") if math.isfinite(number) else str(number)


def _check_ring(ring) -> list[list[float]]:
    if not isinstance(ring, (list, tuple)) or len(ring) < 4:
        raise ValueError("多边形的每个环至少需要 4 个坐标点（首尾相同）。")
    points = [check_position(p) for p in ring]
    if points[0] != points[-1]:
        raise ValueError("多边形的环必须闭合（首尾坐标相同）。")
    return points


# The most points an outline (a zone's or grid's boundary, a water body or segment) holds: the
# Yangtze's 52 km in Jingjiang drawn every 5 metres is about 10,000 points, so a real river, lake
# or zone fits well within it; a larger outline would make every page and map that reads it slow.
MAX_GEOMETRY_POINTS = 20_000


def geometry_points(value) -> int:
    """How many positions a GeoJSON geometry (or Feature, or FeatureCollection) holds, whatever
    its shape; a position is a list whose first item is a number."""
    count, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item[key] for key in ("geometry", "coordinates", "features", "geometries") if key in item)
        elif isinstance(item, (list, tuple)) and item:
            if isinstance(item[0], (int, float)):
                count += 1
            else:
                pending.extend(item)
    return count


def check_point_count(value) -> None:
    """Refuse, in Chinese, an outline of more than MAX_GEOMETRY_POINTS points."""
    points = geometry_points(value)
    if points > MAX_GEOMETRY_POINTS:
        raise ValueError(f"空间范围有 {points:,} 个坐标点，超过上限 {MAX_GEOMETRY_POINTS:,} 个，请抽稀后再上传。")


def normalise_polygon(value) -> dict:
    """Return a GeoJSON Polygon or MultiPolygon geometry, or raise ValueError in Chinese.

    Accepts a geometry, a Feature holding one, or a FeatureCollection with exactly one feature.
    """
    if not isinstance(value, dict):
        raise ValueError("边界应为 GeoJSON 对象。")
    check_point_count(value)
    if value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if len(features) != 1:
            raise ValueError("边界只能包含一个要素。")
        value = features[0]
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind == "Polygon":
        if not coordinates:
            raise ValueError("多边形缺少坐标。")
        return {"type": "Polygon", "coordinates": [_check_ring(r) for r in coordinates]}
    if kind == "MultiPolygon":
        if not coordinates:
            raise ValueError("多边形缺少坐标。")
        return {
            "type": "MultiPolygon",
            "coordinates": [[_check_ring(r) for r in polygon] for polygon in coordinates],
        }
    raise ValueError("边界必须是 Polygon 或 MultiPolygon 类型的 GeoJSON。")


def contains(geometry: dict | None, lon: float, lat: float) -> bool:
    """Whether the point lies inside a Polygon or MultiPolygon (holes excluded), by ray casting."""
    if not geometry:
        return False
    polygons = geometry["coordinates"] if geometry.get("type") == "MultiPolygon" else [geometry.get("coordinates")]
    return any(polygon and _in_ring(polygon[0], lon, lat) and not any(_in_ring(hole, lon, lat) for hole in polygon[1:])
               for polygon in polygons)


def _in_ring(ring, x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def normalise_geometry(value) -> dict:
    """A Point, Polygon or MultiPolygon geometry (see normalise_polygon for what is accepted)."""
    if isinstance(value, dict) and value.get("type") == "Point":
        return {"type": "Point", "coordinates": check_position(value.get("coordinates"))}
    if isinstance(value, dict) and value.get("type") == "Feature" and (value.get("geometry") or {}).get("type") == "Point":
        return normalise_geometry(value["geometry"])
    return normalise_polygon(value)


# GCJ-02 ("Mars coordinates") as published: Krasovsky 1940 ellipsoid and the offset polynomials.
_A = 6378245.0
_EE = 0.00669342162296594323


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 to GCJ-02, for basemaps published in GCJ-02 (Gaode, Tencent)."""
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def transform_geometry(geometry: dict, transform) -> dict:
    """Apply `transform(lon, lat) -> (lon, lat)` to every position of a GeoJSON geometry."""

    def walk(coordinates):
        if coordinates and isinstance(coordinates[0], (int, float)):
            return list(transform(float(coordinates[0]), float(coordinates[1])))
        return [walk(c) for c in coordinates]

    return {**geometry, "coordinates": walk(geometry["coordinates"])}
