from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openpark.core.retention import ArchiveError, archive_changes


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "归档并删除早于保留期限的变更记录：先写入备份目录下的压缩 JSON Lines 文件（.jsonl.gz）并读回核对，"
        "再成批删除；文件无法写入时不删除任何记录。保留天数默认取 CHANGE_RECORD_RETENTION_DAYS。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=positive, default=None,
                            help="归档早于这么多天的记录（默认 CHANGE_RECORD_RETENTION_DAYS）")
        parser.add_argument("--folder", type=Path, default=None,
                            help="归档文件所在目录（默认 OPENPARK_BACKUP_DIR 下的 changes）")

    def handle(self, *args, older_than_days=None, folder=None, **options):
        days = older_than_days or settings.CHANGE_RECORD_RETENTION_DAYS
        folder = folder or Path(settings.BACKUP_DIR) / "changes"
        try:
            result = archive_changes(days, folder)
        except ArchiveError as exc:
            raise CommandError(f"{exc}。未删除任何变更记录。") from exc
        cutoff = timezone.localtime(result.cutoff).strftime("%Y-%m-%d %H:%M")
        if result.path is None:
            self.stdout.write(f"没有早于 {cutoff}（{days} 天前）的变更记录，无需归档。")
            return
        self.stdout.write(self.style.SUCCESS(
            f"已将早于 {cutoff}（{days} 天前）的 {result.count:,} 条变更记录归档到 {result.path}，并已删除。"
        ))
