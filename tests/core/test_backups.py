"""Backups and restores, on whichever database the suite runs on (SQLite or PostgreSQL).

The restore runs as `manage.py restore` in a new process configured for a new installation (its
own database and data folder), as an operator would run it after losing a server."""
import base64
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

import openpark
from openpark.core import backups
from openpark.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory

# Backups read committed data: pg_dump in another process, SQLite through its backup API.
committed = pytest.mark.django_db(transaction=True)

MEDIA_NAME = "imports/2026/01/城南企业名单.xlsx"
MEDIA_BYTES = bytes(range(256)) * 40


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def _database_url(database: dict) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = quote(database.get("USER") or "")
    password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{database['NAME']}"


def _admin_connection():
    import psycopg

    params = backups._pg_params({**connection.settings_dict, "NAME": "postgres"})
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def new_database(tmp_path):
    """The settings of an empty database of the suite's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "new" / "openpark.sqlite3")}
        return
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**connection.settings_dict, "NAME": name}
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore_in_new_installation(backup: Path, database: dict, data_dir: Path) -> subprocess.CompletedProcess:
    source_root = str(Path(openpark.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openpark.settings",
        "DATABASE_URL": _database_url(database),
        "OPENPARK_DATA_DIR": str(data_dir),
        "SECRET_KEY": uuid.uuid4().hex,
        "OPENPARK_FIELD_KEY": base64.b64encode(uuid.uuid4().bytes * 2).decode(),
        "DEBUG": "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")])),
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "django", "restore", str(backup)],
        env=env, cwd=data_dir.parent, capture_output=True, text=True,
    )


def all_rows(database: dict | None) -> dict[str, list]:
    """Every row of every table, sorted, read directly from a database (None: the suite's own)."""
    if connection.vendor == "sqlite":
        if database is None:
            connection.ensure_connection()
            handle = connection.connection
        else:
            # The same type conversions as Django's own connection applies.
            handle = sqlite3.connect(database["NAME"], detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
        tables = backups._sqlite_tables(handle)
        rows = {t: sorted(handle.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
        if database is not None:
            handle.close()
        return rows
    import psycopg

    with psycopg.connect(**backups._pg_params(database or connection.settings_dict)) as handle:
        handle.execute("SET TIME ZONE 'UTC'")
        return {t: sorted(handle.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in backups._pg_tables(handle)}


def put_media_file(settings) -> Path:
    path = Path(settings.MEDIA_ROOT) / MEDIA_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(MEDIA_BYTES)
    return path


def test_demo_park_restores_into_a_new_installation_with_every_row_and_file(committed_demo_park, tmp_path, settings,
                                                                           new_database):
    put_media_file(settings)
    output = run("backup", output=tmp_path / "backup")
    assert "备份完成" in output

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == connection.vendor
    assert manifest["created_at"].endswith("+08:00")
    assert manifest["migrations"]["core"].startswith("00")
    assert manifest["tables"]["enterprises_enterprise"]["rows"] == Enterprise.all_objects.count() > 100
    assert f"media/{MEDIA_NAME}" in manifest["files"]

    data_dir = tmp_path / "new-installation"
    finished = restore_in_new_installation(tmp_path / "backup", new_database, data_dir)
    assert finished.returncode == 0, finished.stderr
    assert "恢复完成" in finished.stdout and "行数和校验值与备份一致" in finished.stdout

    source, restored = all_rows(None), all_rows(new_database)
    assert source.keys() == restored.keys()
    for table, rows in source.items():
        assert len(restored[table]) == len(rows), table
        assert restored[table] == rows, table
    assert sum(len(rows) for rows in restored.values()) > 100_000
    assert (data_dir / "media" / MEDIA_NAME).read_bytes() == MEDIA_BYTES


@pytest.fixture
def small_backup(transactional_db, tmp_path, settings):
    EnterpriseFactory.create_batch(3)
    put_media_file(settings)
    run("backup", output=tmp_path / "backup")
    return tmp_path / "backup"


def test_backup_refuses_an_output_folder_that_is_not_empty(tmp_path):
    output = tmp_path / "used"
    output.mkdir()
    (output / "上次的备份.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(CommandError, match="不是空目录"):
        run("backup", output=output)
    assert [p.name for p in output.iterdir()] == ["上次的备份.txt"]
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(CommandError, match="是一个文件"):
        run("backup", output=a_file)


@committed
def test_backup_lists_every_file_with_its_checksum_and_verifies(small_backup):
    manifest = backups.read_manifest(small_backup)
    database_file = backups.DATABASE_FILES[manifest["engine"]]
    assert set(manifest["files"]) == {database_file, f"media/{MEDIA_NAME}"}
    assert manifest["files"][database_file] == backups.sha256_of(small_backup / database_file)
    assert manifest["tables"]["enterprises_enterprise"]["rows"] == 3
    output = run("restore", str(small_backup), verify_only=True)
    assert "备份完整" in output


@committed
def test_restore_refuses_a_damaged_backup_and_names_the_file(small_backup, new_database, tmp_path):
    media_file = small_backup / "media" / MEDIA_NAME
    media_file.write_bytes(MEDIA_BYTES[:-1] + b"!")
    with pytest.raises(CommandError, match=f"文件 media/{MEDIA_NAME} 已损坏"):
        run("restore", str(small_backup), verify_only=True)
    with pytest.raises(backups.BackupError, match=f"文件 media/{MEDIA_NAME} 已损坏"):
        backups.restore_backup(small_backup, new_database, tmp_path / "new-media")
    # Nothing was written: the new database has no tables, the media folder was not made.
    assert backups._target_tables(new_database) == []
    assert not (tmp_path / "new-media").exists()

    media_file.write_bytes(MEDIA_BYTES)
    database_file = small_backup / backups.DATABASE_FILES[connection.vendor]
    content = bytearray(database_file.read_bytes())
    content[len(content) // 2] ^= 0xFF
    database_file.write_bytes(bytes(content))
    with pytest.raises(CommandError, match=f"文件 {database_file.name} 已损坏"):
        run("restore", str(small_backup))
    manifest = backups.read_manifest(small_backup)
    manifest["files"]["../../etc/passwd"] = "0" * 64
    (small_backup / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="备份目录以外的文件"):
        run("restore", str(small_backup), verify_only=True)
    (small_backup / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="manifest.json 已损坏"):
        run("restore", str(small_backup))


@committed
def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(small_backup, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    EnterpriseFactory()
    with pytest.raises(CommandError, match="不是空的.*未做任何更改"):
        run("restore", str(small_backup))
    assert Enterprise.objects.count() == 4
    assert not Path(settings.MEDIA_ROOT).exists()


@committed
def test_restore_refuses_a_media_folder_that_is_not_empty(small_backup, new_database, tmp_path):
    media = tmp_path / "old-media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "旧报告.pdf").write_bytes(b"%PDF")
    with pytest.raises(backups.BackupError, match="媒体文件目录.*不是空的"):
        backups.restore_backup(small_backup, new_database, media)
    assert backups._target_tables(new_database) == []
    assert [p.name for p in media.rglob("*") if p.is_file()] == ["旧报告.pdf"]


def test_a_missing_or_failing_postgresql_client_is_explained(tmp_path, monkeypatch, caplog):
    database = {"ENGINE": "django.db.backends.postgresql", "NAME": "openpark", "HOST": "db", "PASSWORD": "s3cret"}
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backups.BackupError, match="找不到 pg_dump"):
        backups.run_client("pg_dump", database, "--format=custom")

    fake = tmp_path / "pg_dump"
    fake.write_text('#!/bin/sh\necho "pg_dump: error: server version: 16.1; pg_dump version: 15.2" >&2\n'
                    'test "$PGPASSWORD" = "s3cret" || exit 3\nexit 1\n')
    fake.chmod(0o755)
    with pytest.raises(backups.BackupError, match="退出码 1.*server version: 16.1"):
        backups.run_client("pg_dump", database, "--format=custom")
    assert "server version: 16.1" in caplog.text


def test_table_checksums_do_not_depend_on_row_order_but_on_every_value():
    rows = [(1, "企业", None, b"\x00\x01"), (2, "园区", 3.5, b"")]
    assert backups.table_stats(rows) == backups.table_stats(list(reversed(rows)))
    changed = [(1, "企业", None, b"\x00\x02"), (2, "园区", 3.5, b"")]
    assert backups.table_stats(rows)["checksum"] != backups.table_stats(changed)["checksum"]
    assert backups.table_stats([])["rows"] == 0


def test_restore_refuses_links_that_would_bring_in_files_from_elsewhere(small_backup, new_database, tmp_path):
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "secret.txt").write_text("不属于备份")
    manifest = backups.read_manifest(small_backup)
    media = small_backup / "media"
    for name in [n for n in manifest["files"] if n.startswith("media/")]:
        del manifest["files"][name]
    shutil.rmtree(media)
    media.symlink_to(outside, target_is_directory=True)
    (small_backup / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="media 是符号链接"):
        run("restore", str(small_backup), verify_only=True)
    with pytest.raises(backups.BackupError, match="符号链接"):
        backups.restore_backup(small_backup, new_database, tmp_path / "new-media")
    assert not (tmp_path / "new-media").exists()
