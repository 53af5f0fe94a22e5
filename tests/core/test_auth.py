import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_login_page_is_chinese(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    content = response.content.decode()
    assert "登录 OpenPark" in content and "用户名" in content and "密码" in content


def test_login_lands_on_role_home_and_logout_ends_session(client, make_user):
    user = make_user("leader", username="zhang")
    response = login(client, "zhang", PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.request["PATH_INFO"] == reverse("role_home", args=["leader"])
    assert "<h1>园区驾驶舱</h1>" in response.content.decode()  # the leaders' home is the cockpit

    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 302
    assert user.pk  # the account itself is untouched


def test_wrong_password_gives_chinese_error(client, make_user):
    make_user("leader", username="li")
    response = login(client, "li", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


def test_repeated_failures_lock_the_account(client, make_user, settings):
    make_user("leader", username="wang")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wang", "wrong-password").status_code == 200
    locked = login(client, "wang", "wrong-password")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    again = login(client, "wang", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_is_per_account(client, make_user, settings):
    make_user("leader", username="wang")
    make_user("leader", username="zhao")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wang", "wrong-password")
    assert login(client, "zhao", PASSWORD).status_code == 302


def login_from(client, address, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_nobody_locks_an_account_from_elsewhere(client, make_user, settings):
    make_user("leader", username="wang")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_from(client, "10.0.0.66", "wang", "wrong-password")
    assert login_from(client, "10.0.0.66", "wang", PASSWORD).status_code == 429
    assert login_from(client, "10.0.0.7", "wang", PASSWORD).status_code == 302


def test_an_address_guessing_across_accounts_is_locked(client, make_user, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT * 2
    make_user("leader", username="zhou")
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        login_from(client, "10.0.0.66", f"guess{n}", "wrong-password")
    locked = login_from(client, "10.0.0.66", "zhou", PASSWORD)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert login_from(client, "10.0.0.7", "zhou", PASSWORD).status_code == 302


def test_a_locked_api_login_answers_429_with_the_pages_message(client, make_user, settings):
    from rest_framework.test import APIClient

    make_user("leader", username="qian")
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api.post("/api/auth/token/", {"username": "qian", "password": "nope"}).status_code == 400
    locked = api.post("/api/auth/token/", {"username": "qian", "password": "nope"})
    assert locked.status_code == 429
    again = api.post("/api/auth/token/", {"username": "qian", "password": PASSWORD})
    assert again.status_code == 429 and "token" not in again.json()
    page = login(client, "qian", PASSWORD).content.decode()
    assert again.json()["detail"] in page and "分钟后再试" in again.json()["detail"]


@pytest.mark.parametrize(
    "password, fragment",
    [
        ("Ab1-xyz", "至少需要 8 个字符"),
        ("8264019735", "只包含数字"),
        ("zhangsan01", "用户名相同"),
        ("        ", "不能全是空格"),
    ],
)
def test_password_rules(db, make_user, password, fragment):
    user = make_user(username="zhangsan01")
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password(password, user)
    assert any(fragment in message for message in caught.value.messages), caught.value.messages


def test_password_not_username_ignores_case(db, make_user):
    user = make_user(username="ParkAdmin2026")
    with pytest.raises(ValidationError):
        password_validation.validate_password("parkadmin2026", user)
    password_validation.validate_password("Tide-Harbour-47", user)


def test_users_change_their_own_password_recorded_without_it(client_for, make_user):
    from openpark.core.models import ChangeRecord

    user = make_user("grid")
    client = client_for(user)
    short = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert short.status_code == 200 and "至少需要 8 个字符" in short.content.decode()
    wrong = client.post(reverse("password_change"), {
        "old_password": "nope", "new_password1": "Tide-Harbour-47", "new_password2": "Tide-Harbour-47"})
    assert wrong.status_code == 200
    done = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Tide-Harbour-47", "new_password2": "Tide-Harbour-47"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Tide-Harbour-47")
    record = ChangeRecord.objects.filter(content_type__model="user", object_id=str(user.pk)).latest("id")
    assert record.username == user.username and "Tide-Harbour-47" not in str(record.after)
