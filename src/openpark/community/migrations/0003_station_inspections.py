"""Stations' facilities become a list chosen from the fixed facility list (a JSON list of codes):
the free texts ("饮水、充电、应急药箱") are read into codes, and what names no facility of the list is
kept in the station's note; and stations get their standard-checklist inspections."""
import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models

# The facility list as it stands at this migration (codes by label and by other names people wrote).
CODES = {
    "饮水": "water", "饮用水": "water", "饮水机": "water", "热水": "water",
    "充电": "charging", "充电桩": "charging", "手机充电": "charging",
    "休息": "rest", "休息区": "rest", "休息座椅": "rest",
    "急救药箱": "first_aid", "应急药箱": "first_aid", "药箱": "first_aid", "医药箱": "first_aid", "急救": "first_aid",
    "卫生间": "toilet", "厕所": "toilet", "洗手间": "toilet",
    "热饭/微波炉": "hot_meal", "热饭": "hot_meal", "微波炉": "hot_meal",
    "空调/避暑取暖": "climate", "空调": "climate", "避暑": "climate", "取暖": "climate", "避暑取暖": "climate",
    "雨具": "rain_gear", "雨衣": "rain_gear", "雨伞": "rain_gear",
    "图书/学习": "reading", "图书": "reading", "学习": "reading", "图书角": "reading",
    "维修工具": "repair_tools", "维修": "repair_tools", "工具": "repair_tools", "打气筒": "repair_tools",
}
ORDER = ("water", "charging", "rest", "first_aid", "toilet", "hot_meal", "climate", "rain_gear", "reading",
         "repair_tools")
BACK = {code: label for label, code in reversed(list(CODES.items()))}  # each code's label (its first name)
OTHERS = "其他设施："


def _split(text):
    for separator in (",", "，", ";", "；", "\n"):
        text = text.replace(separator, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def to_codes(apps, schema_editor):
    Station = apps.get_model("community", "Station")
    stations = list(Station._base_manager.exclude(facilities="").only("pk", "facilities", "note"))
    for station in stations:
        names = _split(station.facilities)
        codes = {CODES[name] for name in names if name in CODES}
        others = [name for name in names if name not in CODES]
        station.facility_codes = [code for code in ORDER if code in codes]
        if others:
            station.note = "\n".join(part for part in (station.note, OTHERS + "、".join(others)) if part)
    Station._base_manager.bulk_update(stations, ["facility_codes", "note"], batch_size=500)


def to_text(apps, schema_editor):
    Station = apps.get_model("community", "Station")
    stations = list(Station._base_manager.only("pk", "facility_codes", "note"))
    for station in stations:
        names = [BACK[code] for code in station.facility_codes or () if code in BACK]
        lines = (station.note or "").split("\n")
        others = [line[len(OTHERS):] for line in lines if line.startswith(OTHERS)]
        station.facilities = "、".join([*names, *others])[:300]
        station.note = "\n".join(line for line in lines if not line.startswith(OTHERS))
    Station._base_manager.bulk_update(stations, ["facilities", "note"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='station',
            name='facility_codes',
            field=models.JSONField(blank=True, default=list, verbose_name='设施'),
        ),
        migrations.RunPython(to_codes, to_text),
        migrations.RemoveField(model_name='station', name='facilities'),
        migrations.RenameField(model_name='station', old_name='facility_codes', new_name='facilities'),
        migrations.AlterField(
            model_name='station',
            name='facilities',
            field=models.JSONField(blank=True, default=list, help_text='从设施清单中选择，如饮水、充电、休息、卫生间。', verbose_name='设施'),
        ),
        migrations.CreateModel(
            name='StationInspection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('is_deleted', models.BooleanField(db_index=True, default=False, editable=False, verbose_name='已删除')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='删除时间')),
                ('inspected_on', models.DateField(verbose_name='检查日期')),
                ('inspector', models.CharField(max_length=100, verbose_name='检查人')),
                ('rectify_by', models.DateField(blank=True, help_text='不达标时必填。', null=True, verbose_name='整改期限')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('signage', models.BooleanField(default=True, verbose_name='标识标牌统一')),
                ('rules_posted', models.BooleanField(default=True, verbose_name='制度上墙')),
                ('drinking_water', models.BooleanField(default=True, verbose_name='饮水设施')),
                ('charging_point', models.BooleanField(default=True, verbose_name='充电设施')),
                ('seating', models.BooleanField(default=True, verbose_name='休息座椅')),
                ('first_aid_kit', models.BooleanField(default=True, verbose_name='急救药箱')),
                ('fire_equipment', models.BooleanField(default=True, verbose_name='消防器材')),
                ('tidy', models.BooleanField(default=True, verbose_name='卫生整洁')),
                ('hours_posted', models.BooleanField(default=True, verbose_name='开放时间公示')),
                ('records_kept', models.BooleanField(default=True, verbose_name='台账记录')),
                ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='community.station', verbose_name='站点')),
            ],
            options={
                'verbose_name': '驿站检查',
                'verbose_name_plural': '驿站检查',
                'ordering': ['-inspected_on', '-pk'],
            },
            managers=[
                ('all_objects', django.db.models.manager.Manager()),
            ],
        ),
    ]
