import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from openpark.core.backups import (
    ENGINE_LABELS, BackupError, restore_backup, verify_backup, verify_sqlite_copy,
)


class Command(BaseCommand):
    help = "把备份恢复到空的数据库和空的媒体目录（新安装），恢复后逐表核对行数和校验值。"
    # The target is an empty database: checks that read tables must not run before the restore.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="backup 命令生成的备份目录")
        parser.add_argument("--verify-only", action="store_true", help="只检查备份是否完整，不恢复")

    def handle(self, *args, backup: Path, verify_only: bool, **options):
        started = time.monotonic()
        try:
            if verify_only:
                self.verify(backup)
            else:
                self.restore(backup)
        except BackupError as exc:
            raise CommandError(f"{'检查' if verify_only else '恢复'}失败：{exc}") from exc
        self.stdout.write(f"  用时 {time.monotonic() - started:.1f} 秒")

    def verify(self, backup: Path) -> None:
        manifest = verify_backup(backup)
        self.stdout.write(f"全部 {len(manifest['files'])} 个文件与清单一致。")
        if manifest["engine"] == "sqlite":
            problems = verify_sqlite_copy(backup, manifest)
            if problems:
                raise BackupError("数据库文件内容与清单不符：" + "；".join(problems[:10]) + "。")
            self.stdout.write(f"数据库文件中 {len(manifest['tables'])} 张表的行数和校验值与清单一致。")
        self.stdout.write(self.style.SUCCESS(
            f"备份完整：{ENGINE_LABELS[manifest['engine']]}，备份于 {manifest.get('created_at', '')}。"
        ))

    def restore(self, backup: Path) -> None:
        database = connections["default"].settings_dict
        result = restore_backup(backup, database, Path(settings.MEDIA_ROOT))
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：{result.tables} 张表、{result.rows} 行，行数和校验值与备份一致；"
            f"媒体文件 {result.media_files} 个。"
        ))
        self.stdout.write(f"  备份时间：{result.manifest.get('created_at', '')}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"  注意：{note}"))
