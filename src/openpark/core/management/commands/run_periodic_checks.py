from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "在本进程中立即依次运行 Celery beat 计划（CELERY_BEAT_SCHEDULE）中的每个定期任务：办理时限、证书和合同到期、"
        "清理过期文件等。供没有消息队列（未设置 REDIS_URL）的安装用 cron 运行；任一任务失败或未注册时以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="只运行计划中这些名称的任务（默认全部）")

    def handle(self, *args, names=(), **options):
        from openpark.celery import app

        app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = sorted(set(names) - set(schedule))
        if unknown:
            raise CommandError(f"计划中没有这些任务：{'、'.join(unknown)}。")
        failed = []
        for name, entry in schedule.items():
            if names and name not in names:
                continue
            task = app.tasks.get(entry["task"])
            if task is None:
                failed.append(name)
                self.stderr.write(f"{name}：任务 {entry['task']} 未注册，未运行。")
                continue
            outcome = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=False)
            if outcome.failed():
                failed.append(name)
                self.stderr.write(f"{name}：{entry['task']} 运行失败：{outcome.result}")
                continue
            self.stdout.write(self.style.SUCCESS(f"{name}：{entry['task']} 已完成。"))
        if failed:
            raise CommandError(f"{len(failed)} 个定期任务未能完成：{'、'.join(failed)}。")
