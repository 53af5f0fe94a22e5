"""智改数转's metrics: enterprises certified of a kind, level and issuing level in a period, and the
coverage of the 规上 enterprises; the seed's targets on the demo park, computed, never typed."""
from datetime import date

import pytest

from openpark.core import targets
from openpark.core.models import Target
from openpark.transformation.models import Certification

pytestmark = pytest.mark.django_db

YEAR = date(2026, 1, 1), date(2026, 12, 31)


def certify(enterprise, kind, on, level="", issuing="county"):
    return Certification.objects.create(enterprise=enterprise, kind=kind, level=level, issuing_level=issuing,
                                        certified_on=on)


def test_certified_counts_enterprises_of_the_kind_level_and_issuer_in_the_period(enterprises):
    first, second, third = enterprises
    certify(first, "cloud", date(2026, 3, 1), "three_star", "province")
    certify(first, "cloud", date(2026, 9, 1), "four_star", "province")  # the same enterprise, a higher star
    certify(second, "cloud", date(2026, 4, 1), "five_star", "province")
    certify(third, "cloud", date(2025, 4, 1), "four_star", "province")  # the year before
    certify(second, "smart_workshop", date(2026, 5, 1), issuing="county")
    certify(third, "smart_workshop", date(2026, 5, 1), issuing="taizhou")
    metric = targets.metric("transformation.certified")
    assert metric.compute(*YEAR, {"kind": "cloud", "levels": ["three_star", "four_star"]}) == 1
    assert metric.compute(*YEAR, {"kind": "cloud"}) == 2
    assert metric.compute(*YEAR, {"kind": "smart_workshop", "issued_at_least": "taizhou"}) == 1
    assert metric.compute(date(2025, 1, 1), date(2026, 12, 31), {"kind": "cloud"}) == 3


@pytest.mark.parametrize("params, message", [
    ({}, "须指定认定类别"), ({"kind": "cloud", "levels": ["basic"]}, "级别 levels"),
    ({"kind": "smart_line", "levels": ["three_star"]}, "该类别不分级别"),
    ({"kind": "cloud", "issued_at_least": "city"}, "认定层级下限"), ({"kind": "cloud", "x": 1}, "未知的参数"),
])
def test_a_target_with_bad_params_is_refused_in_chinese(params, message):
    target = Target(name="上云", year=2026, metric="transformation.certified", params=params, target_value=20)
    with pytest.raises(Exception) as refused:
        target.full_clean()
    assert message in str(refused.value)
