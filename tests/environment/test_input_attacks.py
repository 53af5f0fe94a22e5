"""Hostile and careless input to the 智慧环保 module: huge or impossible patrol tracks, sampling
times outside the platform's dates, and the lists' query counts as their rows grow."""
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openpark.environment import patrols as patrol_math
from openpark.environment.models import Patrol, RiverChief

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(yangtze):
    chief = RiverChief.objects.create(name="李河长", level="village", title="村书记")
    chief.water_bodies.set([yangtze])
    return chief


def post_patrol(api, chief, body, track, minutes=60, **extra):
    end = timezone.now() - timedelta(hours=1)
    data = {"chief": chief.pk, "water_body": body.pk, "started_at": (end - timedelta(minutes=minutes)).isoformat(),
            "ended_at": end.isoformat(), "track": track, **extra}
    return api.post("/api/environment/patrols/", data, format="json")


def walk(points: int, step=1e-5) -> dict:
    return {"type": "LineString", "coordinates": [[round(120.2 + i * step, 6), 31.9] for i in range(points)]}


def test_a_track_above_the_point_limit_is_refused_by_the_api_naming_the_limit(chief, yangtze, make_user, api_for):
    api = api_for(make_user("environment"))
    response = post_patrol(api, chief, yangtze, walk(80_000, 1e-6))
    assert response.status_code == 400
    assert "5,000" in str(response.json()) and not Patrol.objects.exists()
    assert post_patrol(api, chief, yangtze, walk(patrol_math.MAX_TRACK_POINTS)).status_code == 201


def test_a_track_above_the_limit_is_refused_by_the_model_on_every_path(chief, yangtze):
    end = timezone.now() - timedelta(hours=1)
    patrol = Patrol(chief=chief, water_body=yangtze, started_at=end - timedelta(hours=1), ended_at=end,
                    track=walk(patrol_math.MAX_TRACK_POINTS + 1))
    with pytest.raises(Exception, match="上限"):
        patrol.full_clean()
    with pytest.raises(Exception, match="上限"):
        patrol.save()
    assert not Patrol.objects.exists()


def test_a_patrol_faster_than_a_boat_is_refused(chief, yangtze, make_user, api_for):
    api = api_for(make_user("environment"))
    back_and_forth = {"type": "LineString", "coordinates": [[120.2, 31.9], [120.21, 31.9]] * 500}  # ~470 km
    response = post_patrol(api, chief, yangtze, back_and_forth)
    assert response.status_code == 400 and "千米/小时" in response.content.decode()
    typed = post_patrol(api, chief, yangtze, None, minutes=60, distance_km="31")
    assert typed.status_code == 400 and "千米/小时" in typed.content.decode()
    assert post_patrol(api, chief, yangtze, None, minutes=60, distance_km="30").status_code == 201
    assert Patrol.objects.get().distance_km == D("30.00")


def test_the_map_thins_a_long_track(chief, yangtze, make_user, client_for):
    end = timezone.now() - timedelta(hours=1)
    track = walk(patrol_math.MAX_TRACK_POINTS, 2e-6)
    Patrol.objects.create(chief=chief, water_body=yangtze, started_at=end - timedelta(hours=1), ended_at=end,
                          track=track)
    data = client_for(make_user("environment")).get(reverse("environment:map_data")).json()
    layer = next(layer for layer in data["layers"] if layer["key"] == "patrols")
    drawn = layer["features"]["features"][0]["geometry"]["coordinates"]
    assert len(drawn) == patrol_math.MAP_TRACK_POINTS
    assert drawn[0] == track["coordinates"][0] and drawn[-1] == track["coordinates"][-1]


# Water samples: a sampling time outside the platform's dates -------------------------------------


@pytest.fixture
def site(yangtze):
    from openpark.environment.models import MonitoringSite
    return MonitoringSite.objects.create(code="ZD01", name="七圩港断面", water_body=yangtze, target_class=3)


def test_a_sampling_time_before_the_first_date_or_in_the_future_is_refused_naming_row_and_column(
        site, make_user, client_for):
    from openpark.environment.models import WaterSample
    from tests.sheets import confirm, latest_job, upload, xlsx
    client = client_for(make_user("environment"))
    rows = [["站点编码", "采样时间", "氨氮"], ["ZD01", "2026-03-05", "0.5"], ["ZD01", "1000-03-05", "0.5"],
            ["ZD01", "2999-03-05", "0.5"], ["ZD01", "1899-12-31 23:59", "0.5"]]
    upload(client, "environment.watersample", xlsx(rows))
    job = latest_job()
    errors = {(e["row"], e["column"]): e["reason"] for e in job.errors}
    assert set(errors) == {(3, "采样时间"), (4, "采样时间"), (5, "采样时间")}, errors
    assert "1900-01-01" in errors[(3, "采样时间")] and "晚于现在" in errors[(4, "采样时间")]
    confirm(client, job)
    assert not WaterSample.all_objects.exists()


def test_a_sheet_time_is_made_aware_at_the_park_s_standard_offset_not_local_mean_time():
    from datetime import datetime

    from openpark.environment.importers import parse_time
    assert parse_time("1900-06-01 09:00").utcoffset() == timedelta(hours=8)  # Asia/Shanghai's LMT is +08:05:43
    assert parse_time(datetime(1900, 6, 1, 9)).utcoffset() == timedelta(hours=8)
    assert parse_time("2026-03-05 09:30").utcoffset() == timedelta(hours=8)
    assert parse_time("1900-06-01 09:00").strftime("%H:%M") == "09:00"


# Lists: the query count does not grow with the rows -----------------------------------------------


def make_patrols(chief, body, segment, count):
    end = timezone.now() - timedelta(days=1)
    Patrol.objects.bulk_create(
        Patrol(chief=chief, water_body=body, segment=segment, started_at=end - timedelta(hours=i + 1, minutes=45),
               ended_at=end - timedelta(hours=i + 1), distance_km=D("2.5")) for i in range(count))


def list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_patrol_list_s_queries_do_not_grow_with_its_rows(chief, yangtze, segment, make_user, client_for, api_for):
    chief.segments.set([segment])
    user = make_user("environment")
    client, api = client_for(user), api_for(user)
    page, api_url = reverse("environment:patrol_list"), "/api/environment/patrols/"
    make_patrols(chief, yangtze, segment, 3)
    list_queries(client, page), list_queries(api, api_url)  # the user's permissions read once
    few = (list_queries(client, page), list_queries(api, api_url))
    make_patrols(chief, yangtze, segment, 27)
    assert Patrol.objects.count() == 30
    assert (list_queries(client, page), list_queries(api, api_url)) == few


def test_the_site_list_s_queries_do_not_grow_with_its_rows(yangtze, segment, make_user, client_for):
    from openpark.environment.models import MonitoringSite

    def sites(first, count):
        MonitoringSite.objects.bulk_create(
            MonitoringSite(code=f"ZD{n:02d}", name=f"断面{n}", water_body=yangtze, segment=segment)
            for n in range(first, first + count))

    client = client_for(make_user("environment"))
    sites(1, 3)
    list_queries(client, reverse("environment:monitoringsite_list"))  # the user's permissions read once
    few = list_queries(client, reverse("environment:monitoringsite_list"))
    sites(4, 27)
    assert list_queries(client, reverse("environment:monitoringsite_list")) == few


# Alerts: one insert of notifications, whatever the number of alerts -------------------------------


def test_the_alert_check_s_queries_do_not_grow_with_the_alerts(make_user):
    from openpark.core.models import Notification
    from openpark.environment import alerts
    from openpark.environment.models import EnvironmentProblem
    make_user("environment"), make_user("environment")
    today = timezone.localdate()

    def overdue(count):
        EnvironmentProblem.objects.bulk_create(
            EnvironmentProblem(category="bank", description=f"岸坡堆放建筑垃圾{n}", found_on=today - timedelta(days=20),
                               deadline=today - timedelta(days=2)) for n in range(count))

    overdue(1)
    alerts.check()  # the content types read once
    overdue(2)
    with CaptureQueriesContext(connection) as few:
        assert alerts.check()["problem_overdue"] == 2
    overdue(20)
    with CaptureQueriesContext(connection) as many:
        assert alerts.check()["problem_overdue"] == 20
    assert len(many.captured_queries) == len(few.captured_queries)
    inserts = [q for q in many.captured_queries if q["sql"].startswith('INSERT INTO "core_notification"')]
    assert len(inserts) == 1  # every alert of every condition in one insert
    assert Notification.objects.count() == 2 * 23


# A lab's result in the change history: as stored, not at two decimals -----------------------------


def test_a_measurement_s_change_history_shows_its_value_as_stored(site, client_for):
    from django.contrib.contenttypes.models import ContentType

    from openpark.core.columns import display_value
    from openpark.core.models import ChangeRecord
    from openpark.environment.models import Measurement, WaterSample
    from tests.factories import UserFactory
    sample = WaterSample.objects.create(site=site, sampled_at=timezone.now() - timedelta(days=1))
    measurement = Measurement.objects.create(sample=sample, parameter="mercury", value=D("0.0004"))
    measurement.value = D("0.00005")
    measurement.save()
    record = ChangeRecord.objects.get(content_type=ContentType.objects.get_for_model(Measurement),
                                      object_id=measurement.pk, action="update")
    page = client_for(UserFactory(is_superuser=True)).get(record.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and "0.0004" in text and "0.00005" in text and "°" not in text
    field = Measurement._meta.get_field("value")
    assert display_value(D("3000.00000000"), field) == "3,000" and display_value(D("7.25"), field) == "7.25"
    assert display_value(D("0"), field) == "0"
    assert display_value(D("0.0004")) == "0.00"  # a figure of no such field keeps two decimals
