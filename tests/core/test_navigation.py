import pytest
from django.urls import reverse

from openpark.core.roles import ROLES

TASKS = "我的后台任务"
SCOPED_ENTERPRISE_FILE = ["企业名录", "企业地图", "土地台账", "片区", "园中园"]
ENTERPRISE_FILE = [*SCOPED_ENTERPRISE_FILE, "服务合同"]
ECONOMY = ["经济看板", "企业指标数据", "指标定义", "全市参考值"]
EVALUATION = ["评价批次", "评价结果", "低效用地", "处置案", "评价方案", "等级政策"]
INVESTMENT = ["项目总览", "招商项目", "项目问题", "招商线索", "走访洽谈", "目标企业进度", "目标企业", "目标企业年度目标", "产业链图谱", "产业链",
              "招商顾问", "办理时限"]
EXPECTED_MENU = {
    "leader": {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "亩均评价": EVALUATION, "招商引资": INVESTMENT, "网格": ["网格"], "系统": ["变更记录", TASKS]},
    "economy": {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "亩均评价": EVALUATION, "招商引资": INVESTMENT, "网格": ["网格"], "系统": ["变更记录", TASKS]},
    "investment": {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "招商引资": INVESTMENT, "系统": [TASKS]},
    "environment": {"一企一档": ENTERPRISE_FILE, "系统": [TASKS]},
    "industry": {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "系统": [TASKS]},
    "community": {"一企一档": ENTERPRISE_FILE, "网格": ["网格"], "系统": [TASKS]},
    "grid": {"网格": ["网格"], "系统": [TASKS]},
    "steward": {"一企一档": SCOPED_ENTERPRISE_FILE, "系统": [TASKS]},
    "enterprise": {"一企一档": SCOPED_ENTERPRISE_FILE, "经济运行": ["企业指标数据", "指标定义"], "亩均评价": ["评价结果"],
                   "招商引资": ["招商项目"], "系统": [TASKS]},
    "admin": {"一企一档": ["企业名录", "企业地图", "服务合同"], "网格": ["网格"], "系统": [TASKS, "账号管理", "角色授权", "工作日历"]},
    "security": {"系统": [TASKS, "角色授权"]},
    "audit": {"系统": ["变更记录", TASKS, "角色授权", "登录记录"]},
}


def menu_of(response) -> dict[str, list[str]]:
    return {m["label"]: [i["label"] for i in m["items"]] for m in response.context["menu"]}


def test_every_role_is_covered():
    assert set(EXPECTED_MENU) == {role.slug for role in ROLES}


@pytest.mark.parametrize("slug", list(EXPECTED_MENU))
def test_each_role_sees_only_its_navigation(make_user, client_for, slug):
    client = client_for(make_user(slug))
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == reverse("role_home", args=[slug])
    assert menu_of(response) == EXPECTED_MENU[slug]
    html = response.content.decode()
    nav = html[html.index('<nav class="mainnav"'):]
    nav = nav[:nav.index("</nav>")]
    for module in response.context["menu"]:
        for item in module["items"]:  # each item links to its page under its own name
            assert f'<a href="{item["url"]}">{item["label"]}</a>' in nav
    assert nav.count("<a ") == sum(len(items) for items in EXPECTED_MENU[slug].values())
    for items in EXPECTED_MENU[slug].values():
        for item in items:
            assert f">{item}</a>" in html
    hidden = {i for m in EXPECTED_MENU.values() for items in m.values() for i in items} - {
        i for items in EXPECTED_MENU[slug].values() for i in items
    }
    for item in hidden:
        assert f">{item}</a>" not in html


def test_user_with_two_roles_sees_both_and_can_switch(make_user, client_for):
    client = client_for(make_user("grid", "investment"))
    response = client.get("/", follow=True)
    # The first role in the declared order is the landing page.
    assert response.request["PATH_INFO"] == reverse("role_home", args=["investment"])
    assert menu_of(response) == {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "招商引资": INVESTMENT, "网格": ["网格"],
                                 "系统": [TASKS]}
    assert reverse("role_home", args=["grid"]) in response.content.decode()
    assert client.get(reverse("role_home", args=["grid"])).status_code == 200


def test_role_home_of_a_role_not_held_is_404(make_user, client_for):
    client = client_for(make_user("grid"))
    assert client.get(reverse("role_home", args=["leader"])).status_code == 404


def test_every_user_reaches_their_password_and_tokens(make_user, client_for):
    html = client_for(make_user("grid")).get("/", follow=True).content.decode()
    assert f'href="{reverse("password_change")}"' in html and f'href="{reverse("core:apitoken_list")}"' in html


def test_user_without_role_gets_a_notice(make_user, client_for):
    response = client_for(make_user()).get("/")
    assert response.status_code == 200
    assert "还没有分配角色" in response.content.decode()
    assert response.context["menu"] == [{"key": "system", "label": "系统", "items": [
        {"label": TASKS, "url": reverse("core:taskrun_list")}]}]


def test_module_pages_refuse_roles_without_permission(make_user, client_for):
    client = client_for(make_user("grid"))
    response = client.get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_enterprise_home_lists_its_own_enterprise(enterprise_user, enterprises, client_for):
    response = client_for(enterprise_user).get(reverse("role_home", args=["enterprise"]))
    html = response.content.decode()
    assert enterprises[0].name in html
    assert enterprises[1].name not in html
    cards = {card["key"]: card for card in response.context["scope_cards"]}
    assert cards["enterprises.enterprise"]["count"] == 1 and cards["enterprises.enterprise"]["label"] == "企业（家）"
    assert [mine["title"] for mine in response.context["my_records"]] == ["我的企业"]


def test_home_cards_follow_the_menu_order(db, make_user, client_for):
    response = client_for(make_user("leader")).get(reverse("role_home", args=["leader"]))
    assert [card["label"] for card in response.context["scope_cards"]] == ["企业（家）", "网格（个）"]
