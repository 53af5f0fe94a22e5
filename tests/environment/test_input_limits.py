"""Limits on what the 智慧环保 module accepts: a patrol's times, a cleared track, water-body
outlines, decimal commas in values, values beyond any real measurement, and invisible characters
in names. Each limit lives in one place (the model's `clean` or a pure rule), so the page, the API
and the import give the same answer."""
from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from openpark.environment import patrols as patrol_math
from openpark.environment.models import Patrol, RiverChief

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
