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


def test_the_demo_projects_in_land_supply_run_their_1230_deadline(make_user, client_for):
    """Every project of the demo at 供地 has the deadline its move there starts (30 working days to
    开工), on its timeline and in its deadline table."""
    from openpark.core.models import Deadline
    from openpark.investment.choices import Stage
    from openpark.investment.models import PROJECT_MACHINE, Project, StageDate

    rule = PROJECT_MACHINE.transitions["to_land"]
    land = list(Project.objects.filter(stage=Stage.LAND))
    assert land
    for project in land:
        deadline = Deadline.objects.of(project).get(met_at__isnull=True)
        entered = StageDate.objects.get(project=project, stage=Stage.LAND).actual_on
        assert (deadline.label, deadline.working_days, deadline.state) == (rule.deadline_label, 30, "land")
        assert timezone.localdate(deadline.started_at) == entered and deadline.due_on > entered
    assert Deadline.objects.of_many(Project, Project.objects.values_list("pk", flat=True)).count() == len(land)
    project = land[0]
    page = client_for(make_user("investment")).get(project.get_absolute_url()).content.decode()
    table = page[page.index('id="deadlines"'):page.index("</table>", page.index('id="deadlines"'))]
    timeline = page[page.index('id="timeline"'):]
    assert rule.deadline_label in table and f"开始计时：{rule.deadline_label}" in timeline
