from django.core.management.base import BaseCommand

from openpark.core.deadlines import check


class Command(BaseCommand):
    help = (
        "检查流程时限：一个工作日内到期的提醒开始人，已过期的标记逾期并通知；每项提醒只发一次，可重复运行。"
        "与 Celery beat 每日任务相同，供没有消息队列的安装用 cron 运行。"
    )

    def handle(self, *args, **options):
        counts = check()
        self.stdout.write(self.style.SUCCESS(f"即将到期 {counts['soon']} 项，新逾期 {counts['overdue']} 项。"))
