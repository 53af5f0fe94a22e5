"""The demo park shows the investment totals published since 2017."""
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.core.facts import park_facts
from openpark.investment import services
from openpark.investment.models import TargetCompany
from tests.economy.test_demo_figures import run as command

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_the_demo_park_shows_the_published_totals(make_user, client_for):
    published = park_facts()["projects_since_2017"]
    figures = json.loads(command("investment_summary", "--since", "2017", "--json"))
    assert figures == {key: {"count": value["count"], "investment": float(value["investment"])}
                       for key, value in published.items()}
    assert TargetCompany.objects.filter(year=timezone.localdate().year).count() == 30
    page = client_for(make_user("leader")).get(reverse("investment:pipeline")).content.decode()
    assert "149" in page and "532.00" in page and "195.00" in page and "90.00" in page
    assert services.stale_projects().exists() and services.overdue_problems().exists()
    assert "百亿级" in page
    assert "未重复生成" in command("load_demo")
