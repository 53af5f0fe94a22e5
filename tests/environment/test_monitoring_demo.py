"""The demo park's water-quality monitoring: its sites, monthly samples and their grades."""
from collections import Counter

import pytest
from django.urls import reverse

from openpark.environment import services, water_quality
from openpark.environment.models import Measurement, MonitoringSite, WaterSample

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_the_demo_park_has_monthly_samples_at_its_sites_mostly_good_with_one_worst_event():
    assert MonitoringSite.objects.count() == 8
    assert WaterSample.objects.count() == 8 * 12
    assert Measurement.objects.count() == 8 * 12 * 13
    classes = Counter(WaterSample.objects.values_list("water_class", flat=True))
    assert classes[2] + classes[3] > 0.7 * 96 and classes[4] + classes[5] > 0 and classes[6] == 1
    worst = WaterSample.objects.get(water_class=6)
    assert worst.site.code == "LJ01" and "氨氮（" in worst.exceedances and worst.worse_than_target
    # graded in bulk as the grader grades one sample
    values = {item.parameter: item.as_measurement() for item in worst.measurements.all()}
    assert water_quality.assess(values).exceedance_text == worst.exceedances
    assert services.sites_by_latest_class()[0] == 0


def test_the_demo_parks_water_bodies_show_their_grade(make_user, client_for):
    river = MonitoringSite.objects.get(code="QW01").water_body
    page = client_for(make_user("environment")).get(river.get_absolute_url()).content.decode()
    assert 'id="river-grade"' in page and "评价断面 3 个" in page and "断面浓度均值法" in page
    assert client_for(make_user("leader")).get(reverse("environment:watersample_list")).status_code == 200
