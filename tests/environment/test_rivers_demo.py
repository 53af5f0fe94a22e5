"""The demo park's river chiefs, patrols, problems and the steward's inspections."""
import pytest
from django.urls import reverse

from openpark.core.models import StateChange
from openpark.environment import services
from openpark.environment.models import (
    EnvironmentProblem, Patrol, RiverChief, StewardAssessment, StewardInspection, WaterBody,
)
from tests.economy.test_demo_figures import run as command

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_the_demo_has_chiefs_a_year_of_patrols_and_problems_in_every_state(make_user, client_for):
    assert RiverChief.objects.count() == 12
    assert set(RiverChief.objects.values_list("level", flat=True)) == {"county", "township", "village"}
    assert RiverChief.objects.filter(water_bodies__name="七圩港").exists()
    assert RiverChief.objects.filter(segments__water_body__name="七圩港").count() == 3
    patrols = Patrol.objects.count()
    assert 350 <= patrols <= 450
    too_short = Patrol.objects.filter(counts=False).count()
    assert 5 <= too_short <= 40
    assert all(p.distance_km > 0 and len(p.track["coordinates"]) >= 2 for p in Patrol.objects.all()[:50])
    duty = services.duty_counts()
    assert duty["with_duty"] == 10 and 1 <= duty["behind"] < 10
    counts = services.problem_counts_by_state()
    assert sum(counts[state] for state in ("reported", "assigned", "escalated", "in_progress", "rectified",
                                           "closed")) == 15
    assert all(counts[state] for state in ("reported", "assigned", "escalated", "in_progress", "rectified", "closed"))
    assert counts["overdue"] >= 2
    assert StewardInspection.objects.count() == 2 and StewardAssessment.objects.count() == 1
    assert EnvironmentProblem.objects.filter(source="steward").count() == 3
    closed = EnvironmentProblem.objects.filter(state="closed").first()
    assert StateChange.objects.filter(object_id=str(closed.pk), to_state="closed").exists()
    client = client_for(make_user("environment"))
    page = client.get(WaterBody.objects.get(name="七圩港").get_absolute_url()).content.decode()
    assert "河长与巡河" in page and "钱永刚" in page
    assert "巡河未达标的河长" in client.get(reverse("environment:dashboard")).content.decode()
    assert "未重复生成" in command("load_demo")


def test_the_demo_steward_sees_its_inspections(make_user, api_for):
    from openpark.enterprises.models import ContractBinding
    from openpark.enterprises.scopes import demo_contract

    steward = make_user("steward")
    ContractBinding.objects.create(user=steward, contract=demo_contract())
    api = api_for(steward)
    assert len(api.get("/api/environment/steward-inspections/").json()["results"]) == 2
    assert len(api.get("/api/environment/problems/").json()["results"]) == 3
