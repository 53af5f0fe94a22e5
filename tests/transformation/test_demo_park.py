"""The demo park's 智改数转 gives the figures of chengnan-facts.yaml, as the platform counts them."""
import pytest
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
