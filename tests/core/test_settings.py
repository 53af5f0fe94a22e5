"""Settings come from the environment; production settings pass `check --deploy` cleanly."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Variables the settings read, and the async guard the browser tests lift in this process.
OWN_VARIABLES = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS",
                 "DJANGO_ALLOW_ASYNC_UNSAFE", "OPENPARK_FIELD_KEY", "OPENPARK_FIELD_KEY_ID", "OPENPARK_FIELD_OLD_KEYS"}
PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "park.example.cn",
    "DEBUG": "0",
    "OPENPARK_FIELD_KEY": "cHJvZHVjdGlvbi1maWVsZC1rZXktMzItYnl0ZXMhISE=",
}


def run(args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update({"OPENPARK_DATA_DIR": str(tmp_path), **env_extra})
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def settings_values(env_extra, tmp_path, **expressions):
    """The values of the expressions in a new process with these variables, read in one start. The
    settings alone are read, as every start reads them, without loading the apps (a fifth of the time)."""
    values = "{" + ", ".join(f"{name!r}: {expression}" for name, expression in expressions.items()) + "}"
    code = f"import json; from django.conf import settings; print(json.dumps({values}))"
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update({"OPENPARK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "openpark.settings", **env_extra})
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def settings_value(expression, env_extra, tmp_path):
    return settings_values(env_extra, tmp_path, value=expression)["value"]


def test_production_settings_pass_check_deploy(tmp_path):
    result = run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = run(["check"], {"DEBUG": "0", "ALLOWED_HOSTS": "x"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_use_a_sqlite_file_in_the_data_folder(tmp_path):
    values = settings_values({"DEBUG": "1"}, tmp_path, name='settings.DATABASES["default"]["NAME"]',
                             eager="settings.CELERY_TASK_ALWAYS_EAGER")
    assert values == {"name": str(tmp_path / "openpark.sqlite3"), "eager": True}


def test_database_url_selects_postgresql(tmp_path):
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://park@db.internal:5433/openpark"}
    db = settings_values(env, tmp_path, db='settings.DATABASES["default"]')["db"]
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "django.db.backends.postgresql", "db.internal", 5433, "openpark", "park")


def test_redis_url_moves_celery_to_workers(tmp_path):
    env = {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3"}
    values = settings_values(env, tmp_path, eager="settings.CELERY_TASK_ALWAYS_EAGER", broker="settings.CELERY_BROKER_URL")
    assert values == {"eager": False, "broker": "redis://127.0.0.1:6379/3"}


def test_allowed_hosts_and_debug_from_environment(tmp_path):
    env = {**PRODUCTION, "ALLOWED_HOSTS": "a.example.cn, b.example.cn"}
    values = settings_values(env, tmp_path, hosts="settings.ALLOWED_HOSTS", debug="settings.DEBUG",
                             secure="settings.SESSION_COOKIE_SECURE")
    assert values == {"hosts": ["a.example.cn", "b.example.cn"], "debug": False, "secure": True}


# Encryption of stored personal data ------------------------------------------------------------


def test_the_field_key_is_required_when_debug_is_off(tmp_path):
    result = run(["check"], {**PRODUCTION, "OPENPARK_FIELD_KEY": ""}, tmp_path)
    assert result.returncode != 0 and "OPENPARK_FIELD_KEY must be set when DEBUG is off" in result.stderr
    result = run(["check"], {**PRODUCTION, "OPENPARK_FIELD_KEY": "c2hvcnQ="}, tmp_path)
    assert result.returncode != 0 and "base64 of 32 random bytes" in result.stderr


def test_the_field_keys_are_read_from_the_environment(tmp_path):
    values = settings_values({**PRODUCTION, "OPENPARK_FIELD_KEY_ID": "k2",
                              "OPENPARK_FIELD_OLD_KEYS": "k1:" + PRODUCTION["OPENPARK_FIELD_KEY"]}, tmp_path,
                             current="settings.OPENPARK_FIELD_KEY_ID", ids="sorted(settings.OPENPARK_FIELD_KEYS)")
    assert values == {"current": "k2", "ids": ["k1", "k2"]}
    assert settings_value("settings.OPENPARK_FIELD_KEY_ID", {"DEBUG": "1"}, tmp_path) == "dev"
