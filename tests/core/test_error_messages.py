"""Users see Chinese messages; the details of internal errors go to the log."""
import logging

import pytest
from celery import shared_task
from django.db import IntegrityError
from django.test import Client, override_settings
from django.urls import reverse

from openpark.core import progress

DRIVER_TEXT = 'duplicate key value violates unique constraint "economy_fact_unique"'


@shared_task(name="tests.failing_task")
def failing_task(run_id):
    with progress.Progress(run_id):
        raise IntegrityError(DRIVER_TEXT)


@shared_task(name="tests.refusing_task")
def refusing_task(run_id):
    from django.core.exceptions import ValidationError

    with progress.Progress(run_id):
        raise ValidationError("该批次已发布，不能再修改。")


def test_a_database_error_in_a_task_is_shown_in_chinese_and_logged_in_full(make_user, caplog):
    with caplog.at_level(logging.ERROR):
        run = progress.start(failing_task, "测试任务", make_user())
    run.refresh_from_db()
    assert run.state == "failure"
    assert "内部错误" in run.message and str(run.pk) in run.message
    assert "duplicate" not in run.message
    assert DRIVER_TEXT in caplog.text


def test_a_refusal_in_a_task_keeps_its_chinese_message(make_user):
    run = progress.start(refusing_task, "测试任务", make_user())
    run.refresh_from_db()
    assert run.message == "任务失败：该批次已发布，不能再修改。"


def test_a_task_that_cannot_start_says_so_in_chinese(make_user, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(refusing_task, "delay", unreachable)
    run = progress.start(refusing_task, "测试任务", make_user())
    assert run.state == "failure" and "后台任务服务暂不可用" in run.message and "Connection" not in run.message


@pytest.mark.django_db
def test_a_form_posted_without_csrf_gets_a_chinese_page():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "安全校验失败" in html and "CSRF cookie" not in html


def test_an_api_call_with_a_session_and_no_csrf_token_is_refused_in_chinese(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("community"))
    response = client.post("/api/core/grids/", {"code": "G-1", "name": "网格"}, content_type="application/json")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "CSRF Failed" not in detail and any("\u4e00" <= ch <= "\u9fff" for ch in detail)


def refusal_records(caplog):
    return [r for r in caplog.records if r.name.startswith(("django.request", "django.security", "openpark"))]


@override_settings(DEBUG=True)
def test_a_missing_page_is_chinese_even_in_debug_mode(make_user, client_for):
    client = client_for(make_user("grid"))
    for path in ("/no-such-page/", reverse("role_home", args=["leader"])):  # no route; a view's own 404
        response = client.get(path)
        assert response.status_code == 404
        html = response.content.decode()
        assert "页面不存在" in html and "返回首页" in html
        assert "Page not found" not in html and "URLconf" not in html and "Django" not in html
    api = client.get("/api/no-such-endpoint/")
    assert api.status_code == 404 and api.json() == {"detail": "未找到。", "code": "not_found"}


@override_settings(DEBUG=True)
def test_a_failing_page_is_chinese_in_debug_mode_and_its_traceback_logged(make_user, client_for, monkeypatch,
                                                                           caplog):
    from openpark.core import views

    def broken(user):
        raise RuntimeError("panel exploded")

    monkeypatch.setattr(views, "_home_panels", broken)
    with caplog.at_level(logging.WARNING):
        response = client_for(make_user("grid")).get(reverse("role_home", args=["grid"]))
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器内部错误" in html and "panel exploded" not in html and "Traceback" not in html
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert len(errors) == 1 and errors[0].exc_info is not None and "panel exploded" in caplog.text


@pytest.mark.parametrize("debug", [False, True])
def test_a_refused_request_is_logged_once_in_one_line(make_user, client_for, caplog, settings, debug):
    settings.DEBUG = debug
    client = client_for(make_user("grid"))
    expected = {  # path: (status, the log line)
        reverse("enterprises:enterprise_list"): (403, "Forbidden (Permission denied): /enterprises/enterprises/"),
        "/no-such-page/": (404, "Not Found: /no-such-page/"),
    }
    for path, (status, line) in expected.items():
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert client.get(path).status_code == status
        records = refusal_records(caplog)
        assert [r.getMessage() for r in records] == [line]
        assert records[0].exc_info is None and "Traceback" not in caplog.text


@pytest.mark.django_db
def test_a_csrf_failure_is_logged_once_in_one_line(caplog):
    with caplog.at_level(logging.INFO):
        response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    records = refusal_records(caplog)
    assert len(records) == 1 and records[0].name == "django.security.csrf"
    assert records[0].getMessage().startswith("Forbidden (CSRF cookie not set.)") and "Traceback" not in caplog.text
