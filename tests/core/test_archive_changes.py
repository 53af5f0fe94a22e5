"""Retention of the change records: `archive_changes` writes the records older than the retention
age to a compressed JSON-lines file in the backups folder, then deletes them in bulk; a file it
cannot write deletes nothing."""
import gzip
import io
import json
from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openpark.core.choices import ChangeAction
from openpark.core.models import ChangeRecord, Grid


@pytest.fixture
def aged(db):
    """30 records 400 days old and 5 of yesterday."""
    grid_type = ContentType.objects.get_for_model(Grid)
    now = timezone.now()
    ChangeRecord.objects.bulk_create([
        ChangeRecord(content_type=grid_type, object_id=str(n), object_repr=f"旧网格{n}", action=ChangeAction.UPDATE,
                     time=now - timedelta(days=400, minutes=n), username="zhangsan",
                     before={"name": f"旧网格{n}"}, after={"name": f"新网格{n}"})
        for n in range(30)
    ] + [
        ChangeRecord(content_type=grid_type, object_id=str(n), object_repr=f"近网格{n}", action=ChangeAction.CREATE,
                     time=now - timedelta(days=1))
        for n in range(5)
    ])
    return now


def run(*args) -> str:
    out = io.StringIO()
    call_command("archive_changes", *args, stdout=out)
    return out.getvalue()


def read(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as archive:
        return [json.loads(line) for line in archive]


def test_old_records_go_to_a_compressed_file_then_are_deleted_in_bulk(aged, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    recent = set(ChangeRecord.objects.filter(time__gte=aged - timedelta(days=365)).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        out = run("--older-than-days", "365")
    assert "30 条变更记录归档到" in out
    files = list((tmp_path / "backups" / "changes").glob("changes-before-*.jsonl.gz"))
    assert len(files) == 1 and str(files[0]) in out
    rows = read(files[0])
    assert len(rows) == 30 and {row["object_repr"] for row in rows} == {f"旧网格{n}" for n in range(30)}
    first = rows[0]
    assert first["content_type"] == "core.grid" and first["username"] == "zhangsan" and first["action"] == "update"
    assert first["before"] == {"name": first["object_repr"]}
    assert datetime.fromisoformat(first["time"]).utcoffset() == timedelta(0)
    assert set(ChangeRecord.objects.values_list("pk", flat=True)) == recent
    deletes = [q for q in queries.captured_queries if q["sql"].upper().startswith("DELETE")]
    assert len(deletes) == 1  # one statement for the 30 records, not one each


def test_the_retention_age_defaults_to_the_setting(aged, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    settings.CHANGE_RECORD_RETENTION_DAYS = 500
    assert "无需归档" in run()
    assert ChangeRecord.objects.count() >= 35
    settings.CHANGE_RECORD_RETENTION_DAYS = 399
    assert "30 条" in run()
    assert not ChangeRecord.objects.filter(time__lt=aged - timedelta(days=399)).exists()


def test_a_file_that_cannot_be_written_deletes_nothing(aged, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backups folder should be")
    settings.BACKUP_DIR = blocker
    before = ChangeRecord.objects.count()
    with pytest.raises(CommandError, match="无法写入归档文件.*未删除任何变更记录"):
        run("--older-than-days", "365")
    assert ChangeRecord.objects.count() == before


def test_a_write_failing_midway_leaves_no_file_and_deletes_nothing(aged, settings, tmp_path, monkeypatch):
    from openpark.core import retention

    settings.BACKUP_DIR = tmp_path
    rows = retention._rows

    def failing(queryset):
        for n, row in enumerate(rows(queryset)):
            if n == 10:
                raise OSError(28, "No space left on device")
            yield row

    monkeypatch.setattr(retention, "_rows", failing)
    before = ChangeRecord.objects.count()
    with pytest.raises(CommandError, match="No space left on device"):
        run("--older-than-days", "365")
    assert ChangeRecord.objects.count() == before
    assert not list(tmp_path.rglob("*.jsonl.gz*"))


def test_the_age_must_be_a_positive_number(db):
    with pytest.raises(CommandError):
        run("--older-than-days", "0")
