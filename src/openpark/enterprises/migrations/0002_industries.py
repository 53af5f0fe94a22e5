"""Load the GB/T 4754-2017 industry classification shipped in enterprises/data/."""
from django.db import migrations


def load_industries(apps, schema_editor):
    from openpark.enterprises.industry import load_table

    load_table(apps.get_model("enterprises", "Industry"))


def unload_industries(apps, schema_editor):
    apps.get_model("enterprises", "Industry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load_industries, unload_industries)]
