"""The published schemes, as presets (see evaluation/data/*.json)."""
from django.db import migrations


def ship_schemes(apps, schema_editor):
    from openpark.evaluation.services import ship_presets

    ship_presets(apps.get_model("evaluation", "SchemeVersion"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(ship_schemes, migrations.RunPython.noop)]
