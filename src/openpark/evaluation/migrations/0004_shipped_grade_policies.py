"""Default texts of what each class brings (editable on the 等级政策 page)."""
from django.db import migrations


def ship_policies(apps, schema_editor):
    from openpark.evaluation.services import ship_grade_policies

    ship_grade_policies(apps.get_model("evaluation", "GradePolicy"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_grade_policies")]

    operations = [migrations.RunPython(ship_policies, migrations.RunPython.noop)]
