"""The points ledger (积分台账) as pure accounting: no database, no Django.

A worker's ledger is an append-only sequence of entries, in the order they were written and
never dated before the entry written last:

- grant (发放): +points, with the service hours the event earned and the date the points expire;
- redemption (兑换): -points, spent from the oldest unexpired grants first (FIFO);
- expiry (过期): -the unspent remains of one grant whose expiry date has come;
- reversal (冲正): undoes one grant or one redemption.

Every entry carries a source key (来源) naming the event that caused it. Writing the same event
twice gives back the entry already written and changes nothing (idempotency); the same key used
for a different entry is refused.

The balance is the sum of all entries, and equals the sum of what is left of every grant, so it
can never go below zero:

- a redemption larger than the unexpired points available is refused;
- a grant's reversal takes back only what is still unspent of that grant (the part already
  spent or expired stays spent), and a grant with nothing left is refused; its service hours are
  taken back whole, as the event it recorded did not take place;
- a redemption's reversal (a refused redemption) returns the points to the grants they came
  from, with those grants' own expiry dates; points returned to a grant that has meanwhile
  expired are removed by the next expiry run, and points of a grant that has itself been
  reversed are not returned;
- expiries and reversals cannot be reversed, and an entry is reversed at most once.

Service hours (服务时长) are a separate record: only grants add them and only a grant's
reversal removes them; redemption and expiry never touch them.

``Ledger(entries)`` replays stored entries (and refuses a sequence that breaks these rules);
``grant``, ``redeem``, ``expire`` and ``reverse`` return the new entries they append, for the
caller to store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

GRANT = "grant"
REDEMPTION = "redemption"
EXPIRY = "expiry"
REVERSAL = "reversal"
KINDS = (GRANT, REDEMPTION, EXPIRY, REVERSAL)

# Points granted today stay valid for this many days unless the caller says otherwise.
DEFAULT_VALIDITY_DAYS = 365

ZERO_HOURS = Decimal(0)


class LedgerError(ValueError):
    """An entry the ledger refuses; the message is shown to the user as it is."""


@dataclass(frozen=True)
class Entry:
    kind: str
    source: str
    on: date
    points: int
    reason: str = ""
    hours: Decimal = ZERO_HOURS
    expires_on: date | None = None
    ref: str = ""  # expiry: the expired grant's source; reversal: the reversed entry's source


@dataclass
class Lot:
    """What one grant still holds."""

    source: str
    granted_on: date
    expires_on: date
    points: int
    remaining: int
    reversed: bool = False


@dataclass
class _Spent:
    lot: Lot
    points: int


class Ledger:
    """One worker's ledger, rebuilt from its entries."""

    def __init__(self, entries=(), *, validity_days: int = DEFAULT_VALIDITY_DAYS):
        if validity_days < 1:
            raise LedgerError("积分有效期至少为 1 天")
        self.validity_days = validity_days
        self.entries: list[Entry] = []
        self._by_source: dict[str, Entry] = {}
        self._lots: dict[str, Lot] = {}
        self._spent: dict[str, list[_Spent]] = {}
        self._reversed: set[str] = set()
        self._expiries: dict[str, int] = {}
        for entry in entries:
            self._apply(entry)

    # ---- reading -----------------------------------------------------------------------

    @property
    def balance(self) -> int:
        return sum(entry.points for entry in self.entries)

    @property
    def hours(self) -> Decimal:
        return sum((entry.hours for entry in self.entries), ZERO_HOURS)

    def lots(self) -> list[Lot]:
        """Grants with points left, oldest first."""
        return [lot for lot in self._lots.values() if lot.remaining > 0]

    def available(self, on: date) -> int:
        """Points that can be spent on a day: what is left of grants not yet expired then."""
        return sum(lot.remaining for lot in self.lots() if lot.expires_on > on)

    def expiring(self, on: date, within_days: int = 30) -> list[Lot]:
        """Grants whose unspent points expire after ``on`` and within ``within_days`` of it."""
        until = on + timedelta(days=within_days)
        return [lot for lot in self.lots() if on < lot.expires_on <= until]

    def get(self, source: str) -> Entry | None:
        return self._by_source.get(source)

    def is_reversed(self, source: str) -> bool:
        return source in self._reversed

    # ---- writing -----------------------------------------------------------------------

    def grant(self, source: str, on: date, points: int, reason: str = "", *, hours=ZERO_HOURS,
              expires_on: date | None = None) -> Entry:
        hours = Decimal(hours)
        if expires_on is None:
            expires_on = on + timedelta(days=self.validity_days)
        entry = Entry(GRANT, source, on, points, reason, hours, expires_on)
        existing = self._existing(entry, ("kind", "points", "hours"))
        return existing or self._append(entry)

    def redeem(self, source: str, on: date, points: int, reason: str = "") -> Entry:
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            raise LedgerError("兑换的积分须为正整数")
        entry = Entry(REDEMPTION, source, on, -points, reason)
        existing = self._existing(entry, ("kind", "points"))
        return existing or self._append(entry)

    def expire(self, on: date) -> list[Entry]:
        """Expire the unspent remains of every grant whose expiry date has come by ``on``."""
        self._check_date(on)
        written = []
        for lot in self.lots():
            if lot.expires_on <= on:
                count = self._expiries.get(lot.source, 0) + 1
                entry = Entry(EXPIRY, f"expiry:{lot.source}:{count}", on, -lot.remaining,
                              f"积分到期（{lot.expires_on.isoformat()}）", ref=lot.source)
                written.append(self._append(entry))
        return written

    def reverse(self, source: str, on: date, target: str, reason: str = "") -> Entry:
        existing = self._by_source.get(source)
        if existing is not None:
            if existing.kind == REVERSAL and existing.ref == target:
                return existing
            raise LedgerError(f"来源「{source}」已记过另一笔账")
        points, hours = self._reversal_amount(target, on)
        return self._append(Entry(REVERSAL, source, on, points, reason, hours, ref=target))

    # ---- rules ---------------------------------------------------------------------------

    def _existing(self, entry: Entry, compared: tuple[str, ...]) -> Entry | None:
        existing = self._by_source.get(entry.source)
        if existing is None:
            return None
        if all(getattr(existing, name) == getattr(entry, name) for name in compared):
            return existing
        raise LedgerError(f"来源「{entry.source}」已记过另一笔账")

    def _append(self, entry: Entry) -> Entry:
        self._apply(entry)
        return entry

    def _check_date(self, on: date) -> None:
        if self.entries and on < self.entries[-1].on:
            raise LedgerError(f"记账日期 {on.isoformat()} 早于上一笔记录的日期 {self.entries[-1].on.isoformat()}")

    def _reversal_amount(self, target: str, on: date) -> tuple[int, Decimal]:
        reversed_entry = self._by_source.get(target)
        if reversed_entry is None:
            raise LedgerError(f"没有来源为「{target}」的记录可撤销")
        if target in self._reversed:
            raise LedgerError("该记录已撤销过")
        if reversed_entry.kind == GRANT:
            lot = self._lots[target]
            if lot.remaining <= 0:
                raise LedgerError("该笔发放的积分已全部使用或过期，无可撤销的部分")
            return -lot.remaining, -reversed_entry.hours
        if reversed_entry.kind == REDEMPTION:
            returned = sum(spent.points for spent in self._spent[target] if not spent.lot.reversed)
            return returned, ZERO_HOURS
        raise LedgerError("过期和冲正记录不能撤销")

    def _apply(self, entry: Entry) -> None:
        if entry.kind not in KINDS:
            raise LedgerError(f"未知的记账类别「{entry.kind}」")
        if not entry.source:
            raise LedgerError("记账须注明来源")
        if entry.source in self._by_source:
            raise LedgerError(f"来源「{entry.source}」已记过一笔账")
        if isinstance(entry.points, bool) or not isinstance(entry.points, int):
            raise LedgerError("积分须为整数")
        self._check_date(entry.on)
        if entry.kind != GRANT and entry.expires_on is not None:
            raise LedgerError("只有发放的积分有到期日")
        if entry.kind not in (GRANT, REVERSAL) and entry.hours:
            raise LedgerError("兑换和过期不改变服务时长")
        getattr(self, f"_apply_{entry.kind}")(entry)
        self.entries.append(entry)
        self._by_source[entry.source] = entry

    def _apply_grant(self, entry: Entry) -> None:
        if entry.points <= 0:
            raise LedgerError("发放的积分须为正整数")
        if entry.hours < 0:
            raise LedgerError("服务时长不能为负数")
        if entry.expires_on is None or entry.expires_on <= entry.on:
            raise LedgerError("积分的到期日须晚于发放日")
        self._lots[entry.source] = Lot(entry.source, entry.on, entry.expires_on, entry.points, entry.points)

    def _apply_redemption(self, entry: Entry) -> None:
        wanted = -entry.points
        if wanted <= 0:
            raise LedgerError("兑换的积分须为正整数")
        available = self.available(entry.on)
        if wanted > available:
            raise LedgerError(f"积分不足：可用 {available} 分，需要 {wanted} 分")
        spent = []
        for lot in self.lots():  # grants in the order written, so the oldest first
            if wanted == 0:
                break
            if lot.expires_on <= entry.on:
                continue
            taken = min(lot.remaining, wanted)
            lot.remaining -= taken
            wanted -= taken
            spent.append(_Spent(lot, taken))
        self._spent[entry.source] = spent

    def _apply_expiry(self, entry: Entry) -> None:
        lot = self._lots.get(entry.ref)
        if lot is None:
            raise LedgerError(f"没有来源为「{entry.ref}」的发放可过期")
        if lot.expires_on > entry.on:
            raise LedgerError("该笔积分尚未到期")
        if lot.remaining <= 0 or entry.points != -lot.remaining:
            raise LedgerError("过期只能去掉到期发放的未用部分")
        lot.remaining = 0
        self._expiries[lot.source] = self._expiries.get(lot.source, 0) + 1

    def _apply_reversal(self, entry: Entry) -> None:
        points, hours = self._reversal_amount(entry.ref, entry.on)
        if entry.points != points or entry.hours != hours:
            raise LedgerError("冲正的积分或时长与被撤销的记录不符")
        reversed_entry = self._by_source[entry.ref]
        if reversed_entry.kind == GRANT:
            lot = self._lots[entry.ref]
            lot.remaining = 0
            lot.reversed = True
        else:
            for spent in self._spent[entry.ref]:
                if not spent.lot.reversed:
                    spent.lot.remaining += spent.points
        self._reversed.add(entry.ref)
