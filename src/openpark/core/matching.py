"""Matching an import's records to the stored ones by natural key, and counting what it does.

Pure: no models, no database. `openpark.core.imports` runs the lookup these helpers plan.

A natural key is a tuple of values, one per key field, e.g. (enterprise, indicator, year, month)
for a fact. None is a value like any other: an annual fact has no month, and its key matches the
stored annual fact, never a monthly one.
"""
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    """What an import does to one record."""

    CREATE = "create"
    UPDATE = "update"
    RESTORE = "restore"  # a soft-deleted record the file brings back
    UNCHANGED = "unchanged"
    DELETE = "delete"  # e.g. a blank cell of the fact sheet removes the value stored so far


ACTION_LABELS = {
    Action.CREATE: "新建", Action.UPDATE: "更新", Action.RESTORE: "恢复", Action.UNCHANGED: "未变",
    Action.DELETE: "删除",
}
COUNTED = ("create", "update", "restore", "unchanged", "delete")
# Always said, even when 0; the others only when they happen.
ALWAYS_SAID = ("create", "update", "unchanged")


@dataclass
class Counts:
    create: int = 0
    update: int = 0
    restore: int = 0
    unchanged: int = 0
    delete: int = 0

    @classmethod
    def of(cls, actions: Iterable[str]) -> "Counts":
        counts = cls()
        for action in actions:
            setattr(counts, action, getattr(counts, action) + 1)
        return counts

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTED}


def describe_counts(counts: dict, unit: str = "行") -> str:
    """"新建 0 行、更新 2 行、未变 298 行", with 恢复 and 删除 when there are any. Counts kept
    before restores and deletions were counted (old import jobs) read as 0."""
    parts = [
        f"{ACTION_LABELS[Action(name)]} {counts.get(name, 0)} {unit}"
        for name in ("create", "update", "restore", "delete", "unchanged")
        if name in ALWAYS_SAID or counts.get(name)
    ]
    return "、".join(parts)


# ---------------------------------------------------------------- keys


def null_last(key: tuple) -> tuple:
    """A sort key for natural keys that may hold None (sorted after the values)."""
    return tuple((value is None, value) for value in key)


@dataclass(frozen=True)
class Repeat:
    """A key the file has twice: where it is first, and where it comes again."""

    key: Hashable
    first: tuple[str, int]  # (sheet, row)
    again: tuple[str, int]


def repeated_keys(items: Iterable[tuple[Hashable, str, int]]) -> list[Repeat]:
    """For (key, sheet, row) items in file order, each row that repeats the key of an earlier row
    (once per pair of rows, however many records the two rows hold)."""
    first: dict = {}
    repeats: dict[tuple, Repeat] = {}
    for key, sheet, row in items:
        where = first.setdefault(key, (sheet, row))
        if where != (sheet, row):
            repeats.setdefault((where, (sheet, row)), Repeat(key, where, (sheet, row)))
    return list(repeats.values())


def where_text(sheet: str, row: int, from_sheet: str) -> str:
    """"第 3 行", or "工作表“名录”第 3 行" when seen from another sheet."""
    return f"第 {row} 行" if sheet == from_sheet else f"工作表“{sheet}”第 {row} 行"


@dataclass
class Component:
    """The values one key field takes in a batch of keys: those that are not None, and whether None is
    among them (a lookup must then ask for IS NULL as well, as IN never matches NULL)."""

    values: list = field(default_factory=list)
    null: bool = False


def lookup_batches(keys: Iterable[tuple], limit: int) -> Iterator[list[Component]]:
    """Batches of the distinct keys, each as one `Component` per key field, with at most `limit`
    values in all, so that one query per batch (field IN values AND …) finds every stored record
    of its keys. It may find others (every combination of the values): keep only the wanted keys.
    Keys are sorted first, so that a batch holds neighbouring keys (one enterprise's facts)."""
    batch: list[set] = []
    nulls: list[bool] = []
    for key in _sorted(set(keys)):
        if not batch:
            batch, nulls = [set() for _ in key], [False] * len(key)
        new = [index for index, value in enumerate(key) if value is not None and value not in batch[index]]
        if new and sum(map(len, batch)) + len(new) > limit:
            yield _components(batch, nulls)
            batch, nulls = [set() for _ in key], [False] * len(key)
            new = [index for index, value in enumerate(key) if value is not None]
        for index in new:
            batch[index].add(key[index])
        if None in key:
            for index, value in enumerate(key):
                nulls[index] = nulls[index] or value is None
    if batch:
        yield _components(batch, nulls)


def _sorted(keys: set) -> list:
    try:
        return sorted(keys)
    except TypeError:  # None and a value in one place: the slower order that puts None last
        return sorted(keys, key=null_last)


def _components(batch: list[set], nulls: list[bool]) -> list[Component]:
    return [Component(sorted(values), null) for values, null in zip(batch, nulls)]

