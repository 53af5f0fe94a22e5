"""超标项目 becomes 超Ⅲ类项目 (graded against class III whatever the site's target), and the stored
texts take the full-width brackets the grading now writes: "氨氮(0.85倍)" → "氨氮（0.85 倍）"."""
from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Replace


def full_width_brackets(apps, schema_editor):
    WaterSample = apps.get_model("environment", "WaterSample")
    WaterSample._base_manager.filter(exceedances__contains="倍)").update(
        exceedances=Replace(Replace("exceedances", Value("倍)"), Value(" 倍）")), Value("("), Value("（")))


class Migration(migrations.Migration):

    dependencies = [
        ("environment", "0601_permit_renewal_late_alert"),
    ]

    operations = [
        migrations.AlterField(
            model_name="watersample",
            name="exceedances",
            field=models.CharField(blank=True, editable=False, help_text="劣于地表水 Ⅲ 类标准的项目及其超标倍数（环办〔2011〕22号），与断面的水质目标无关：目标为 Ⅳ 类的断面可以有超Ⅲ类项目而不劣于目标，是否劣于目标见“劣于目标”。", max_length=500, verbose_name="超Ⅲ类项目"),
        ),
        migrations.RunPython(full_width_brackets, migrations.RunPython.noop),
    ]
