"""The demo park's 智改数转 gives the figures of chengnan-facts.yaml, as the platform counts them."""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from openpark.core.facts import park_facts
from openpark.transformation import demo, services
from openpark.transformation.models import Certification

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_this_years_figures_are_the_published_ones():
    assert demo.figures(timezone.localdate().year) == park_facts()["smart_transformation"]["this_year"]


def test_every_certification_keeps_the_rules_and_the_coverage_page_reads(make_user, client_for):
    for certification in Certification.objects.select_related("enterprise"):
        certification.clean()
    year = services.latest_year()
    assert services.coverage_tables(year)["total"].above_scale > 0
    response = client_for(make_user("leader")).get(reverse("transformation:coverage"))
    assert response.status_code == 200 and response.context["year"] == year and "按片区" in response.content.decode()


def test_the_seeds_targets_are_shipped_and_computed_on_the_demo_park():
    year = timezone.localdate().year
    out = StringIO()
    call_command("targets", "--year", str(year), "--json", stdout=out)
    rows = {row["name"]: row for row in json.loads(out.getvalue())}
    cloud, workshops = rows[f"{year} 年三星、四星级上云企业"], rows[f"{year} 年泰州市级以上智能车间"]
    assert (cloud["target"], cloud["current"], cloud["progress"]) == (20, 20, 1)
    assert (workshops["target"], workshops["current"], workshops["progress"]) == (3, 3, 1)
    out = StringIO()
    call_command("targets", "--year", "2025", "--json", stdout=out)
    plan = {row["name"]: row for row in json.loads(out.getvalue())}
    assert plan["2022–2025 年智能车间"]["target"] == 20 and plan["2022–2025 年智能生产线"]["target"] == 80
    assert plan["2022–2025 年智能车间"]["current"] == 21 and plan["2022–2025 年智能生产线"]["current"] == 74
    coverage = plan["2025 年规上企业智改数转全覆盖"]
    assert coverage["target"] == 100 and coverage["start"] == "2022-01-01"
    assert coverage["current"] is not None and "2022" in coverage["basis"]  # the period's latest 规上 list


def test_no_demo_enterprise_name_repeats_its_trade():
    from openpark.enterprises.models import Enterprise
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert names and not [name for name in names if "科技科技" in name]
