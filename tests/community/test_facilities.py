"""A station's facilities: chosen from the fixed list, read from the names people write, stored as
codes, shown as labels; imported by name (an unknown one refused, nothing written), and filtered
on the station list, in the API and on the nearest-station page."""
from datetime import time
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openpark.community.importers import station_importer
from openpark.community.models import Station
from openpark.community.standards import facilities_text, normalise_facilities, parse_facilities
from openpark.core.models import ChangeRecord
from tests.sheets import read_xlsx, xlsx

HEADER = ["名称", "层级", "驿站类型", "经度", "纬度", "开放时段", "设施"]


def test_names_people_write_are_read_into_codes_in_the_lists_order():
    assert parse_facilities("充电、饮水，应急药箱、微波炉、充电") == (["water", "charging", "first_aid", "hot_meal"], [])
    assert parse_facilities(["rest", "卫生间"]) == (["rest", "toilet"], [])
    assert parse_facilities("") == ([], [])
    assert parse_facilities("饮水、按摩椅、洗车") == (["water"], ["按摩椅", "洗车"])
    assert facilities_text(["water", "hot_meal"]) == "饮水、热饭/微波炉"


def test_an_unknown_facility_is_named_in_the_error():
    with pytest.raises(ValueError, match="没有“按摩椅”这项设施；可选的设施有：饮水、充电"):
        normalise_facilities("饮水、按摩椅")


@pytest.fixture
def stations(db):
    return [
        Station.objects.create(name="有充电", tier="post", kind="xiaoge", longitude=D("120.260"), latitude=D("31.960"),
                               facilities=["water", "charging"]),
        Station.objects.create(name="无充电", tier="post", kind="jingxiaofeng", longitude=D("120.2601"),
                               latitude=D("31.9601"), facilities=["water", "rest"]),
        Station.objects.create(name="有充电但白天开", tier="post", kind="jingxiaofeng", longitude=D("120.2602"),
                               latitude=D("31.9602"), opens_at=time(9), closes_at=time(17), facilities=["charging"]),
    ]


def test_the_model_refuses_an_unknown_facility(stations):
    station = stations[0]
    station.facilities = ["water", "sauna"]
    with pytest.raises(ValidationError) as caught:
        station.full_clean()
    assert "没有“sauna”这项设施" in caught.value.message_dict["facilities"][0]
    station.facilities = "充电、饮水"
    station.full_clean()
    assert station.facilities == ["water", "charging"]


def test_the_form_offers_the_list_and_the_change_log_shows_labels(make_user, client_for, stations):
    client = client_for(make_user("community"))
    station = stations[1]
    form = client.get(reverse("community:station_edit", args=[station.pk])).content.decode()
    assert 'type="checkbox" name="facilities" value="hot_meal"' in form and "热饭/微波炉" in form
    data = {"name": station.name, "tier": "post", "kind": "jingxiaofeng", "longitude": "120.2601",
            "latitude": "31.9601", "facilities": ["charging", "water"]}
    response = client.post(reverse("community:station_edit", args=[station.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    station.refresh_from_db()
    assert station.facilities == ["water", "charging"]
    bad = client.post(reverse("community:station_edit", args=[station.pk]), {**data, "facilities": ["sauna"]})
    assert bad.status_code == 200 and Station.objects.get(pk=station.pk).facilities == ["water", "charging"]
    history = client.get(reverse("community:station_history", args=[station.pk])).content.decode()
    assert "饮水、休息" in history and "饮水、充电" in history and "charging" not in history
    assert ChangeRecord.objects.filter(object_id=station.pk, action="update").exists()


def test_the_list_shows_labels_and_filters_by_facility(make_user, client_for, api_for, stations):
    user = make_user("grid")
    response = client_for(user).get(reverse("community:station_list"), {"facility": "charging"})
    assert response.status_code == 200
    assert {obj.name for obj, _ in response.context["rows"]} == {"有充电", "有充电但白天开"}
    html = response.content.decode()
    assert "饮水、充电" in html and "'charging'" not in html
    api = api_for(user).get("/api/community/stations/", {"facility": "rest"}).json()
    assert [row["name"] for row in api["results"]] == ["无充电"] and api["results"][0]["facilities"] == ["water", "rest"]
    unknown = client_for(user).get(reverse("community:station_list"), {"facility": "sauna"})
    assert unknown.status_code == 200 and not list(unknown.context["rows"])
    assert "筛选条件有误：有此设施" in unknown.content.decode()


def test_the_api_takes_codes_or_names_and_refuses_an_unknown_one(make_user, api_for, stations):
    api = api_for(make_user("community"))
    data = {"name": "新驿站", "tier": "post", "kind": "xiaoge", "longitude": "120.27", "latitude": "31.97"}
    created = api.post("/api/community/stations/", {**data, "facilities": ["charging", "饮水"]}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["facilities"] == ["water", "charging"]
    refused = api.post("/api/community/stations/", {**data, "name": "另一驿站", "facilities": ["按摩椅"]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["facilities"][0].startswith("没有“按摩椅”这项设施；可选的设施有：饮水")
    assert not Station.objects.filter(name="另一驿站").exists()


def test_only_stations_with_the_facility_on_the_nearest_page(make_user, client_for, stations):
    client = client_for(make_user("grid"))
    url = reverse("community:nearest_stations")
    response = client.get(url, {"lon": "120.2600", "lat": "31.9600", "at": "20:00", "facility": "charging"})
    assert response.status_code == 200
    assert [s.name for s, _ in response.context["found"]] == ["有充电"]  # the other one with charging is closed
    assert "只看有充电的" in response.content.decode()
    every = client.get(url, {"lon": "120.2600", "lat": "31.9600", "at": "20:00"})
    assert [s.name for s, _ in every.context["found"]] == ["有充电", "无充电"]
    bad = client.get(url, {"lon": "120.2600", "lat": "31.9600", "facility": "sauna"})
    assert bad.status_code == 400 and "所选的设施不在设施清单中。" in bad.content.decode()


@pytest.mark.django_db
def test_facilities_import_by_name_and_go_round(make_user, client_for):
    rows = [HEADER, ["靖小蜂驿站 01 号", "服务驿站", "靖小蜂", 120.26, 31.96, "08:00-22:00", "饮水、充电、应急药箱"],
            ["靖小蜂驿站 02 号", "服务驿站", "靖小蜂", 120.261, 31.961, "24小时", ""]]
    plan, counts = station_importer.apply(xlsx(rows), "驿站.xlsx")
    assert not plan.errors, plan.errors
    assert Station.objects.get(name="靖小蜂驿站 01 号").facilities == ["water", "charging", "first_aid"]
    assert Station.objects.get(name="靖小蜂驿站 02 号").facilities == []
    exported = client_for(make_user("community")).get(reverse("community:station_list"), {"export": "xlsx"})
    sheet = read_xlsx(exported.content)
    column = sheet[0].index("设施")
    assert {row[column] for row in sheet[1:]} >= {"饮水、充电、急救药箱"}
    plan, counts = station_importer.apply(exported.content, "驿站.xlsx")
    assert not plan.errors and counts["unchanged"] == 2, (plan.errors, counts)


@pytest.mark.django_db
def test_an_unknown_facility_in_a_sheet_writes_nothing():
    rows = [HEADER, ["好驿站", "服务驿站", "靖小蜂", 120.26, 31.96, "", "饮水、充电"],
            ["坏驿站", "服务驿站", "靖小蜂", 120.26, 31.96, "", "饮水、按摩椅、洗车"]]
    plan, counts = station_importer.apply(xlsx(rows), "驿站.xlsx")
    assert counts is None and not Station.objects.exists()
    [error] = plan.errors
    assert (error.row, error.column, error.value) == (3, "设施", "饮水、按摩椅、洗车")
    assert error.reason.startswith("没有“按摩椅、洗车”这项设施；可选的设施有：饮水、充电、休息")
