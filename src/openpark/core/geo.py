"""Map helpers: GeoJSON validation. Coordinates are stored as WGS-84 / CGCS2000 [lon, lat]."""

# China's extent, loosely: coordinates outside it are almost always swapped or mistyped.
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)


def _check_position(position) -> list[float]:
    if not isinstance(position, (list, tuple)) or len(position) < 2:
        raise ValueError("坐标应为 [经度, 纬度]。")
    try:
        lon, lat = float(position[0]), float(position[1])
    except (TypeError, ValueError) as exc:
        raise ValueError("坐标必须是数字。") from exc
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        raise ValueError(f"坐标 [{lon}, {lat}] 不在中国境内，请检查经纬度是否写反。")
    return [lon, lat]


def _check_ring(ring) -> list[list[float]]:
    if not isinstance(ring, (list, tuple)) or len(ring) < 4:
        raise ValueError("多边形的每个环至少需要 4 个坐标点（首尾相同）。")
    points = [_check_position(p) for p in ring]
    if points[0] != points[-1]:
        raise ValueError("多边形的环必须闭合（首尾坐标相同）。")
    return points


def normalise_polygon(value) -> dict:
    """Return a GeoJSON Polygon or MultiPolygon geometry, or raise ValueError in Chinese.

    Accepts a geometry, a Feature holding one, or a FeatureCollection with exactly one feature.
    """
    if not isinstance(value, dict):
        raise ValueError("边界应为 GeoJSON 对象。")
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

