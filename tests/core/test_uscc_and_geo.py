"""Pure functions: no database."""
import pytest

from openpark.core import geo, uscc

VALID = "91110000600037341L"


@pytest.mark.parametrize("typed", [VALID, " 9111 0000 6000 3734 1l ", "９１１１００００６０００３７３４１Ｌ", "91110000-600037341L"])
def test_uscc_normalises_what_people_type(typed):
    assert uscc.validate(typed) == VALID


@pytest.mark.parametrize("bad, reason", [
    ("", "不能为空"),
    ("9111000060003734", "应为 18 位"),
    ("91110000600037341X", "校验位不正确"),
    ("9111000060003734IL", "不允许的字符"),
])
def test_uscc_reasons_in_chinese(bad, reason):
    with pytest.raises(ValueError, match=reason):
        uscc.validate(bad)


def test_uscc_check_digit_completion():
    assert uscc.with_check_digit(VALID[:17]) == VALID


SQUARE = [[120.2, 31.9], [120.3, 31.9], [120.3, 32.0], [120.2, 32.0], [120.2, 31.9]]


def test_polygon_accepts_geometry_feature_and_collection():
    polygon = {"type": "Polygon", "coordinates": [SQUARE]}
    assert geo.normalise_polygon(polygon) == polygon
    assert geo.normalise_polygon({"type": "Feature", "geometry": polygon, "properties": {}}) == polygon
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": polygon}]}
    assert geo.normalise_polygon(collection) == polygon
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE]]}
    assert geo.normalise_polygon(multi) == multi


@pytest.mark.parametrize("value, reason", [
    ([1, 2], "GeoJSON 对象"),
    ({"type": "Point", "coordinates": [120.2, 31.9]}, "Polygon 或 MultiPolygon"),
    ({"type": "Polygon", "coordinates": [SQUARE[:3]]}, "至少需要 4 个"),
    ({"type": "Polygon", "coordinates": [SQUARE[:-1] + [[120.25, 31.95]]]}, "必须闭合"),
    ({"type": "Polygon", "coordinates": [[[p[1], p[0]] for p in SQUARE]]}, "写反"),
    ({"type": "Polygon", "coordinates": [[["a", "b"]] * 4]}, "必须是数字"),
    ({"type": "FeatureCollection", "features": []}, "只能包含一个要素"),
    ({"type": "Polygon", "coordinates": [[[120.2, 31.9]] * (geo.MAX_GEOMETRY_POINTS + 1)]},
     f"空间范围有 20,001 个坐标点，超过上限 {geo.MAX_GEOMETRY_POINTS:,} 个"),
])
def test_polygon_reasons_in_chinese(value, reason):
    with pytest.raises(ValueError, match=reason):
        geo.normalise_polygon(value)


@pytest.mark.parametrize("position, message", [
    ([200.0, 31.98], "经度 200 不在中国境内（73°–136°E），请检查经纬度是否写反。"),
    ([120.26, -5], "纬度 -5 不在中国境内（3°–54°N），请检查经纬度是否写反。"),
    ([31.96, 120.26], "经度 31.96 不在中国境内（73°–136°E）；纬度 120.26 不在中国境内（3°–54°N），请检查经纬度是否写反。"),
])
def test_a_position_outside_china_names_the_coordinate_and_its_range(position, message):
    with pytest.raises(ValueError) as error:
        geo.check_position(position)
    assert str(error.value) == message
