"""The official calendar as far as chinesecalendar knows it (see core/workdays.py)."""
from django.db import migrations


def ship_calendar(apps, schema_editor):
    from openpark.core.calendars import ship

    ship(apps.get_model("core", "CalendarDay"), apps.get_model("core", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("core", "0005_working_day_calendar")]

    operations = [migrations.RunPython(ship_calendar, migrations.RunPython.noop)]
