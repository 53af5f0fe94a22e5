"""A session ends after SESSION_COOKIE_AGE seconds without a request; opening pages reads it and
moves its expiry forward at most once every SESSION_TOUCH_SECONDS."""
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/core/todo/"


def session_writes(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return sum('"django_session"' in q["sql"] and q["sql"].startswith(("UPDATE", "INSERT")) for q in queries)


def test_pages_opened_within_a_minute_read_the_session_without_writing_it(client, make_user):
    client.force_login(make_user("economy"))  # signing in is the session's first touch
    assert [session_writes(client) for _ in range(3)] == [0, 0, 0]


def test_signing_in_through_the_form_saves_the_touch_with_the_session(client, make_user):
    make_user("economy", username="zhang")
    client.post(reverse("login"), {"username": "zhang", "password": PASSWORD})
    assert session_writes(client) == 0


def test_the_expiry_moves_forward_once_the_interval_has_passed(client, make_user, monkeypatch, settings):
    client.force_login(make_user("economy"))
    client.get(PAGE)
    before = Session.objects.get().expire_date
    later = time.time() + settings.SESSION_TOUCH_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert session_writes(client) == 1
    assert Session.objects.get().expire_date > before
    assert session_writes(client) == 0


def test_an_idle_session_has_ended(client, make_user):
    client.force_login(make_user("economy"))
    client.get(PAGE)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_anonymous_visit_makes_no_session(client):
    client.get(reverse("login"))
    assert not Session.objects.exists()
