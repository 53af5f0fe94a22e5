"""The pages beyond list, detail and edit: delete and restore, a project's transitions on its page,
and 上报/督办 of a project."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from openpark.transformation.models import Certification, TransformationProject

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(enterprises):
    return {
        "certification": Certification.objects.create(enterprise=enterprises[0], kind="smart_line",
                                                      issuing_level="county", certified_on=date(2025, 5, 1)),
        "transformationproject": TransformationProject.objects.create(
            enterprise=enterprises[0], name="智能仓储物流项目", year=2026, investment=Decimal("200")),
    }


def test_each_record_is_deleted_and_restored(records, make_user, client_for):
    client = client_for(make_user("industry"))
    for name, obj in records.items():
        assert client.post(reverse(f"transformation:{name}_delete", args=[obj.pk])).status_code == 302
        obj.refresh_from_db()
        assert obj.is_deleted
        assert client.post(reverse(f"transformation:{name}_restore", args=[obj.pk])).status_code == 302
        obj.refresh_from_db()
        assert not obj.is_deleted


def test_a_project_moves_on_from_its_page(records, make_user, client_for):
    project = records["transformationproject"]
    client = client_for(make_user("industry"))
    url = reverse("transformation:transformationproject_transition", args=[project.pk, "start"])
    assert client.post(url, {"note": ""}).status_code == 302
    project.refresh_from_db()
    assert project.state == "in_progress"
    url = reverse("transformation:transformationproject_transition", args=[project.pk, "complete"])
    response = client.post(url, {"note": ""})
    assert response.status_code != 302  # a note is needed to close a project
    project.refresh_from_db()
    assert project.state == "in_progress"


def test_a_project_is_escalated_from_its_page_and_the_api(records, make_user, client_for, api_for):
    project = records["transformationproject"]
    staff, leader = make_user("industry"), make_user("leader", full_name="王主任")
    url = reverse("transformation:transformationproject_escalate", args=[project.pk])
    found = client_for(staff).get(url, {"q": "王"}).json()["results"]
    assert [row["text"] for row in found] == [f"王主任（{leader.username}）"]
    assert client_for(staff).post(url, {"assignee": leader.pk, "note": "补助资金需协调"}).status_code == 302
    response = api_for(staff).post(f"/api/transformation/projects/{project.pk}/escalate/",
                                   {"assignee": leader.pk, "note": "请协调"}, format="json")
    assert response.status_code == 201
