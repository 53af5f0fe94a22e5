"""Growth, shares and thresholds: pure arithmetic."""
from decimal import Decimal as D

import pytest

from openpark.economy import growth


def test_growth_pct_is_on_the_previous_value_to_two_decimals():
    assert growth.growth_pct(D("221.95"), D("174.16")) == D("27.44")
    assert growth.growth_pct(D("80"), D("100")) == D("-20.00")
    assert growth.growth_pct(D("1"), D("3")) == D("-66.67")


@pytest.mark.parametrize("current, previous", [(D(5), None), (None, D(5)), (D(5), D(0)), (D(5), D(-2))])
def test_growth_needs_a_positive_base(current, previous):
    assert growth.growth_pct(current, previous) is None


def test_share_rounds_half_up_to_the_places_asked():
    assert growth.share_pct(D("59.5"), D(100), places=0) == D(60)
    assert growth.share_pct(D(1), D(7)) == D("14.29")
    assert growth.share_pct(D(1), D(0)) is None


@pytest.mark.parametrize("value, expected", [
    (D("-0.01"), "alarm"), (D(0), "normal"), (D("14.99"), "normal"), (D(15), "excellent"), (None, ""),
])
def test_status_when_higher_is_better(value, expected):
    assert growth.status(value, D(0), D(15), True) == expected


@pytest.mark.parametrize("value, expected", [(D("5.01"), "alarm"), (D(5), "normal"), (D(-5), "excellent")])
def test_status_when_lower_is_better(value, expected):
    assert growth.status(value, D(5), D(-5), False) == expected


def test_no_thresholds_means_normal():
    assert growth.status(D(-50), None, None, True) == "normal"


def test_wan_to_yi():
    assert growth.to_yi(D("2219500.00")) == D("221.95")
    assert growth.to_yi(D("5")) == D("0.00")
