import importlib
import time
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from openpark.core.context import acting_as


def demo_modules():
    """Each OpenPark app may have a `demo` module with `load(out)`; they run in app order. Yields
    (the app's name in Chinese, the module)."""
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name.startswith("openpark.") and find_spec(name) is not None:
            yield str(config.verbose_name), importlib.import_module(name)


class Command(BaseCommand):
    help = "载入城南园区演示数据（可重复执行，不会重复创建）。"

    def handle(self, *args, **options):
        modules = list(demo_modules())
        started = time.perf_counter()
        # Without DEBUG's log of every query, which formats each bulk insert's parameters once more
        # (on SQLite, with queries of its own): that took a third of the time.
        with override_settings(DEBUG=False), acting_as(source="load_demo"), transaction.atomic():
            for number, (label, module) in enumerate(modules, 1):
                step = f"[{number}/{len(modules)}] {label}"
                self.say(f"{step}：正在载入……")
                begun = time.perf_counter()
                module.load(self.stdout)
                self.say(f"{step}：完成，用时 {time.perf_counter() - begun:.1f} 秒。")
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入，共用时 {time.perf_counter() - started:.1f} 秒。"))

    def say(self, text: str) -> None:
        """A progress line, shown at once even when the output goes to a pipe."""
        self.stdout.write(text)
        self.stdout.flush()
