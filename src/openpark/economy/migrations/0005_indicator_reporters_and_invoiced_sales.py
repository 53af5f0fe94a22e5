"""Which enterprises are expected to report each indicator (for the reporting coverage), and the
tax department's 开票销售 (invoiced sales), which 规下 enterprises report instead of 营业收入."""
from django.db import migrations, models


def ship(apps, schema_editor):
    from openpark.economy.indicators import ship, ship_aliases, ship_reporters

    indicator = apps.get_model("economy", "Indicator")
    ship(indicator)
    ship_aliases(indicator)
    ship_reporters(indicator)


class Migration(migrations.Migration):

    dependencies = [
        ('economy', '0004_constraint_messages'),
    ]

    operations = [
        migrations.AddField(
            model_name='indicator',
            name='reporters',
            field=models.CharField(choices=[('above_scale', '当年规上企业'), ('all', '全部企业')], default='above_scale', help_text='应报送此指标的企业：统计部门的指标为当年规上企业，税务、供电的为全部企业。', max_length=20, verbose_name='报送范围'),
        ),
        migrations.RunPython(ship, migrations.RunPython.noop),
    ]
