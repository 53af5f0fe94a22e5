import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from openpark.core.models import Grid
from openpark.core.roles import EDIT, ROLES, VIEW, Role, permission_codenames, sync_role_permissions, transition_permission
from openpark.core.workflows import machine_of

ROLE_NAMES = ["园区领导", "经发", "招商", "环保", "工信", "党建社区", "网格员", "处置部门", "企业用户", "环保管家", "系统管理员", "安全管理员", "审计管理员"]


@pytest.mark.django_db
def test_migration_creates_every_role_as_a_group():
    assert set(ROLE_NAMES) <= set(Group.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_role_permissions_follow_the_declaration():
    leader = set(Group.objects.get(name="园区领导").permissions.values_list("codename", flat=True))
    assert {"view_enterprise", "view_grid", "view_changerecord"} <= leader
    assert not any(code.startswith(("add_", "change_", "delete_")) for code in leader)
    economy = set(Group.objects.get(name="经发").permissions.values_list("codename", flat=True))
    assert {"add_enterprise", "change_enterprise", "delete_enterprise"} <= economy
    for group in Group.objects.all():
        codes = set(group.permissions.values_list("codename", flat=True))
        assert not codes & {"add_changerecord", "change_changerecord", "delete_changerecord"}


@pytest.mark.django_db
def test_sync_is_idempotent_and_repairs_drift():
    group = Group.objects.get(name="招商")
    expected = set(group.permissions.all())
    group.permissions.clear()
    sync_role_permissions()
    sync_role_permissions()
    assert set(group.permissions.all()) == expected


def test_permission_codenames_for_view_and_edit():
    role = Role("x", "x", "", False, {"a": VIEW, "b.m2": EDIT, "core.changerecord": EDIT})
    models = {"a": ["m1"], "b": ["m2", "m3"], "core": ["changerecord"]}
    assert permission_codenames(role, models) == {
        ("a", "view_m1"), ("b", "view_m2"), ("b", "add_m2"), ("b", "change_m2"), ("b", "delete_m2"),
        ("core", "view_changerecord"),
    }


def test_roles_are_unique():
    assert [r.name for r in ROLES] == ROLE_NAMES
    assert len({r.slug for r in ROLES}) == len(ROLES)


def test_transition_permissions_come_from_the_machine_the_workflows_find():
    machines = 0
    for model in apps.get_models():
        machine = machine_of(model)
        if machine is None:
            continue
        machines += 1
        for name, transition in machine.transitions.items():
            assert transition_permission(model._meta.app_label, model._meta.model_name, name) == transition.permission
        assert transition_permission(model._meta.app_label, model._meta.model_name, "no-such-transition") is None
    assert machines >= 2
    assert transition_permission("core", "no-such-model", "close") is None


def test_a_machine_attribute_that_is_no_state_machine_grants_nothing(monkeypatch):
    """What is not a state machine to the workflows (no transition pages, no endpoints) is none to the roles."""
    monkeypatch.setattr(Grid, "machine", "an unrelated attribute", raising=False)
    assert machine_of(Grid) is None
    assert transition_permission("core", "grid", "close") is None
    with pytest.raises(ValueError, match="没有“close”这种操作"):
        permission_codenames(Role("x", "某角色", "", True, {"core.grid": "close"}), {"core": ["grid"]})
