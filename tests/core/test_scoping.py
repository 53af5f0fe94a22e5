"""Scope: an enterprise user and a grid worker see only their own records, by URL and by API."""
import pytest
from django.urls import reverse

from openpark.core.scoping import scope_queryset
from openpark.enterprises.models import Enterprise
from tests.factories import bind_enterprise, bind_grid


def detail(obj):
    return obj.get_absolute_url()


def api_detail(kind, obj):
    return {"enterprise": f"/api/enterprises/enterprises/{obj.pk}/",
            "grid": f"/api/core/grids/{obj.pk}/"}[kind]


def test_enterprise_user_gets_404_for_another_enterprise_by_url(enterprise_user, enterprises, client_for):
    client = client_for(enterprise_user)
    assert client.get(detail(enterprises[0])).status_code == 200
    for other in enterprises[1:]:
        response = client.get(detail(other))
        assert response.status_code == 404
        assert other.name not in response.content.decode()
        assert client.get(other.get_history_url()).status_code == 404


def test_enterprise_user_gets_404_for_another_enterprise_by_api(enterprise_user, enterprises, api_for):
    api = api_for(enterprise_user)
    assert api.get(api_detail("enterprise", enterprises[0])).status_code == 200
    response = api.get(api_detail("enterprise", enterprises[1]))
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_enterprise_user_lists_only_its_enterprise(enterprise_user, enterprises, client_for, api_for):
    page = client_for(enterprise_user).get(reverse("enterprises:enterprise_list"))
    assert [obj for obj, _ in page.context["rows"]] == [enterprises[0]]
    data = api_for(enterprise_user).get("/api/enterprises/enterprises/").json()
    assert data["count"] == 1 and data["results"][0]["uscc"] == enterprises[0].uscc


def test_enterprise_user_sees_no_grids(enterprise_user, grids):
    assert not scope_queryset(grids[0].__class__.objects.all(), enterprise_user).exists()


def test_grid_worker_sees_only_own_grid(grid_user, grids, client_for, api_for):
    client = client_for(grid_user)
    assert client.get(detail(grids[0])).status_code == 200
    assert client.get(detail(grids[1])).status_code == 404
    api = api_for(grid_user)
    assert api.get(api_detail("grid", grids[1])).status_code == 404
    assert [g["code"] for g in api.get("/api/core/grids/").json()["results"]] == [grids[0].code]


def test_user_bound_to_enterprise_and_grid_sees_the_union(make_user, enterprises, grids):
    user = make_user("enterprise", "grid")
    bind_enterprise(user, enterprises[2])
    bind_grid(user, grids[1])
    assert list(scope_queryset(Enterprise.objects.all(), user)) == [enterprises[2]]
    assert list(scope_queryset(grids[0].__class__.objects.all(), user)) == [grids[1]]


def test_scoped_user_without_binding_sees_nothing(make_user, enterprises):
    assert not scope_queryset(Enterprise.objects.all(), make_user("enterprise")).exists()


@pytest.mark.parametrize("slug", ["leader", "economy", "investment", "community"])
def test_park_wide_roles_see_every_enterprise(make_user, enterprises, slug):
    assert scope_queryset(Enterprise.objects.all(), make_user(slug)).count() == len(enterprises)


def test_soft_deleted_binding_target_drops_out_of_scope(enterprise_user, enterprises):
    enterprises[0].delete()
    enterprise_user.__dict__.pop("_openpark_bound_ids", None)
    assert not scope_queryset(Enterprise.all_objects.all(), enterprise_user).exists()


def test_enterprise_user_cannot_edit_even_its_own(enterprise_user, enterprises, client_for, api_for):
    client = client_for(enterprise_user)
    assert client.get(reverse("enterprises:enterprise_edit", args=[enterprises[0].pk])).status_code == 403
    response = api_for(enterprise_user).patch(
        api_detail("enterprise", enterprises[0]), {"name": "改名"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有执行该操作的权限。"
    enterprises[0].refresh_from_db()
    assert enterprises[0].name != "改名"


def test_anonymous_is_sent_to_login_and_api_answers_401(client, enterprises):
    response = client.get(detail(enterprises[0]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    api_response = client.get("/api/enterprises/enterprises/")
    assert api_response.status_code == 401
    assert api_response.json() == {"detail": "身份认证信息未提供。", "code": "not_authenticated"}
