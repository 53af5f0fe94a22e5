"""The points ledger, without a database: fixed cases for each rule, then random sequences of
grants, redemptions, expiry runs, reversals and repeated events checked against its promises."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpark.community.ledger import EXPIRY, GRANT, REDEMPTION, REVERSAL, Entry, Ledger, LedgerError

D0 = date(2026, 1, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def test_redemption_spends_the_oldest_points_first():
    ledger = Ledger(validity_days=100)
    ledger.grant("a", day(0), 10, "志愿服务")
    ledger.grant("b", day(5), 10, "技能培训")
    ledger.redeem("r", day(6), 12, "兑换雨衣")
    assert [(lot.source, lot.remaining) for lot in ledger.lots()] == [("b", 8)]
    assert ledger.balance == 8


def test_expiry_removes_only_the_unspent_remains_of_expired_grants():
    ledger = Ledger(validity_days=30)
    ledger.grant("a", day(0), 10)
    ledger.grant("b", day(20), 5)
    ledger.redeem("r", day(21), 4)
    written = ledger.expire(day(30))
    assert [(e.kind, e.ref, e.points) for e in written] == [(EXPIRY, "a", -6)]
    assert ledger.balance == 5
    assert ledger.expire(day(30)) == []  # a second run finds nothing


def test_expired_points_cannot_be_spent_before_the_expiry_run():
    ledger = Ledger(validity_days=10)
    ledger.grant("a", day(0), 10)
    with pytest.raises(LedgerError, match="积分不足：可用 0 分，需要 1 分"):
        ledger.redeem("r", day(10), 1)
    assert len(ledger.entries) == 1


def test_the_same_event_twice_is_written_once():
    ledger = Ledger()
    first = ledger.grant("activity:1:worker:2", day(0), 3, "活动", hours=Decimal("3"))
    again = ledger.grant("activity:1:worker:2", day(1), 3, "活动", hours=Decimal("3"))
    assert again is first
    assert ledger.balance == 3 and len(ledger.entries) == 1
    with pytest.raises(LedgerError, match="已记过另一笔账"):
        ledger.grant("activity:1:worker:2", day(1), 5)


def test_a_grant_reversal_takes_back_only_the_unspent_part_and_its_hours():
    ledger = Ledger()
    ledger.grant("a", day(0), 10, hours=4)
    ledger.redeem("r", day(1), 7)
    entry = ledger.reverse("x", day(2), "a", "重复登记")
    assert (entry.kind, entry.points, entry.hours) == (REVERSAL, -3, Decimal(-4))
    assert ledger.balance == 0 and ledger.hours == 0
    with pytest.raises(LedgerError, match="已撤销过"):
        ledger.reverse("y", day(2), "a")


def test_a_fully_spent_grant_cannot_be_reversed():
    ledger = Ledger()
    ledger.grant("a", day(0), 5)
    ledger.redeem("r", day(1), 5)
    with pytest.raises(LedgerError, match="已全部使用或过期"):
        ledger.reverse("x", day(2), "a")
    assert ledger.balance == 0 and len(ledger.entries) == 2


def test_a_refused_redemption_returns_the_points_to_their_grants():
    ledger = Ledger(validity_days=30)
    ledger.grant("a", day(0), 5)
    ledger.grant("b", day(1), 5)
    ledger.redeem("r", day(2), 8)
    ledger.reverse("back", day(3), "r", "驳回兑换")
    assert [(lot.source, lot.remaining, lot.expires_on) for lot in ledger.lots()] == [
        ("a", 5, day(30)), ("b", 5, day(31))]


def test_hours_are_not_touched_by_redemption_or_expiry():
    ledger = Ledger(validity_days=10)
    ledger.grant("a", day(0), 10, hours=Decimal("2.5"))
    ledger.redeem("r", day(1), 4)
    ledger.expire(day(20))
    assert ledger.hours == Decimal("2.5") and ledger.balance == 0


def test_entries_cannot_be_dated_back():
    ledger = Ledger()
    ledger.grant("a", day(5), 10)
    with pytest.raises(LedgerError, match="早于上一笔记录"):
        ledger.grant("b", day(4), 10)


def test_a_stored_sequence_that_breaks_the_rules_is_refused():
    with pytest.raises(LedgerError, match="积分不足"):
        Ledger([Entry(GRANT, "a", day(0), 5, expires_on=day(9)), Entry(REDEMPTION, "r", day(1), -6)])
    with pytest.raises(LedgerError, match="过期只能去掉"):
        Ledger([Entry(GRANT, "a", day(0), 5, expires_on=day(9)), Entry(EXPIRY, "e", day(9), -6, ref="a")])


@pytest.mark.parametrize("points", [0, -3, 2.5, True])
def test_redemption_wants_a_positive_whole_number(points):
    ledger = Ledger()
    ledger.grant("a", day(0), 10)
    with pytest.raises(LedgerError):
        ledger.redeem("r", day(1), points)
    assert ledger.balance == 10


# ---- random sequences ------------------------------------------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("grant"), st.integers(1, 50), st.integers(0, 8), st.integers(0, 40)),
        st.tuples(st.just("redeem"), st.integers(1, 80), st.just(0), st.integers(0, 40)),
        st.tuples(st.just("expire"), st.just(0), st.just(0), st.integers(0, 40)),
        st.tuples(st.just("reverse"), st.integers(0, 60), st.just(0), st.integers(0, 40)),
        st.tuples(st.just("repeat"), st.integers(0, 60), st.just(0), st.integers(0, 40)),
    ),
    max_size=60,
)


def state(ledger):
    return [(lot.source, lot.remaining) for lot in ledger._lots.values()]


def check_invariants(ledger):
    assert ledger.balance >= 0
    assert ledger.balance == sum(e.points for e in ledger.entries)
    assert ledger.balance == sum(lot.remaining for lot in ledger.lots())
    unreversed = [e for e in ledger.entries if e.kind == GRANT and not ledger.is_reversed(e.source)]
    assert ledger.hours == sum((e.hours for e in unreversed), Decimal(0))
    replayed = Ledger(ledger.entries, validity_days=ledger.validity_days)
    assert state(replayed) == state(ledger) and replayed.balance == ledger.balance


@settings(max_examples=300, deadline=None)
@given(operations, st.integers(5, 90))
def test_random_sequences_keep_the_ledger_true(ops, validity):
    ledger = Ledger(validity_days=validity)
    today = D0
    calls = []  # what was asked, to repeat an event later
    for n, (op, amount, hours, advance) in enumerate(ops):
        today += timedelta(days=advance)
        before_entries, before_lots, before_hours = list(ledger.entries), state(ledger), ledger.hours
        spendable = [(lot.source, lot.remaining) for lot in ledger.lots() if lot.expires_on > today]
        try:
            if op == "grant":
                call = ("grant", f"g{n}", today, amount, hours)
                ledger.grant(f"g{n}", today, amount, hours=hours)
                calls.append(call)
            elif op == "redeem":
                ledger.redeem(f"r{n}", today, amount)
                calls.append(("redeem", f"r{n}", today, amount, 0))
                # FIFO: the points came from a run of the oldest spendable grants
                after = dict(state(ledger))
                taken = [(source, left - after[source]) for source, left in spendable]
                touched = [t for t in taken if t[1] > 0]
                assert sum(t[1] for t in taken) == amount
                assert taken[: len(touched)] == touched
                assert all(left - t == 0 for (_, left), (_, t) in zip(spendable, touched[:-1]))
                assert ledger.hours == before_hours
            elif op == "expire":
                written = ledger.expire(today)
                assert ledger.hours == before_hours
                old = dict(before_lots)
                for entry in written:
                    assert entry.points == -old[entry.ref] and ledger._lots[entry.ref].expires_on <= today
                expired = {entry.ref for entry in written}
                for source, left in state(ledger):
                    lot = ledger._lots[source]
                    if source not in expired:
                        assert left == old[source]
                    assert not (lot.expires_on <= today and left > 0)
            elif op == "reverse" and ledger.entries:
                target = ledger.entries[amount % len(ledger.entries)]
                ledger.reverse(f"x{n}", today, target.source)
                if target.kind == REDEMPTION:
                    assert ledger.hours == before_hours
            elif op == "repeat" and calls:
                kind, source, when, points, call_hours = calls[amount % len(calls)]
                if kind == "grant":
                    entry = ledger.grant(source, today, points, hours=call_hours)
                else:
                    entry = ledger.redeem(source, today, points)
                assert entry is ledger.get(source)
                assert ledger.entries == before_entries
        except LedgerError:
            # a refusal changes nothing
            assert ledger.entries == before_entries and state(ledger) == before_lots
        check_invariants(ledger)
