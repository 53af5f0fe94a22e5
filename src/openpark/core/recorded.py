"""Recorded values (a change record's before and after, as stored JSON) as people read them:
a choice by its label, a link by the name of what it points to, 是/否, times in Asia/Shanghai,
lists joined with 、, numbers with thousands separators, JSON values in words (a model words its own
with `recorded_texts`) — never a code, an id, True/False, a Python list or dict or a UTC ISO string."""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .choices import ChangeAction
from .columns import display_value, distinct_figures, is_position
from .masking import HIDDEN

JSON_SHOWN = 120  # characters of a JSON value (a boundary, a scheme) shown before "…"
# State flags a new record holds at their default (not deleted, an account in use): a create
# record shows them only when they differ from it.
DEFAULT_FLAGS = ("is_deleted", "is_active")


class RecordedValues:
    """Shows the recorded values of one model; names of linked records are read once each."""

    def __init__(self, model):
        self.model = model
        self._names: dict[tuple, str] = {}

    def field(self, name):
        if self.model is None:
            return None
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def leaves_out(self, name: str, action: str, after) -> bool:
        """Whether a recorded field is left out of every change shown: the primary key, the fields
        its model keeps to itself (`recorded_hidden`, an account's superuser and staff flags) and,
        on a create record, a state flag at its default."""
        field = self.field(name)
        if field is None:
            return False
        if field.primary_key or name in getattr(self.model, "recorded_hidden", ()):
            return True
        return action == ChangeAction.CREATE and name in DEFAULT_FLAGS and after == field.get_default()

    def show(self, name: str, value) -> str:
        if value is None or value == "" or value == []:
            return ""
        if value == HIDDEN:  # masked for the reader (a related record's id as well as a text)
            return value
        field = self.field(name)
        if field is None:
            return _plain(value)
        words = getattr(self.model, "recorded_texts", {}).get(name)
        if words is not None:  # a value its model words itself ({field name: function})
            return _shortened(words(value))
        if field.choices:
            labels = {str(key): str(label) for key, label in field.flatchoices}
            return labels.get(str(value), str(value))
        if isinstance(field, models.BooleanField):
            return "是" if value else "否"
        if field.is_relation:
            ids = value if isinstance(value, list) else [value]
            return "、".join(self._name(field.related_model, pk) for pk in ids)
        if isinstance(field, models.DateTimeField):
            return _local_time(value)
        if isinstance(field, (models.DecimalField, models.FloatField, models.IntegerField)):
            return display_value(_number(value), field)
        if isinstance(field, models.JSONField):
            return _shortened(display_value(value))
        return _plain(value)

    def show_change(self, name: str, before, after) -> tuple[str, str]:
        """A field's value before and after; two figures that differ beyond their two decimals are
        written with the decimals that tell them apart (18.045 → 18.046, not 18.05 → 18.05)."""
        shown = self.show(name, before), self.show(name, after)
        field = self.field(name)
        numbers = _number(before), _number(after)
        if shown[0] == shown[1] and before != after and all(isinstance(n, (Decimal, float, int)) for n in numbers) \
                and isinstance(field, (models.DecimalField, models.FloatField)) and not is_position(field):
            return distinct_figures(*numbers)
        return shown

    def _name(self, model, pk) -> str:
        key = (model, pk)
        if key not in self._names:
            obj = model._default_manager.filter(pk=pk).first()
            self._names[key] = _with_state(obj) if obj is not None else f"（已不存在，编号 {pk}）"
        return self._names[key]


def _with_state(obj) -> str:
    return f"{obj}（已删除）" if getattr(obj, "is_deleted", False) else str(obj)


def _local_time(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _number(value):
    """A recorded number (a Decimal is recorded as its text) as a number again."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def _shortened(text: str) -> str:
    return text if len(text) <= JSON_SHOWN else text[:JSON_SHOWN] + "…"


def _plain(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)):
        return _shortened(display_value(value))
    if isinstance(value, str) and parse_date(value) is not None and len(value) == 10:
        return value
    if isinstance(value, (date, datetime)):
        return _local_time(value) if isinstance(value, datetime) else value.isoformat()
    return str(value)
