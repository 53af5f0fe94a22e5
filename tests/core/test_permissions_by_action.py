"""Permissions by action: a role may be granted view, add, change, delete and each transition of a
model's life cycle one by one (`Role.access`), and every page and endpoint checks exactly the
permission of its action — a role that "may add but not change" files a record and cannot touch it
afterwards."""
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from openpark.core.models import Grid
from openpark.core.roles import ROLES, Role, actions_of, permission_codenames
from openpark.evaluation.models import Run
from tests.factories import bind_grid


def models_by_app() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for app_label, model in Permission.objects.values_list("content_type__app_label", "content_type__model").distinct():
        found.setdefault(app_label, []).append(model)
    return found


def group_for(role: Role) -> Group:
    """The group a declared role becomes (as `sync_role_permissions` makes it)."""
    group = Group.objects.create(name=role.name)
    wanted = permission_codenames(role, models_by_app())
    group.permissions.set([p for p in Permission.objects.select_related("content_type")
                           if (p.content_type.app_label, p.codename) in wanted])
    return group


@pytest.fixture
def filer(make_user, grids):
    """A worker whose role may add grids and see them, and nothing more."""
    user = make_user()
    user.groups.add(group_for(Role("filer", "只可新建网格", "上报但不能修改", False, {"core.grid": "add"})))
    bind_grid(user, grids[0])
    return user


def test_access_values_name_the_actions():
    assert actions_of("view") == ("view",)
    assert actions_of("edit") == ("view", "add", "change", "delete")
    assert actions_of("add") == ("view", "add")
    assert actions_of(("add", "delete")) == ("view", "add", "delete")


@pytest.mark.django_db
def test_a_role_that_may_add_but_not_change(filer, grids, client_for, api_for):
    assert filer.has_perm("core.add_grid") and filer.has_perm("core.view_grid")
    assert not filer.has_perm("core.change_grid") and not filer.has_perm("core.delete_grid")
    client = client_for(filer)
    assert client.get(reverse("core:grid_add")).status_code == 200
    response = client.post(reverse("core:grid_add"), {"code": "G-900", "name": "新上报网格", "boundary": ""})
    assert response.status_code == 302
    assert Grid.objects.filter(code="G-900", name="新上报网格").exists()
    own = grids[0]
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(reverse("core:grid_edit", args=[own.pk])).status_code == 403
    assert client.post(reverse("core:grid_edit", args=[own.pk]), {"code": own.code, "name": "改名"}).status_code == 403
    assert client.get(reverse("core:grid_delete", args=[own.pk])).status_code == 403
    assert client.post(reverse("core:grid_delete", args=[own.pk])).status_code == 403
    api = api_for(filer)
    assert api.get(f"/api/core/grids/{own.pk}/").status_code == 200
    assert api.patch(f"/api/core/grids/{own.pk}/", {"name": "改名"}, format="json").status_code == 403
    assert api.delete(f"/api/core/grids/{own.pk}/").status_code == 403
    created = api.post("/api/core/grids/", {"code": "G-901", "name": "接口上报网格"}, format="json")
    assert created.status_code == 201, created.json()
    own.refresh_from_db()
    assert own.name != "改名" and not own.is_deleted


@pytest.mark.django_db
def test_a_transition_is_granted_by_its_name():
    role = Role("publisher", "发布员", "", True, {"evaluation.run": ("view", "publish")})
    wanted = permission_codenames(role, models_by_app())
    assert ("evaluation", "publish_run") in wanted and ("evaluation", "view_run") in wanted
    assert ("evaluation", "change_run") not in wanted
    # On a whole app, the name reaches the models that have such a transition.
    app_wide = permission_codenames(Role("p", "p", "", True, {"evaluation": "publish"}), models_by_app())
    assert {code for app, code in app_wide if not code.startswith("view_")} == {"publish_run"}
    assert Run.machine.transitions["publish"].permission == "evaluation.publish_run"


@pytest.mark.django_db
def test_a_transition_the_model_does_not_have_is_refused():
    with pytest.raises(ValueError, match="没有“launch”这种操作"):
        permission_codenames(Role("x", "某角色", "", True, {"evaluation.run": "launch"}), models_by_app())


@pytest.mark.django_db
def test_every_declared_role_resolves():
    for role in ROLES:
        assert permission_codenames(role, models_by_app())
