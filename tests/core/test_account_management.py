"""账号管理: the system administrator lists, creates and edits accounts, binds them, locks and
unlocks, resets passwords and deactivates, inside the application; nobody else may, nobody acts
on a superuser or another administrator, roles go through 角色授权, and every change is recorded."""
import re
from datetime import UTC, datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from openpark.core.choices import GrantState
from openpark.core.models import ChangeRecord, GridBinding, RoleGrant, User
from openpark.enterprises.models import EnterpriseBinding
from tests.factories import PASSWORD, EnterpriseFactory, GridFactory

BUSINESS = ["leader", "economy", "investment", "environment", "industry", "community", "grid", "department", "enterprise",
            "steward"]


@pytest.fixture
def system_admin(make_user):
    return make_user("admin", is_staff=True, username="sysadmin", full_name="系统管理员甲")


@pytest.fixture
def admin_client(system_admin, client_for):
    return client_for(system_admin)


@pytest.fixture
def staff(make_user):
    return make_user("economy", username="zhangsan", full_name="张三")


def routes(user):
    return {
        "list": ("get", reverse("core:account_list")),
        "add": ("get", reverse("core:account_add")),
        "add_post": ("post", reverse("core:account_add")),
        "detail": ("get", reverse("core:account_detail", args=[user.pk])),
        "edit": ("get", reverse("core:account_edit", args=[user.pk])),
        "edit_post": ("post", reverse("core:account_edit", args=[user.pk])),
        "lock": ("post", reverse("core:account_lock", args=[user.pk])),
        "unlock": ("post", reverse("core:account_unlock", args=[user.pk])),
        "deactivate": ("post", reverse("core:account_deactivate", args=[user.pk])),
        "activate": ("post", reverse("core:account_activate", args=[user.pk])),
        "reset": ("post", reverse("core:account_reset_password", args=[user.pk])),
    }


def login(username, password):
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    return client


def table(response) -> str:
    page = response.content.decode()
    return page[page.index('id="accounts"'):page.index("</table>", page.index('id="accounts"'))]


def signed_in(client) -> bool:
    return client.get(reverse("core:notification_list")).status_code == 200


def test_the_sidebar_leads_the_administrator_to_account_management(admin_client):
    page = admin_client.get("/", follow=True).content.decode()
    assert f'href="{reverse("core:account_list")}"' in page and "账号管理" in page
    assert reverse("core:account_list") == "/core/accounts/"


def test_the_list_shows_roles_bindings_state_and_local_login_time(admin_client, staff, make_user, system_admin):
    enterprise = EnterpriseFactory(name="城南精密")
    worker = make_user("enterprise", username="qiye1", full_name="李四")
    EnterpriseBinding.objects.create(user=worker, enterprise=enterprise)
    User.objects.filter(pk=staff.pk).update(last_login=datetime(2026, 11, 30, 8, 15, tzinfo=UTC))
    User.objects.filter(pk=worker.pk).update(is_locked=True)
    User.objects.create_superuser("root", password=PASSWORD)
    page = table(admin_client.get("/core/accounts/"))
    assert "张三" in page and "经发" in page and "2026-11-30 16:15" in page
    assert "企业：城南精密" in page and "已锁定" in page
    assert "root" not in page and "sysadmin" not in page  # superusers and administrators are not listed
    found = table(admin_client.get("/core/accounts/", {"q": "李", "role": "enterprise", "state": "locked"}))
    assert "qiye1" in found and "zhangsan" not in found
    assert "zhangsan" not in table(admin_client.get("/core/accounts/", {"state": "inactive"}))


def test_the_administrator_creates_an_account_with_bindings_and_a_temporary_password(admin_client, system_admin):
    enterprise, grid = EnterpriseFactory(), GridFactory()
    form = admin_client.get("/core/accounts/add/").content.decode()
    assert "须由另一位管理员" in form and "企业用户</label>" in form and "安全管理员</label>" not in form
    response = admin_client.post("/core/accounts/add/", {
        "username": "qiye2", "full_name": "王五", "phone": "13800000000", "roles": ["enterprise"],
        "reason": "企业联络员", "binding_enterprise": [enterprise.pk], "binding_grid": [grid.pk],
    })
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    password = response.context["password"]
    assert password in response.content.decode()
    assert "本人首次登录时须修改此密码" in response.content.decode()
    created = User.objects.get(username="qiye2")
    assert created.must_change_password and created.check_password(password)
    assert EnterpriseBinding.objects.filter(user=created, enterprise=enterprise).exists()
    assert GridBinding.objects.filter(user=created, grid=grid).exists()
    # A system administrator's grant of a business role waits for a second administrator.
    grant = RoleGrant.objects.get(user=created, role="enterprise")
    assert grant.state == GrantState.PENDING and not created.groups.exists()
    record = ChangeRecord.objects.filter(content_type__model="user", object_id=str(created.pk), action="create").get()
    assert record.user == system_admin and record.after["password"] == "（已设置新密码）"
    assert password not in str(record.before) + str(record.after)
    # The first login must change the temporary password before anything else.
    client = login("qiye2", password)
    assert client.get("/").status_code == 302 and client.get("/")["Location"] == reverse("password_change")


def test_bad_input_creates_nothing_and_says_why_in_chinese(admin_client, staff):
    response = admin_client.post("/core/accounts/add/", {"username": "ZhangSan", "full_name": " "})
    page = response.content.decode()
    assert response.status_code == 400 and "已有同名账号" in page and "该字段是必填项" in page
    response = admin_client.post("/core/accounts/add/", {
        "username": "new one", "full_name": "赵六", "roles": ["economy"]})
    page = response.content.decode()
    assert response.status_code == 400 and "用户名只能使用" in page and "请填写授权事由" in page
    assert User.objects.count() == 2


def test_the_administrator_edits_name_roles_and_bindings(admin_client, staff, make_user):
    grid_a, grid_b = GridFactory(), GridFactory()
    worker = make_user("grid", username="wangge", full_name="网格员甲")
    GridBinding.objects.create(user=worker, grid=grid_a)
    assert admin_client.get(f"/core/accounts/{worker.pk}/edit/").status_code == 200
    response = admin_client.post(f"/core/accounts/{worker.pk}/edit/", {
        "full_name": "网格员乙", "phone": "", "roles": ["grid", "community"], "reason": "兼任社区工作",
        "binding_grid": [grid_b.pk]})
    assert response.status_code == 302 and response["Location"] == f"/core/accounts/{worker.pk}/"
    worker.refresh_from_db()
    assert worker.full_name == "网格员乙"
    assert list(GridBinding.objects.filter(user=worker).values_list("grid", flat=True)) == [grid_b.pk]
    assert RoleGrant.objects.get(user=worker, role="community").state == GrantState.PENDING
    # Taking a role away takes effect at once.
    admin_client.post(f"/core/accounts/{worker.pk}/edit/", {
        "full_name": "网格员乙", "roles": [], "reason": "调离", "binding_grid": [grid_b.pk]})
    assert not worker.groups.exists()
    page = admin_client.get(f"/core/accounts/{worker.pk}/").content.decode()
    assert "网格员甲" in page and "网格员乙" in page  # the change record, before → after


def test_lock_and_unlock_take_effect_on_login_and_clear_the_login_lock(admin_client, staff, settings):
    session = login("zhangsan", PASSWORD)
    assert signed_in(session)
    assert admin_client.post(f"/core/accounts/{staff.pk}/lock/").status_code == 302
    staff.refresh_from_db()
    assert staff.is_locked
    assert not signed_in(session)  # the open session ends
    assert not signed_in(login("zhangsan", PASSWORD))
    record = ChangeRecord.objects.filter(content_type__model="user", object_id=str(staff.pk)).latest("id")
    assert record.before["is_locked"] is False and record.after["is_locked"] is True
    assert admin_client.post(f"/core/accounts/{staff.pk}/lock/").status_code == 403  # already locked

    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": "zhangsan", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="zhangsan").exists()
    assert "登录失败锁定" not in admin_client.get("/core/accounts/").content.decode()  # locked shows first
    assert admin_client.post(f"/core/accounts/{staff.pk}/unlock/").status_code == 302
    staff.refresh_from_db()
    assert not staff.is_locked and not AccessAttempt.objects.filter(username="zhangsan").exists()
    assert signed_in(login("zhangsan", PASSWORD))


def test_a_login_locked_account_shows_as_such_and_is_unlocked(admin_client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": "zhangsan", "password": "wrong"})
    assert "登录失败锁定" in admin_client.get("/core/accounts/").content.decode()
    assert "解锁" in admin_client.get(f"/core/accounts/{staff.pk}/").content.decode()
    admin_client.post(f"/core/accounts/{staff.pk}/unlock/")
    assert signed_in(login("zhangsan", PASSWORD))


def test_reset_shows_a_temporary_password_once_and_forces_a_change(admin_client, staff, system_admin):
    response = admin_client.post(f"/core/accounts/{staff.pk}/reset-password/")
    assert response.status_code == 200
    assert "本人下次登录时须修改此密码" in response.content.decode()
    assert "首次登录" not in response.content.decode()
    password = response.context["password"]
    staff.refresh_from_db()
    assert staff.must_change_password and staff.check_password(password) and not staff.check_password(PASSWORD)
    assert password not in admin_client.get(f"/core/accounts/{staff.pk}/").content.decode()
    record = ChangeRecord.objects.filter(content_type__model="user", object_id=str(staff.pk)).latest("id")
    assert record.user == system_admin and record.after["password"] == "（已设置新密码）"
    assert staff.password not in str(record.after) and password not in str(record.after)
    client = login("zhangsan", password)
    assert client.get("/enterprises/enterprises/")["Location"] == reverse("password_change")
    client.post(reverse("password_change"), {
        "old_password": password, "new_password1": "Own-Choice-2026", "new_password2": "Own-Choice-2026"})
    assert client.get("/enterprises/enterprises/").status_code == 200


def test_the_account_page_shows_the_changes_of_its_bindings(admin_client, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openpark.core.accounts import account_bindings

    grid_a, grid_b = GridFactory(), GridFactory()
    worker = make_user("grid", username="wangge", full_name="网格员甲")
    other = make_user("grid", username="wangge2", full_name="网格员丙")
    GridBinding.objects.create(user=other, grid=grid_b)  # another account's binding is not shown
    admin_client.post(f"/core/accounts/{worker.pk}/edit/", {
        "full_name": "网格员甲", "roles": ["grid"], "reason": "分配网格", "binding_grid": [grid_a.pk]})
    admin_client.post(f"/core/accounts/{worker.pk}/edit/", {
        "full_name": "网格员甲", "roles": ["grid"], "reason": "调整网格", "binding_grid": [grid_b.pk]})
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(f"/core/accounts/{worker.pk}/")
    bindings = [r for r in response.context["records"] if r.content_type.model == "gridbinding"]
    assert sorted(r.action for r in bindings) == ["create", "create", "delete"]
    assert all(str(worker.pk) in (str((r.after or {}).get("user")), str((r.before or {}).get("user")))
               for r in bindings)
    page = response.content.decode()
    assert page.count("绑定网格：") == 3 and str(grid_a) in page and str(grid_b) in page
    changes = [q for q in queries.captured_queries if "core_changerecord" in q["sql"]]
    assert len(changes) <= 1 + len(account_bindings())


def test_lock_reset_and_deactivate_ask_for_confirmation_first(admin_client, staff):
    """As the platform's dangerous transitions do: the button says data-confirm, openpark.js asks."""
    page = admin_client.get(f"/core/accounts/{staff.pk}/").content.decode()
    for path, label in (("lock/", "锁定"), ("reset-password/", "重置密码"), ("deactivate/", "停用")):
        form = re.search(rf'<form method="post" action="/core/accounts/{staff.pk}/{path}".*?</form>', page, re.S).group(0)
        button = re.search(r"<button[^>]*>" + label + "</button>", form).group(0)
        assert 'data-confirm="确定' in button and staff.username in button, button
    assert "<script>" not in page


def test_deactivating_keeps_the_account_and_stops_its_login(admin_client, staff):
    assert admin_client.post(f"/core/accounts/{staff.pk}/deactivate/").status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active and User.objects.filter(pk=staff.pk).exists()
    assert not signed_in(login("zhangsan", PASSWORD))
    assert "已停用" in admin_client.get(f"/core/accounts/{staff.pk}/").content.decode()
    assert admin_client.post(f"/core/accounts/{staff.pk}/activate/").status_code == 302
    staff.refresh_from_db()
    assert staff.is_active and signed_in(login("zhangsan", PASSWORD))


@pytest.mark.parametrize("role", [*BUSINESS, "audit"])
def test_other_roles_are_refused(role, make_user, client_for, staff):
    client = client_for(make_user(role))
    for name, (method, url) in routes(staff).items():
        assert getattr(client, method)(url, {"full_name": "x", "username": "x1"}).status_code == 403, name
    staff.refresh_from_db()
    assert staff.is_active and not staff.is_locked and staff.check_password(PASSWORD)
    assert not User.objects.filter(username="x1").exists()


def test_anonymous_visitors_are_sent_to_login(client, staff):
    for name, (method, url) in routes(staff).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def test_nobody_but_a_superuser_acts_on_a_superuser_or_an_administrator(admin_client, make_user, system_admin):
    """Such an account answers as a missing one does (404), on the pages as in the API, so that a
    system administrator cannot tell which ids are administrators'."""
    root = User.objects.create_superuser("root", password=PASSWORD)
    other_admin = make_user("admin", username="sysadmin2")
    missing = User.objects.order_by("-pk").first().pk + 100
    assert admin_client.get(f"/core/accounts/{missing}/").status_code == 404
    for target in (root, other_admin, system_admin):
        for name, (method, url) in routes(target).items():
            if name in ("list", "add", "add_post"):
                continue
            response = getattr(admin_client, method)(url, {"full_name": "改名"})
            assert response.status_code == 404, (target, name)
        target.refresh_from_db()
        assert target.is_active and not target.is_locked and target.full_name != "改名"
        assert target.check_password(PASSWORD)


def test_a_superuser_manages_administrators_but_does_not_lock_itself(client_for, make_user):
    root = User.objects.create_superuser("root", password=PASSWORD)
    other_admin = make_user("admin", username="sysadmin2")
    client = client_for(root)
    assert client.post(f"/core/accounts/{other_admin.pk}/lock/").status_code == 302
    assert client.post(f"/core/accounts/{root.pk}/lock/").status_code == 403
    assert client.post(f"/core/accounts/{root.pk}/deactivate/").status_code == 403
    root.refresh_from_db()
    assert root.is_active and not root.is_locked


def test_roles_beyond_the_administrators_own_are_refused(admin_client, staff, system_admin):
    for role in ("admin", "security", "audit"):
        response = admin_client.post(f"/core/accounts/{staff.pk}/edit/", {
            "full_name": "张三改", "roles": ["economy", role], "reason": "提权"})
        assert response.status_code == 400 and f"{role} 不在可用的选项中" in response.content.decode()
        response = admin_client.post("/core/accounts/add/", {
            "username": f"new{role}", "full_name": "新人", "roles": [role], "reason": "提权"})
        assert response.status_code == 400
    staff.refresh_from_db()
    assert staff.full_name == "张三" and set(staff.groups.values_list("name", flat=True)) == {"经发"}
    assert not RoleGrant.objects.exists() and not User.objects.filter(username__startswith="new").exists()
    assert set(system_admin.groups.values_list("name", flat=True)) == {"系统管理员"}


def test_a_refused_grant_leaves_the_whole_edit_undone(admin_client, staff):
    RoleGrant.objects.create(user=staff, role="industry", reason="先前的申请", requested_by=staff)
    grid = GridFactory()
    response = admin_client.post(f"/core/accounts/{staff.pk}/edit/", {
        "full_name": "张三改", "roles": ["economy", "industry"], "reason": "再申请", "binding_grid": [grid.pk]})
    assert response.status_code == 400 and "已有相同的申请在等待审批" in response.content.decode()
    staff.refresh_from_db()
    assert staff.full_name == "张三" and not GridBinding.objects.filter(user=staff).exists()


def test_changes_need_post_and_csrf(system_admin, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(system_admin)
    for name in ("lock", "deactivate", "reset"):
        url = routes(staff)[name][1]
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 403
    staff.refresh_from_db()
    assert staff.is_active and not staff.is_locked and staff.check_password(PASSWORD)


def test_the_security_administrator_sees_accounts_and_grants_roles_directly(make_user, client_for, staff):
    client = client_for(make_user("security"))
    assert "张三" in client.get("/core/accounts/").content.decode()
    assert client.post(f"/core/accounts/{staff.pk}/lock/").status_code == 403
    assert client.get(f"/core/accounts/{staff.pk}/edit/").status_code == 403


def test_the_list_costs_the_same_queries_for_many_accounts(admin_client, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/core/accounts/").status_code == 200
        return len(captured)

    worker = make_user("grid")
    GridBinding.objects.create(user=worker, grid=GridFactory())
    few = queries()
    for _ in range(8):
        user = make_user("enterprise", "grid")
        EnterpriseBinding.objects.create(user=user, enterprise=EnterpriseFactory())
        GridBinding.objects.create(user=user, grid=GridFactory())
    assert queries() == few


def test_the_api_lists_and_locks_accounts_as_the_pages_do(make_user, api_for, staff, system_admin):
    api = api_for(system_admin)
    listed = api.get("/api/core/accounts/", {"q": "张", "state": "active"}).json()
    assert [row["username"] for row in listed["results"]] == ["zhangsan"]
    assert listed["results"][0]["roles"] == ["经发"] and listed["results"][0]["state"] == "正常"
    assert api.get(f"/api/core/accounts/{staff.pk}/").json()["username"] == "zhangsan"
    answer = api.post(f"/api/core/accounts/{staff.pk}/lock/")
    assert answer.status_code == 200 and answer.json()["state"] == "已锁定"
    assert not signed_in(login("zhangsan", PASSWORD))
    assert api.post(f"/api/core/accounts/{staff.pk}/unlock/").json()["is_locked"] is False
    assert api.post(f"/api/core/accounts/{staff.pk}/deactivate/").json()["state"] == "已停用"
    assert api.post(f"/api/core/accounts/{staff.pk}/activate/").json()["is_active"] is True
    # Superusers and administrators are out of reach; other roles are refused; so is oneself.
    root = User.objects.create_superuser("root", password=PASSWORD)
    assert api.post(f"/api/core/accounts/{root.pk}/lock/").status_code == 404
    assert api.post(f"/api/core/accounts/{system_admin.pk}/lock/").status_code == 404
    other = api_for(make_user("economy"))
    assert other.get("/api/core/accounts/").status_code == 403
    refused = other.post(f"/api/core/accounts/{staff.pk}/lock/")
    assert refused.status_code == 403 and "权限" in refused.json()["detail"]
    security = api_for(make_user("security"))
    assert security.get("/api/core/accounts/").status_code == 200
    refused = security.post(f"/api/core/accounts/{staff.pk}/lock/")
    assert refused.status_code == 403 and refused.json()["detail"] == "您没有管理账号的权限。"
    staff.refresh_from_db()
    assert staff.is_active and not staff.is_locked
    assert api.post(f"/api/core/accounts/{staff.pk}/lock/").status_code == 200
    assert api.post(f"/api/core/accounts/{staff.pk}/lock/").json()["detail"] == "该账号已锁定。"


def test_a_search_with_a_nul_character_is_answered(admin_client):
    """PostgreSQL refuses NUL in a text; the search drops it rather than failing."""
    response = admin_client.get("/core/accounts/", {"q": "张\x00三"})
    assert response.status_code == 200 and "张三" in response.content.decode()
