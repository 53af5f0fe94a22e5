"""Load the GB/T 4754-2017 industry classification shipped in enterprises/data/."""
from django.db import migrations


def load_industries(apps, schema_editor):
    from openpark.enterprises.industry import read_table

    Industry = apps.get_model("enterprises", "Industry")
    rows = sorted(read_table(), key=lambda row: row["level"])  # parents before children
    Industry.objects.bulk_create(
        [Industry(code=r["code"], level=r["level"], name=r["name"], section=r["section"], parent_id=r["parent"])
         for r in rows],
        batch_size=500,
    )


def unload_industries(apps, schema_editor):
    apps.get_model("enterprises", "Industry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load_industries, unload_industries)]
