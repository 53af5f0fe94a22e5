"""Core stands alone: no module of openpark.core imports an app built on it, and core's migrations
need none of their migrations; the enterprises app plugs its scope and binding into core."""
import ast
import os
import subprocess
import sys
from pathlib import Path

from django.db.migrations.loader import MigrationLoader

import openpark.core

CORE_DIR = Path(openpark.core.__file__).parent
APPS_ON_CORE = ("enterprises", "economy", "evaluation", "investment", "environment")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any level of the file, relative imports made absolute."""
    package = ".".join(("openpark", "core", *path.relative_to(CORE_DIR).parent.parts))
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_no_core_module_imports_an_app_built_on_core():
    files = sorted(CORE_DIR.rglob("*.py"))
    assert len(files) > 40  # the walk found the package
    offending = {
        str(path.relative_to(CORE_DIR)): sorted(name for name in imported_modules(path)
                                               if name.startswith(tuple(f"openpark.{app}" for app in APPS_ON_CORE)))
        for path in files
    }
    assert {path: names for path, names in offending.items() if names} == {}


CORE_ONLY = """
import importlib, pkgutil, sys
import django
from django.conf import settings
import openpark.settings as base
apps = [a for a in base.INSTALLED_APPS if not a.startswith("openpark.") or a == "openpark.core"]
settings.configure(**{**{k: getattr(base, k) for k in dir(base) if k.isupper()}, "INSTALLED_APPS": apps})
django.setup()
import openpark.core
for info in pkgutil.walk_packages(openpark.core.__path__, "openpark.core."):
    importlib.import_module(info.name)
print(sorted(m for m in sys.modules if m.startswith("openpark.") and m.split(".")[1] in {apps_on_core}))
"""


def test_every_core_module_imports_with_core_the_only_app_installed(tmp_path):
    """Django set up with core as the only OpenPark app: every module of core imports, and none
    of the apps built on core is loaded by it."""
    env = {**os.environ, "DEBUG": "1", "OPENPARK_DATA_DIR": str(tmp_path),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(CORE_DIR.parent.parent), os.environ.get("PYTHONPATH")]))}
    env.pop("DATABASE_URL", None)
    script = CORE_ONLY.replace("{apps_on_core}", repr(set(APPS_ON_CORE)))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_core_migrations_depend_on_no_app_built_on_core():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    core_nodes = [node for node in graph.leaf_nodes() if node[0] == "core"]
    assert core_nodes
    ancestors = {node for leaf in core_nodes for node in graph.forwards_plan(leaf)}
    assert {app for app, _ in ancestors} - {"core", "auth", "contenttypes"} == set()


def test_the_enterprise_scope_and_binding_are_the_enterprises_apps():
    from openpark.core.admin import binding_inlines
    from openpark.core.scoping import scope_named
    from openpark.enterprises.models import EnterpriseBinding

    assert scope_named("enterprise").path_attribute == "scope_enterprise_field"
    assert scope_named("grid").path_attribute == "scope_grid_field"
    assert scope_named("contract").path_attribute == "scope_enterprise_field"
    assert EnterpriseBinding._meta.app_label == "enterprises"
    assert EnterpriseBinding._meta.db_table == "core_enterprisebinding"  # an upgrade keeps the table
    assert [inline.model.__name__ for inline in binding_inlines] == [
        "EnterpriseBinding", "ContractBinding", "DepartmentBinding", "GridBinding"]
    assert scope_named("department").path_attribute == "scope_department_field"


UPGRADE = """
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.contrib.contenttypes.models import ContentType
from openpark.core.models import ChangeRecord, User
from openpark.enterprises.models import Enterprise, EnterpriseBinding

# The schema as it was when core held the binding: everything up to the move, and core's table.
call_command("migrate", "core", verbosity=0)
call_command("migrate", "enterprises", "0003", verbosity=0)
with connection.schema_editor() as editor:
    editor.create_model(EnterpriseBinding)
user = User.objects.create(username="qiye")
enterprise = Enterprise.objects.create(uscc="91321282MA1N0EXM5L", name="城南精密有限公司")
old_type = ContentType.objects.create(app_label="core", model="enterprisebinding")
with connection.cursor() as cursor:
    cursor.execute("INSERT INTO core_enterprisebinding (user_id, enterprise_id) VALUES (%s, %s)", [user.pk, enterprise.pk])
record = ChangeRecord.objects.create(content_type=old_type, object_id="1", object_repr="qiye", action="create")

call_command("migrate", verbosity=0)

binding = EnterpriseBinding.objects.get()
assert (binding.user_id, binding.enterprise_id) == (user.pk, enterprise.pk)
assert ChangeRecord.objects.get(pk=record.pk).content_type.model_class() is EnterpriseBinding
assert not ContentType.objects.filter(app_label="core", model="enterprisebinding").exists()
print("upgraded")
"""


def test_an_installation_with_bindings_in_core_upgrades_keeping_them(tmp_path):
    env = {**os.environ, "DEBUG": "1", "OPENPARK_DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}", "DJANGO_SETTINGS_MODULE": "openpark.settings",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(CORE_DIR.parent.parent), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", UPGRADE], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("upgraded")
