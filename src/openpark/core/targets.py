"""Targets (目标) and the metrics that measure them.

A metric is a figure computed from the records over a period (`compute(start, end, params)`); the
apps register theirs from their AppConfig.ready() with `register_metric(Metric(...))`, as they
register cockpit tiles, so that core knows none of them. A target (`core.Target`) names a metric,
its params and the value aimed at; its progress is never typed but computed by the metric, and
`progress()` below says how far along it is against the time elapsed.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms


class ParamChoiceField(forms.ChoiceField):
    """A metric's param chosen from a list. It leaves the judgement of the value to the metric's
    `check_params`, so that the page and the API refuse the same params with the same words."""

    def __init__(self, *args, needed: bool = False, **kwargs):
        super().__init__(*args, required=False, **kwargs)
        self.needed = needed  # marked as needed on the form; the check refuses its absence

    def valid_value(self, value) -> bool:
        return True


class ParamMultipleChoiceField(forms.MultipleChoiceField):
    """A metric's param of several values, ticked among a list (judged by the metric's check)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, **kwargs):
        super().__init__(*args, required=False, **kwargs)
        self.needed = False

    def valid_value(self, value) -> bool:
        return True


def choice_param(label: str, choices, needed: bool = False, empty: str = "（不限）") -> ParamChoiceField:
    return ParamChoiceField(label=label, choices=[("", "---------" if needed else empty), *choices], needed=needed)


def choices_param(label: str, choices) -> ParamMultipleChoiceField:
    return ParamMultipleChoiceField(label=label, choices=list(choices))


def unknown_params(params: dict, fields: dict) -> None:
    """Refuse params the metric has no field for, in words (never their codes)."""
    if set(params) - set(fields):
        known = "、".join(str(field.label) for field in fields.values())
        raise ValueError(f"该指标只有以下参数：{known}。" if known else "该指标不需要参数。")


def _no_params(params: dict) -> dict:
    if params:
        raise ValueError("该指标不需要参数。")
    return {}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    compute: Callable[[date, date, dict], Decimal | int | None]
    module: str = ""  # the navigation module the figure belongs to (the targets page groups by it)
    # (params) -> the params as kept; ValueError with a Chinese message when they do not fit
    check_params: Callable[[dict], dict] = _no_params
    # (start, end, params) -> the page listing the records counted, or "" when there is none
    url: Callable[[date, date, dict], str] | None = None
    places: int = 0  # decimals shown
    # (params) -> the params in words ("已签约"), for pages and change records; "" for none
    describe: Callable[[dict], str] | None = None
    # () -> {param name: form field} (`choice_param`, `choices_param`), labelled in Chinese: the target
    # form shows them for this metric, and keeps what is chosen as the params (judged by check_params)
    param_fields: Callable[[], dict] | None = None
    # (start, end, params) -> why there is no figure for the period, with what is known instead
    # ("2026 年度亩均评价尚未发布…"); asked only when `compute` gives None
    explain: Callable[[date, date, dict], str] | None = None
    # (start, end, params) -> what the figure was taken from, when it is not plain from the period
    # ("按 2022 年规上企业名单"); shown next to the figure
    basis: Callable[[date, date, dict], str] | None = None

    def fields(self) -> dict:
        return self.param_fields() if self.param_fields is not None else {}

    def params_text(self, params: dict) -> str:
        if not params:
            return ""
        if self.describe is not None:
            return self.describe(params)
        fields = self.fields()
        if fields and set(params) <= set(fields):
            return " · ".join(f"{fields[name].label}：{_chosen_text(fields[name], value)}"
                              for name, value in params.items())
        from .columns import display_value

        return display_value(params)

    def no_data_text(self, start: date, end: date, params: dict) -> str:
        return (self.explain(start, end, params) if self.explain is not None else "") or "暂无数据"


def _chosen_text(field, value) -> str:
    labels = {str(key): str(label) for key, label in getattr(field, "choices", ())}
    values = value if isinstance(value, list) else [value]
    return "、".join(labels.get(str(item), str(item)) for item in values)


_metrics: dict[str, Metric] = {}


def register_metric(metric: Metric) -> None:
    _metrics[metric.key] = metric


def unregister_metric(key: str) -> None:
    _metrics.pop(key, None)


def metric(key: str) -> Metric | None:
    return _metrics.get(key)


def metrics() -> list[Metric]:
    return sorted(_metrics.values(), key=lambda m: (m.module, m.key))


def metric_choices() -> list[tuple[str, str]]:
    """The registered metrics as field choices (a callable, so that a metric added later needs no
    migration)."""
    return [(m.key, m.label) for m in metrics()]


AT_LEAST, AT_MOST = "at_least", "at_most"


# The states of a target, one word each, the same on the page, the cockpit tile and the command.
NOT_STARTED, ON_TRACK, BEHIND, NO_DATA, DONE, NOT_DONE = "未开始", "正常", "落后于进度", "暂无数据", "已完成", "未完成"


@dataclass(frozen=True)
class Progress:
    current: Decimal | None
    target: Decimal
    raw: Decimal | None  # current / target, not capped (None when unknown)
    share: Decimal | None  # the same, capped to 0–1 for display
    expected: Decimal | None  # what should be reached by today, linearly (None before the start)
    elapsed: Decimal  # the share of the period gone, 0–1
    behind: bool  # running, and short of what should be reached by now
    started: bool
    ended: bool = False  # the period is over (today after its last day)
    status: str = ON_TRACK  # one of NOT_STARTED, ON_TRACK, BEHIND, NO_DATA, DONE, NOT_DONE

    @property
    def alarm(self) -> bool:
        return self.status in (BEHIND, NOT_DONE)


def progress(current, target, start: date, end: date, today: date, direction: str = AT_LEAST) -> Progress:
    """How far a target is: current / target (raw, and capped to 0–1), what the target times the
    elapsed share of the period says should be reached by `today`, whether it lags behind that,
    and its state in one word (`status`).

    The elapsed share counts whole days, the first and the last included. An "at most" target (a
    ceiling) is behind once the current value passes the target. Without a figure the state is
    暂无数据 (never 正常); once the period is over it is 已完成 or 未完成 (never 落后于进度)."""
    target = Decimal(str(target))
    days = (end - start).days + 1
    gone = min(max((today - start).days + 1, 0), days)
    elapsed = (Decimal(gone) / Decimal(days)) if days > 0 else Decimal(1)
    started = today >= start
    ended = today > end
    current = None if current is None else Decimal(str(current))
    raw = current / target if current is not None and target else None
    share = None if raw is None else min(max(raw, Decimal(0)), Decimal(1))
    expected = target * elapsed if started else None
    met = current is not None and (current <= target if direction == AT_MOST else current >= target)
    if current is None or not started:
        behind = False
    elif direction == AT_MOST:
        behind = current > target
    else:
        behind = current < expected
    if current is None:
        status = NO_DATA
    elif not started:
        status = NOT_STARTED
    elif ended:
        status = DONE if met else NOT_DONE
    else:
        status = BEHIND if behind else ON_TRACK
    behind = behind and status == BEHIND
    return Progress(current, target, raw, share, expected, elapsed, behind, started, ended, status)
