"""Users see Chinese messages; the details of internal errors go to the log."""
import logging

import pytest
from celery import shared_task
from django.db import IntegrityError
from django.test import Client
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
