"""Housekeeping removes old task results and abandoned uploads, keeps what is recent or finished,
and leaves the rows saying that the file was cleaned up."""
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from openpark.core.choices import ImportState, TaskState
from openpark.core.models import ImportJob, TaskRun
from tests.core.test_settings import settings_value

IMPORTER = "enterprises.enterprise"


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def housekeeping() -> str:
    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    return out.getvalue()


def stored(settings, name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def task_run(user, age_days: float) -> TaskRun:
    run = TaskRun.objects.create(name="core.export_list", label="导出企业", user=user, state=TaskState.SUCCESS,
                                 finished_at=timezone.now())
    run.result_file.save("企业-导出.xlsx", ContentFile(b"PK-result"), save=True)
    TaskRun.objects.filter(pk=run.pk).update(created_at=days_ago(age_days))
    return TaskRun.objects.get(pk=run.pk)


def import_job(user, state: str, age_days: float, report: bool = False, changes: bool = False) -> ImportJob:
    job = ImportJob.objects.create(importer=IMPORTER, user=user, state=state, filename="企业名单.xlsx",
                                   file=ContentFile(b"PK-upload", name="企业名单.xlsx"))
    if report:
        job.error_report.save("企业名单-错误报告.xlsx", ContentFile(b"PK-report"), save=True)
    if changes:
        job.changes_report.save("企业名单-变更明细.xlsx", ContentFile(b"PK-changes"), save=True)
    ImportJob.objects.filter(pk=job.pk).update(created_at=days_ago(age_days))
    return ImportJob.objects.get(pk=job.pk)


@pytest.fixture
def editor(make_user):
    return make_user("economy")


def test_old_task_results_are_removed_and_the_row_says_so(editor, client_for, settings):
    settings.HOUSEKEEPING_TASK_FILE_DAYS = 30
    old, recent = task_run(editor, 31), task_run(editor, 29)
    output = housekeeping()
    assert "已清理后台任务结果文件 1 个" in output
    assert not stored(settings, old.result_file.name).exists()
    assert stored(settings, recent.result_file.name).read_bytes() == b"PK-result"
    old.refresh_from_db()
    assert old.result_file.name == "" and old.file_removed_at is not None
    client = client_for(editor)
    page = client.get(old.get_absolute_url()).content.decode()
    assert "结果文件已清理" in page and "下载结果文件" not in page
    assert client.get(reverse("core:taskrun_download", args=[old.pk])).status_code == 404
    assert "下载结果文件" in client.get(recent.get_absolute_url()).content.decode()


def test_abandoned_uploads_go_and_finished_imports_keep_their_file(editor, client_for, settings):
    settings.HOUSEKEEPING_UPLOAD_DAYS = 7
    ready = import_job(editor, ImportState.READY, 8, changes=True)
    invalid = import_job(editor, ImportState.INVALID, 8, report=True)
    checking = import_job(editor, ImportState.CHECKING, 30)
    done = import_job(editor, ImportState.DONE, 30, changes=True)
    importing = import_job(editor, ImportState.IMPORTING, 30)
    recent = import_job(editor, ImportState.READY, 6, changes=True)
    names = {job.pk: (job.file.name, job.error_report.name, job.changes_report.name) for job in ImportJob.objects.all()}

    assert "未完成导入的上传文件、错误报告和变更明细 6 个" in housekeeping()

    for job in (ready, invalid, checking):
        job.refresh_from_db()
        assert (job.file.name, job.error_report.name, job.changes_report.name) == ("", "", "")
        assert job.file_removed_at is not None
        assert not any(stored(settings, name).exists() for name in names[job.pk] if name)
    done.refresh_from_db()
    assert done.changes_report.name == "" and not stored(settings, names[done.pk][2]).exists()
    for job in (done, importing, recent):
        job.refresh_from_db()
        assert stored(settings, job.file.name).read_bytes() == b"PK-upload"
    for job in (importing, recent):
        assert job.file_removed_at is None
    assert stored(settings, recent.changes_report.name).read_bytes() == b"PK-changes"
    assert ImportJob.objects.count() == 6

    client = client_for(editor)
    page = client.get(ready.get_absolute_url()).content.decode()
    assert "文件已清理" in page and "确认导入" not in page
    response = client.post(reverse("core:importjob_confirm", args=[ready.pk]), follow=True)
    assert "上传的文件已清理，不能再导入" in response.content.decode()
    ready.refresh_from_db()
    assert ready.state == ImportState.READY and ready.apply_run is None
    assert "下载错误报告" not in client.get(invalid.get_absolute_url()).content.decode()


def test_unreferenced_files_older_than_the_age_are_removed(editor, settings):
    settings.HOUSEKEEPING_TASK_FILE_DAYS, settings.HOUSEKEEPING_UPLOAD_DAYS = 30, 7
    kept_run = task_run(editor, 1)

    def orphan(name: str, age_days: float) -> Path:
        path = stored(settings, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"orphan")
        moment = days_ago(age_days).timestamp()
        os.utime(path, (moment, moment))
        return path

    old_result = orphan("task-results/2025/01/遗留结果.xlsx", 31)
    young_result = orphan("task-results/2026/11/刚生成.xlsx", 29)
    old_upload = orphan("imports/2025/01/无记录上传.csv", 8)
    young_upload = orphan("imports/2026/11/正在上传.csv", 6)
    other_folder = orphan("reports/2025/01/报告.pdf", 400)

    assert "无记录引用的文件 2 个" in housekeeping()
    assert not old_result.exists() and not old_upload.exists()
    assert young_result.exists() and young_upload.exists() and other_folder.exists()
    assert not old_result.parent.exists() and not old_upload.parent.parent.exists()  # empty folders too
    assert stored(settings, kept_run.result_file.name).exists()


def test_the_celery_task_runs_the_same_housekeeping_daily(editor, settings):
    from openpark.celery import app
    from openpark.core.tasks import housekeeping as task

    settings.HOUSEKEEPING_TASK_FILE_DAYS = 30
    task_run(editor, 40)
    assert task.delay().get() == {"task_files": 1, "import_files": 0, "orphan_files": 0}
    entry = settings.CELERY_BEAT_SCHEDULE["housekeeping"]
    assert entry["task"] == task.name and entry["task"] in app.tasks
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)


def test_ages_come_from_the_environment(tmp_path):
    env = {"DEBUG": "1", "HOUSEKEEPING_TASK_FILE_DAYS": "90", "HOUSEKEEPING_UPLOAD_DAYS": "3"}
    assert settings_value("[settings.HOUSEKEEPING_TASK_FILE_DAYS, settings.HOUSEKEEPING_UPLOAD_DAYS]",
                          env, tmp_path) == [90, 3]
    assert settings_value("[settings.HOUSEKEEPING_TASK_FILE_DAYS, settings.HOUSEKEEPING_UPLOAD_DAYS]",
                          {"DEBUG": "1"}, tmp_path) == [30, 7]
