"""The periodic checks: Celery beat's schedule names each task, and `run_periodic_checks` runs
every one of them in process, for an installation with no broker."""
import io
from datetime import date, timedelta

import pytest
from celery import shared_task
from django.core.management import CommandError, call_command
from django.utils import timezone

from openpark.celery import app
from openpark.enterprises.expiries import expiries
from openpark.enterprises.models import HighTechCertificate, ServiceContract
from openpark.enterprises.tasks import check_expiries

RAN: list[str] = []


@shared_task(name="tests.periodic_stub")
def periodic_stub(marker: str) -> str:
    RAN.append(marker)
    return marker


@shared_task(name="tests.periodic_failing")
def periodic_failing() -> None:
    raise RuntimeError("检查失败")


def entry(task: str, **kwargs) -> dict:
    return {"task": task, "schedule": 3600, "kwargs": kwargs}


@pytest.fixture(autouse=True)
def nothing_ran():
    RAN.clear()


def run(*names) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("run_periodic_checks", *names, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_runs_every_scheduled_task_in_process(settings):
    settings.CELERY_BEAT_SCHEDULE = {"first": entry("tests.periodic_stub", marker="一"),
                                     "second": entry("tests.periodic_stub", marker="二")}
    out, err = run()
    assert RAN == ["一", "二"]
    assert "first：tests.periodic_stub 已完成。" in out and "second" in out and not err


def test_a_failing_or_unknown_task_does_not_stop_the_others_but_fails_the_run(settings):
    settings.CELERY_BEAT_SCHEDULE = {"failing": entry("tests.periodic_failing"), "missing": entry("tests.no_such_task"),
                                     "last": entry("tests.periodic_stub", marker="最后")}
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 个定期任务未能完成：failing、missing"):
        call_command("run_periodic_checks", stdout=io.StringIO(), stderr=err)
    assert RAN == ["最后"]
    assert "检查失败" in err.getvalue() and "tests.no_such_task 未注册" in err.getvalue()


def test_the_command_runs_only_the_named_tasks(settings):
    settings.CELERY_BEAT_SCHEDULE = {"first": entry("tests.periodic_stub", marker="一"),
                                     "second": entry("tests.periodic_stub", marker="二")}
    run("second")
    assert RAN == ["二"]
    with pytest.raises(CommandError, match="计划中没有这些任务：third"):
        run("third")


def test_the_schedule_holds_the_periodic_checks(settings):
    tasks = {name: e["task"] for name, e in settings.CELERY_BEAT_SCHEDULE.items()}
    assert tasks == {"deadlines": "core.check_deadlines", "expiries": "enterprises.check_expiries",
                     "housekeeping": "core.housekeeping", "environment": "environment.check_alerts",
                     "points_expiry": "community.expire_points"}
    app.loader.import_default_modules()
    assert {"enterprises.check_expiries", "core.housekeeping", "environment.check_alerts",
            "community.expire_points"} <= set(app.tasks)


@pytest.mark.django_db
def test_expiries_find_certificates_in_their_last_year_and_contracts_about_to_end(enterprises):
    today = timezone.localdate()
    last_year_of = date(today.year - HighTechCertificate.VALID_YEARS + 1, 3, 1)
    ending = HighTechCertificate.objects.create(enterprise=enterprises[0], number="GR0001", issued_on=last_year_of)
    HighTechCertificate.objects.create(enterprise=enterprises[1], number="GR0002", issued_on=last_year_of)
    HighTechCertificate.objects.create(enterprise=enterprises[1], number="GR0003", issued_on=last_year_of.replace(month=11))
    HighTechCertificate.objects.create(enterprise=enterprises[2], number="GR0004", issued_on=date(today.year, 1, 5))
    soon = ServiceContract.objects.create(number="HT-1", contractor="甲", service="环保管家",
                                          starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=10))
    ServiceContract.objects.create(number="HT-2", contractor="乙", service="环保管家",
                                   starts_on=today, ends_on=today + timedelta(days=90))
    found = expiries(today)
    assert [c.number for c in found.certificates] == [ending.number, "GR0003"]
    assert found.contracts == [soon]
    assert check_expiries.apply().get() == {"certificates": 2, "contracts": 1}
