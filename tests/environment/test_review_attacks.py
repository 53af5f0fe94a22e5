"""A security review of 智慧环保, the attacks that were refused: another enterprise's records and
their files by id, the government's steps by an enterprise user, a session call without its CSRF
token, a script in a name on the pages that show it, and a way out through ?next=."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from openpark.core.attachments import attach
from openpark.environment.models import EnvironmentProblem, Outfall
from tests.factories import EnterpriseFactory, bind_enterprise

from .conftest import photo

pytestmark = pytest.mark.django_db

SCRIPT = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


@pytest.fixture
def two_enterprises(make_outfall, make_user, staff):
    a, b = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    oa = make_outfall(enterprise=a, name="甲排口")
    ob = make_outfall(enterprise=b, name="乙排口")
    user = make_user("enterprise")
    bind_enterprise(user, a)
    today = timezone.localdate()
    problem = EnvironmentProblem.objects.create(category="other", description="甲的问题", enterprise=a,
                                                found_on=today - timedelta(days=2))
    return {"a": a, "b": b, "oa": oa, "ob": ob, "user": user, "problem": problem,
            "file": attach(ob, photo(), staff)}


def test_another_enterprises_outfall_and_its_file_are_not_found_by_id(two_enterprises, client_for, api_for):
    ob, attachment = two_enterprises["ob"], two_enterprises["file"]
    client, api = client_for(two_enterprises["user"]), api_for(two_enterprises["user"])
    paths = [f"/environment/outfalls/{ob.pk}/", f"/environment/outfalls/{ob.pk}/history/",
             f"/core/attachments/{attachment.pk}/download/", f"/core/attachments/{attachment.pk}/thumbnail/"]
    assert {path: client.get(path).status_code for path in paths} == dict.fromkeys(paths, 404)
    # An enterprise user only views 智慧环保's records: editing or deleting is refused before the row is looked for.
    actions = [f"/environment/outfalls/{ob.pk}/edit/", f"/environment/outfalls/{ob.pk}/delete/"]
    assert {path: client.get(path).status_code for path in actions} == dict.fromkeys(actions, 403)
    assert api.get(f"/api/environment/outfalls/{ob.pk}/").status_code == 404
    assert api.get(f"/api/core/attachments/{attachment.pk}/").status_code == 404
    assert [row["id"] for row in api.get("/api/environment/outfalls/").json()["results"]] == [two_enterprises["oa"].pk]


def test_an_enterprise_user_makes_none_of_the_governments_steps_on_its_own_problem(two_enterprises, api_for):
    api, problem = api_for(two_enterprises["user"]), two_enterprises["problem"]
    statuses = {name: api.post(f"/api/environment/problems/{problem.pk}/transitions/{name}/", {"note": "自己办"},
                               format="json").status_code for name in ("assign", "refer", "close", "send_back")}
    assert set(statuses.values()) == {403}, statuses
    problem.refresh_from_db()
    assert problem.state == "reported"


def test_a_session_call_without_its_csrf_token_changes_nothing(two_enterprises, staff):
    oa = two_enterprises["oa"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(staff)
    assert client.post(f"/environment/outfalls/{oa.pk}/edit/", {"name": "跨站改名"}).status_code == 403
    assert api.patch(f"/api/environment/outfalls/{oa.pk}/", {"name": "跨站改名"}, format="json").status_code == 403
    oa.refresh_from_db()
    assert oa.name == "甲排口"


def test_a_script_in_a_water_body_and_an_outfall_name_is_text_on_their_pages(two_enterprises, staff, client_for):
    oa = two_enterprises["oa"]
    Outfall.objects.filter(pk=oa.pk).update(name="排口" + SCRIPT)
    oa.water_body.__class__.objects.filter(pk=oa.water_body_id).update(name="水体" + SCRIPT)
    client = client_for(staff)
    for path in ("/environment/outfalls/", f"/environment/outfalls/{oa.pk}/", f"/environment/outfalls/{oa.pk}/history/",
                 f"/environment/water-bodies/{oa.water_body_id}/", "/environment/"):
        page = client.get(path).content.decode()
        assert "<img src=x" not in page and "<script>alert(2)" not in page, path
    data = client.get("/environment/map/data/").json()
    names = [f["properties"]["name"] for layer in data["layers"] for f in layer["features"]["features"]]
    assert any(SCRIPT in name for name in names)  # data, put through OpenPark.escapeHtml by the page's script


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_the_login_does_not_send_anyone_off_site(target, make_user):
    user = make_user("environment", username="huanbao")
    user.set_password("Hb!2026-huanbao")
    user.save()
    response = Client().post(f"/accounts/login/?next={target}", {"username": "huanbao", "password": "Hb!2026-huanbao",
                                                                 "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
