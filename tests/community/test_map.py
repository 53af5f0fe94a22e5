"""The map of the service network (服务站点地图): on the demo park its layers draw the one centre, the
2 小哥驿站 and the 66 靖小蜂 stations, each with its tier's label, colour and size, open or closed at
the time asked; one query per layer; only for those who may view the stations; names go out as
data, never as markup; a GCJ-02 basemap gets converted coordinates; the palette is told apart."""
from datetime import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openpark.community import map as station_map
from openpark.community.choices import StationKind, StationTier
from openpark.community.models import Station
from openpark.core import geo
from tests.environment.test_map import MAP_GROUND, too_close

pytestmark = pytest.mark.usefixtures("demo_park", "db")

MARKUP = "<img src=x onerror=alert(1)>"


def at(hour: int, minute: int = 0):
    """A moment of the demo's day, in the park's local time."""
    return timezone.make_aware(datetime(2026, 11, 30, hour, minute))


def layers_of(data) -> dict:
    return {layer["key"]: layer for layer in data["layers"]}


def features(layer) -> list[dict]:
    return layer["features"]["features"]


@pytest.fixture
def rider(make_user):
    return make_user("grid")


def test_the_demo_network_is_one_centre_two_xiaoge_and_66_jingxiaofeng(rider):
    data = station_map.map_layers(rider, now=at(12))
    layers = layers_of(data)
    assert list(layers) == ["jingxiaofeng", "xiaoge", "centres"]  # drawn in this order, the centres on top
    assert {key: len(features(layer)) for key, layer in layers.items()} == {
        "jingxiaofeng": 66, "xiaoge": 2, "centres": 1}
    assert [(layer["name"], [(item["label"], item["count"]) for item in layer["legend"]])
            for layer in layers.values()] == [
        ("靖小蜂驿站", [("靖小蜂", 66)]), ("小哥驿站", [("小哥驿站", 2)]), ("党群服务中心", [("行业党群服务中心", 1)])]
    centre = features(layers["centres"])[0]
    assert centre["type"] == "Feature" and centre["geometry"]["type"] == "Point"
    assert centre["properties"] == {
        "name": "城南新就业群体党群服务中心", "label": "行业党群服务中心", "address": "靖江市城南园区城南大道 88 号",
        "hours": "08:30–17:30", "facilities": "饮水、休息、急救药箱、卫生间、空调/避暑取暖、图书/学习", "open": True, "state": "开放中",
        "colour": station_map.TIER_COLOURS[StationTier.SERVICE_CENTRE], "radius": 12,
        "url": reverse("community:station_detail", args=[centre["id"]])}
    stored = Station.objects.get(pk=centre["id"])
    assert centre["geometry"]["coordinates"] == [float(stored.longitude), float(stored.latitude)]
    # Every station once, each with its page, its label (never a code) and its hours in words.
    every = [f for layer in layers.values() for f in features(layer)]
    assert len({f["id"] for f in every}) == Station.objects.count() == 69
    for feature in every:
        p = feature["properties"]
        assert p["url"] == f"/community/stations/{feature['id']}/"
        assert p["label"] in {"行业党群服务中心", "小哥驿站", "靖小蜂"} and p["hours"] and p["facilities"]
        assert not {"post", "xiaoge", "jingxiaofeng", "service_centre"} & set(map(str, p.values()))
    assert {f["properties"]["hours"] for f in features(layers["xiaoge"])} == {"24 小时"}
    assert {f["properties"]["hours"] for f in features(layers["jingxiaofeng"])} == {"07:00–22:00", "09:00–21:00", "24 小时"}


def test_the_tiers_are_drawn_larger_the_higher_they_stand():
    radii = [station_map.TIER_RADII[StationTier.GUIDANCE_CENTRE], station_map.TIER_RADII[StationTier.SERVICE_CENTRE],
             station_map.KIND_RADII[StationKind.XIAOGE], station_map.KIND_RADII[StationKind.JINGXIAOFENG]]
    assert radii == sorted(radii, reverse=True) and len(set(radii)) == 4


def test_stations_closed_at_the_time_asked_are_marked_closed(rider):
    noon = station_map.map_layers(rider, now=at(12))
    assert (noon["open"], noon["closed"], noon["at"]) == (69, 0, "2026-11-30 12:00")
    late = station_map.map_layers(rider, now=at(23, 30))
    layers = layers_of(late)
    # At 23:30 the centre (08:30–17:30) and the 靖小蜂 open 07:00–22:00 or 09:00–21:00 are closed;
    # the 小哥驿站 and every fifth 靖小蜂 stay open round the clock.
    assert (late["open"], late["closed"]) == (2 + 13, 1 + 53)
    assert [(item["open"], item["closed"]) for item in layers["jingxiaofeng"]["legend"]] == [(13, 53)]
    centre = features(layers["centres"])[0]["properties"]
    assert (centre["open"], centre["state"]) == (False, "已关闭")
    for feature in features(layers["jingxiaofeng"]):
        p = feature["properties"]
        assert p["open"] is (p["hours"] == "24 小时") and p["state"] == ("开放中" if p["open"] else "已关闭")


def test_a_guidance_centre_is_drawn_above_the_industry_centre(rider):
    Station.objects.create(name="靖江市新就业群体党建指导中心", tier=StationTier.GUIDANCE_CENTRE, longitude=D("120.27"),
                           latitude=D("31.97"))
    layer = layers_of(station_map.map_layers(rider, now=at(12)))["centres"]
    assert [f["properties"]["label"] for f in features(layer)] == ["党建指导中心", "行业党群服务中心"]
    guidance = features(layer)[0]["properties"]
    assert (guidance["radius"], guidance["colour"]) == (15, station_map.TIER_COLOURS[StationTier.GUIDANCE_CENTRE])
    assert (guidance["address"], guidance["facilities"], guidance["hours"]) == ("未填写地址", "未填写设施", "24 小时")
    assert [(item["label"], item["count"]) for item in layer["legend"]] == [("党建指导中心", 1), ("行业党群服务中心", 1)]


def test_the_data_endpoint_gives_the_layers_as_json(rider, client_for):
    response = client_for(rider).get(reverse("community:map_data"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert sum(len(features(layer)) for layer in response.json()["layers"]) == 69


def test_one_query_per_layer_whatever_the_number_of_stations(rider, client_for):
    client = client_for(rider)
    url = reverse("community:map_data")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        Station.objects.create(name=f"加密驿站 {n}", tier="post", kind="jingxiaofeng", longitude=D("120.26"),
                               latitude=D("31.96"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    station_queries = [q for q in few.captured_queries if "community_station" in q["sql"]]
    assert len(station_queries) == 3, [q["sql"][:80] for q in station_queries]


@pytest.mark.parametrize("slug", ["economy", "investment", "environment", "industry", "enterprise", "steward", "admin"])
def test_roles_that_may_not_view_stations_are_refused(make_user, client_for, slug):
    client = client_for(make_user(slug))
    assert client.get(reverse("community:map")).status_code == 403
    assert client.get(reverse("community:map_data")).status_code == 403


@pytest.mark.parametrize("slug", ["grid", "community", "leader"])
def test_riders_and_staff_see_the_map(make_user, client_for, slug):
    client = client_for(make_user(slug))
    page = client.get(reverse("community:map"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>服务站点地图</h1>" in html and 'src="/static/js/community-map.js"' in html
    assert f'href="{reverse("community:map")}"' in html  # in the sidebar
    assert [label for label, _ in page.context["breadcrumbs"]][-2:] == ["新就业群体", "服务站点地图"]
    assert len(client.get(reverse("community:map_data")).json()["layers"]) == 3


def test_a_user_without_the_permission_gets_no_layers(make_user):
    assert station_map.map_layers(make_user("economy"), now=at(12)) == {
        "layers": [], "at": "2026-11-30 12:00", "open": 0, "closed": 0}


def test_anonymous_users_are_sent_to_log_in(client):
    for name in ("community:map", "community:map_data"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_names_go_out_as_data_and_the_page_has_no_inline_script(rider, client_for):
    station = Station.objects.get(name="小哥驿站（汽贸城）")
    Station.objects.filter(pk=station.pk).update(name=MARKUP, address=MARKUP, facilities=[MARKUP])
    client = client_for(rider)
    response = client.get(reverse("community:map_data"))
    shown = next(f["properties"] for f in features(layers_of(response.json())["xiaoge"]) if f["id"] == station.pk)
    assert shown["name"] == shown["address"] == shown["facilities"] == MARKUP
    page = client.get(reverse("community:map"), {"station": station.pk}).content.decode()
    assert MARKUP not in page and "<script>" not in page and "onerror" not in page
    assert f'data-focus="{station.pk}"' in page


def test_only_a_number_is_taken_as_the_station_to_centre_on(rider, client_for):
    page = client_for(rider).get(reverse("community:map"), {"station": '1" onload="x'})
    assert page.status_code == 200 and 'data-focus=""' in page.content.decode()


def test_the_map_fits_a_gcj02_basemap(rider, settings):
    wgs = features(layers_of(station_map.map_layers(rider, now=at(12)))["centres"])[0]["geometry"]["coordinates"]
    settings.MAP_TILE_CRS = "gcj02"
    gcj = features(layers_of(station_map.map_layers(rider, "gcj02", now=at(12)))["centres"])[0]["geometry"]["coordinates"]
    assert gcj == pytest.approx(list(geo.wgs84_to_gcj02(*wgs)), abs=1e-9)
    assert gcj != wgs and abs(gcj[0] - wgs[0]) < 0.01 and abs(gcj[1] - wgs[1]) < 0.01


def test_the_data_endpoint_follows_the_configured_basemap(rider, client_for, settings):
    settings.MAP_TILE_CRS = "gcj02"
    station = Station.objects.get(name="小哥驿站（汽贸城）")
    data = client_for(rider).get(reverse("community:map_data")).json()
    drawn = next(f for f in features(layers_of(data)["xiaoge"]) if f["id"] == station.pk)
    expected = geo.wgs84_to_gcj02(float(station.longitude), float(station.latitude))
    assert drawn["geometry"]["coordinates"] == pytest.approx(list(expected), abs=1e-9)


def test_the_map_is_linked_from_the_station_list_and_the_nearest_stations(rider, client_for):
    client = client_for(rider)
    url = reverse("community:map")
    assert f'href="{url}"' in client.get(reverse("community:station_list")).content.decode()
    station = Station.objects.get(name="小哥驿站（汽贸城）")
    nearest = client.get(reverse("community:nearest_stations"), {"from": station.pk, "at": "12:00"}).content.decode()
    assert f'href="{url}"' in nearest and f'href="{url}?station={station.pk}"' in nearest
    assert client.get(reverse("community:station_list")).context["list_links"] == [("服务站点地图", url)]


def test_every_tier_is_told_apart_from_the_others_and_from_the_ground():
    """Points 15 apart (CIEDE2000) at least, as on the environment map; a closed station is a ring
    in its colour round a white middle, so each colour stands out from white as well."""
    colours = {**{f"中心 {tier}": colour for tier, colour in station_map.TIER_COLOURS.items()},
               **{f"驿站 {kind}": colour for kind, colour in station_map.KIND_COLOURS.items()}}
    assert len(set(colours.values())) == len(colours) == 4
    assert too_close(colours, 15) == []
    assert too_close({**colours, "底色": MAP_GROUND}, 15) == []
    for name, colour in colours.items():
        assert too_close({name: colour, "空心": "#ffffff"}, 15) == []



def test_a_deleted_station_leaves_the_map(rider):
    Station.objects.filter(kind="jingxiaofeng").order_by("name").first().delete()  # soft: kept in all_objects
    layers = layers_of(station_map.map_layers(rider, now=at(12)))
    assert len(features(layers["jingxiaofeng"])) == 65 and Station.all_objects.count() == 69


def test_a_stations_page_says_whether_it_is_open_now_and_links_to_the_map(rider, client_for):
    always = Station.objects.get(name="小哥驿站（汽贸城）")  # open round the clock
    html = client_for(rider).get(always.get_absolute_url()).content.decode()
    assert "此刻<strong>开放中</strong>（开放时段 24 小时）" in html
    assert f'href="{reverse("community:map")}?station={always.pk}"' in html
