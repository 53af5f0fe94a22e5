"""The demo park's year of 随手拍 cases: every history a way through the workflow, every stage and
category there, points once per true report, every case inside its grid."""
from collections import Counter, defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from openpark.community import cases as rules
from openpark.community import casework
from openpark.community.choices import CaseState
from openpark.community.demo import CASE_TIME_LIMITS, CATEGORIES, DEPARTMENTS
from openpark.community.models import CASE_MACHINE, Case, CaseCategory, CaseTimeLimit, Department, LedgerEntry, Worker
from openpark.core import geo
from openpark.core.demo_users import ensure_demo_users
from openpark.core.models import Deadline, Grid, StateChange

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def histories() -> dict[int, list[StateChange]]:
    found = defaultdict(list)
    for change in StateChange.objects.filter(content_type=ContentType.objects.get_for_model(Case)).order_by("time", "pk"):
        found[int(change.object_id)].append(change)
    return found


def test_departments_categories_and_time_limits():
    assert Department.objects.count() == len(DEPARTMENTS)
    assert set(Department.objects.filter(kind="territorial").values_list("name", flat=True)) == {"城南社区", "新港社区"}
    assert CaseCategory.objects.count() == len(CATEGORIES) >= 10
    manhole = CaseCategory.objects.get(name="井盖缺失")
    assert manhole.urgency == "urgent" and manhole.department.name == "建设交通局"
    assert CaseCategory.objects.filter(anonymous_allowed=True).exists()
    assert CaseCategory.objects.filter(anonymous_allowed=False).exists()
    assert CaseTimeLimit.objects.get(category=manhole, stage="handle", urgency="urgent").unit == rules.NATURAL_MINUTES
    assert CaseTimeLimit.objects.count() == len(CASE_TIME_LIMITS)
    for row in [*Department.objects.all(), *CaseCategory.objects.all(), *CaseTimeLimit.objects.all()]:
        row.full_clean()


def test_every_history_is_a_way_through_the_workflow_ending_in_the_case_state():
    found = histories()
    rows = list(Case.objects.values("pk", "state", "reported_at", "returns", "reworks", "extensions", "closed_at"))
    assert 600 <= len(rows) <= 1200 and set(found) == {row["pk"] for row in rows}
    for row in rows:
        history = found[row["pk"]]
        first = history[0]
        assert (first.transition, first.from_state, first.to_state, first.time) == \
               ("submit", "", "reported", row["reported_at"])
        state = "reported"
        for before, change in zip(history, history[1:]):
            transition = CASE_MACHINE.transitions[change.transition]
            assert change.from_state == state and state in transition.sources, (row, change)
            assert change.to_state == transition.target and change.time > before.time
            assert change.note or not transition.needs_note, (row, change)
            state = change.to_state
        assert state == row["state"], row
        steps = Counter(change.transition for change in history)
        assert (row["returns"], row["reworks"], row["extensions"]) == \
               (steps["send_back"], steps["recheck_fail"], steps["approve_extension"])
        assert (row["closed_at"] is not None) == (steps["close"] == 1)


def test_steps_are_made_mostly_in_working_hours():
    staff = StateChange.objects.filter(content_type=ContentType.objects.get_for_model(Case)).exclude(
        transition__in=["submit", "evaluate", "withdraw"]).values_list("time", flat=True)
    hours = [timezone.localtime(moment).hour for moment in staff]
    assert sum(8 <= hour < 18 for hour in hours) / len(hours) > 0.8


def test_every_state_and_category_is_there_most_cases_are_done_and_a_year_is_covered():
    counts = dict(Case.objects.values_list("state").annotate(n=Count("pk")))
    assert set(counts) == set(CaseState.values)
    assert counts["closed"] + counts["evaluated"] > sum(counts.values()) / 2
    assert set(Case.objects.values_list("category__name", flat=True)) == {row[1] for row in CATEGORIES}
    today = timezone.localdate()
    months = {(timezone.localtime(moment).year, timezone.localtime(moment).month)
              for moment in Case.objects.values_list("reported_at", flat=True)}
    assert {(today.year, month) for month in range(1, today.month + 1)} <= months or today.month <= 2
    assert len(months) >= 3
    closed = Case.objects.filter(state__in=rules.DONE_STATES)
    assert set(closed.values_list("resolution", flat=True)) == {"fixed", "not_fixed"}
    assert not closed.filter(resolution="not_fixed", resolution_note="").exists()
    assert not Case.objects.filter(state="evaluated", satisfaction="").exists()
    assert Case.objects.filter(returns__gt=0).exists() and Case.objects.filter(reworks__gt=0).exists()
    assert Case.objects.filter(extensions__gt=0).exists() and Case.objects.filter(anonymous=True).exists()


def test_duplicates_repeat_an_earlier_case_of_the_same_kind_nearby():
    repeats = Case.objects.filter(state="duplicate").select_related("duplicate_of")
    assert repeats.exists() and not Case.objects.exclude(state="duplicate").filter(duplicate_of__isnull=False).exists()
    for case in repeats:
        original = case.duplicate_of
        assert original.reported_at < case.reported_at and original.category_id == case.category_id
        assert casework.geo_distance(float(case.longitude), float(case.latitude), float(original.longitude),
                                     float(original.latitude)) < 100


def test_open_cases_wait_on_a_running_deadline_and_some_are_overdue():
    case_type = ContentType.objects.get_for_model(Case)
    running = Counter(Deadline.objects.filter(content_type=case_type, met_at__isnull=True)
                      .values_list("object_id", "state"))
    for pk, state in Case.objects.values_list("pk", "state"):
        expected = {(str(pk), state): 1} if state in rules.STAGE_OF_STATE else {}
        assert {key: n for key, n in running.items() if key[0] == str(pk)} == expected, (pk, state)
    overdue = Case.objects.filter(Case.overdue_q())
    assert overdue.exists() and overdue.count() < Case.objects.filter(state__in=rules.OPEN_STATES).count()
    assert Deadline.objects.filter(content_type=case_type, met_at__isnull=False).count() > 1000


def test_each_stage_runs_on_its_own_limit():
    """A deadline counts the limit of its stage for the case's category and urgency: the park's own,
    the category's own (井盖缺失: 处置 120 minutes on the clock), else the default."""
    from datetime import timedelta

    from openpark.community import casework

    case_type = ContentType.objects.get_for_model(Case)
    cases = {str(case.pk): case for case in Case.objects.select_related("category")}
    limits = casework.configured_limits()
    rows = Deadline.objects.filter(content_type=case_type)
    assert {row.unit for row in rows} == {rules.WORKING_DAYS, rules.WORKING_MINUTES, rules.NATURAL_MINUTES}
    for row in rows:
        case = cases[row.object_id]
        limit = rules.stage_limit(rules.STAGE_OF_STATE[row.state], case.urgency, limits, case.category_id)
        assert (row.unit, row.amount) == (limit.unit, limit.amount), row
        if row.unit == rules.NATURAL_MINUTES and not row.extended:
            assert row.due_at == row.started_at + timedelta(minutes=row.amount)
        assert (row.due_at is None) == (row.unit == rules.WORKING_DAYS)
    assert rows.filter(extended=1, state="handling").count() == Case.objects.filter(extensions=1).count()
    manhole = rows.filter(state="handling", object_id__in=[pk for pk, case in cases.items()
                                                           if case.category.name == "井盖缺失"
                                                           and case.urgency == "urgent"])
    assert manhole.exists() and {(row.unit, row.amount) for row in manhole} == {(rules.NATURAL_MINUTES, 120)}


def test_each_true_report_earns_its_points_once():
    case_type = ContentType.objects.get_for_model(Case)
    verified = set(StateChange.objects.filter(content_type=case_type, transition="verify")
                   .values_list("object_id", flat=True))
    earning = {f"case:{pk}": (worker, points) for pk, worker, points in Case.objects.filter(
        reporter_worker__isnull=False, category__points__gt=0).values_list("pk", "reporter_worker", "category__points")
        if str(pk) in verified}
    entries = list(LedgerEntry.objects.filter(source__startswith="case:").values_list("source", "worker", "points"))
    assert len(entries) == len({source for source, _, _ in entries}) == len(earning) > 300
    assert {source: (worker, points) for source, worker, points in entries} == earning
    from openpark.community import services

    workers = {worker for _, worker, _ in entries}
    books = services.ledgers(workers)  # every ledger still replays
    stored = dict(Worker.objects.filter(pk__in=workers).values_list("pk", "points"))
    assert {pk: book.balance for pk, book in books.items()} == stored


def test_every_case_lies_inside_its_grid():
    grids = {grid.pk: grid for grid in Grid.objects.all()}
    for lon, lat, grid_id in Case.objects.values_list("longitude", "latitude", "grid"):
        assert geo.contains(grids[grid_id].boundary, float(lon), float(lat))
    sample = Case.objects.order_by("pk")[::97]
    assert all(casework.grid_at(case.longitude, case.latitude).pk == case.grid_id for case in sample)


def test_the_demo_handler_and_the_demo_rider_have_cases_of_their_own():
    first = Department.objects.order_by("kind", "name").first()
    assert first.name == DEPARTMENTS[0][0]
    waiting = Counter(Case.objects.filter(department=first).values_list("state", flat=True))
    assert waiting["dispatched"] >= 3 and waiting["handling"] >= 3
    ensure_demo_users()
    rider = Worker.objects.get(user__username="demo_grid")
    own = Case.objects.filter(reporter=rider.user)
    assert own.count() >= 8 and own.filter(reporter_worker=rider).count() == own.count()
    assert {"reported", "handling", "closed", "evaluated", "withdrawn", "invalid"} <= set(
        own.values_list("state", flat=True))
    handler = Department.objects.get(pk=first.pk).user_bindings.get().user
    assert handler.username == "demo_department"
    assert Case.objects.filter(department=first, state__in=["dispatched", "handling"]).count() >= 6


def test_a_sample_of_cases_keeps_the_model_rules():
    for case in Case.objects.order_by("pk")[::53]:
        case.full_clean(exclude=["number"])


@pytest.mark.parametrize("moment", ["2026-01-02 00:30", "2026-07-15 10:00"])
def test_the_cases_are_drawn_the_same_each_time_at_any_time_of_the_year(moment, monkeypatch):
    """The demo's year is drawn from a fixed seed: loaded at the same moment, the same cases with the
    same histories; at any moment of a year (its first days too), every state is there."""
    import random
    from datetime import datetime

    from openpark.community import demo

    monkeypatch.setattr(demo, "_write_cases", lambda made, histories, timers, content_type: [
        (case.number, case.state, case.category.code, [change.transition for change in history],
         [(timer.state, timer.due_on) for timer in running])
        for case, history, running in zip(made, histories, timers)])
    now = timezone.make_aware(datetime.fromisoformat(moment))
    parts = (list(Department.objects.order_by("pk")), list(CaseCategory.objects.order_by("pk")),
             list(CaseTimeLimit.objects.order_by("pk")), list(Grid.objects.order_by("code")))
    drawn = [demo._case_year(random.Random(demo.CASE_SEED), now, *parts) for _ in range(2)]
    assert drawn[0] == drawn[1]
    assert {state for _, state, *_ in drawn[0]} == set(CaseState.values)
    assert all(number.startswith("SSP") for number, *_ in drawn[0])


def test_most_closed_cases_met_every_limit_and_a_few_did_not():
    """The demo's 按期结案率 is one a park could have: most closed cases met every stage's limit."""
    closed = set(Case.objects.filter(state__in=rules.DONE_STATES).values_list("pk", flat=True))
    late = set(Case.objects.filter(Case.late_q(), pk__in=closed).values_list("pk", flat=True))
    assert closed and 0.75 <= 1 - len(late) / len(closed) <= 0.98
    labels = set(Deadline.objects.filter(content_type=ContentType.objects.get_for_model(Case))
                 .values_list("label", flat=True))
    assert labels == {"核实", "立案", "派遣", "签收", "处置", "核查", "结案"}


def test_the_territorial_departments_own_the_grids():
    from openpark.community.demo import TERRITORY

    owned = {grid.code: department.name for department in Department.objects.filter(kind="territorial")
             for grid in department.grids.all()}
    assert owned == {code: name for code, name in TERRITORY.items() if Grid.objects.filter(code=code).exists()}
