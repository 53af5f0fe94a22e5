"""The demo park evaluated with jiangsu-6 for 2021 and 2022: both runs published, each group graded
by the quotas, 不定等 and excluded enterprises present, disposal cases for low-efficiency land, and a
second load adding nothing."""
import numpy as np
import pytest

from openpark.evaluation.engine import quota_grades
from openpark.evaluation.models import DisposalCase, LowEfficiencyRule, Result, Run
from openpark.evaluation.services import low_efficiency
from tests.economy.test_demo_figures import run as command

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_demo_has_two_published_runs_that_follow_the_quotas():
    runs = list(Run.objects.order_by("year"))
    assert [(r.year, r.state, r.scheme.name) for r in runs] == [(2021, "published", "jiangsu-6"),
                                                               (2022, "published", "jiangsu-6")]
    quotas = runs[0].scheme.parsed().quotas
    for run in runs:
        for group in ("above", "below"):
            graded = list(Result.objects.filter(run=run, group=group, rank__isnull=False).order_by("rank")
                          .values_list("grade", flat=True))
            assert graded, (run.year, group)
            assert graded == list(quota_grades(len(graded), quotas))
        assert Result.objects.filter(run=run, grade="不定等").exists()
        lacking_land = Result.objects.filter(run=run, group="", above_scale=False)
        assert all("亩" in reason for reason in lacking_land.values_list("reason", flat=True))
    cases = DisposalCase.objects.all()
    assert cases.count() == 8 and {c.state for c in cases} == {"open", "in_progress", "done"}
    low = {row.enterprise_id for row in low_efficiency(runs[1], LowEfficiencyRule.current())}
    assert {c.enterprise_id for c in cases} <= low
    assert "未重复生成" in command("load_demo")
    assert Run.objects.count() == 2
    totals = np.array(Result.objects.filter(run=runs[0], group="above").values_list("total", flat=True))
    assert (totals >= 0).all() and totals.max() <= 1.5 * 100
