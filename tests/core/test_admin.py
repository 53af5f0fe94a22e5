"""The system administrator manages accounts and bindings in the admin site, and nothing more:
no superuser, no other administrator, no roles by hand, no deleting accounts (三员分立)."""
import pytest
from django.contrib.auth.models import Group

from openpark.core.models import ChangeRecord, User
from openpark.enterprises.models import EnterpriseBinding
from tests.factories import PASSWORD, EnterpriseFactory


@pytest.fixture
def system_admin(make_user):
    return make_user("admin", is_staff=True, username="sysadmin")


@pytest.fixture
def admin_client(system_admin, client_for):
    return client_for(system_admin)


def add_user(client, username, password):
    return client.post("/admin/core/user/add/", {
        "username": username, "full_name": "新同事", "password1": password, "password2": password,
    })


def edit_form(user, **values):
    return {
        "username": user.username, "full_name": user.full_name, "phone": "", "email": "", "is_active": "on",
        "enterprise_bindings-TOTAL_FORMS": "0", "enterprise_bindings-INITIAL_FORMS": "0",
        "contract_bindings-TOTAL_FORMS": "0", "contract_bindings-INITIAL_FORMS": "0",
        "grid_bindings-TOTAL_FORMS": "0", "grid_bindings-INITIAL_FORMS": "0",
        "department_bindings-TOTAL_FORMS": "0", "department_bindings-INITIAL_FORMS": "0",
        **values,
    }


def change_password(client, user, password):
    return client.post(f"/admin/core/user/{user.pk}/password/", {
        "password1": password, "password2": password, "usable_password": "true",
    })


def test_admin_creates_an_account_with_password_rules(admin_client):
    response = add_user(admin_client, "wangwu", "12345678")
    assert response.status_code == 200
    assert "密码只包含数字" in response.content.decode()
    assert not User.objects.filter(username="wangwu").exists()
    response = add_user(admin_client, "wangwu", "Harbour-Lights-77")
    assert response.status_code == 302
    assert User.objects.get(username="wangwu").full_name == "新同事"


def test_admin_binds_an_enterprise_but_cannot_give_roles_by_hand(admin_client):
    enterprise = EnterpriseFactory()
    user = User.objects.create_user("qiye", password="Harbour-Lights-77", full_name="企业联络员")
    group = Group.objects.get(name="经发")
    response = admin_client.post(f"/admin/core/user/{user.pk}/change/", edit_form(
        user, groups=[group.pk], is_staff="on", is_superuser="on",
        **{"enterprise_bindings-TOTAL_FORMS": "1", "enterprise_bindings-0-enterprise": enterprise.pk,
           "enterprise_bindings-0-user": user.pk},
    ))
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.groups.exists() and not user.is_staff and not user.is_superuser
    assert EnterpriseBinding.objects.filter(user=user, enterprise=enterprise).exists()
    assert ChangeRecord.objects.filter(content_type__model="enterprisebinding", action="create").exists()


def test_the_account_page_links_to_role_grants(admin_client, make_user):
    user = make_user("leader")
    html = admin_client.get(f"/admin/core/user/{user.pk}/change/").content.decode()
    assert "园区领导" in html and f"/core/role-grants/add/?user={user.pk}" in html
    assert 'name="groups"' not in html
    assert user.password.split("$")[-1][:6] not in html and "算法" not in html and "重置密码" in html


@pytest.mark.parametrize("target_kind", ["superuser", "other system admin", "security admin", "audit admin", "self"])
def test_admin_cannot_touch_superusers_or_administrators(admin_client, system_admin, make_user, target_kind):
    target = {
        "superuser": lambda: User.objects.create_superuser("root", password=PASSWORD),
        "other system admin": lambda: make_user("admin", is_staff=True),
        "security admin": lambda: make_user("security"),
        "audit admin": lambda: make_user("audit"),
        "self": lambda: system_admin,
    }[target_kind]()
    hash_before = target.password
    assert f"/admin/core/user/{target.pk}/change/" not in admin_client.get("/admin/core/user/").content.decode()
    response = admin_client.get(f"/admin/core/user/{target.pk}/change/")
    assert response.status_code == 403 and "不能查看或修改" in response.content.decode()
    assert change_password(admin_client, target, "Taken-Over-2026").status_code in (403, 404)
    admin_client.post(f"/admin/core/user/{target.pk}/change/", edit_form(target, username="renamed"))
    target.refresh_from_db()
    assert target.password == hash_before and target.username != "renamed"


def test_admin_resets_a_business_users_password_recorded_without_the_secret(admin_client, make_user):
    user = make_user("economy")
    assert change_password(admin_client, user, "New-Harbour-2026").status_code == 302
    user.refresh_from_db()
    assert user.check_password("New-Harbour-2026")
    record = ChangeRecord.objects.filter(content_type__model="user", object_id=str(user.pk)).latest("id")
    assert record.username == "sysadmin"
    assert ("password", "", "（已设置新密码）") in record.changed_fields()
    assert ("must_change_password", False, True) in record.changed_fields()
    assert "New-Harbour-2026" not in str(record.after) and user.password not in str(record.after)


def test_admin_cannot_delete_accounts(admin_client, make_user):
    user = make_user("leader")
    assert admin_client.post(f"/admin/core/user/{user.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_admin_cannot_read_change_records_or_tokens(admin_client):
    EnterpriseFactory()
    record = ChangeRecord.objects.first()
    assert admin_client.get(f"/admin/core/changerecord/{record.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/core/apitoken/").status_code == 403
    assert admin_client.get("/core/changes/").status_code == 403


def test_non_staff_roles_have_no_admin(make_user, client_for):
    response = client_for(make_user("leader")).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
