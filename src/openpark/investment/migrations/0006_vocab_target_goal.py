"""The yearly target-company goal (目标企业数) as data that 招商 sets. Until now every year's goal
was shown as 30; each year that has target companies keeps that goal, now editable."""

import django.core.validators
import django.db.models.manager
from django.db import migrations, models


PREVIOUS_GOAL = 30


def keep_shown_goals(apps, schema_editor):
    TargetGoal = apps.get_model("investment", "TargetGoal")
    years = apps.get_model("investment", "TargetCompany")._default_manager.values_list("year", flat=True).distinct()
    TargetGoal._default_manager.bulk_create([
        TargetGoal(year=year, count=PREVIOUS_GOAL, note="升级前的固定目标数，可修改") for year in sorted(set(years))])


class Migration(migrations.Migration):

    dependencies = [
        ('investment', '0005_vocab_chains_moved'),
    ]

    operations = [
        migrations.CreateModel(
            name='TargetGoal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('is_deleted', models.BooleanField(db_index=True, default=False, editable=False, verbose_name='已删除')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='删除时间')),
                ('year', models.PositiveSmallIntegerField(error_messages={'unique': '这一年度已设定目标。'}, unique=True, validators=[django.core.validators.MinValueValidator(1990), django.core.validators.MaxValueValidator(2100)], verbose_name='年度')),
                ('count', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='目标企业数（家）')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
            ],
            options={
                'verbose_name': '目标企业年度目标',
                'verbose_name_plural': '目标企业年度目标',
                'ordering': ['-year'],
            },
            managers=[
                ('all_objects', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RunPython(keep_shown_goals, migrations.RunPython.noop),
    ]
