"""A password someone else set (an administrator creating an account or resetting it) is changed
by its owner before anything else, ends the account's API tokens, and keeps the account out of
the administrator roles until then: whoever set it must not act as the owner unnoticed."""
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from openpark.core import accounts, tokens
from openpark.core.models import User
from tests.factories import PASSWORD


@pytest.fixture
def admin_client(make_user, client_for):
    return client_for(make_user("admin", is_staff=True))


def reset(admin_client, user, password="Reset-By-Admin-26"):
    response = admin_client.post(f"/admin/core/user/{user.pk}/password/", {
        "password1": password, "password2": password, "usable_password": "true"})
    assert response.status_code == 302
    return password


def test_a_reset_password_must_be_changed_before_anything_else(admin_client, make_user):
    user = make_user("economy", username="jingfa")
    _, key = tokens.issue(user, "对接")
    password = reset(admin_client, user)
    user.refresh_from_db()
    assert user.must_change_password and tokens.find(key) is None

    client = Client()
    client.post(reverse("login"), {"username": "jingfa", "password": password})
    for path in ("/", "/enterprises/enterprises/", "/core/tokens/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("password_change"), path
    assert client.get("/api/enterprises/enterprises/").status_code == 403
    api_login = APIClient().post("/api/auth/token/", {"username": "jingfa", "password": password})
    assert api_login.status_code == 403 and "修改密码" in api_login.json()["detail"]

    response = client.post(reverse("password_change"), {
        "old_password": password, "new_password1": "Own-Choice-2026", "new_password2": "Own-Choice-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/enterprises/enterprises/").status_code == 200


def test_an_account_made_by_the_administrator_starts_with_a_password_to_change(admin_client):
    admin_client.post("/admin/core/user/add/", {
        "username": "newaud", "full_name": "新审计", "password1": "Harbour-Lights-77", "password2": "Harbour-Lights-77"})
    created = User.objects.get(username="newaud")
    assert created.must_change_password
    root = User.objects.create_superuser("root", password=PASSWORD)
    with pytest.raises(Exception, match="须本人登录并修改密码后"):
        accounts.request_grant(root, created, "audit", "grant", "新任审计管理员")
    assert not created.groups.exists()


def test_old_password_guesses_are_locked_as_logins_are(client_for, make_user, settings):
    user = make_user("leader")
    client = client_for(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("password_change"), {
            "old_password": "guess", "new_password1": "Tide-Harbour-47", "new_password2": "Tide-Harbour-47"})
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Tide-Harbour-47", "new_password2": "Tide-Harbour-47"})
    assert response.status_code in (200, 429) and "分钟后再试" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_security_administrator_revokes_an_administrators_token(make_user, client_for):
    other_admin = make_user("admin", is_staff=True)
    token, key = tokens.issue(other_admin, "对接")
    assert client_for(make_user("security")).post(f"/core/tokens/{token.pk}/revoke/").status_code == 302
    assert tokens.find(key) is None
    root_token, root_key = tokens.issue(User.objects.create_superuser("root", password=PASSWORD), "对接")
    assert client_for(make_user("security")).post(f"/core/tokens/{root_token.pk}/revoke/").status_code == 404


def test_an_api_login_is_a_login_on_record(make_user):
    from axes.models import AccessLog

    from openpark.core.models import ChangeRecord

    user = make_user("economy", username="jiekou")
    response = APIClient().post("/api/auth/token/", {"username": "jiekou", "password": PASSWORD})
    assert response.status_code == 200
    assert AccessLog.objects.filter(username="jiekou").exists()
    created = ChangeRecord.objects.filter(content_type__model="apitoken", action="create").latest("id")
    assert created.user == user
