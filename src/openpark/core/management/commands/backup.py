import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from openpark.core.backups import ENGINE_LABELS, BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库和媒体文件到一个新的或空的目录，并写入带校验值的 manifest.json。"

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="备份目录（须为新目录或空目录）")

    def handle(self, *args, output: Path, **options):
        started = time.monotonic()
        try:
            result = create_backup(output, connections["default"], Path(settings.MEDIA_ROOT))
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(f"备份完成：{result.output}"))
        self.stdout.write(
            f"  数据库：{ENGINE_LABELS[manifest['engine']]}，{len(manifest['tables'])} 张表，{result.row_count} 行"
        )
        self.stdout.write(f"  媒体文件：{result.media_count} 个")
        self.stdout.write(f"  备份时间：{manifest['created_at']}，用时 {time.monotonic() - started:.1f} 秒")
