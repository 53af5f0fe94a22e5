from django.db import migrations

from openpark.environment.shipped import ship_classes


def ship(apps, schema_editor):
    ship_classes(apps.get_model("environment", "OutfallClass"))


class Migration(migrations.Migration):

    dependencies = [
        ("environment", "0002_outfalls_remediation_sources"),
    ]

    operations = [
        migrations.RunPython(ship, migrations.RunPython.noop),
    ]
