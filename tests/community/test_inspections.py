"""Inspections of a station against the standard checklist: the one result function, the model's
rules on every path, the filters that use the same rule, and the panel on the station's page."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openpark.community.models import Station, StationInspection
from openpark.community.standards import CHECKLIST, CHECKLIST_FIELDS, inspection_result

ALL_MET = dict.fromkeys(CHECKLIST_FIELDS, True)


def test_every_item_met_is_up_to_standard():
    result = inspection_result(ALL_MET)
    assert result.passed and result.failed == () and result.text == "达标"


def test_the_failed_items_are_named_in_the_checklists_order():
    result = inspection_result({**ALL_MET, "records_kept": False, "fire_equipment": False})
    assert not result.passed and result.failed == ("消防器材", "台账记录")
    assert result.text == "不达标（2 项未达标：消防器材、台账记录）"


def test_an_item_left_unmarked_is_not_met():
    marks = dict(ALL_MET)
    del marks["signage"]
    assert inspection_result(marks).failed == ("标识标牌统一",)
    assert len(CHECKLIST) == len(set(CHECKLIST_FIELDS)) >= 10


@pytest.fixture
def stations(db):
    return [Station.objects.create(name=name, tier="post", kind="jingxiaofeng", longitude=D("120.26"),
                                   latitude=D("31.96"), facilities=["water"])
            for name in ("甲驿站", "乙驿站", "丙驿站")]


def inspect(station, on, rectify_by=None, **marks):
    return StationInspection.objects.create(station=station, inspected_on=on, inspector="周丽", rectify_by=rectify_by,
                                            **{**ALL_MET, **marks})


def test_an_inspection_cannot_be_dated_in_the_future(stations):
    tomorrow = timezone.localdate() + timedelta(days=1)
    inspection = StationInspection(station=stations[0], inspected_on=tomorrow, inspector="周丽")
    with pytest.raises(ValidationError) as caught:
        inspection.full_clean()
    assert caught.value.message_dict["inspected_on"] == [f"检查日期不能晚于今天（{timezone.localdate():%Y-%m-%d}）。"]


def test_a_failed_inspection_needs_a_deadline_not_before_it(stations):
    inspection = StationInspection(station=stations[0], inspected_on=date(2026, 3, 1), inspector="周丽",
                                   **{**ALL_MET, "tidy": False})
    with pytest.raises(ValidationError) as caught:
        inspection.full_clean()
    assert caught.value.message_dict["rectify_by"] == ["检查不达标（卫生整洁），须填写整改期限。"]
    inspection.rectify_by = date(2026, 2, 1)
    with pytest.raises(ValidationError) as caught:
        inspection.full_clean()
    assert caught.value.message_dict["rectify_by"] == ["整改期限不能早于检查日期。"]
    inspection.rectify_by = date(2026, 3, 31)
    inspection.full_clean()
    passed = StationInspection(station=stations[0], inspected_on=date(2026, 3, 1), inspector="周丽",
                               rectify_by=date(2026, 3, 31), **ALL_MET)
    with pytest.raises(ValidationError) as caught:
        passed.full_clean()
    assert caught.value.message_dict["rectify_by"] == ["检查达标，不需要整改期限。"]


def test_the_page_and_the_api_refuse_the_same_inspection(make_user, client_for, api_for, stations):
    user = make_user("community")
    data = {"station": stations[0].pk, "inspected_on": "2026-03-01", "inspector": "周丽",
            **dict.fromkeys(CHECKLIST_FIELDS, "on")}
    del data["first_aid_kit"]  # an unticked box: not met
    page = client_for(user).post(reverse("community:stationinspection_add"), data)
    assert page.status_code == 200 and "检查不达标（急救药箱），须填写整改期限。" in page.content.decode()
    api = api_for(user).post("/api/community/station-inspections/",
                             {**data, **ALL_MET, "first_aid_kit": False}, format="json")
    assert api.status_code == 400 and api.json()["errors"]["rectify_by"] == ["检查不达标（急救药箱），须填写整改期限。"]
    assert not StationInspection.objects.exists()
    created = api_for(user).post("/api/community/station-inspections/",
                                 {**data, **ALL_MET, "first_aid_kit": False, "rectify_by": "2026-03-15"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["result_text"] == "不达标（1 项未达标：急救药箱）"
    assert created.json()["failed_items"] == ["急救药箱"]


@pytest.fixture
def inspected(stations):
    """甲: failed before, passed last; 乙: passed before, failed last; 丙: never inspected."""
    a, b, _ = stations
    inspect(a, date(2026, 1, 5), date(2026, 2, 5), tidy=False)
    inspect(a, date(2026, 6, 1))
    inspect(b, date(2026, 1, 5))
    latest = inspect(b, date(2026, 6, 1), date(2026, 7, 1), fire_equipment=False, records_kept=False)
    return latest


def test_stations_by_their_latest_inspection(make_user, client_for, api_for, inspected):
    user = make_user("grid")
    client = client_for(user)

    def listed(value):
        response = client.get(reverse("community:station_list"), {"latest_inspection": value})
        assert response.status_code == 200
        return {obj.name for obj, _ in response.context["rows"]}

    assert listed("failed") == {"乙驿站"}
    assert listed("passed") == {"甲驿站"}
    assert listed("none") == {"丙驿站"}
    api = api_for(user).get("/api/community/stations/", {"latest_inspection": "failed"}).json()
    assert [row["name"] for row in api["results"]] == ["乙驿站"]


def test_inspections_by_result_page_api_and_export(make_user, client_for, api_for, inspected):
    user = make_user("community")
    response = client_for(user).get(reverse("community:stationinspection_list"), {"result": "failed"})
    rows = [obj for obj, _ in response.context["rows"]]
    assert {(r.station.name, r.inspected_on) for r in rows} == {("甲驿站", date(2026, 1, 5)), ("乙驿站", date(2026, 6, 1))}
    assert "不达标（2 项未达标：消防器材、台账记录）" in response.content.decode()
    api = api_for(user).get("/api/community/station-inspections/", {"result": "passed"}).json()
    assert sorted(row["result_text"] for row in api["results"]) == ["达标", "达标"]
    from tests.sheets import read_xlsx

    sheet = read_xlsx(client_for(user).get(reverse("community:stationinspection_list"),
                                           {"export": "xlsx", "result": "failed"}).content)
    column = sheet[0].index("检查结果")
    assert sorted(row[column] for row in sheet[1:]) == ["不达标（1 项未达标：卫生整洁）",
                                                          "不达标（2 项未达标：消防器材、台账记录）"]


def test_the_station_page_shows_the_latest_inspection_and_its_failed_items(make_user, client_for, inspected,
                                                                           stations):
    client = client_for(make_user("community"))
    html = client.get(reverse("community:station_detail", args=[stations[1].pk])).content.decode()
    panel = html.split('id="station-inspection"')[1].split("</div>")[0]
    assert "2026-06-01" in panel and "不达标" in panel and "2026-07-01" in panel
    assert "<li>消防器材</li><li>台账记录</li>" in panel
    assert "全部检查记录（2 次）" in panel and f"?station={stations[1].pk}" in panel and "登记检查" in panel
    passed = client.get(reverse("community:station_detail", args=[stations[0].pk])).content.decode()
    panel = passed.split('id="station-inspection"')[1].split("</div>")[0]
    assert "达标" in panel and "未达标项" not in panel
    never = client.get(reverse("community:station_detail", args=[stations[2].pk])).content.decode()
    assert "尚无检查记录。" in never


def test_a_grid_worker_sees_the_panel_but_may_not_record_an_inspection(make_user, client_for, inspected, stations):
    client = client_for(make_user("grid"))
    html = client.get(reverse("community:station_detail", args=[stations[1].pk])).content.decode()
    assert 'id="station-inspection"' in html and "登记检查" not in html
    assert client.get(reverse("community:stationinspection_add")).status_code == 403
    assert client_for(make_user()).get(reverse("community:station_detail", args=[stations[1].pk])).status_code == 403


def test_the_checklist_starts_unticked_so_that_met_is_said_item_by_item(make_user, client_for, stations):
    """A box nobody ticked is not met: an inspection saved untouched is 不达标 on every item."""
    untouched = StationInspection(station=stations[0], inspected_on=date(2026, 3, 1))
    assert len(untouched.failed_items) == len(CHECKLIST_FIELDS)
    form = client_for(make_user("community")).get(reverse("community:stationinspection_add")).context["form"]
    assert not any(form[name].value() for name in CHECKLIST_FIELDS)
