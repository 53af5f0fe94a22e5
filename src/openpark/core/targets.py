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

    def params_text(self, params: dict) -> str:
        if not params:
            return ""
        if self.describe is not None:
            return self.describe(params)
        from .columns import display_value

        return display_value(params)


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


@dataclass(frozen=True)
class Progress:
    current: Decimal | None
    target: Decimal
    raw: Decimal | None  # current / target, not capped (None when unknown)
    share: Decimal | None  # the same, capped to 0–1 for display
    expected: Decimal | None  # what should be reached by today, linearly (None before the start)
    elapsed: Decimal  # the share of the period gone, 0–1
    behind: bool  # started, and short of what should be reached by now
    started: bool


def progress(current, target, start: date, end: date, today: date, direction: str = AT_LEAST) -> Progress:
    """How far a target is: current / target (raw, and capped to 0–1), what the target times the
    elapsed share of the period says should be reached by `today`, and whether it lags behind that.

    The elapsed share counts whole days, the first and the last included. An "at most" target (a
    ceiling) is behind once the current value passes the target."""
    target = Decimal(str(target))
    days = (end - start).days + 1
    gone = min(max((today - start).days + 1, 0), days)
    elapsed = (Decimal(gone) / Decimal(days)) if days > 0 else Decimal(1)
    started = today >= start
    current = None if current is None else Decimal(str(current))
    raw = current / target if current is not None and target else None
    share = None if raw is None else min(max(raw, Decimal(0)), Decimal(1))
    expected = target * elapsed if started else None
    if current is None or not started:
        behind = False
    elif direction == AT_MOST:
        behind = current > target
    else:
        behind = current < expected
    return Progress(current, target, raw, share, expected, elapsed, behind, started)
