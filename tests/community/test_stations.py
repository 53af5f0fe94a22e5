"""The nearest open station: the pure search, and the phone page that asks it."""
from datetime import time
from decimal import Decimal as D

import pytest
from django.urls import reverse

from openpark.community.models import Station
from openpark.community.stations import Place, distance_m, is_open, nearest_open


@pytest.mark.parametrize("opens, closes, at, expected", [
    (time(8), time(22), time(8), True), (time(8), time(22), time(22), False), (time(8), time(22), time(7, 59), False),
    (time(18), time(2), time(23), True), (time(18), time(2), time(1, 30), True), (time(18), time(2), time(12), False),
    (None, None, time(3), True), (time(0), time(0), time(3), True),
])
def test_opening_hours(opens, closes, at, expected):
    assert is_open(opens, closes, at) is expected


def test_distance_is_the_great_circle_distance():
    # one minute of latitude is about 1,853 metres
    assert distance_m(120.0, 32.0, 120.0, 32.0 + 1 / 60) == pytest.approx(1853, abs=3)
    assert distance_m(120.1, 32.0, 120.1, 32.0) == 0


def test_open_stations_nearest_first():
    places = [Place("far", 120.30, 32.00), Place("near", 120.26, 31.96, time(8), time(22)),
              Place("closed", 120.255, 31.955, time(9), time(17)), Place("middle", 120.28, 31.97)]
    found = nearest_open(places, 120.25, 31.95, time(20))
    assert [place.key for place, _ in found] == ["near", "middle", "far"]
    assert [round(d) for _, d in found] == sorted(round(d) for _, d in found)
    assert [place.key for place, _ in nearest_open(places, 120.25, 31.95, time(12), limit=2)] == ["closed", "near"]


@pytest.fixture
def stations(db):
    return [
        Station.objects.create(name="城南小哥驿站", tier="post", kind="xiaoge", longitude=D("120.260"),
                               latitude=D("31.960"), opens_at=time(8), closes_at=time(22), facilities=["water", "charging"]),
        Station.objects.create(name="靖小蜂驿站（汽贸城）", tier="post", kind="jingxiaofeng", longitude=D("120.270"),
                               latitude=D("31.965")),
        Station.objects.create(name="靖小蜂驿站（白天）", tier="post", kind="jingxiaofeng", longitude=D("120.2601"),
                               latitude=D("31.9601"), opens_at=time(9), closes_at=time(17)),
    ]


def test_the_page_lists_open_stations_from_the_phone_position(make_user, client_for, stations):
    client = client_for(make_user("grid"))
    response = client.get(reverse("community:nearest_stations"), {"lon": "120.2600", "lat": "31.9600", "at": "20:00"})
    assert response.status_code == 200
    assert [s.name for s, _ in response.context["found"]] == ["城南小哥驿站", "靖小蜂驿站（汽贸城）"]
    html = response.content.decode()
    assert "靖小蜂驿站（白天）" not in html.split('id="nearest-stations"')[1]
    assert "community-nearest.js" in html and "<script>" not in html


def test_the_page_takes_a_chosen_station_as_the_starting_point(make_user, client_for, stations):
    response = client_for(make_user("grid")).get(reverse("community:nearest_stations"),
                                                 {"from": stations[1].pk, "at": "12:00"})
    assert [s.name for s, _ in response.context["found"]][0] == "靖小蜂驿站（汽贸城）"
    assert response.context["found"][0][1] == 0


def test_without_a_position_the_page_only_asks_for_one(make_user, client_for, stations):
    response = client_for(make_user("grid")).get(reverse("community:nearest_stations"))
    assert response.status_code == 200 and response.context["found"] is None
    assert 'id="nearest-locate"' in response.content.decode()


@pytest.mark.parametrize("params, message", [
    ({"lon": "abc", "lat": "31.96"}, "位置无效：经纬度必须是数字。"),
    ({"lon": "31.96", "lat": "120.26"}, "不在中国境内"),
    ({"lon": "NaN", "lat": "Infinity"}, "经纬度必须是数字"),
    ({"from": "99999999999999999999"}, "所选的起点站点不存在。"),
    ({"from": "1", "at": "25:99"}, "时间格式应为"),
])
def test_bad_input_gets_a_chinese_message(make_user, client_for, stations, params, message):
    response = client_for(make_user("grid")).get(reverse("community:nearest_stations"), params)
    assert response.status_code == 400 and message in response.context["error"]
    assert response.context["found"] is None


def test_the_page_needs_the_right_to_see_stations(make_user, client_for, stations):
    assert client_for(make_user("economy")).get(reverse("community:nearest_stations")).status_code == 403
