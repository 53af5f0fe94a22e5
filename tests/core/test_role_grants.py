"""Roles are granted under 三员分立: a system administrator's grant of a business role waits for a
second administrator; nobody grants to themselves; administrator roles come from superusers."""
import pytest
from django.contrib.auth.models import Group

from openpark.core import accounts, workflows
from openpark.core.forms import RoleGrantForm
from openpark.core.models import ChangeRecord, RoleGrant, StateChange, User
from tests.factories import PASSWORD


@pytest.fixture
def sysadmin(make_user):
    return make_user("admin", is_staff=True, username="sysadmin")


@pytest.fixture
def staff(make_user):
    return make_user(username="xiaoli", full_name="小李")


def roles_of(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def ask(client, user, role="economy", action="grant", reason="到经发局任职"):
    return client.post("/core/role-grants/add/", {"user": user.pk, "role": role, "action": action, "reason": reason})


def test_a_system_admins_grant_waits_for_a_second_administrator(sysadmin, staff, make_user, client_for):
    response = ask(client_for(sysadmin), staff)
    grant = RoleGrant.objects.get()
    assert response.status_code == 302 and response["Location"] == grant.get_absolute_url()
    assert grant.state == "pending" and roles_of(staff) == set()

    second = make_user("admin", is_staff=True)
    response = client_for(second).post(f"/core/role-grants/{grant.pk}/approve/", {"note": "同意"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.state == "approved" and grant.decided_by == second
    assert roles_of(staff) == {"经发"}
    change = StateChange.objects.get(object_id=str(grant.pk), transition="approve")
    assert change.user == second and change.note == "同意"
    assert ChangeRecord.objects.filter(content_type__model="user", object_id=str(staff.pk), action="update").exists()


def test_nobody_approves_their_own_request(sysadmin, staff, client_for):
    client = client_for(sysadmin)
    ask(client, staff)
    grant = RoleGrant.objects.get()
    html = client.get(grant.get_absolute_url()).content.decode()
    assert "不能审批自己提出的申请" in html and "grant-decision" not in html
    response = client.post(f"/core/role-grants/{grant.pk}/approve/", follow=True)
    assert "不能审批自己提出的申请" in response.content.decode()
    assert RoleGrant.objects.get().state == "pending" and roles_of(staff) == set()


def test_a_security_admin_grants_business_roles_directly_and_may_reject(make_user, staff, sysadmin, client_for):
    security = make_user("security")
    ask(client_for(security), staff, role="investment")
    assert roles_of(staff) == {"招商"}
    assert RoleGrant.objects.get().state == "approved"

    ask(client_for(sysadmin), staff, role="leader")
    pending = RoleGrant.objects.get(state="pending")
    client = client_for(security)
    response = client.post(f"/core/role-grants/{pending.pk}/reject/", {"note": ""}, follow=True)
    assert "驳回须填写说明" in response.content.decode()
    client.post(f"/core/role-grants/{pending.pk}/reject/", {"note": "岗位不符"})
    pending.refresh_from_db()
    assert pending.state == "rejected" and roles_of(staff) == {"招商"}


def test_revoking_takes_effect_at_once(sysadmin, make_user, client_for):
    user = make_user("leader")
    ask(client_for(sysadmin), user, role="leader", action="revoke", reason="调离")
    assert roles_of(user) == set()


@pytest.mark.parametrize("case, message", [
    ("self", "不能给自己授予或收回角色"),
    ("administrator role", "只能由超级管理员授予"),
    ("other administrator", "不能修改其他管理员账号的角色"),
    ("superuser", "超级管理员的角色不在此管理"),
    ("already held", "已有“园区领导”角色"),
])
def test_refused_grants_say_why_and_change_nothing(sysadmin, make_user, client_for, case, message):
    target, role = {
        "self": (sysadmin, "economy"),
        "administrator role": (make_user(), "security"),
        "other administrator": (make_user("audit"), "economy"),
        "superuser": (User.objects.create_superuser("root", password=PASSWORD), "economy"),
        "already held": (make_user("leader"), "leader"),
    }[case]
    before = roles_of(target)
    with pytest.raises(Exception) as caught:
        accounts.request_grant(sysadmin, target, role, "grant", "试试")
    assert message in " ".join(getattr(caught.value, "messages", [str(caught.value)]))
    assert roles_of(target) == before and not RoleGrant.objects.exists()


def test_the_grant_form_offers_neither_self_nor_administrators(sysadmin, staff, make_user, client_for):
    other_admin = make_user("security", username="anquan")
    html = client_for(sysadmin).get("/core/role-grants/add/").content.decode()
    assert "xiaoli" in html
    assert "anquan" not in html and f'value="{sysadmin.pk}"' not in html
    assert "安全管理员" not in html.split('name="role"')[1].split("</select>")[0]
    response = ask(client_for(sysadmin), other_admin)
    assert response.status_code == 200 and not RoleGrant.objects.exists()


def test_superuser_grants_an_administrator_role_and_it_opens_the_admin_site(staff):
    root = User.objects.create_superuser("root", password=PASSWORD)
    accounts.request_grant(root, staff, "admin", "grant", "新任系统管理员")
    staff.refresh_from_db()
    assert roles_of(staff) == {"系统管理员"} and staff.is_staff
    accounts.request_grant(root, staff, "admin", "revoke", "离任")
    staff.refresh_from_db()
    assert roles_of(staff) == set() and not staff.is_staff


def test_administrator_and_business_roles_do_not_mix(make_user):
    root = User.objects.create_superuser("root", password=PASSWORD)
    leader = make_user("leader")
    with pytest.raises(Exception, match="不能兼任"):
        accounts.request_grant(root, leader, "audit", "grant", "兼任")
    auditor = make_user("audit")
    with pytest.raises(Exception, match="不能兼任"):
        accounts.request_grant(root, auditor, "economy", "grant", "兼任")


@pytest.mark.parametrize("role, status", [("leader", 403), ("economy", 403), ("audit", 200), ("admin", 200)])
def test_who_sees_the_grants(make_user, client_for, role, status):
    assert client_for(make_user(role)).get("/core/role-grants/").status_code == status


def test_auditors_read_every_record_and_change_nothing(make_user, staff, client_for):
    auditor = make_user("audit")
    client = client_for(auditor)
    assert client.get("/core/changes/").status_code == 200
    assert client.get("/core/role-grants/add/").status_code == 403
    assert client.get("/enterprises/enterprises/").status_code == 403
    assert Group.objects.get(name="审计管理员").permissions.filter(codename__startswith="change_").count() == 0


def test_auditors_read_logins_and_failures_others_may_not(make_user, client_for):
    from django.test import Client

    make_user("leader", username="denglu")
    Client().post("/accounts/login/", {"username": "denglu", "password": "wrong-password"})
    Client().post("/accounts/login/", {"username": "denglu", "password": PASSWORD})  # resets the lock, not the log
    html = client_for(make_user("audit")).get("/core/logins/").content.decode()
    logins, failures = html.split('id="logins"')[1], html.split('id="failures"')[1]
    assert "denglu" in logins and "denglu" in failures
    for role in ("admin", "security", "leader"):
        assert client_for(make_user(role)).get("/core/logins/").status_code == 403


def test_a_system_admin_sees_only_the_grants_of_accounts_it_manages(sysadmin, staff, make_user, client_for):
    root = User.objects.create_superuser("root", password=PASSWORD)
    auditor = make_user(username="auditor2", full_name="审计二")
    auditor.must_change_password = False
    auditor.save()
    accounts.request_grant(root, auditor, "audit", "grant", "新任审计管理员")
    accounts.request_grant(make_user("security"), staff, "leader", "grant", "到岗")
    listing = client_for(sysadmin).get("/core/role-grants/").content.decode()
    assert "小李" in listing and "审计二" not in listing
    assert "审计二" in client_for(make_user("audit")).get("/core/role-grants/").content.decode()


def test_the_grant_form_names_people_as_every_other_page_does(sysadmin, staff, make_user):
    unnamed = make_user(username="wuming", full_name="")
    field = RoleGrantForm(actor=sysadmin).fields["user"]
    assert field.label_from_instance is workflows.user_label  # one definition of a person's label
    labels = {value: label for value, label in field.choices if value}
    assert labels[staff.pk] == workflows.user_label(staff) == "小李（xiaoli）"
    assert labels[unnamed.pk] == workflows.user_label(unnamed) == "wuming"


def test_an_empty_state_history_reads_as_a_plain_line_not_a_list_item():
    from django.template.loader import render_to_string

    html = render_to_string("core/includes/state_history.html", {"history": []})
    assert html.strip() == '<p class="muted">尚无状态记录。</p>'
