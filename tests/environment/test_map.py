"""The environment map (环保地图): its data endpoint gives each layer as GeoJSON (water bodies and
segments with a geometry, outfalls coloured by stage, sites by the class of their latest sample,
the last 30 days of patrol tracks), with legends in Chinese, in one query per layer; it is for the
park's staff only; names go out as data, never as markup; the page loads its script from a file."""
import itertools
import math
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openpark.core import geo
from openpark.environment import map as environment_map
from openpark.environment.models import MonitoringSite, Patrol, RiverChief, RiverSegment, WaterBody, WaterSample
from tests.factories import EnterpriseFactory, bind_enterprise

pytestmark = pytest.mark.django_db

MARKUP = "<img src=x onerror=alert(1)>"
LINE = {"type": "LineString", "coordinates": [[120.215, 31.976], [120.268, 31.979], [120.322, 31.983]]}
CANAL = {"type": "LineString", "coordinates": [[120.259, 32.046], [120.263, 32.018], [120.266, 31.982]]}
TRACK = {"type": "LineString", "coordinates": [[120.26, 32.030], [120.262, 32.012], [120.264, 31.995]]}


def layers_of(response) -> dict:
    assert response.status_code == 200, response.content
    return {layer["key"]: layer for layer in response.json()["layers"]}


def properties(layer) -> dict:
    return {f["properties"]["name"]: f["properties"] for f in layer["features"]["features"]}


@pytest.fixture
def park(yangtze, segment, make_outfall):
    """Three water bodies (one without geometry), outfalls at three stages, three sites (class II, V
    and none), and patrols: two recent (one not counting), one older than 30 days."""
    yangtze.geometry = LINE
    yangtze.save()
    segment.geometry = {"type": "LineString", "coordinates": LINE["coordinates"][:2]}
    segment.start_description, segment.end_description = "七圩港口门上游", "夹港口门下游"
    segment.save()
    canal = WaterBody.objects.create(name="七圩港", kind="canal", target_class="III", length_km=D("9.8"), geometry=CANAL)
    WaterBody.objects.create(name="无图水体", kind="river")
    RiverSegment.objects.create(water_body=canal, name="无图河段")
    make_outfall("suspected")
    make_outfall("suspected")
    make_outfall("in_remediation")
    make_outfall("closed")
    clean = MonitoringSite.objects.create(code="QW01", name="七圩港上游", water_body=canal, longitude=D("120.26"),
                                          latitude=D("32.03"))
    dirty = MonitoringSite.objects.create(code="QW02", name="七圩港入江口", water_body=canal, longitude=D("120.265"),
                                          latitude=D("31.99"))
    MonitoringSite.objects.create(code="QW03", name="新设断面", water_body=canal, longitude=D("120.262"),
                                  latitude=D("32.01"))
    MonitoringSite.objects.create(code="QW04", name="无坐标断面", water_body=canal)
    now = timezone.now()
    WaterSample.objects.create(site=clean, sampled_at=now - timedelta(days=40), water_class=5)
    WaterSample.objects.create(site=clean, sampled_at=now - timedelta(days=10), water_class=2)  # the latest
    WaterSample.objects.create(site=dirty, sampled_at=now - timedelta(days=10), water_class=5)
    chief = RiverChief.objects.create(name="钱永刚", level="village")
    chief.water_bodies.set([canal])
    for days, counts in ((3, True), (12, False), (45, True)):
        start = now - timedelta(days=days)
        made = Patrol.objects.create(chief=chief, water_body=canal, started_at=start,
                                     ended_at=start + timedelta(minutes=50), track=TRACK)
        Patrol.objects.filter(pk=made.pk).update(counts=counts)
    return {"canal": canal, "clean": clean, "dirty": dirty, "chief": chief}


@pytest.fixture
def staff(make_user, client_for):
    return client_for(make_user("environment"))


def test_each_layer_is_geojson_with_its_legend(park, staff):
    layers = layers_of(staff.get(reverse("environment:map_data")))
    assert list(layers) == ["waters", "segments", "patrols", "outfalls", "sites"]
    for layer in layers.values():
        assert layer["features"]["type"] == "FeatureCollection"
        assert all(f["type"] == "Feature" and f["properties"]["url"] for f in layer["features"]["features"])

    waters = properties(layers["waters"])
    assert set(waters) == {"长江（靖江段）", "七圩港"}  # a water body without geometry is not drawn
    assert waters["七圩港"]["figure"] == "港河（沟渠），水质目标 III类，9.80 千米"
    assert waters["七圩港"]["url"] == reverse("environment:waterbody_detail", args=[park["canal"].pk])
    assert layers["waters"]["features"]["features"][0]["geometry"]["type"] == "LineString"
    segments = properties(layers["segments"])
    assert list(segments) == ["长江（靖江段） · 城南段"]
    assert segments["长江（靖江段） · 城南段"]["figure"] == "七圩港口门上游至夹港口门下游，8.50 千米"


def test_outfalls_are_coloured_by_stage_with_the_stages_and_their_counts(park, staff):
    layer = layers_of(staff.get(reverse("environment:map_data")))["outfalls"]
    features = layer["features"]["features"]
    assert len(features) == 4 and all(f["geometry"]["type"] == "Point" for f in features)
    assert features[0]["geometry"]["coordinates"] == [120.26, 31.98]
    first = features[0]["properties"]
    assert first["name"] == "CN001 排口1"
    assert first["figure"].startswith("疑似，") and first["figure"].endswith("，排入长江（靖江段）")
    assert {f["properties"]["stage"]: f["properties"]["colour"] for f in features} == {
        stage: environment_map.STAGE_COLOURS[stage] for stage in ("suspected", "in_remediation", "closed")}
    assert [(item["label"], item["count"]) for item in layer["legend"]] == [("疑似", 2), ("整治中", 1), ("已销号", 1)]


def test_sites_are_coloured_by_their_latest_class(park, staff):
    layer = layers_of(staff.get(reverse("environment:map_data")))["sites"]
    sites = properties(layer)
    assert set(sites) == {"QW01 七圩港上游", "QW02 七圩港入江口", "QW03 新设断面"}  # one without a position is left out
    clean, dirty, new = sites["QW01 七圩港上游"], sites["QW02 七圩港入江口"], sites["QW03 新设断面"]
    assert (clean["water_class"], clean["colour"], clean["worse"]) == (2, "#1d5fa8", False)  # its latest, not its worst
    assert clean["figure"] == "最新水质 II类（目标 III类）"
    assert (dirty["water_class"], dirty["colour"], dirty["worse"]) == (5, "#f08c00", True)
    assert dirty["figure"] == "最新水质 V类（目标 III类），劣于目标"
    assert (new["water_class"], new["colour"], new["figure"]) == (0, environment_map.NO_CLASS_COLOUR, "尚无评价结果（目标 III类）")
    legend = {item["label"]: (item["colour"], item["count"]) for item in layer["legend"]}
    assert list(legend) == ["I类", "II类", "III类", "IV类", "V类", "劣V类", "尚无评价结果"]
    assert legend["II类"] == ("#1d5fa8", 1) and legend["V类"] == ("#f08c00", 1) and legend["劣V类"] == ("#d32f2f", 0)
    assert legend["尚无评价结果"][1] == 1
    assert environment_map.CLASS_COLOURS[1] != environment_map.CLASS_COLOURS[2]


def test_patrol_tracks_of_the_last_30_days_say_whether_they_count(park, staff):
    layer = layers_of(staff.get(reverse("environment:map_data")))["patrols"]
    features = layer["features"]["features"]
    assert len(features) == 2  # the patrol 45 days ago is left out
    assert [f["properties"]["counts"] for f in features] == [False, True]  # oldest first
    assert all(f["geometry"] == TRACK for f in features)
    latest = features[1]["properties"]
    assert latest["name"].startswith("钱永刚 ") and latest["name"].endswith(" 巡七圩港")
    assert latest["figure"].endswith("50 分钟，计入履职") and features[0]["properties"]["figure"].endswith("不计入履职")
    assert [(item["label"], item["count"], item["shape"]) for item in layer["legend"]] == [
        ("计入履职的巡河", 1, "line"), ("不计入履职的巡河（虚线）", 1, "dashed")]


def test_one_query_per_layer_whatever_the_number_of_rows(park, staff, make_outfall):
    url = reverse("environment:map_data")
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for _ in range(5):
        make_outfall("verified")
        MonitoringSite.objects.create(code=f"X{_}", name="加密断面", water_body=park["canal"], longitude=D("120.26"),
                                      latitude=D("32.0"))
        start = timezone.now() - timedelta(days=1, minutes=_)
        Patrol.objects.create(chief=park["chief"], water_body=park["canal"], started_at=start,
                              ended_at=start + timedelta(minutes=40), track=TRACK)
    with CaptureQueriesContext(connection) as many:
        staff.get(url)
    assert len(many) == len(few)
    layer_queries = [q for q in few.captured_queries if "environment_" in q["sql"]]
    assert len(layer_queries) == 5, [q["sql"][:80] for q in layer_queries]


def test_the_map_is_for_the_parks_staff(park, make_user, client_for):
    company = EnterpriseFactory()
    enterprise_user = make_user("enterprise")
    bind_enterprise(enterprise_user, company)
    for user in (enterprise_user, make_user("grid"), make_user("investment")):
        client = client_for(user)
        assert client.get(reverse("environment:map")).status_code == 403
        assert client.get(reverse("environment:map_data")).status_code == 403
    leader = client_for(make_user("leader"))
    assert leader.get(reverse("environment:map")).status_code == 200
    assert len(layers_of(leader.get(reverse("environment:map_data")))) == 5


def test_anonymous_users_are_sent_to_log_in(client):
    for name in ("environment:map", "environment:map_data"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_names_go_out_as_data_and_the_page_has_no_inline_script(park, staff):
    park["canal"].name = MARKUP
    park["canal"].save()
    park["clean"].name = MARKUP
    park["clean"].save()
    park["chief"].name = MARKUP
    park["chief"].save()
    response = staff.get(reverse("environment:map_data"))
    layers = layers_of(response)
    assert MARKUP in properties(layers["waters"])
    assert f"QW01 {MARKUP}" in properties(layers["sites"])
    assert all(f["properties"]["name"].startswith(MARKUP) for f in layers["patrols"]["features"]["features"])
    assert response["Content-Type"] == "application/json"
    page = staff.get(reverse("environment:map")).content.decode()
    assert MARKUP not in page
    assert 'src="/static/js/environment-map.js"' in page and 'id="map"' in page
    assert "<script>" not in page and "onerror" not in page


def test_the_map_fits_a_gcj02_basemap(park, staff, settings):
    settings.MAP_TILE_CRS = "gcj02"
    outfall = layers_of(staff.get(reverse("environment:map_data")))["outfalls"]["features"]["features"][0]
    lon, lat = outfall["geometry"]["coordinates"]
    assert (round(lon, 6), round(lat, 6)) == tuple(round(v, 6) for v in geo.wgs84_to_gcj02(120.26, 31.98))
    assert abs(lon - 120.26) < 0.01 and abs(lat - 31.98) < 0.01 and (lon, lat) != (120.26, 31.98)


def test_the_map_is_in_the_menu_and_linked_from_the_dashboard(park, staff):
    page = staff.get(reverse("environment:dashboard")).content.decode()
    assert f'href="{reverse("environment:map")}"' in page
    home = staff.get("/home/environment/").content.decode()
    assert reverse("environment:map") in home  # the sidebar


def test_the_demo_draws_its_water_bodies_and_segments():
    """The demo's water bodies and segments carry their lines, the segments along their part of them."""
    from openpark.environment import demo

    line = demo.river_line("七圩港")
    assert line["coordinates"][0] == [120.259, 32.046] and line["coordinates"][-1] == [120.266, 31.982]
    part = demo.river_line("七圩港", (0.4, 0.75))["coordinates"]
    assert 32.018 < part[0][1] < 32.031 and 31.982 < part[-1][1] < 32.004
    assert [120.263, 32.018] in part and [120.264, 32.004] in part
    assert demo.river_line("没有的河") is None
    assert set(demo.OUTFALL_POSITIONS) == {row[0] for row in demo.OUTFALLS}


def test_water_bodies_and_segments_carry_their_names_and_where_to_show_them(park, staff):
    """Each line's own name, and a point on the line for it: a water body's near its start, a
    segment's at its middle; in the basemap's coordinates."""
    layers = layers_of(staff.get(reverse("environment:map_data")))
    canal = properties(layers["waters"])["七圩港"]
    assert canal["label"] == "七圩港" and canal["colour"] == environment_map.WATER_COLOUR
    assert canal["label_at"] == pytest.approx([120.25991, 32.03962], abs=1e-5)  # a tenth of the way along
    segment = properties(layers["segments"])["长江（靖江段） · 城南段"]
    assert segment["label"] == "城南段" and segment["colour"] == environment_map.SEGMENT_COLOUR
    # Halfway along its two points, or the nearest place along the line clear of the outfalls there.
    assert abs(segment["label_at"][0] - 120.2415) < 0.01 and abs(segment["label_at"][1] - 31.9775) < 0.01
    assert all(f["properties"]["colour"] == environment_map.PATROL_COLOUR for f in layers["patrols"]["features"]["features"])
    for key, colour in (("waters", environment_map.WATER_COLOUR), ("segments", environment_map.SEGMENT_COLOUR)):
        assert [item["colour"] for item in layers[key]["legend"]] == [colour]


def test_a_label_point_is_on_the_line_whatever_its_shape():
    line = {"type": "LineString", "coordinates": [[0, 0], [3, 0], [3, 4]]}  # 7 long
    assert environment_map.point_along(line, 0) == [0, 0]
    assert environment_map.point_along(line, 0.5) == pytest.approx([3, 0.5])
    assert environment_map.point_along(line, 1) == pytest.approx([3, 4])
    parts = {"type": "MultiLineString", "coordinates": [[[9, 9], [9, 10]], [[0, 0], [0, 4]]]}
    assert environment_map.point_along(parts, 0.5) == pytest.approx([0, 2])  # on the longest part
    lake = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}
    assert environment_map.point_along(lake, 0.25) == pytest.approx([2, 0])
    assert environment_map.point_along({"type": "Point", "coordinates": [1, 2]}, 0.5) is None
    assert environment_map.point_along({"type": "LineString", "coordinates": [[1, 1], [1, 1]]}, 0.5) == [1, 1]


def test_labels_follow_a_gcj02_basemap(park, staff, settings):
    wgs = properties(layers_of(staff.get(reverse("environment:map_data")))["segments"])["长江（靖江段） · 城南段"]
    settings.MAP_TILE_CRS = "gcj02"
    segment = properties(layers_of(staff.get(reverse("environment:map_data")))["segments"])["长江（靖江段） · 城南段"]
    lon, lat = segment["label_at"]
    assert (lon, lat) == pytest.approx(list(geo.wgs84_to_gcj02(*wgs["label_at"])), abs=1e-4)


# The palette: every legend entry is told apart from the others drawn the same way, and from the
# map's ground (Leaflet's #ddd, no basemap on the intranet), by a colour difference (CIEDE2000) of at
# least 15 for points, 25 for lines (thin strokes, drawn over one another, need more: the old water
# and segment blues, 22.7 apart by lightness alone, were taken for one colour); 2.3 is the smallest
# difference an eye notices side by side.
MAP_GROUND = "#dddddd"


def lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour "#rrggbb"."""
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue))
    x = (0.4124 * red + 0.3576 * green + 0.1805 * blue) / 0.95047
    y = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    z = (0.0193 * red + 0.1192 * green + 0.9505 * blue) / 1.08883
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in (x, y, z))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def colour_difference(first: str, second: str) -> float:
    """CIEDE2000 (Sharma, Wu and Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab(first), lab(second)
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c ** 7 / (mean_c ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1)) % 360, math.degrees(math.atan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c, d_h = l2 - l1, c2 - c1, 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_c = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        mean_h = h1 + h2
    elif abs(h1 - h2) <= 180:
        mean_h = (h1 + h2) / 2
    else:
        mean_h = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(mean_h - 30)) + 0.24 * math.cos(math.radians(2 * mean_h))
         + 0.32 * math.cos(math.radians(3 * mean_h + 6)) - 0.20 * math.cos(math.radians(4 * mean_h - 63)))
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_c, 1 + 0.015 * mean_c * t
    r_t = (-math.sin(math.radians(60 * math.exp(-(((mean_h - 275) / 25) ** 2))))
           * 2 * math.sqrt(mean_c ** 7 / (mean_c ** 7 + 25 ** 7)))
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


def test_the_colour_difference_is_ciede2000():
    assert colour_difference("#ffffff", "#ffffff") == 0
    assert colour_difference("#000000", "#ffffff") == pytest.approx(100, abs=0.01)
    assert colour_difference("#ff0000", "#0000ff") == pytest.approx(52.88, abs=0.05)
    assert colour_difference("#3b8fd9", "#0b5394") < 25  # the old water and segment blues, too close


def too_close(colours: dict, least: float) -> list:
    return [(a, b, round(colour_difference(colours[a], colours[b]), 1))
            for a, b in itertools.combinations(colours, 2) if colour_difference(colours[a], colours[b]) < least]


def test_every_legend_entry_is_told_apart_from_the_others():
    points = {**{f"排口 {stage}": colour for stage, colour in environment_map.STAGE_COLOURS.items()},
              **{f"断面 {number}类": colour for number, colour in environment_map.CLASS_COLOURS.items()},
              "断面 尚无评价结果": environment_map.NO_CLASS_COLOUR}
    assert len(set(points.values())) == len(points) == 19
    assert too_close(points, 15) == []
    # An outfall's dot, ringed in white, stands out from the ground too (a site's has a dark ring).
    outfalls = {f"排口 {stage}": colour for stage, colour in environment_map.STAGE_COLOURS.items()}
    assert too_close({**outfalls, "底色": MAP_GROUND}, 15) == []
    lines = {"水体": environment_map.WATER_COLOUR, "河段": environment_map.SEGMENT_COLOUR,
             "巡河": environment_map.PATROL_COLOUR, "底色": MAP_GROUND}
    assert too_close(lines, 25) == []
    # The pairs the walk-through could not tell apart.
    assert colour_difference(environment_map.STAGE_COLOURS["in_remediation"], environment_map.CLASS_COLOURS[5]) > 30
    assert colour_difference(environment_map.WATER_COLOUR, environment_map.SEGMENT_COLOUR) > 25
