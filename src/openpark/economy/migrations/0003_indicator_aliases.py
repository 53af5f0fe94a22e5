"""Other column names of the indicators, by which fact sheets are imported."""
from django.db import migrations, models


def ship_aliases(apps, schema_editor):
    from openpark.economy.indicators import ship_aliases

    ship_aliases(apps.get_model("economy", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("economy", "0002_shipped_indicators")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="aliases",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="其他名称",
                help_text="导入时也认作此指标的列名，用顿号或逗号分隔，如“主营业务收入、销售收入”。",
            ),
        ),
        migrations.RunPython(ship_aliases, migrations.RunPython.noop),
    ]
