"""Retention of the change records: records older than the retention age are written to a
compressed JSON-lines file in the backups folder, read back to check it holds them all, and only
then deleted, in bulk. A file that cannot be written deletes nothing.

Each line is one record with every column, the object type as "app_label.model" and times in
ISO 8601, in UTC; `zcat` or any JSON-lines reader opens the file.
"""
import gzip
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .bulk import chunks
from .models import ChangeRecord

logger = logging.getLogger(__name__)
CHUNK = 2000


class ArchiveError(Exception):
    """The archive could not be written; nothing was deleted."""


@dataclass(frozen=True)
class Archived:
    cutoff: datetime
    count: int
    path: Path | None  # None when no record was old enough


def archive_path(folder: Path, cutoff: datetime, now: datetime) -> Path:
    local = timezone.localtime(now)
    return folder / f"changes-before-{timezone.localtime(cutoff):%Y%m%d}-archived-{local:%Y%m%d-%H%M%S}.jsonl.gz"


def _rows(queryset):
    """The records as JSON-ready dicts, every column, in one pass over the table."""
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    names = [field.attname for field in ChangeRecord._meta.concrete_fields]
    for values in queryset.values(*names).iterator(chunk_size=CHUNK):
        values["content_type"] = labels.get(values.pop("content_type_id"), "")
        yield values


def _write(path: Path, queryset) -> list[int]:
    """Write the records to `path` (through a temporary file renamed when complete) and return
    their ids; ArchiveError if any step fails, leaving no file behind."""
    partial = path.with_name(path.name + ".part")
    ids = []
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as archive:
            for row in _rows(queryset):
                archive.write((encoder.encode(row) + "\n").encode("utf-8"))
                ids.append(row["id"])
        with open(partial, "rb") as raw:
            os.fsync(raw.fileno())
        if _count_lines(partial) != len(ids):
            raise ArchiveError(f"归档文件 {path} 读回的记录数与写入的不符")
        partial.rename(path)
    except OSError as exc:
        _remove(partial)
        raise ArchiveError(f"无法写入归档文件 {path}：{exc.strerror or exc}") from exc
    except ArchiveError:
        _remove(partial)
        raise
    return ids


def _remove(partial: Path) -> None:
    if partial.is_file():
        partial.unlink()


def _count_lines(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as archive:
        return sum(1 for line in archive if json.loads(line))


def _delete(ids: list[int]) -> None:
    """Delete the archived records in bulk; the application's own queryset refuses to."""
    with transaction.atomic():
        for chunk in chunks(ids, CHUNK):
            models.QuerySet(ChangeRecord).filter(pk__in=chunk)._raw_delete(ChangeRecord.objects.db)


def archive_changes(older_than_days: int, folder: Path, now: datetime | None = None) -> Archived:
    """Archive then delete the change records older than `older_than_days` days."""
    if older_than_days < 1:
        raise ValueError("保留天数须为正整数。")
    now = now or timezone.now()
    cutoff = now - timedelta(days=older_than_days)
    old = ChangeRecord.objects.filter(time__lt=cutoff).order_by("time", "id")
    if not old.exists():
        return Archived(cutoff, 0, None)
    path = archive_path(Path(folder), cutoff, now)
    ids = _write(path, old)
    _delete(ids)
    logger.info("archived %d change records older than %s to %s", len(ids), cutoff.isoformat(), path)
    return Archived(cutoff, len(ids), path)
