"""The working-day calendar is read through Django's cache, shared by every process: a holiday an
administrator adds in one process counts in every other at once, with no restart. Two processes
are simulated in one: each keeps its own state (`calendars._state`), swapped in and out, over the
shared file cache the platform uses when no REDIS_URL is set."""
from datetime import date

import pytest
from django.db import transaction

from openpark.core import calendars
from openpark.core.calendars import calendar
from openpark.core.models import CalendarDay, CalendarYear
from openpark.settings import caches

MONDAY = date(2027, 10, 4)  # no official calendar for 2027 yet: a plain working Monday


@pytest.fixture
def shared_file_cache(settings, tmp_path):
    settings.CACHES = caches("", tmp_path, testing=False)
    assert settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    calendars.forget_in_this_process()
    yield
    calendars.forget_in_this_process()


class Process:
    """What one process keeps between requests: its own state, over the one shared cache."""

    def __init__(self):
        self.state = calendars._ProcessState()

    def __enter__(self):
        self.saved, calendars._state = calendars._state, self.state
        return self

    def __exit__(self, *exc):
        calendars._state = self.saved


def test_settings_choose_redis_when_redis_url_is_set(tmp_path):
    assert caches("redis://127.0.0.1:6379/1", tmp_path, testing=False)["default"]["BACKEND"] == \
        "django.core.cache.backends.redis.RedisCache"
    assert caches("", tmp_path, testing=False)["default"]["LOCATION"] == str(tmp_path / "cache")


@pytest.mark.django_db
def test_a_holiday_added_in_one_process_counts_in_the_other_at_once(shared_file_cache, django_capture_on_commit_callbacks):
    worker, web = Process(), Process()
    with worker:
        assert calendar().is_workday(MONDAY)
    with web, django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(day=MONDAY, is_workday=False, name="国庆节")
        CalendarYear.objects.create(year=2027, note="国务院办公厅通知")
    with worker:  # not restarted: it still holds the calendar it loaded
        assert worker.state.calendar is not None
        assert not calendar().is_workday(MONDAY)
        assert not calendar().add_working_days(date(2027, 9, 30), 1).provisional
    with web:
        CalendarDay.objects.filter(day=MONDAY).get().delete()
    with worker:
        assert calendar().is_workday(MONDAY)


@pytest.mark.django_db
def test_a_new_process_reads_the_shared_calendar_without_the_database(shared_file_cache, django_assert_num_queries):
    with Process():
        calendar()
    with Process(), django_assert_num_queries(0):
        assert not calendar().is_workday(date(2023, 10, 2))  # 国庆节, shipped


@pytest.mark.django_db
def test_a_change_rolled_back_is_never_shared(shared_file_cache):
    with Process(), pytest.raises(RuntimeError):
        with transaction.atomic():
            CalendarDay.objects.create(day=MONDAY, is_workday=False, name="误加的假日")
            assert not calendar().is_workday(MONDAY)  # its own transaction sees it
            raise RuntimeError
    with Process():
        assert calendar().is_workday(MONDAY)


def test_the_calendar_is_kept_per_version_in_the_cache(shared_file_cache, db):
    from django.core.cache import cache

    with Process() as process:
        calendar()
        version = calendars.current_version()
        assert process.state.version == version
        assert cache.get(calendars._calendar_key(version)) == process.state.calendar
