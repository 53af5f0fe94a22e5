"""What a deleted enterprise, another enterprise, roles without 智改数转 rights, script and the API
tried on 智改数转, and must keep failing."""
from datetime import date

import pytest
from django.urls import reverse

from openpark.core import targets
from openpark.transformation import cockpit
from openpark.transformation.models import Certification, TransformationProject

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


def test_a_deleted_enterprises_records_leave_the_tile_and_the_metric(enterprises):
    gone = enterprises[2]
    Certification.objects.create(enterprise=gone, kind="cloud", level="five_star", issuing_level="province",
                                 certified_on=date(2026, 3, 1))
    project = TransformationProject.objects.create(enterprise=gone, name="产线改造", year=2026, investment=100)
    TransformationProject.all_objects.filter(pk=project.pk).update_unguarded(state="in_progress")
    metric = targets.metric("transformation.certified")
    period = (date(2026, 1, 1), date(2026, 12, 31), {"kind": "cloud"})
    assert metric.compute(*period) == 1 and cockpit.year_counts(2026)["cloud"] == 1
    gone.delete()
    assert metric.compute(*period) == 0
    assert cockpit.year_counts(2026) == {"cloud": 0, "cloud_high": 0, "workshop": 0}
    figures = cockpit.transformation_panel(2026).figures
    assert figures[-1].value == 0


@pytest.mark.parametrize("role", ["environment", "community", "grid", "department", "admin", "security", "audit"])
def test_roles_without_transformation_rights_reach_nothing(enterprises, make_user, client_for, api_for, role):
    cert = Certification.objects.create(enterprise=enterprises[0], kind="cloud", level="three_star",
                                        issuing_level="province", certified_on=date(2026, 3, 1))
    user = make_user(role)
    page, api = client_for(user), api_for(user)
    for url in (reverse("transformation:certification_list"), reverse("transformation:coverage"),
                reverse("transformation:certification_detail", args=[cert.pk])):
        assert page.get(url).status_code in (403, 404), (role, url)
    assert api.get("/api/transformation/certifications/").status_code == 403, role
    assert api.patch(f"/api/transformation/certifications/{cert.pk}/", {"note": "改"},
                     format="json").status_code in (403, 404)


def test_state_and_supersede_chain_are_not_writable_through_the_api(enterprises, make_user, api_for):
    staff = make_user("industry")
    api = api_for(staff)
    project = TransformationProject.objects.create(enterprise=enterprises[0], name="产线改造", year=2026,
                                                   investment=100)
    api.patch(f"/api/transformation/projects/{project.pk}/", {"state": "completed"}, format="json")
    project.refresh_from_db()
    assert project.state == "approved"
    old = Certification.objects.create(enterprise=enterprises[0], kind="cloud", level="three_star",
                                       issuing_level="province", certified_on=date(2025, 3, 1))
    new = Certification.objects.create(enterprise=enterprises[0], kind="cloud", level="four_star",
                                       issuing_level="province", certified_on=date(2026, 3, 1))
    api.patch(f"/api/transformation/certifications/{new.pk}/", {"superseded_by": old.pk, "ended_on": "2026-01-01"},
              format="json")
    new.refresh_from_db()
    assert new.is_current
    for bad in ({"investment": "NaN"}, {"investment": "Infinity"}, {"investment": "1e999"}, {"investment": "-1"},
                {"name": "x\x00"}, {"year": 99999}, {"name": "长" * 500}):
        response = api.patch(f"/api/transformation/projects/{project.pk}/", bad, format="json")
        assert response.status_code == 400, bad
    project.refresh_from_db()
    assert project.name == "产线改造"


def test_script_in_project_and_note_comes_out_escaped(enterprises, make_user, client_for):
    project = TransformationProject.objects.create(enterprise=enterprises[0], name=SCRIPT, year=2026,
                                                   investment=100, note=SCRIPT)
    page = client_for(make_user("industry"))
    for url in (reverse("transformation:transformationproject_list"),
                reverse("transformation:transformationproject_detail", args=[project.pk]),
                reverse("enterprises:enterprise_detail", args=[enterprises[0].pk])):
        response = page.get(url)
        assert response.status_code == 200 and "<script>alert" not in response.content.decode(), url
