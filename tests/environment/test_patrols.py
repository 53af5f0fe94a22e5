"""The patrol computations, without Django: track length, duration, a rule's months, counting."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from openpark.environment import patrols


def test_a_degree_of_latitude_is_111_km():
    # Along a meridian: π/180 × the mean radius = 111.195 km; WGS-84's ellipsoid gives 110.9 km at 31.5° N.
    km = patrols.track_km({"type": "LineString", "coordinates": [[120.0, 31.0], [120.0, 32.0]]})
    assert km == pytest.approx(111.195, rel=1e-4)
    assert km == pytest.approx(110.86, rel=0.01)


def test_a_track_is_the_sum_of_its_steps_and_pieces_are_measured_apart():
    line = [[120.26, 31.98], [120.26, 31.99], [120.27, 31.99]]
    one = patrols.track_km({"type": "LineString", "coordinates": line})
    steps = patrols.haversine_km(line[0], line[1]) + patrols.haversine_km(line[1], line[2])
    assert one == pytest.approx(steps)
    # The two pieces of a MultiLineString: the jump between them is not walked.
    two = patrols.track_km({"type": "MultiLineString", "coordinates": [line[:2], line[1:]]})
    assert two == pytest.approx(one)
    jumped = patrols.track_km({"type": "MultiLineString", "coordinates": [line[:2], [[121.0, 32.5], [121.0, 32.51]]]})
    assert jumped == pytest.approx(patrols.haversine_km(line[0], line[1]) + patrols.haversine_km([121.0, 32.5], [121.0, 32.51]))
    assert patrols.track_km(None) is None
    assert patrols.track_km({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line}}) == one


def test_an_east_west_step_shrinks_with_the_latitude():
    # 0.01° of longitude at 32° N: 111.195 × cos(32°) / 100 = 0.943 km.
    km = patrols.haversine_km([120.00, 32.0], [120.01, 32.0])
    assert km == pytest.approx(0.943, rel=0.01)


def test_a_track_that_is_not_a_line_is_refused():
    with pytest.raises(ValueError, match="线"):
        patrols.lines_of({"type": "Point", "coordinates": [120.0, 31.0]})


def test_rounded_km():
    assert patrols.rounded_km(2.005) == Decimal("2.01")
    assert patrols.rounded_km(None) is None


def test_duration_in_whole_minutes():
    start = datetime(2026, 11, 2, 8, 0)
    assert patrols.duration_minutes(start, start + timedelta(minutes=30)) == 30
    assert patrols.duration_minutes(start, start + timedelta(minutes=29, seconds=59)) == 29
    assert patrols.duration_minutes(start, start - timedelta(minutes=5)) == 0


@pytest.mark.parametrize(("text", "months"), [
    ("1-12", list(range(1, 13))), ("3-11", list(range(3, 12))), ("1,3,5-7", [1, 3, 5, 6, 7]),
    ("1、2、12", [1, 2, 12]), ("12", [12]), ([4, 5], [4, 5]), ("3 ～ 5", [3, 4, 5]),
])
def test_months_read(text, months):
    assert patrols.parse_months(text) == months


@pytest.mark.parametrize("text", ["", "0", "13", "1-13", "5-3", "一月", "1-2-3", []])
def test_bad_months_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match="月"):
        patrols.parse_months(text)


def test_months_written_back():
    assert patrols.months_text(range(1, 13)) == "1-12"
    assert patrols.months_text([3, 4, 5, 9]) == "3-5、9"
    assert patrols.months_text([]) == ""


def test_the_rule_boundaries():
    months = list(range(1, 13))
    assert patrols.meets_rule(30, Decimal("2.00"), 11, 30, Decimal("2"), months)
    assert not patrols.meets_rule(29, Decimal("2.00"), 11, 30, Decimal("2"), months)
    assert not patrols.meets_rule(30, Decimal("1.99"), 11, 30, Decimal("2"), months)
    assert not patrols.meets_rule(30, None, 11, 30, Decimal("2"), months)
    assert not patrols.meets_rule(90, Decimal("5"), 1, 30, Decimal("2"), list(range(3, 12)))
    assert patrols.meets_rule(90, 5.0, 3, 30, 2, list(range(3, 12)))


def test_the_period_a_rule_counts_in():
    wednesday = date(2026, 12, 2)
    assert patrols.period_start("week", wednesday) == date(2026, 11, 30)
    assert patrols.period_start("month", wednesday) == date(2026, 12, 1)
    assert patrols.behind(1, 0) == 1
    assert patrols.behind(1, 3) == 0


def test_a_track_above_the_point_limit_is_refused_with_the_limit_named():
    line = [[120.0 + i * 1e-5, 31.0] for i in range(patrols.MAX_TRACK_POINTS)]
    patrols.check_track_size({"type": "LineString", "coordinates": line})  # at the limit: accepted
    with pytest.raises(ValueError, match="5,000"):
        patrols.check_track_size({"type": "LineString", "coordinates": line + [[121.0, 31.0]]})
    with pytest.raises(ValueError, match="上限"):
        patrols.check_track_size({"type": "MultiLineString", "coordinates": [line, line[:2]]})


def test_an_average_speed_above_30_kmh_is_implausible_at_the_boundary():
    assert patrols.MAX_PATROL_KMH == 30
    assert patrols.implausible_speed(Decimal("30"), 60) is None  # 30 km/h exactly: plausible
    assert "30" in patrols.implausible_speed(Decimal("30.01"), 60)
    assert "千米/小时" in patrols.implausible_speed(1000, 60)
    assert patrols.implausible_speed(Decimal("5"), 60) is None
    assert patrols.implausible_speed(None, 60) is None and patrols.implausible_speed(0, 0) is None
    assert "不足 1 分钟" in patrols.implausible_speed(Decimal("0.5"), 0)


def test_a_track_sent_to_the_map_is_thinned_keeping_its_ends():
    line = [[120.0 + i * 1e-5, 31.0] for i in range(1000)]
    thin = patrols.simplify_track({"type": "LineString", "coordinates": line}, limit=100)
    assert len(thin["coordinates"]) == 100
    assert thin["coordinates"][0] == line[0] and thin["coordinates"][-1] == line[-1]
    short = {"type": "LineString", "coordinates": line[:50]}
    assert patrols.simplify_track(short, limit=100) is short
    multi = patrols.simplify_track({"type": "MultiLineString", "coordinates": [line, line[:3]]}, limit=100)
    assert sum(len(part) for part in multi["coordinates"]) <= 100 + 2  # two ends a line at least
    assert multi["coordinates"][1][0] == line[0] and multi["coordinates"][1][-1] == line[2]


def test_behind_only_when_the_period_can_no_longer_be_met():
    june_1, june_30 = date(2026, 6, 1), date(2026, 6, 30)
    assert patrols.days_left("month", june_1) == 30 and patrols.days_left("month", june_30) == 1
    assert patrols.days_left("week", june_1) == 7 and patrols.days_left("week", date(2026, 6, 7)) == 1
    assert patrols.period_end("month", date(2026, 2, 10)) == date(2026, 2, 28)
    assert patrols.previous_period_start("month", june_1) == date(2026, 5, 1)
    assert patrols.previous_period_start("week", date(2026, 6, 3)) == date(2026, 5, 25)
    assert not patrols.is_behind(owed=1, left=30)  # once a month, on the 1st: not behind
    assert not patrols.is_behind(owed=1, left=1)  # the last day still fits it
    assert patrols.is_behind(owed=4, left=3)
    assert patrols.is_behind(owed=0, left=30, owed_before=1)  # the last period ended short
