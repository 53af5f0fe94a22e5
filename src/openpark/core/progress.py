"""Background tasks the user can follow: each run is a `TaskRun` row whose progress the task
updates, so the page shows it whether the task runs eagerly or on a Celery worker."""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .choices import TaskState
from .importing import ImportFileError
from .models import TaskRun
from .states import TransitionError

logger = logging.getLogger(__name__)

# Errors whose message is written for the user, in Chinese; any other error's text (a database
# driver's, say) goes to the log only.
USER_FACING_ERRORS = (ValidationError, PermissionDenied, TransitionError, ImportFileError)


def failure_message(exc: BaseException, run_id) -> str:
    if isinstance(exc, USER_FACING_ERRORS):
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return f"任务失败：{text}"[:500]
    return f"任务失败：处理时发生内部错误，详情已记入系统日志（任务编号 {run_id}），请稍后重试或联系管理员。"


def start(task, label: str, user, *args) -> TaskRun:
    """Create the run and hand it to Celery; `task` receives the run id as its first argument."""
    run = TaskRun.objects.create(name=task.name, label=_fit(label, TaskRun._meta.get_field("label").max_length),
                                 user=user)
    if task.app.conf.task_always_eager:
        _send(task, run, args)  # in-process: it sees this transaction's rows as they are
    else:
        transaction.on_commit(lambda: _send(task, run, args))  # a worker sees committed rows only
    run.refresh_from_db()
    return run


def _fit(text: str, length: int) -> str:
    """A label built from what a user typed (a file name, say) cut to the column's length."""
    return text if len(text) <= length else text[:length - 1] + "…"


def _send(task, run: TaskRun, args) -> None:
    try:
        task.delay(str(run.pk), *args)
    except Exception as exc:
        # In eager mode a failing task has already recorded its failure on the run; a broker
        # that cannot be reached leaves it pending, so say so.
        logger.exception("task %s (run %s) failed to start: %s", task.name, run.pk, exc)
        TaskRun.objects.filter(pk=run.pk, state=TaskState.PENDING).update(
            state=TaskState.FAILURE, finished_at=timezone.now(),
            message="任务未能启动：后台任务服务暂不可用，请稍后重试或联系管理员。",
        )


class Progress:
    """Used inside a task: `with Progress(run_id) as progress: progress.update(n, total)`."""

    def __init__(self, run_id: str):
        self.run = TaskRun.objects.get(pk=run_id)

    def __enter__(self):
        self._save(state=TaskState.RUNNING, started_at=timezone.now(), message="")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None:
            logger.error("task run %s failed", self.run.pk, exc_info=(exc_type, exc, tb))
            self._save(state=TaskState.FAILURE, finished_at=timezone.now(), message=failure_message(exc, self.run.pk))
            return False
        self._save(state=TaskState.SUCCESS, finished_at=timezone.now(), current=self.run.total)
        return False

    def update(self, current: int, total: int | None = None, message: str = "") -> None:
        fields = {"current": current}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message
        self._save(**fields)

    def finish(self, message: str = "", result=None, file_name: str = "", content: bytes = b""):
        if content:
            from django.core.files.base import ContentFile

            self.run.result_file.save(file_name, ContentFile(content), save=False)
            self._save(result_file=self.run.result_file.name)
        self._save(message=message, result=result)

    def _save(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self.run, name, value)
        TaskRun.objects.filter(pk=self.run.pk).update(**fields)
