from celery import shared_task
from django.contrib.auth import get_user_model

from .context import acting_as
from .progress import Progress


@shared_task(name="core.export_list")
def export_list(run_id: str, pages_key: str, user_id: int, params: dict) -> None:
    """Export a filtered list page to xlsx in the background."""
    from .generic import pages_registry

    pages = pages_registry[pages_key]
    user = get_user_model().objects.get(pk=user_id)
    with acting_as(user, source="task:core.export_list"), Progress(run_id) as progress:
        queryset = pages.listed_queryset(user, params)
        total = queryset.count()
        progress.update(0, total, "正在导出…")
        content = pages.export_bytes(queryset, progress=lambda n: progress.update(n))
        progress.finish(
            message=f"已导出 {total} 行。", result={"rows": total},
            file_name=pages.export_filename(), content=content,
        )
