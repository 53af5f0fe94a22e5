"""Backups that can be restored, and proved whole before and after.

A backup is a folder:

    manifest.json       what the backup holds: format, time, engine, migration state, the rows
                        and a checksum of every table, and a sha256 of every other file
    database.sqlite3    SQLite: a copy made with SQLite's online backup API
    database.dump       PostgreSQL: `pg_dump --format=custom`
    media/...           a copy of MEDIA_ROOT (uploads, task results, reports)

The table checksums are taken from the same state of the database as the copy (the copied
SQLite file; the exported snapshot pg_dump reads), so a restore can be verified against them.
Every failure raises `BackupError` with a message for the user, in Chinese.
"""
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
BACKUP_TIME_ZONE = ZoneInfo("Asia/Shanghai")
FETCH_ROWS = 2000
# Settings of a Django PostgreSQL database that are not libpq connection parameters.
DJANGO_ONLY_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role", "cursor_factory",
                       "prepare_threshold", "context"}


class BackupError(Exception):
    """A backup, verification or restore that cannot go on; the message is for the user."""


# Databases ---------------------------------------------------------------------------------------


def engine_of(database: dict) -> str:
    engine = ENGINES.get(database.get("ENGINE", ""))
    if engine is None:
        raise BackupError(f"不支持的数据库类型“{database.get('ENGINE', '')}”：只能备份 SQLite 和 PostgreSQL。")
    return engine


def _pg_params(database: dict) -> dict:
    """libpq connection parameters of a Django PostgreSQL database setting."""
    params = {
        "dbname": database.get("NAME") or "",
        "user": database.get("USER") or "",
        "password": database.get("PASSWORD") or "",
        "host": database.get("HOST") or "",
        "port": str(database.get("PORT") or ""),
    }
    for key, value in (database.get("OPTIONS") or {}).items():
        if key not in DJANGO_ONLY_OPTIONS and isinstance(value, (str, int)):
            params[key] = str(value)
    return {key: value for key, value in params.items() if value}


def _pg_connect(database: dict):
    import psycopg

    try:
        connection = psycopg.connect(**_pg_params(database), autocommit=True)
    except psycopg.Error as exc:
        logger.error("cannot connect to PostgreSQL database %s: %s", database.get("NAME"), exc)
        raise BackupError(
            f"无法连接 PostgreSQL 数据库“{database.get('NAME')}”，请确认数据库已创建（createdb）、"
            f"连接设置正确：{str(exc).strip()}"
        ) from exc
    # Timestamps read the same wherever the checksum is computed.
    connection.execute("SET TIME ZONE 'UTC'")
    return connection


def _pg_tables(connection) -> list[str]:
    rows = connection.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    ).fetchall()
    return [name for (name,) in rows]


def _sqlite_tables(connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_open_read_only(path: Path):
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


# Table checksums ---------------------------------------------------------------------------------


def _canonical(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value


def row_digest(row) -> int:
    text = json.dumps([_canonical(v) for v in row], default=str, sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def table_stats(rows) -> dict:
    """{"rows": n, "checksum": hex} of an iterable of rows. The checksum is the sum of each row's
    sha256 modulo 2**256, so it does not depend on the order the rows come in."""
    count, total = 0, 0
    for row in rows:
        count += 1
        total = (total + row_digest(row)) % (1 << 256)
    return {"rows": count, "checksum": f"{total:064x}"}


def _fetch_all(cursor):
    while True:
        chunk = cursor.fetchmany(FETCH_ROWS)
        if not chunk:
            return
        yield from chunk


def _sqlite_table_stats(connection) -> dict[str, dict]:
    stats = {}
    for table in _sqlite_tables(connection):
        cursor = connection.execute(f"SELECT * FROM {_sqlite_quote(table)}")
        stats[table] = table_stats(_fetch_all(cursor))
    return stats


def _pg_table_stats(connection) -> dict[str, dict]:
    from psycopg import sql

    stats = {}
    for index, table in enumerate(_pg_tables(connection)):
        # A server-side cursor: a large table streams instead of filling memory.
        with connection.cursor(name=f"openpark_backup_{index}") as cursor:
            cursor.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
            stats[table] = table_stats(_fetch_all(cursor))
    return stats


def _migration_state(rows) -> dict[str, str]:
    """The latest applied migration of each app, from (app, name) rows in the order applied."""
    latest = {}
    for app, name in rows:
        latest[app] = name
    return dict(sorted(latest.items()))


MIGRATIONS_QUERY = "SELECT app, name FROM django_migrations ORDER BY applied, id"


def database_state(database: dict) -> dict:
    """Tables (rows and checksums) and migration state of a database, as a manifest holds them."""
    if engine_of(database) == "sqlite":
        path = Path(database["NAME"])
        connection = _sqlite_open_read_only(path)
        try:
            return _sqlite_state(connection)
        finally:
            connection.close()
    connection = _pg_connect(database)
    try:
        with connection.transaction():
            return _pg_state(connection)
    finally:
        connection.close()


def _sqlite_state(connection) -> dict:
    tables = _sqlite_table_stats(connection)
    migrations = _migration_state(connection.execute(MIGRATIONS_QUERY)) if "django_migrations" in tables else {}
    return {"tables": tables, "migrations": migrations}


def _pg_state(connection) -> dict:
    tables = _pg_table_stats(connection)
    migrations = _migration_state(connection.execute(MIGRATIONS_QUERY)) if "django_migrations" in tables else {}
    return {"tables": tables, "migrations": migrations}


# PostgreSQL client programs ----------------------------------------------------------------------


def run_client(program: str, database: dict, *args: str) -> None:
    """Run pg_dump or pg_restore against a database; its stderr goes to the log on failure."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"找不到 {program} 程序：请安装与数据库服务器主版本相同的 PostgreSQL 客户端"
            f"（如 apt-get install postgresql-client-15），并确保它在 PATH 中。"
        )
    params = _pg_params(database)
    env = dict(os.environ)
    if "password" in params:
        env["PGPASSWORD"] = params.pop("password")
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if key in params:
            env[f"PG{key.upper()}"] = params.pop(key)
    connection_args = [f"--{flag}={params[key]}" for key, flag in
                       (("host", "host"), ("port", "port"), ("user", "username"), ("dbname", "dbname"))
                       if key in params]
    command = [executable, *connection_args, *args]
    try:
        finished = subprocess.run(command, env=env, capture_output=True, text=True)
    except OSError as exc:
        logger.error("%s could not start: %s", program, exc)
        raise BackupError(f"{program} 无法启动：{exc}") from exc
    if finished.returncode != 0:
        logger.error("%s failed with exit code %s:\n%s", program, finished.returncode, finished.stderr)
        detail = finished.stderr.strip().splitlines()[-1] if finished.stderr.strip() else "无输出"
        raise BackupError(f"{program} 执行失败（退出码 {finished.returncode}）：{detail}。完整的错误输出已写入日志。")
    if finished.stderr.strip():
        logger.warning("%s: %s", program, finished.stderr.strip())


# Files -------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root: Path):
    """Regular files under a folder (links are not followed), as paths relative to it."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root)


def _links_under(root: Path) -> list[str]:
    """Symbolic links anywhere in a folder (files or folders), relative to it: a backup holds
    none, and one in a restored backup could bring in files from elsewhere."""
    links = []
    for folder, dirs, names in os.walk(root):
        for name in sorted([*dirs, *names]):
            path = Path(folder) / name
            if path.is_symlink():
                links.append(path.relative_to(root).as_posix())
    return sorted(links)


def _copy_tree(source: Path, target: Path) -> int:
    count = 0
    for relative in _files_under(source):
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(source / relative, destination)  # keeps the times: file ages survive
        except FileNotFoundError:  # removed while the platform runs: it is gone anyway
            continue
        count += 1
    return count


def _prepare_output(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise BackupError(f"备份目录“{output}”是一个文件，请指定一个新的或空的目录。")
    if output.is_dir() and any(output.iterdir()):
        raise BackupError(f"备份目录“{output}”不是空目录，请指定一个新的或空的目录，以免覆盖已有备份。")
    output.mkdir(parents=True, exist_ok=True)


def _empty_folder(output: Path) -> None:
    for entry in output.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


# Backup ------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    output: Path
    manifest: dict

    @property
    def row_count(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())

    @property
    def media_count(self) -> int:
        return sum(1 for name in self.manifest["files"] if name.startswith(MEDIA_DIR + "/"))


def create_backup(output: Path, connection, media_root: Path) -> BackupResult:
    """Back up the database behind a Django connection and the media folder into `output`,
    which must be new or empty. On failure the folder is left empty again."""
    output = Path(output)
    engine = engine_of(connection.settings_dict)
    _prepare_output(output)
    try:
        if engine == "sqlite":
            state = _backup_sqlite(connection, output / DATABASE_FILES[engine])
        else:
            state = _backup_postgresql(connection.settings_dict, output / DATABASE_FILES[engine])
        (output / MEDIA_DIR).mkdir()
        _copy_tree(Path(media_root), output / MEDIA_DIR)
        manifest = _manifest(output, engine, state)
        (output / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    except BaseException:
        _empty_folder(output)
        raise
    return BackupResult(output, manifest)


def _backup_sqlite(connection, target: Path) -> dict:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("不能在未提交的事务中备份 SQLite 数据库。")
    _sqlite_copy(connection.connection, target)
    copy = _sqlite_open_read_only(target)
    try:
        return _sqlite_state(copy)
    finally:
        copy.close()


def _backup_postgresql(database: dict, target: Path) -> dict:
    """pg_dump reads the snapshot this transaction exports, and the checksums are computed in
    the same transaction: both see the database at one instant while the platform runs on."""
    connection = _pg_connect(database)
    try:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        (snapshot,) = connection.execute("SELECT pg_export_snapshot()").fetchone()
        run_client("pg_dump", database, "--format=custom", f"--file={target}", f"--snapshot={snapshot}")
        state = _pg_state(connection)
        connection.execute("COMMIT")
        return state
    finally:
        connection.close()


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    import django

    try:
        openpark = version("openpark")
    except PackageNotFoundError:
        openpark = ""
    return {"django": django.get_version(), "openpark": openpark}


def _manifest(output: Path, engine: str, state: dict) -> dict:
    files = {relative.as_posix(): sha256_of(output / relative) for relative in _files_under(output)}
    return {
        "format": FORMAT_VERSION,
        "created_at": datetime.now(BACKUP_TIME_ZONE).isoformat(timespec="seconds"),
        "engine": engine,
        "database_file": DATABASE_FILES[engine],
        **_versions(),
        "migrations": state["migrations"],
        "tables": state["tables"],
        "files": files,
    }


# Verification ------------------------------------------------------------------------------------


def read_manifest(backup: Path) -> dict:
    backup = Path(backup)
    if not backup.is_dir():
        raise BackupError(f"备份目录“{backup}”不存在。")
    path = backup / MANIFEST_NAME
    if not path.is_file():
        raise BackupError(f"“{backup}”中没有 {MANIFEST_NAME}，不是 OpenPark 备份目录。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"备份清单 {MANIFEST_NAME} 已损坏，无法读取：{exc}") from exc
    required = {"format", "engine", "tables", "files", "migrations"}
    if not isinstance(manifest, dict) or not required <= manifest.keys():
        raise BackupError(f"备份清单 {MANIFEST_NAME} 缺少必要内容，备份不完整。")
    if manifest["format"] != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest['format']} 不受支持（本程序支持版本 {FORMAT_VERSION}）。")
    if manifest["engine"] not in DATABASE_FILES:
        raise BackupError(f"备份清单中的数据库类型“{manifest['engine']}”无法识别。")
    if not isinstance(manifest["files"], dict) or not all(map(_inside_backup, manifest["files"])):
        raise BackupError(f"备份清单 {MANIFEST_NAME} 列出了备份目录以外的文件，不能使用。")
    return manifest


def _inside_backup(name) -> bool:
    path = PurePosixPath(name) if isinstance(name, str) else None
    return path is not None and not path.is_absolute() and ".." not in path.parts and name != MANIFEST_NAME


def damaged_files(backup: Path, manifest: dict) -> list[str]:
    """What is wrong with the backup's files, one Chinese sentence each; empty when all are whole."""
    backup = Path(backup)
    problems = []
    listed = manifest["files"]
    if DATABASE_FILES[manifest["engine"]] not in listed:
        problems.append(f"清单中没有数据库文件 {DATABASE_FILES[manifest['engine']]}")
    for name in _links_under(backup):
        problems.append(f"{name} 是符号链接，备份中只能有普通文件")
    for name, expected in sorted(listed.items()):
        path = backup / name
        if any(part.is_symlink() for part in (path, *path.parents) if backup in (part, *part.parents)):
            continue  # reported above
        if not path.is_file():
            problems.append(f"缺少文件 {name}")
        elif sha256_of(path) != expected:
            problems.append(f"文件 {name} 已损坏（sha256 与清单不符）")
    present = {relative.as_posix() for relative in _files_under(backup)} - {MANIFEST_NAME}
    for name in sorted(present - listed.keys()):
        problems.append(f"文件 {name} 不在清单中")
    return problems


def verify_backup(backup: Path) -> dict:
    """Check every file of a backup against its manifest; return the manifest."""
    manifest = read_manifest(backup)
    problems = damaged_files(backup, manifest)
    if problems:
        shown = "；".join(problems[:10])
        more = f"；另有 {len(problems) - 10} 处问题" if len(problems) > 10 else ""
        raise BackupError(f"备份已损坏，未做任何恢复：{shown}{more}。")
    return manifest


def table_mismatches(expected: dict[str, dict], found: dict[str, dict]) -> list[str]:
    """Differences between the tables a manifest lists and those of a database, in Chinese."""
    problems = []
    for table in sorted(expected.keys() | found.keys()):
        want, have = expected.get(table), found.get(table)
        if have is None:
            problems.append(f"缺少数据表 {table}")
        elif want is None:
            problems.append(f"多出数据表 {table}")
        elif want["rows"] != have["rows"]:
            problems.append(f"数据表 {table} 应有 {want['rows']} 行，实有 {have['rows']} 行")
        elif want["checksum"] != have["checksum"]:
            problems.append(f"数据表 {table} 的内容校验值与备份时不符")
    return problems


def verify_sqlite_copy(backup: Path, manifest: dict) -> list[str]:
    """A SQLite backup's database file checked table by table against the manifest."""
    connection = _sqlite_open_read_only(Path(backup) / DATABASE_FILES["sqlite"])
    try:
        return table_mismatches(manifest["tables"], _sqlite_state(connection)["tables"])
    finally:
        connection.close()


# Restore -----------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    notes: list[str] = field(default_factory=list)


def target_problems(database: dict, media_root: Path) -> list[str]:
    """Why a database and media folder are not an empty installation to restore into."""
    problems = []
    tables = _target_tables(database)
    if tables:
        problems.append(
            f"目标数据库“{database.get('NAME')}”不是空的（已有 {len(tables)} 张数据表，如 {tables[0]}）。"
            "恢复只能写入新建的空数据库"
        )
    if any(True for _ in _files_under(Path(media_root))):
        problems.append(f"媒体文件目录“{media_root}”不是空的。恢复只能写入空目录")
    return problems


def _target_tables(database: dict) -> list[str]:
    if engine_of(database) == "sqlite":
        return _sqlite_target_tables(str(database["NAME"]))
    connection = _pg_connect(database)
    try:
        return _pg_tables(connection)
    finally:
        connection.close()


def _is_sqlite_memory(name: str) -> bool:
    return name == ":memory:" or name.startswith("file:") and "mode=memory" in name


def _sqlite_target_tables(name: str) -> list[str]:
    if _is_sqlite_memory(name):
        connection = sqlite3.connect(name, uri=True)
    elif not Path(name).exists():
        return []
    else:
        connection = _sqlite_open_read_only(Path(name))
    try:
        return _sqlite_tables(connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"目标文件“{name}”不是可用的 SQLite 数据库：{exc}") from exc
    finally:
        connection.close()


def restore_backup(backup: Path, database: dict, media_root: Path) -> RestoreResult:
    """Restore a backup into an empty database and media folder, then verify every table.

    Nothing is written until the backup's files have passed their checksums and the target is
    known to be empty."""
    backup, media_root = Path(backup), Path(media_root)
    manifest = verify_backup(backup)
    engine = engine_of(database)
    if manifest["engine"] != engine:
        raise BackupError(
            f"备份来自 {ENGINE_LABELS[manifest['engine']]} 数据库，当前配置的是 {ENGINE_LABELS[engine]}，"
            "不能直接恢复；请配置相同类型的数据库。"
        )
    problems = target_problems(database, media_root)
    if problems:
        raise BackupError("；".join(problems) + "。未做任何更改。")
    database_file = backup / DATABASE_FILES[engine]
    if engine == "sqlite":
        if _is_sqlite_memory(str(database["NAME"])):
            raise BackupError("SQLite 内存数据库不能作为恢复目标，请配置数据库文件路径。")
        _restore_sqlite(database_file, Path(database["NAME"]))
    else:
        run_client("pg_restore", database, "--no-owner", "--no-privileges", "--single-transaction",
                   "--exit-on-error", str(database_file))
    media_files = _copy_tree(backup / MEDIA_DIR, media_root)
    state = database_state(database)
    mismatches = table_mismatches(manifest["tables"], state["tables"])
    if mismatches:
        raise BackupError("恢复后校验不一致，请勿使用此数据库：" + "；".join(mismatches[:10]) + "。")
    media_problems = _media_mismatches(backup, media_root, manifest)
    if media_problems:
        raise BackupError("恢复后媒体文件校验不一致：" + "；".join(media_problems[:10]) + "。")
    return RestoreResult(
        manifest=manifest, tables=len(state["tables"]),
        rows=sum(t["rows"] for t in state["tables"].values()), media_files=media_files,
        notes=migration_notes(manifest["migrations"]),
    )


def _restore_sqlite(source: Path, target: Path) -> None:
    """Copy through the backup API into a file beside the target, then move it into place, so
    that a failure leaves no half-written database."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=target.parent)
    os.close(handle)
    try:
        origin = _sqlite_open_read_only(source)
        try:
            _sqlite_copy(origin, Path(temporary))
        finally:
            origin.close()
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _sqlite_copy(origin, target: Path) -> None:
    """Copy a database through SQLite's online backup API into one self-contained file (the
    copy leaves write-ahead logging, which would add -wal and -shm files beside it)."""
    destination = sqlite3.connect(target)
    try:
        origin.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _media_mismatches(backup: Path, media_root: Path, manifest: dict) -> list[str]:
    problems = []
    prefix = MEDIA_DIR + "/"
    for name, expected in manifest["files"].items():
        if name.startswith(prefix):
            path = media_root / name[len(prefix):]
            if not path.is_file() or sha256_of(path) != expected:
                problems.append(f"媒体文件 {name[len(prefix):]} 与备份不符")
    return problems


def migration_notes(backed_up: dict[str, str]) -> list[str]:
    """What the installed code says about the backup's migration state: a backup made by a newer
    version cannot be run by this one; one made by an older version needs `migrate`."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    notes = []
    unknown = [f"{app}.{name}" for app, name in backed_up.items() if app in loader.migrated_apps
               and (app, name) not in known]
    if unknown:
        notes.append("备份中有本程序不认识的数据库迁移（" + "、".join(unknown)
                     + "）：备份来自更新的版本，请安装相同或更新的 OpenPark 后再使用。")
    leaves = dict(loader.graph.leaf_nodes())
    behind = [app for app, name in backed_up.items() if app in leaves and leaves[app] != name
              and (app, name) in known]
    missing = [app for app in leaves if app not in backed_up]
    if behind or missing:
        notes.append("备份来自较早的版本，请运行 python manage.py migrate 升级数据库。")
    return notes
