"""A transition's button says which way it goes: blue for a step forward, red for one that turns
the object back or ends it."""
import pytest

from openpark.core.states import Transition


@pytest.mark.parametrize(("name", "label", "turns_back", "shown"), [
    ("verify", "核实（现场确认）", None, "primary"),
    ("reopen", "回头看重新打开", None, "primary"),
    ("reject", "排除", None, "danger"),
    ("send_back", "退回重新整改", None, "danger"),
    ("refuse", "驳回并退回积分", None, "danger"),
    ("decline", "不予受理", True, "danger"),
    ("cancel", "取消", False, "primary"),
])
def test_a_transition_button_class(name, label, turns_back, shown):
    transition = Transition(name, label, ("a",), "b", "app.perm", turns_back=turns_back)
    assert transition.button_class == shown
