"""The indicators every park reports on (see economy/indicators.py)."""
from django.db import migrations


def ship_indicators(apps, schema_editor):
    from openpark.economy.indicators import ship

    ship(apps.get_model("economy", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("economy", "0001_initial")]

    operations = [migrations.RunPython(ship_indicators, migrations.RunPython.noop)]
