from django.conf import settings
from django.core.management.base import BaseCommand

from openpark.core.housekeeping import remove_stale_files


class Command(BaseCommand):
    help = (
        "清理过期文件：超过 HOUSEKEEPING_TASK_FILE_DAYS 天的后台任务结果文件，超过 HOUSEKEEPING_UPLOAD_DAYS "
        "天的未完成导入的上传文件和错误报告，以及无记录引用的文件。与 Celery beat 每日任务相同，供没有消息队列的安装用 cron 运行。"
    )

    def handle(self, *args, **options):
        result = remove_stale_files()
        self.stdout.write(self.style.SUCCESS(result.summary()))
        self.stdout.write(
            f"  保留期限：后台任务结果 {settings.HOUSEKEEPING_TASK_FILE_DAYS} 天，"
            f"未完成的导入 {settings.HOUSEKEEPING_UPLOAD_DAYS} 天。"
        )
