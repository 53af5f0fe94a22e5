import importlib
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from openpark.core.context import acting_as


def demo_modules():
    """Each OpenPark app may have a `demo` module with `load(out)`; they run in app order."""
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name.startswith("openpark.") and find_spec(name) is not None:
            yield importlib.import_module(name)


class Command(BaseCommand):
    help = "载入城南园区演示数据（可重复执行，不会重复创建）。"

    def handle(self, *args, **options):
        with acting_as(source="load_demo"), transaction.atomic():
            for module in demo_modules():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
