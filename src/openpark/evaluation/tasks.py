from celery import shared_task
from django.contrib.auth import get_user_model

from openpark.core.context import acting_as
from openpark.core.progress import Progress


def _run_and_user(run_id: int, user_id: int | None):
    from .models import Run

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return Run.objects.get(pk=run_id), user


@shared_task(name="evaluation.gather")
def gather_run(task_id: str, run_id: int, user_id: int | None) -> None:
    """Gather a run's inputs from the platform in the background."""
    from . import services

    run, user = _run_and_user(run_id, user_id)
    with acting_as(user, source="task:evaluation.gather"), Progress(task_id) as progress:
        progress.update(0, 1, "正在采集企业数据…")
        gathered = services.gather(run, user)
        progress.finish(message=f"已采集 {gathered.enterprises} 家企业的数据，{len(gathered.missing)} 项数据有缺失。",
                        result={"enterprises": gathered.enterprises, "missing": dict(gathered.missing)})


@shared_task(name="evaluation.compute")
def compute_run(task_id: str, run_id: int, user_id: int | None) -> None:
    """Compute a run with its scheme in the background."""
    from . import services

    run, user = _run_and_user(run_id, user_id)
    with acting_as(user, source="task:evaluation.compute"), Progress(task_id) as progress:
        progress.update(0, 1, "正在计算…")
        counts = services.compute(run, user)
        progress.finish(message=f"计算完成：{services.counts_text(counts)}", result=counts)


@shared_task(name="evaluation.report_zip")
def report_zip(task_id: str, run_id: int, user_id: int | None) -> None:
    """The 体检报告 of every evaluated enterprise of a run, as one zip file."""
    import io
    import zipfile

    from . import report, services
    from .models import Result
    from .views import report_filename

    run, user = _run_and_user(run_id, user_id)
    with acting_as(user, source="task:evaluation.report_zip"), Progress(task_id) as progress:
        results = list(Result.objects.filter(run=run).exclude(group="").select_related("run__scheme", "enterprise")
                       .order_by("group", "rank", "enterprise__uscc"))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, result in enumerate(results, start=1):
                archive.writestr(report_filename(result), report.render(services.report_data(result)))
                progress.update(done, len(results), f"已生成 {done} / {len(results)} 份报告")
        progress.finish(message=f"已生成 {len(results)} 份体检报告。", result={"reports": len(results)},
                        file_name=f"{run.year}年度亩均效益体检报告.zip", content=buffer.getvalue())
