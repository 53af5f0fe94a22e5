"""Limits on what the 智慧环保 module accepts: a patrol's times, a cleared track, water-body
outlines, decimal commas in values, values beyond any real measurement, and invisible characters
in names. Each limit lives in one place (the model's `clean` or a pure rule), so the page, the API
and the import give the same answer."""
import csv
from datetime import datetime, timedelta
from decimal import Decimal as D

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openpark.core.text import visible_line
from openpark.enterprises.models import Zone
from openpark.environment import models, patrols as patrol_math, water_quality as wq
from openpark.environment.models import (
    Measurement, MonitoringSite, Outfall, Patrol, RiverChief, RiverSegment, WaterBody, WaterSample,
)
from tests.sheets import confirm, latest_job, upload, xlsx

pytestmark = pytest.mark.django_db

LINE = {"type": "LineString", "coordinates": [[120.20, 31.90], [120.22, 31.90], [120.24, 31.90]]}  # ~3.8 km


@pytest.fixture
def chief(yangtze):
    chief = RiverChief.objects.create(name="李河长", level="village", title="村书记")
    chief.water_bodies.set([yangtze])
    return chief


@pytest.fixture
def api(make_user, api_for):
    return api_for(make_user("environment"))


def patrol_data(chief, body, start, end, **extra):
    return {"chief": chief.pk, "water_body": body.pk, "started_at": start.isoformat(), "ended_at": end.isoformat(),
            **extra}


# A patrol's times -----------------------------------------------------------------------------------

def test_the_pure_rule_refuses_a_future_end_a_reversed_one_and_a_patrol_over_a_day():
    now = datetime(2026, 11, 30, 12, 0)
    start = now - timedelta(hours=2)
    assert patrol_math.time_errors(start, now - timedelta(hours=1), now) == {}
    assert patrol_math.time_errors(start, now + patrol_math.CLOCK_SKEW, now) == {}
    assert "晚于现在" in patrol_math.time_errors(start, datetime(2100, 12, 31), now)["ended_at"]
    assert "晚于开始" in patrol_math.time_errors(start, start, now)["ended_at"]
    day = now - timedelta(hours=patrol_math.MAX_PATROL_HOURS, minutes=1)
    assert "24 小时" in patrol_math.time_errors(day, now, now)["ended_at"]
    assert patrol_math.time_errors(now - timedelta(hours=24), now, now) == {}


@pytest.mark.parametrize("end", [datetime(2100, 12, 31, 23, 59), datetime(9999, 12, 31, 23, 59)])
def test_an_end_in_the_far_future_is_refused_by_the_api_and_the_model(chief, yangtze, api, end):
    start = timezone.now() - timedelta(hours=2)
    end = timezone.make_aware(end)
    response = api.post("/api/environment/patrols/", patrol_data(chief, yangtze, start, end, distance_km="3"),
                        format="json")
    assert response.status_code == 400
    assert "结束时间不能晚于现在" in str(response.json()["errors"]["ended_at"])
    patrol = Patrol(chief=chief, water_body=yangtze, started_at=start, ended_at=end, distance_km=D("3"))
    with pytest.raises(Exception, match="结束时间不能晚于现在"):
        patrol.full_clean()
    assert not Patrol.objects.exists()


def test_a_patrol_longer_than_a_day_is_refused_by_the_api_and_the_page(chief, yangtze, api, make_user, client_for):
    end = timezone.now() - timedelta(hours=1)
    start = end - timedelta(days=3)
    response = api.post("/api/environment/patrols/", patrol_data(chief, yangtze, start, end, distance_km="3"),
                        format="json")
    assert response.status_code == 400 and "24 小时" in str(response.json()["errors"]["ended_at"])
    client = client_for(make_user("environment"))
    page = client.post("/environment/patrols/add/", {
        "chief": chief.pk, "water_body": yangtze.pk, "started_at": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
        "ended_at": timezone.localtime(end).strftime("%Y-%m-%d %H:%M"), "distance_km": "3"})
    assert page.status_code == 200 and "24 小时" in page.content.decode()
    assert not Patrol.objects.exists()


# A cleared track ------------------------------------------------------------------------------------

def stored_patrol(chief, body) -> Patrol:
    end = timezone.now() - timedelta(hours=1)
    patrol = Patrol(chief=chief, water_body=body, started_at=end - timedelta(hours=1), ended_at=end, track=LINE)
    patrol.full_clean()
    patrol.save()
    assert patrol.distance_km == D("3.78")
    return patrol


def test_clearing_the_track_through_the_api_clears_the_distance_it_gave(chief, yangtze, api):
    patrol = stored_patrol(chief, yangtze)
    response = api.patch(f"/api/environment/patrols/{patrol.pk}/", {"track": []}, format="json")
    assert response.status_code == 200, response.content
    patrol.refresh_from_db()
    assert patrol.track is None and patrol.distance_km is None
    assert response.json()["distance_km"] is None


def test_clearing_the_track_keeps_a_distance_written_with_it(chief, yangtze, api):
    patrol = stored_patrol(chief, yangtze)
    response = api.patch(f"/api/environment/patrols/{patrol.pk}/", {"track": None, "distance_km": "2.50"},
                         format="json")
    assert response.status_code == 200, response.content
    patrol.refresh_from_db()
    assert patrol.track is None and patrol.distance_km == D("2.50")


def test_clearing_the_track_on_the_page_clears_the_distance_shown_with_it(chief, yangtze, make_user, client_for):
    patrol = stored_patrol(chief, yangtze)
    client = client_for(make_user("environment"))
    response = client.post(f"/environment/patrols/{patrol.pk}/edit/", {
        "chief": chief.pk, "water_body": yangtze.pk,
        "started_at": timezone.localtime(patrol.started_at).strftime("%Y-%m-%d %H:%M:%S"),
        "ended_at": timezone.localtime(patrol.ended_at).strftime("%Y-%m-%d %H:%M:%S"),
        "track": "", "distance_km": "3.78"})  # the form sends back the distance it showed
    assert response.status_code == 302, response.content.decode()[:3000]
    patrol.refresh_from_db()
    assert patrol.track is None and patrol.distance_km is None


# A water body's outline ----------------------------------------------------------------------------

def river(points: int) -> dict:
    return {"type": "LineString", "coordinates": [[round(120.0 + i * 1e-5, 6), 31.9] for i in range(points)]}


def test_an_outline_above_the_point_limit_is_refused_in_chinese_by_the_api_and_the_model(yangtze, api):
    limit = models.MAX_GEOMETRY_POINTS
    response = api.patch(f"/api/environment/water-bodies/{yangtze.pk}/", {"geometry": river(100_000)}, format="json")
    assert response.status_code == 400
    assert "100,000 个坐标点，超过上限 20,000 个" in str(response.json()["errors"]["geometry"])
    yangtze.refresh_from_db()
    assert yangtze.geometry is None
    polygon = {"type": "MultiPolygon", "coordinates": [[[[120.0, 31.9], *river(limit)["coordinates"][1:], [120.0, 31.9]]]]}
    segment = RiverSegment(water_body=yangtze, name="新段", geometry=polygon)
    with pytest.raises(ValidationError, match="超过上限"):
        segment.full_clean()
    ok = api.patch(f"/api/environment/water-bodies/{yangtze.pk}/", {"geometry": river(limit)}, format="json")
    assert ok.status_code == 200, ok.content


def geometry_reads(client, url) -> list[str]:
    """The queries of a page that read a water body's or segment's outline column."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries
            if '"environment_waterbody"."geometry"' in q["sql"] or '"environment_riversegment"."geometry"' in q["sql"]]


def test_lists_and_panels_that_name_a_water_body_never_read_its_outline(chief, yangtze, segment, make_user,
                                                                         client_for, api_for):
    yangtze.geometry = river(5000)
    yangtze.save()
    segment.geometry = river(3000)
    segment.save()
    chief.segments.set([segment])
    end = timezone.now() - timedelta(hours=2)
    Patrol.objects.create(chief=chief, water_body=yangtze, segment=segment, started_at=end - timedelta(hours=1),
                          ended_at=end, distance_km=D("3"))
    MonitoringSite.objects.create(code="ZD01", name="城南断面", water_body=yangtze, segment=segment)
    user = make_user("environment")
    client, api = client_for(user), api_for(user)
    for url in ("/environment/patrols/", "/environment/sites/", "/environment/segments/", "/environment/water-bodies/",
                f"/environment/river-chiefs/{chief.pk}/", f"/environment/patrols/{Patrol.objects.get().pk}/"):
        assert geometry_reads(client, url) == [], url
    # A water body's or segment's own page reads its own outline, once, with its panels reading none.
    for url in (f"/environment/water-bodies/{yangtze.pk}/", f"/environment/segments/{segment.pk}/"):
        assert len(geometry_reads(client, url)) == 1, url
    for url in ("/api/environment/patrols/?page_size=200", "/api/environment/sites/"):
        assert geometry_reads(api, url) == [], url


def test_the_map_draws_a_large_outline_thinned_and_once(yangtze, make_user, client_for):
    from openpark.environment.map import MAP_WATER_POINTS, map_layers

    yangtze.geometry = river(models.MAX_GEOMETRY_POINTS)
    yangtze.save()
    layers = {layer["key"]: layer for layer in map_layers(make_user("environment"))["layers"]}
    features = layers["waters"]["features"]["features"]
    assert len(features) == 1
    drawn = features[0]["geometry"]["coordinates"]
    assert len(drawn) == MAP_WATER_POINTS
    assert drawn[0] == yangtze.geometry["coordinates"][0] and drawn[-1] == yangtze.geometry["coordinates"][-1]


# Decimal commas in values -------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["0,5", "0,05L", "12,34", "1,500", "０，５", "<0,01", "ND(0,01)"])
def test_a_comma_that_may_be_a_decimal_comma_is_refused_never_read_as_thousands(written):
    with pytest.raises(ValueError, match="请用小数点“.”，不要用逗号"):
        wq.parse_measurement(written)


@pytest.mark.parametrize(("written", "value"), [("1,234.5", 1234.5), ("12,345,678", 12345678.0), ("0.5", 0.5)])
def test_thousands_that_cannot_be_anything_else_are_read(written, value):
    assert wq.parse_measurement(written).value == value


def test_the_sample_form_refuses_a_decimal_comma_under_its_parameter(yangtze, make_user, client_for):
    site = MonitoringSite.objects.create(code="QW01", name="七圩港上游", water_body=yangtze)
    client = client_for(make_user("environment"))
    response = client.post(reverse("environment:watersample_add"), {
        "site": site.pk, "sampled_at": "2026-03-10T09:30", "p_ammonia_nitrogen": "0,5", "p_total_phosphorus": "0,05L"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "不要用逗号" in form.errors["p_ammonia_nitrogen"][0] and "不要用逗号" in form.errors["p_total_phosphorus"][0]
    assert not WaterSample.all_objects.exists() and not Measurement.objects.exists()


def test_the_sample_import_refuses_a_decimal_comma_and_writes_nothing(yangtze, make_user, client_for):
    MonitoringSite.objects.create(code="QW01", name="七圩港上游", water_body=yangtze)
    client = client_for(make_user("environment"))
    upload(client, "environment.watersample", xlsx([["站点编码", "采样时间", "氨氮", "化学需氧量"],
                                                    ["QW01", "2026-03-05 09:30", "12,34", "18"]]))
    job = latest_job()
    assert job.state == "invalid"
    assert any("不要用逗号" in error["reason"] and error["column"] == "氨氮" for error in job.errors), job.errors
    confirm(client, job)
    assert not WaterSample.all_objects.exists()


def cli(tmp_path, rows):
    source, target = tmp_path / "样品.csv", tmp_path / "结果.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return wq.main(["--input", str(source), "--output", str(target)]), target


def test_the_command_line_refuses_a_decimal_comma(tmp_path, capsys):
    code, target = cli(tmp_path, [["样品编号", "氨氮"], ["S1", "0,5"]])
    assert code == 2 and not target.exists()
    assert "“0,5”含有逗号：请用小数点" in capsys.readouterr().err


# Values beyond any water ---------------------------------------------------------------------------

def test_a_value_beyond_any_water_is_refused_by_the_single_path_and_the_command_line(tmp_path, capsys):
    with pytest.raises(ValueError, match="超出化学需氧量的合理范围"):
        wq.assess({"cod": 1e22})
    with pytest.raises(ValueError, match="超出化学需氧量的合理范围"):
        wq.assess({"cod": "1e22"})
    with pytest.raises(ValueError, match="超出氨氮的合理范围"):
        wq.measurement("ammonia_nitrogen", "1e22L")  # a detection limit too
    code, target = cli(tmp_path, [["样品编号", "COD"], ["S1", "1e22"]])
    assert code == 2 and not target.exists()
    assert "超出化学需氧量的合理范围" in capsys.readouterr().err


@pytest.mark.parametrize("parameter", [p.key for p in wq.PARAMETERS if p.counts and p.has_multiple])
def test_the_single_and_the_vectorised_paths_agree_at_the_ceiling(parameter):
    ceiling = wq.PARAMETER[parameter].ceiling
    single = wq.assess({parameter: ceiling})
    table = wq.grade_table({parameter: np.array([ceiling])})
    assert table.exceedance_texts()[0] == single.exceedance_text
    assert int(table.water_class[0]) == single.water_class == wq.WaterClass.WORSE_THAN_V
    with pytest.raises(ValueError, match="合理范围"):
        wq.assess({parameter: ceiling * 1.001})


@pytest.mark.parametrize("value", [1e15, 1e22, 1.7e308])
def test_the_vectorised_path_writes_a_huge_multiple_as_the_single_label_does(value):
    table = wq.grade_table({"cod": np.array([value, 45.0])})
    texts = table.exceedance_texts()
    assert texts[0] == wq.exceedance_label("cod", (value - 20) / 20)
    assert "-" not in texts[0] and texts[1] == "化学需氧量（1.25 倍）"


# Invisible and direction-control characters in names -------------------------------------------------

ZERO_WIDTH, OVERRIDE = "\u200b", "\u202e"


def test_a_name_that_passes_for_another_or_reads_reversed_is_cleaned_on_the_api_and_the_page(
        yangtze, api, make_user, client_for):
    WaterBody.objects.create(name="七圩港")
    twin = api.post("/api/environment/water-bodies/", {"name": "七圩港" + ZERO_WIDTH, "kind": "canal"}, format="json")
    assert twin.status_code == 400 and "已有同名水体" in str(twin.json()["errors"]["name"])
    empty = api.post("/api/environment/water-bodies/", {"name": ZERO_WIDTH * 3 + "\u2060\ufeff"}, format="json")
    assert empty.status_code == 400 and "不可见字符" in str(empty.json()["errors"]["name"])
    reversed_ = api.post("/api/environment/water-bodies/", {"name": OVERRIDE + "港圩七", "kind": "canal"}, format="json")
    assert reversed_.status_code == 201 and reversed_.json()["name"] == "港圩七"
    client = client_for(make_user("environment"))
    page = client.post("/environment/water-bodies/add/", {"name": ZERO_WIDTH + "七圩港\u200d", "kind": "canal"})
    assert page.status_code == 200 and "已有同名水体" in page.content.decode()
    assert sorted(WaterBody.objects.values_list("name", flat=True)) == ["七圩港", "港圩七", "长江（靖江段）"]


def test_an_import_matches_a_water_body_written_with_a_zero_width_space(yangtze, segment, make_user, client_for):
    client = client_for(make_user("environment"))
    header = ["排口编码", "排口名称", "排口类别", "经度", "纬度", "受纳水体", "所在河段"]
    upload(client, "environment.outfall", xlsx([header, ["CN001", "七圩港口门排口" + ZERO_WIDTH, "其他排口", 120.265, 31.98,
                                                         "长江（靖江段）" + ZERO_WIDTH, OVERRIDE + "城南段"]]))
    job = latest_job()
    assert job.state == "ready", job.errors
    confirm(client, job)
    outfall = Outfall.objects.get()
    assert (outfall.name, outfall.water_body, outfall.segment) == ("七圩港口门排口", yangtze, segment)


def test_every_app_s_one_line_texts_are_cleaned_by_the_model():
    Zone.objects.create(name="城南片区")
    with pytest.raises(ValidationError, match="已有|已存在"):
        Zone(name="城南片区" + ZERO_WIDTH).full_clean()
    with pytest.raises(ValidationError, match="不可见字符"):
        Zone(name="\u200f\u2066" + ZERO_WIDTH).full_clean()
    zone = Zone(name=OVERRIDE + "城北片区\u202c")
    zone.full_clean()
    assert zone.name == "城北片区"
    assert visible_line(" \u200e七圩港\u2069 ") == "七圩港"


def test_grading_samples_reads_the_water_body_s_kind_not_its_outline(yangtze):
    from openpark.environment.services import grade_samples_by_id

    yangtze.geometry = river(5000)
    yangtze.save()
    site = MonitoringSite.objects.create(code="ZD01", name="城南断面", water_body=yangtze)
    sample = WaterSample.objects.create(site=site, sampled_at=timezone.now() - timedelta(days=1))
    Measurement.objects.create(sample=sample, parameter="ammonia_nitrogen", value=D("1.2"))
    with CaptureQueriesContext(connection) as captured:
        assert grade_samples_by_id([sample.pk]) == 1
    assert not [q for q in captured.captured_queries if '"environment_waterbody"."geometry"' in q["sql"]]
    sample.refresh_from_db()
    assert sample.water_class == 4
