"""The working-day calendar kept in the database (see `workdays`): shipped from chinesecalendar,
extended by administrators, and read through Django's cache so that every process (gunicorn
workers, Celery workers) sees a change at once.

The cache holds a version token and, under that version, the calendar. Saving or deleting a day or
a year puts a new token (again when its transaction commits), so every process, on its next read,
finds no calendar under the new version and loads it from the database once for all. Each process
keeps the calendar of the version it last saw, so a read costs one cache lookup of the token.

A process that changed the calendar inside a transaction still open reads it from the database
and shares nothing until the transaction ends: what it sees may yet be rolled back.
"""
from uuid import uuid4

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

from . import workdays

VERSION_KEY = "openpark:calendar:version"
CALENDAR_TIMEOUT = 24 * 3600  # a calendar no process has asked for in a day is loaded again


class _ProcessState:
    version: str | None = None
    calendar: workdays.Calendar | None = None
    changed_in_transaction = False


_state = _ProcessState()


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


def _load() -> workdays.Calendar:
    from .models import CalendarDay, CalendarYear

    return workdays.Calendar(
        exceptions=dict(CalendarDay.objects.values_list("day", "is_workday")),
        years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


def _calendar_key(version: str) -> str:
    return f"openpark:calendar:{version}"


def current_version() -> str:
    """The token of the calendar as stored now (made on first use)."""
    return cache.get_or_set(VERSION_KEY, lambda: uuid4().hex, timeout=None)


def calendar() -> workdays.Calendar:
    """The calendar as the database holds it, read through the cache."""
    if _state.changed_in_transaction:
        if connection.in_atomic_block:
            return _load()
        _state.changed_in_transaction = False
    version = current_version()
    if _state.version == version and _state.calendar is not None:
        return _state.calendar
    found = cache.get(_calendar_key(version))
    if found is None:
        found = _load()
        cache.set(_calendar_key(version), found, timeout=CALENDAR_TIMEOUT)
    _state.version, _state.calendar = version, found
    return found


_hours: dict[str, workdays.WorkingHours] = {}


def working_hours() -> workdays.WorkingHours:
    """The periods of a working day, from the setting `OPENPARK_WORKING_HOURS` (ValueError, in
    Chinese, when it is malformed; `manage.py check` says so at start)."""
    from django.conf import settings

    text = getattr(settings, "OPENPARK_WORKING_HOURS", "") or workdays.DEFAULT_WORKING_HOURS
    if text not in _hours:
        _hours[text] = workdays.WorkingHours.parse(text)
    return _hours[text]


def check_working_hours(app_configs=None, **kwargs) -> list:
    """The system check of `OPENPARK_WORKING_HOURS`."""
    from django.core.checks import Error

    try:
        working_hours()
    except ValueError as error:
        return [Error(f"OPENPARK_WORKING_HOURS 设置有误：{error}", id="openpark.E010",
                      hint="例如 OPENPARK_WORKING_HOURS=08:30-12:00,13:30-17:30")]
    return []


def forget() -> None:
    """Make every process load the calendar again (a new version token)."""
    cache.set(VERSION_KEY, uuid4().hex, timeout=None)
    _state.version = _state.calendar = None


def forget_in_this_process() -> None:
    """Drop what this process keeps (the shared cache is untouched), as a new process starts."""
    _state.version = _state.calendar = None
    _state.changed_in_transaction = False


def _changed(**kwargs) -> None:
    forget()
    if connection.in_atomic_block:
        _state.changed_in_transaction = True
        transaction.on_commit(forget)


def _migrated(**kwargs) -> None:
    """Migrations ship calendar rows in bulk, without signals."""
    forget()


def connect() -> None:
    from django.apps import apps
    from django.core import checks

    checks.register(check_working_hours)

    from .models import CalendarDay, CalendarYear

    for model in (CalendarDay, CalendarYear):
        post_save.connect(_changed, sender=model, dispatch_uid=f"calendar-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"calendar-{model.__name__}-delete")
    post_migrate.connect(_migrated, sender=apps.get_app_config("core"), dispatch_uid="calendar-migrated")
