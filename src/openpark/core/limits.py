"""What the platform accepts at all: record ids, years, dates and JSON values.

Input outside these bounds is refused with a Chinese message before it reaches the database
(SQLite cannot compare a 20-digit number with an id, PostgreSQL refuses NUL characters and
infinite numbers in jsonb) or date arithmetic (which ends at 9999-12-31).
"""
import json
import math
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.deconstruct import deconstructible

ID_MAX = 2**63 - 1  # the largest id a 64-bit integer column holds
FIRST_YEAR, LAST_YEAR = 1990, 2100  # the years of periods, evaluations and targets
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2100, 12, 31)  # any date the platform records
JSON_MAX_DEPTH = 64
JSON_MAX_NUMBER = 10**15



def year_validators() -> list:
    """The validators of a year field (FIRST_YEAR–LAST_YEAR), a new list for each field."""
    return [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def in_year_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def id_out_of_range(value) -> bool:
    """True for a value that reads as a whole number no id column can hold (a 20-digit id, say)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return not math.isfinite(value) or abs(value) > ID_MAX
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            return False
    return isinstance(value, int) and abs(value) > ID_MAX


@deconstructible
class DateRangeValidator:
    """A date between FIRST_DATE and LAST_DATE."""

    message = "日期须在 %(first)s 至 %(last)s 之间。"
    code = "date_out_of_range"

    def __call__(self, value):
        if isinstance(value, date) and not FIRST_DATE <= value <= LAST_DATE:
            raise ValidationError(
                self.message, code=self.code,
                params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
            )

    def __eq__(self, other):
        return isinstance(other, DateRangeValidator)

    def __hash__(self):
        return hash(DateRangeValidator)


validate_date_range = DateRangeValidator()


def _refuse_constant(name):
    raise ValueError(f"不支持 {name}")


def parse_json_text(text) -> object:
    """The value of JSON text, checked by `check_json_value`; ValidationError in Chinese otherwise.

    Python's json reads NaN and Infinity, which JSON does not allow, and fails with a
    RecursionError on deep nesting; both are refused here."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValidationError("JSON 的嵌套层数过多。", code="invalid") from None
    except (TypeError, ValueError):
        raise ValidationError("不是有效的 JSON：请检查括号、逗号和引号。", code="invalid") from None
    check_json_value(value)
    return value


def check_json_value(value) -> None:
    """Refuse what no JSON column stores safely: nesting deeper than JSON_MAX_DEPTH, text with NUL
    characters, and numbers that are not finite or larger than JSON_MAX_NUMBER."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > JSON_MAX_DEPTH:
            raise ValidationError(f"JSON 的嵌套层数不能超过 {JSON_MAX_DEPTH} 层。", code="invalid")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_scalar(key)
                pending.append((child, depth + 1))
        elif isinstance(item, (list, tuple)):
            pending.extend((child, depth + 1) for child in item)
        else:
            _check_scalar(item)


def _check_scalar(value) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError("JSON 中的文字不能含有空字符（\\u0000）。", code="null_characters_not_allowed")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError("JSON 中的数值必须是有限的数字。", code="invalid")
        if abs(value) > JSON_MAX_NUMBER:
            raise ValidationError("JSON 中的数值过大（绝对值不能超过 10 的 15 次方）。", code="invalid")
    else:
        raise ValidationError("JSON 中含有不支持的值。", code="invalid")


# The longest reason a change, an export or a step records (修改原因, 导出事由).
REASON_MAX_LENGTH = 500
