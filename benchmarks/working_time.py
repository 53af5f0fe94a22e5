#!/usr/bin/env python
"""Benchmark: deadlines in working minutes (`Calendar.add_working_minutes`).

    .venv/bin/python benchmarks/working_time.py [--calls 10000] [--baseline-calls 500] [--runs 3]

1. Calendar: the official days chinesecalendar ships (holidays and 调休 days), working hours
   08:30–12:00 and 13:30–17:30.
2. Times --calls calls of `add_working_minutes` from starts spread over 2026 (every 37 minutes,
   in and out of working hours, over weekends and holidays), each of 30 minutes (登记派遣) and of
   900 minutes (two working days): the median of --runs runs after one warm-up.
3. Baseline, in the same run: a walk minute by minute (each minute asked whether it is a working
   minute), on the first --baseline-calls starts; the script checks that both give the same
   moments and prints the ratio per call.
4. Target: 10,000 two-working-day deadlines in ≤ 1 s (a check or an import of a day's cases).

No Django and no database: the count is pure.
"""
import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from openpark.core.workdays import Calendar, WorkingHours, shipped_days, shipped_years

TARGET_SECONDS = 1.0


def walk(calendar: Calendar, start: datetime, minutes: int, hours: WorkingHours) -> datetime:
    """The baseline: step a minute at a time, counting the working ones."""
    moment = start
    while minutes or not (calendar.is_workday(moment.date()) and hours.contains(moment)):
        if calendar.is_workday(moment.date()) and hours.contains(moment):
            if not minutes:
                break
            minutes -= 1
            moment += timedelta(minutes=1)
            if not minutes:
                return moment
        else:
            moment += timedelta(minutes=1)
    return moment


def median_seconds(function, runs: int) -> float:
    function()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10000)
    parser.add_argument("--baseline-calls", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    calendar = Calendar({day: working for day, working, _ in shipped_days()}, frozenset(shipped_years()))
    hours = WorkingHours()
    starts = [datetime(2026, 1, 1, 7, 3) + timedelta(minutes=37 * i) for i in range(args.calls)]
    some = starts[: args.baseline_calls]
    for minutes in (30, 900):
        fast = median_seconds(lambda m=minutes: [calendar.add_working_minutes(s, m, hours) for s in starts],
                              args.runs)
        slow = median_seconds(lambda m=minutes: [walk(calendar, s, m, hours) for s in some], 1)
        same = all(calendar.add_working_minutes(s, minutes, hours).at == walk(calendar, s, minutes, hours)
                   for s in some)
        per_fast, per_slow = fast / len(starts), slow / len(some)
        print(f"{minutes:>4} working minutes: {len(starts):,} calls {fast:.3f} s ({per_fast * 1e6:.1f} µs a call); "
              f"baseline minute by minute {per_slow * 1e6:.0f} µs a call; ratio {per_slow / per_fast:.0f}×; "
              f"same moments: {'yes' if same else 'NO'}")
        if minutes == 900:
            print(f"target ≤ {TARGET_SECONDS} s for {len(starts):,}: {'met' if fast <= TARGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
