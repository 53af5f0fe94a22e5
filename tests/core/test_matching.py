"""Matching records by natural key and counting what an import does: pure, no database."""
import itertools

import pytest

from openpark.core.matching import (
    Action, Component, Counts, describe_counts, lookup_batches, null_last, repeated_keys, where_text,
)


def test_counts_of_actions():
    actions = [Action.UPDATE, Action.UNCHANGED, Action.UNCHANGED, Action.RESTORE, Action.DELETE, Action.CREATE]
    assert Counts.of(actions).as_dict() == {"create": 1, "update": 1, "restore": 1, "unchanged": 2, "delete": 1}
    assert Counts.of([]).as_dict() == {"create": 0, "update": 0, "restore": 0, "unchanged": 0, "delete": 0}


@pytest.mark.parametrize("counts, unit, text", [
    ({"create": 0, "update": 2, "restore": 0, "unchanged": 298, "delete": 0}, "行", "新建 0 行、更新 2 行、未变 298 行"),
    ({"create": 1, "update": 0, "restore": 2, "unchanged": 0, "delete": 3}, "个数值",
     "新建 1 个数值、更新 0 个数值、恢复 2 个数值、删除 3 个数值、未变 0 个数值"),
    ({"create": 3, "update": 0, "unchanged": 0}, "行", "新建 3 行、更新 0 行、未变 0 行"),  # kept by an older version
])
def test_counts_in_words(counts, unit, text):
    assert describe_counts(counts, unit) == text


def test_repeated_keys_name_the_first_row_and_the_repeat_once_per_pair_of_rows():
    items = [
        (("A", 7, 2021, 6), "名录", 2), (("A", 8, 2021, 6), "名录", 2),
        (("B", 7, 2021, None), "名录", 3),
        (("A", 7, 2021, 6), "补报", 2), (("A", 8, 2021, 6), "补报", 2),  # one repeated row, two records
        (("B", 7, 2021, None), "补报", 5),  # None is a value: the annual key repeats
        (("B", 7, 2021, 6), "补报", 6),  # a monthly key is another key
    ]
    repeats = repeated_keys(items)
    assert [(r.first, r.again) for r in repeats] == [(("名录", 2), ("补报", 2)), (("名录", 3), ("补报", 5))]
    assert repeats[1].key == ("B", 7, 2021, None)


def test_where_a_row_is_said_from_its_own_sheet_or_another():
    assert where_text("名录", 3, "名录") == "第 3 行"
    assert where_text("名录", 3, "补报") == "工作表“名录”第 3 行"


def test_keys_with_none_sort_after_values():
    keys = [(1, None), (1, 6), (0, None), (0, 3)]
    assert sorted(keys, key=null_last) == [(0, 3), (0, None), (1, 6), (1, None)]


def covered(batches: list[list[Component]], key: tuple) -> bool:
    """Whether some batch's filter (each field IN its values, or IS NULL) finds the key."""
    return any(
        all(value in component.values if value is not None else component.null
            for value, component in zip(key, batch))
        for batch in batches
    )


def test_lookup_batches_find_every_key_within_the_limit_and_ask_for_nulls():
    keys = [(enterprise, indicator, 2021, month) for enterprise, indicator, month
            in itertools.product(range(40), range(3), (None, 6))]
    batches = list(lookup_batches(keys + keys[:5], limit=20))
    assert all(covered(batches, key) for key in keys)
    assert all(sum(len(component.values) for component in batch) <= 20 for batch in batches)
    assert len(batches) > 1 and all(batch[3] == Component([6], True) for batch in batches)


def test_lookup_batches_of_single_keys_are_plain_chunks():
    batches = list(lookup_batches([(code,) for code in "ABCDE"], limit=2))
    assert batches == [[Component(["A", "B"])], [Component(["C", "D"])], [Component(["E"])]]


def test_a_key_field_that_is_only_none_is_asked_for_as_null_alone():
    [batch] = lookup_batches([("A", None), ("B", None)], limit=10)
    assert batch == [Component(["A", "B"]), Component([], True)]
    assert list(lookup_batches([], limit=10)) == []
