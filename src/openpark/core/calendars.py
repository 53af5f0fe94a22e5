"""The working-day calendar kept in the database (see `workdays`): shipped from chinesecalendar,
extended by administrators, loaded once per process and reloaded when it changes."""
from functools import lru_cache

from django.db.models.signals import post_delete, post_save

from . import workdays


def ship(day_model, year_model) -> int:
    """Add the days and years chinesecalendar knows that the table lacks (models may be historical)."""
    have = set(day_model._default_manager.values_list("day", flat=True))
    days = [day_model(day=day, is_workday=is_workday, name=name)
            for day, is_workday, name in workdays.shipped_days() if day not in have]
    day_model._default_manager.bulk_create(days)
    known = set(year_model._default_manager.values_list("year", flat=True))
    year_model._default_manager.bulk_create([
        year_model(year=year, note="chinesecalendar 1.11.0（国务院办公厅节假日安排通知）")
        for year in workdays.shipped_years() if year not in known
    ])
    return len(days)


@lru_cache(maxsize=1)
def calendar() -> workdays.Calendar:
    from .models import CalendarDay, CalendarYear

    return workdays.Calendar(
        exceptions=dict(CalendarDay.objects.values_list("day", "is_workday")),
        years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


def _forget(**kwargs) -> None:
    calendar.cache_clear()


def connect() -> None:
    from .models import CalendarDay, CalendarYear

    for model in (CalendarDay, CalendarYear):
        post_save.connect(_forget, sender=model, dispatch_uid=f"calendar-{model.__name__}-save")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"calendar-{model.__name__}-delete")
