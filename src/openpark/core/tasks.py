from celery import shared_task
from django.contrib.auth import get_user_model

from .context import acting_as
from .progress import Progress


@shared_task(name="core.export_list")
def export_list(run_id: str, pages_key: str, user_id: int, params: dict, reason: str = "") -> None:
    """Export a filtered list page to xlsx in the background (with the personal data in full only
    with a reason, which the audit trail records)."""
    from .exports import exporting_user, full_fields, record_export, records_export
    from .generic import pages_registry

    pages = pages_registry[pages_key]
    user = get_user_model().objects.get(pk=user_id)
    with acting_as(user, source="task:core.export_list"), Progress(run_id) as progress:
        queryset = pages.listed_queryset(user, params)
        total = queryset.count()
        progress.update(0, total, "正在导出…")
        content = pages.export_bytes(queryset, progress=lambda n: progress.update(n), user=exporting_user(user, reason))
        if records_export(pages.model, reason):
            record_export(pages.model, user, total, reason, full_fields(pages.model, user, reason))
        progress.finish(
            message=f"已导出 {total} 行。", result={"rows": total},
            file_name=pages.export_filename(), content=content,
        )


ERRORS_KEPT = 500  # shown on the page; the downloadable report has them all


def _error_dicts(errors) -> list[dict]:
    return [
        {"sheet": e.sheet, "row": e.row, "column": e.column, "value": str(e.value if e.value is not None else ""),
         "reason": e.reason}
        for e in errors[:ERRORS_KEPT]
    ]


def _record_errors(job, plan) -> None:
    from django.core.files.base import ContentFile

    from .choices import ImportState
    from .importing import error_report_xlsx

    job.state = ImportState.INVALID
    job.errors = _error_dicts(plan.errors)
    job.error_count = len(plan.errors)
    stem = job.filename.rsplit(".", 1)[0]
    job.error_report.save(f"{stem}-错误报告.xlsx", ContentFile(error_report_xlsx(plan.sheets, plan.errors)), save=False)
    job.save()


def _load(job_id):
    from .imports import registry
    from .models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    with job.file.open("rb") as handle:
        data = handle.read()
    return job, registry[job.importer], data


@shared_task(name="core.check_import")
def check_import(run_id: str, job_id: str) -> None:
    """Read and check an uploaded file; keep a preview, or the errors and their report. The names
    remembered for the importer's columns are applied, and kept with the job, so that applying it
    reads the file exactly as it was checked."""
    from .choices import ImportState
    from .importing import ImportFileError
    from .imports import REMEMBERED_MAP, remembered_map

    job, importer, data = _load(job_id)
    with acting_as(job.user, source="task:core.check_import"), Progress(run_id) as progress:
        progress.update(0, 2, "正在读取和检查文件…")
        job.options = {key: value for key, value in job.options.items() if key != REMEMBERED_MAP}
        remembered = remembered_map(importer.name)
        if remembered:
            job.options[REMEMBERED_MAP] = remembered
        try:
            plan = importer.plan(data, job.filename, job.options)
        except ImportFileError as exc:
            job.state, job.errors, job.error_count = ImportState.INVALID, [{"sheet": "", "row": 0, "column": "", "value": "", "reason": str(exc)}], 1
            job.save()
            progress.finish(message=str(exc), result={"errors": 1})
            return
        progress.update(1, 2, "正在生成预览…")
        if plan.ok:
            job.state, job.preview = ImportState.READY, importer.preview(plan, job.user)
            _keep_changes_report(job, importer.changes_xlsx(plan, job.user))
            job.save()
            progress.finish(message=f"检查通过：{len(plan.rows)} 行，{_unmatched_note(plan)}待确认导入。")
        else:
            job.preview = importer.columns_preview(plan)
            _record_errors(job, plan)
            progress.finish(message=f"发现 {len(plan.errors)} 处错误，未导入任何数据。", result={"errors": len(plan.errors)})


def _keep_changes_report(job, content: bytes | None) -> None:
    from django.core.files.base import ContentFile

    if job.changes_report:
        job.changes_report.delete(save=False)
    if content is not None:
        stem = job.filename.rsplit(".", 1)[0]
        job.changes_report.save(f"{stem}-变更明细.xlsx", ContentFile(content), save=False)


def _unmatched_note(plan) -> str:
    if not plan.unmatched:
        return ""
    return f"另有 {len(plan.unmatched)} 列未能识别（须指定对应字段或确认忽略），"


@shared_task(name="core.apply_import")
def apply_import(run_id: str, job_id: str) -> None:
    """Check the file again and write it, all or nothing."""
    from .choices import ImportState

    job, importer, data = _load(job_id)
    with acting_as(job.user, source=f"import:{job.filename}"[:100]), Progress(run_id) as progress:
        progress.update(0, 2, "正在写入…")
        try:
            plan, counts = importer.apply(data, job.filename, job.options)
        except Exception:
            job.state = ImportState.FAILED
            job.save()
            raise
        if counts is None:
            _record_errors(job, plan)
            progress.finish(message="数据已变化，文件中出现错误，未导入任何数据。", result={"errors": len(plan.errors)})
            return
        job.state, job.result = ImportState.DONE, counts
        job.save()
        progress.finish(
            message=f"已导入：{importer.result_summary(counts)}。",
            result=counts,
        )


@shared_task(name="core.housekeeping")
def housekeeping() -> dict:
    """Daily (Celery beat): remove old task result files and abandoned uploads."""
    from .housekeeping import remove_stale_files

    result = remove_stale_files()
    return {"task_files": result.task_files, "import_files": result.import_files,
            "orphan_files": result.orphan_files}


@shared_task(name="core.check_deadlines")
def check_deadlines() -> dict:
    """Each working morning (Celery beat): deadlines coming within a working day, and those passed."""
    from .deadlines import check

    return check()
