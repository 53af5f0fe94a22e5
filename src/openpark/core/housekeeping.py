"""Housekeeping: files nobody will fetch any more are removed from media storage.

- Background task results (`TaskRun.result_file`, under task-results/) older than
  `HOUSEKEEPING_TASK_FILE_DAYS`.
- Uploads of imports that never finished (checking, invalid or ready: the user left them), and
  error reports and changes reports, older than `HOUSEKEEPING_UPLOAD_DAYS`. A finished import
  keeps its file, the record of what was imported.
- Files under those folders that no row references, older than the same ages.

A removed file's field is cleared and `file_removed_at` set, so the row stays and its page says
that the file was cleaned up. Runs daily from Celery beat (`core.housekeeping`) or from
`python manage.py housekeeping`.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from .choices import ImportState
from .models import ImportJob, TaskRun

logger = logging.getLogger(__name__)

TASK_RESULTS_FOLDER = "task-results"
IMPORTS_FOLDER = "imports"
UNFINISHED_IMPORTS = (ImportState.CHECKING, ImportState.INVALID, ImportState.READY)
REPORTS = ("error_report", "changes_report")  # made by the check; removed after the uploads' age


@dataclass
class HousekeepingResult:
    task_files: int = 0
    import_files: int = 0
    orphan_files: int = 0

    @property
    def total(self) -> int:
        return self.task_files + self.import_files + self.orphan_files

    def summary(self) -> str:
        return (f"已清理后台任务结果文件 {self.task_files} 个、未完成导入的上传文件、错误报告和变更明细 "
                f"{self.import_files} 个、无记录引用的文件 {self.orphan_files} 个。")


def cutoffs(now: datetime) -> tuple[datetime, datetime]:
    """(task results, uploads): files from before these moments are removed."""
    return (now - timedelta(days=settings.HOUSEKEEPING_TASK_FILE_DAYS),
            now - timedelta(days=settings.HOUSEKEEPING_UPLOAD_DAYS))


def remove_stale_files(now: datetime | None = None, storage=default_storage) -> HousekeepingResult:
    now = now or timezone.now()
    task_cutoff, upload_cutoff = cutoffs(now)
    result = HousekeepingResult(
        task_files=_remove_task_results(task_cutoff, now, storage),
        import_files=_remove_abandoned_uploads(upload_cutoff, now, storage),
    )
    referenced = _referenced_names()
    result.orphan_files = (
        _remove_orphans(TASK_RESULTS_FOLDER, task_cutoff, referenced, storage)
        + _remove_orphans(IMPORTS_FOLDER, upload_cutoff, referenced, storage)
    )
    logger.info("housekeeping: %s", result.summary())
    return result


def _delete(storage, name: str) -> int:
    """Delete a stored file; 1 if it was there. A file already gone still clears its field."""
    if not name or not storage.exists(name):
        return 0
    storage.delete(name)
    return 1


def _remove_task_results(cutoff: datetime, now: datetime, storage) -> int:
    runs = TaskRun.objects.exclude(result_file="").filter(created_at__lt=cutoff)
    removed = 0
    for pk, name in runs.values_list("pk", "result_file"):
        removed += _delete(storage, name)
        TaskRun.objects.filter(pk=pk).update(result_file="", file_removed_at=now)
    return removed


def _remove_abandoned_uploads(cutoff: datetime, now: datetime, storage) -> int:
    old = ImportJob.objects.filter(created_at__lt=cutoff)
    removed = 0
    abandoned = old.filter(state__in=UNFINISHED_IMPORTS).filter(
        ~Q(file="") | ~Q(error_report="") | ~Q(changes_report=""))
    for pk, upload, *reports in abandoned.values_list("pk", "file", *REPORTS):
        removed += sum(_delete(storage, name) for name in (upload, *reports))
        ImportJob.objects.filter(pk=pk).update(file="", file_removed_at=now, **dict.fromkeys(REPORTS, ""))
    finished = old.exclude(state__in=UNFINISHED_IMPORTS).filter(~Q(error_report="") | ~Q(changes_report=""))
    for pk, *reports in finished.values_list("pk", *REPORTS):
        removed += sum(_delete(storage, name) for name in reports)
        ImportJob.objects.filter(pk=pk).update(file_removed_at=now, **dict.fromkeys(REPORTS, ""))
    return removed


def _referenced_names() -> set[str]:
    names = set(TaskRun.objects.exclude(result_file="").values_list("result_file", flat=True))
    for files in ImportJob.objects.values_list("file", *REPORTS):
        names.update(name for name in files if name)
    return names


def _stored_files(storage, folder: str):
    """Every file name under a storage folder, recursively."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _stored_files(storage, f"{folder}/{directory}")


def _remove_orphans(folder: str, cutoff: datetime, referenced: set[str], storage) -> int:
    removed = 0
    for name in list(_stored_files(storage, folder)):
        if name in referenced or storage.get_modified_time(name) >= cutoff:
            continue
        storage.delete(name)
        removed += 1
    _remove_empty_folders(storage, folder)
    return removed


def _remove_empty_folders(storage, folder: str) -> None:
    """Month folders left empty go too (on local disk; object stores have no folders)."""
    if not hasattr(storage, "path"):
        return
    root = Path(storage.path(folder))
    if not root.is_dir():
        return
    # Deepest first, so that a month folder goes before its year folder.
    for directory in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
