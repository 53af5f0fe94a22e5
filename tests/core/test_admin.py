"""The system administrator manages accounts, roles and bindings in the admin site."""
import pytest
from django.contrib.auth.models import Group

from openpark.core.models import ChangeRecord, EnterpriseBinding, User
from tests.factories import EnterpriseFactory


@pytest.fixture
def admin_client(make_user, client_for):
    return client_for(make_user("admin", is_staff=True))


def add_user(client, username, password):
    return client.post("/admin/core/user/add/", {
        "username": username, "full_name": "新同事", "password1": password, "password2": password,
    })


def test_admin_creates_an_account_with_password_rules(admin_client):
    response = add_user(admin_client, "wangwu", "12345678")
    assert response.status_code == 200
    assert "密码只包含数字" in response.content.decode()
    assert not User.objects.filter(username="wangwu").exists()
    response = add_user(admin_client, "wangwu", "Harbour-Lights-77")
    assert response.status_code == 302
    assert User.objects.get(username="wangwu").full_name == "新同事"


def test_admin_gives_roles_and_binds_an_enterprise(admin_client):
    enterprise = EnterpriseFactory()
    user = User.objects.create_user("qiye", password="Harbour-Lights-77")
    group = Group.objects.get(name="企业用户")
    response = admin_client.post(f"/admin/core/user/{user.pk}/change/", {
        "username": "qiye", "full_name": "企业联络员", "phone": "", "email": "",
        "is_active": "on", "groups": [group.pk],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-11-29", "date_joined_1": "08:00:00",
        "enterprise_bindings-TOTAL_FORMS": "1", "enterprise_bindings-INITIAL_FORMS": "0",
        "enterprise_bindings-0-enterprise": enterprise.pk, "enterprise_bindings-0-user": user.pk,
        "grid_bindings-TOTAL_FORMS": "0", "grid_bindings-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(user.groups.values_list("name", flat=True)) == ["企业用户"]
    assert EnterpriseBinding.objects.filter(user=user, enterprise=enterprise).exists()
    actions = set(ChangeRecord.objects.filter(object_repr__contains="企业联络员").values_list("action", flat=True))
    assert {"update", "create"} <= actions


def test_admin_cannot_edit_change_records(admin_client):
    EnterpriseFactory()
    record = ChangeRecord.objects.first()
    assert admin_client.get(f"/admin/core/changerecord/{record.pk}/delete/").status_code == 403


def test_non_staff_roles_have_no_admin(make_user, client_for):
    response = client_for(make_user("leader")).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
