"""Overdue measures (one rule: the list filter, the list column, the counts), the park's counts of
outfalls by stage and measures by status, the dashboard that shows them and the cockpit tile."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.environment import cockpit, services
from openpark.environment.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(make_outfall):
    today = timezone.localdate()
    plan = make_outfall("in_remediation", plan_type="regularise").plan
    rows = [
        ("设置标志牌", "done", 100, today - timedelta(days=30), today - timedelta(days=31)),  # done late: not overdue
        ("封堵混接管", "in_progress", 50, today - timedelta(days=1), None),  # overdue
        ("建设采样井", "not_started", 0, today - timedelta(days=5), None),  # overdue
        ("安装视频监控", "in_progress", 30, today, None),  # due today: not yet overdue
        ("接入在线监测", "not_started", 0, today + timedelta(days=10), None),
    ]
    return [Measure.objects.create(plan=plan, content=content, owner="企业", status=status, progress=progress,
                                   deadline=deadline, completed_on=done) for content, status, progress, deadline, done
            in rows]


def test_overdue_is_not_done_and_past_the_deadline(measures):
    overdue = {m.content for m in measures if m.overdue}
    assert overdue == {"封堵混接管", "建设采样井"}
    assert set(Measure.objects.overdue().values_list("content", flat=True)) == overdue
    assert set(Measure.objects.not_overdue().values_list("content", flat=True)) == {m.content for m in measures} - overdue


def test_the_list_filters_and_marks_overdue_measures(measures, staff, client_for, api_for):
    client = client_for(staff)
    url = reverse("environment:measure_list")
    listed = client.get(url, {"overdue": "true"})
    assert {m.content for m in listed.context["page"].object_list} == {"封堵混接管", "建设采样井"}
    assert listed.context["page"].paginator.count == 2
    assert client.get(url, {"overdue": "false"}).context["page"].paginator.count == 3
    html = client.get(url).content.decode()
    assert "<th" in html and "逾期" in html
    api = api_for(staff).get("/api/environment/measures/", {"overdue": "true"}).json()
    assert {row["content"] for row in api["results"]} == {"封堵混接管", "建设采样井"}
    assert all(row["overdue"] is True for row in api["results"])


def test_the_counts_by_stage_and_status(measures, make_outfall):
    make_outfall()
    make_outfall("closed", plan_type="keep")
    stages = services.outfall_counts_by_stage()
    assert list(stages)[:3] == ["suspected", "verified", "monitored"]
    assert (stages["suspected"], stages["in_remediation"], stages["closed"], stages["merged"]) == (1, 1, 1, 0)
    assert sum(stages.values()) == 3 and services.outfalls_finished(stages) == 1
    counted = services.measure_counts_by_status()
    assert counted == {"not_started": 2, "in_progress": 2, "done": 1, "overdue": 2}


def test_the_dashboard_links_each_figure_to_its_list(measures, staff, client_for):
    client = client_for(staff)
    response = client.get(reverse("environment:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    for row in response.context["stages"] + response.context["measures"] + [response.context["overdue"]]:
        assert f'href="{row["url"]}"'.replace("&", "&amp;") in html
        assert client.get(row["url"]).context["page"].paginator.count == row["count"], row
    overdue = response.context["overdue"]
    assert overdue["count"] == 2 and overdue["url"].endswith("?overdue=true")
    assert response.context["outfall_total"] == 1 and response.context["measure_total"] == 5


def test_the_dashboard_needs_the_permission(make_user, client_for):
    assert client_for(make_user("industry")).get(reverse("environment:dashboard")).status_code == 403


def test_the_cockpit_tile_shows_the_dashboards_figures(measures, make_user, client_for):
    panel = cockpit.environment_panel(timezone.localdate().year)
    shown = {figure.label: figure for figure in panel.figures}
    assert shown["入河排污口"].value == 1 and shown["整治中的排口"].value == 1
    assert shown["已完成的整治措施"].value == 1 and shown["已完成的整治措施"].note == "共 5 项"
    assert shown["逾期未完成的措施"].value == 2 and shown["逾期未完成的措施"].status == "alarm"
    client = client_for(make_user("environment"))
    response = client.get(reverse("cockpit"))
    assert [tile.key for tile, _ in response.context["panels"]] == ["environment"]
    for figure in panel.figures:
        assert client.get(figure.url).context["page"].paginator.count == figure.value, figure.label
    assert client.get(panel.url).status_code == 200
