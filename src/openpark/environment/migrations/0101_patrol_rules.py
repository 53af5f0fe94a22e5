"""The patrol rules a park starts with (editable on 巡河规定): township chiefs once a month, village
chiefs once a week, a patrol counting from 30 minutes and 2 km, all year."""
from decimal import Decimal

from django.db import migrations

RULES = (
    ("township", "month", "乡镇级河长每月巡河不少于 1 次"),
    ("village", "week", "村级河长每周巡河不少于 1 次"),
)


def seed(apps, schema_editor):
    PatrolRule = apps.get_model("environment", "PatrolRule")
    for level, period, note in RULES:
        PatrolRule._default_manager.get_or_create(level=level, defaults={
            "times": 1, "period": period, "min_minutes": 30, "min_km": Decimal("2"),
            "active_months": list(range(1, 13)), "note": note,
        })


def unseed(apps, schema_editor):
    apps.get_model("environment", "PatrolRule")._default_manager.filter(level__in=[level for level, _, _ in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("environment", "0100_river_chiefs")]
    operations = [migrations.RunPython(seed, unseed)]
