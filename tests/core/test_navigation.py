import pytest
from django.urls import reverse

from openpark.core.cockpit_views import COCKPIT_ROLES
from openpark.core.roles import ROLES

TASKS = "我的后台任务"
SCOPED_ENTERPRISE_FILE = ["企业名录", "企业地图", "土地台账", "片区", "园中园"]
ENTERPRISE_FILE = [*SCOPED_ENTERPRISE_FILE, "服务合同"]
ECONOMY = ["经济看板", "企业指标数据", "指标定义", "全市参考值"]
EVALUATION = ["评价批次", "评价结果", "低效用地", "处置案", "评价方案", "等级政策"]
OUTFALLS = ["入河排污口", "排口监测记录", "整治方案", "整治措施", "污染源清单", "排口溯源"]
ENVIRONMENT_FILE = ["排污许可证", "环评批复", "竣工环保验收", "治理设施", "在线监测", "危险废物转移联单", "应急预案", "执法检查",
                    "行政处罚", "环境信用评价"]
ENVIRONMENT = ["环保总览", "环保地图", *OUTFALLS, "河长", "巡河履职", "巡河记录", "巡河规定", "环境问题", "水质监测断面", "水质采样",
               *ENVIRONMENT_FILE, "管家检查", "管家服务考核", "水体", "河段", "排口类别"]
SCOPED_ENVIRONMENT = [*OUTFALLS, "环境问题", *ENVIRONMENT_FILE, "管家检查"]
INVESTMENT = ["项目总览", "招商项目", "项目问题", "招商线索", "走访洽谈", "目标企业进度", "目标企业", "目标企业年度目标", "产业链图谱", "产业链",
              "招商顾问", "办理时限"]
COMMUNITY_SHARED = ["服务站点", "驿站检查", "活动", "兑换品"]
COMMUNITY = ["附近驿站", "组织", "从业人员", "服务站点", "驿站检查", "志愿队伍", "活动", "活动报名", "积分流水", "兑换品", "积分兑换"]
EXPECTED_MENU = {
    "leader": {"驾驶舱": ["园区驾驶舱"], "一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "亩均评价": EVALUATION, "招商引资": INVESTMENT, "智慧环保": ENVIRONMENT, "新就业群体": COMMUNITY, "网格": ["网格"], "系统": ["变更记录", TASKS]},
    "economy": {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "亩均评价": EVALUATION, "招商引资": INVESTMENT, "智慧环保": ENVIRONMENT, "网格": ["网格"], "系统": ["变更记录", TASKS]},
    "investment": {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "招商引资": INVESTMENT, "系统": [TASKS]},
    "environment": {"一企一档": ENTERPRISE_FILE, "智慧环保": ENVIRONMENT, "系统": [TASKS]},
    "industry": {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "系统": [TASKS]},
    "community": {"一企一档": ENTERPRISE_FILE, "新就业群体": COMMUNITY, "网格": ["网格"], "系统": [TASKS]},
    "grid": {"新就业群体": ["附近驿站", "我的积分", *COMMUNITY_SHARED], "网格": ["网格"], "系统": [TASKS]},
    "steward": {"一企一档": SCOPED_ENTERPRISE_FILE, "智慧环保": SCOPED_ENVIRONMENT, "系统": [TASKS]},
    "enterprise": {"一企一档": SCOPED_ENTERPRISE_FILE, "经济运行": ["企业指标数据", "指标定义"], "亩均评价": ["评价结果"],
                   "招商引资": ["招商项目"], "智慧环保": SCOPED_ENVIRONMENT, "系统": [TASKS]},
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
    assert menu_of(response) == {"一企一档": ENTERPRISE_FILE, "经济运行": ECONOMY, "招商引资": INVESTMENT,
                                 "新就业群体": ["随手拍上报", "附近驿站", "我的积分", "服务站点地图", "我的随手拍",
                                           *(item for item in COMMUNITY[2:] if item != "处置部门")],
                                 "网格": ["网格"], "系统": [TASKS], "目标": ["目标进度", "目标管理"]}
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
    # Its own enterprise is listed, not counted: its headline figures are what waits on it.
    cards = {card["key"]: card for card in response.context["scope_cards"]}
    assert "enterprises.enterprise" not in cards and "permits-due" in cards
    assert [mine["title"] for mine in response.context["my_records"]] == ["我的企业"]


def test_home_cards_follow_the_menu_order(db, make_user, client_for):
    response = client_for(make_user("economy")).get(reverse("role_home", args=["economy"]))
    assert [card["label"] for card in response.context["scope_cards"]] == ["企业（家）", "网格（个）"]


def sidebar(response) -> str:
    html = response.content.decode()
    nav = html[html.index('<nav class="mainnav"'):]
    return nav[:nav.index("</nav>")]


def test_the_sidebar_groups_items_by_module_and_lists_planned_modules(make_user, client_for):
    nav = sidebar(client_for(make_user("economy")).get(reverse("role_home", args=["economy"])))
    groups = [("enterprises", "一企一档"), ("economy", "经济运行"), ("evaluation", "亩均评价"), ("investment", "招商引资"),
              ("grids", "网格"), ("system", "系统")]
    starts = [nav.index(f'<details class="nav-module" data-module="{key}" open><summary class="nav-module-label">'
                        f"{label}</summary>") for key, label in groups]
    assert starts == sorted(starts)  # in menu order
    enterprises_group = nav[starts[0]:starts[1]]
    assert ">企业名录</a>" in enterprises_group and ">经济看板</a>" not in enterprises_group
    planned = nav[nav.index('data-module="planned"'):]
    assert nav.index('data-module="planned"') > starts[-1]
    for label in ("空间与土地", "年度报告"):
        assert f"{label} <small>建设中</small>" in planned
    assert "<a " not in planned  # nothing to open yet
    assert 'aria-current' not in nav  # the home page is no item of the menu


def test_the_current_page_is_highlighted_in_the_sidebar(make_user, client_for, enterprises):
    client = client_for(make_user("economy"))
    list_url = reverse("enterprises:enterprise_list")
    current = f'<a href="{list_url}" class="current" aria-current="page">企业名录</a>'
    for url in (list_url, enterprises[0].get_absolute_url(), reverse("enterprises:enterprise_edit", args=[enterprises[0].pk])):
        nav = sidebar(client.get(url))
        assert current in nav and nav.count("aria-current") == 1
        assert '<details class="nav-module has-current" data-module="enterprises" open>' in nav
    nav = sidebar(client.get(reverse("economy:dashboard")))  # the same menu, another page: its own markup
    assert current not in nav and f'<a href="{list_url}">企业名录</a>' in nav
    assert f'<a href="{reverse("economy:dashboard")}" class="current" aria-current="page">经济看板</a>' in nav


def test_the_top_bar_holds_search_inbox_and_a_user_menu(make_user, client_for):
    html = client_for(make_user("investment")).get(reverse("role_home", args=["investment"])).content.decode()
    topbar = html[html.index('<header class="topbar">'):html.index("</header>")]
    assert '<button type="button" id="nav-toggle"' in topbar and 'class="global-search"' in topbar
    assert f'href="{reverse("core:notification_list")}"' in topbar and 'id="todo-link"' in topbar
    menu = topbar[topbar.index('<details class="account user-menu">'):]
    for text in ("修改密码", "退出登录", ">招商</a>"):
        assert text in menu
    assert "<script" not in html.split("</head>")[1]  # the drawer and the groups work from openpark.js


PLANNED_HOMES = {"industry": "智改数转"}


@pytest.mark.parametrize("slug", [role.slug for role in ROLES])
def test_a_role_home_says_plainly_when_its_module_is_still_being_built(make_user, client_for, slug):
    response = client_for(make_user(slug)).get(reverse("role_home", args=[slug]))
    html = response.content.decode()
    html = html[html.index('<main class="content">'):]
    if slug in COCKPIT_ROLES:  # the leaders' home is the park cockpit, which exists
        assert "<h1>园区驾驶舱</h1>" in html and "尚在建设中" not in html
        return
    role = response.context["role"]
    if slug in PLANNED_HOMES:
        assert f"「{PLANNED_HOMES[slug]}」模块尚在建设中" in html
        assert role.duty not in html  # no list of duties it cannot carry out yet
    else:
        assert "尚在建设中" not in html and role.duty in html


def crumbs(response) -> list[tuple[str, str]]:
    return [tuple(crumb) for crumb in response.context["breadcrumbs"]]


def test_module_pages_show_where_they_are(make_user, client_for, enterprises):
    client = client_for(make_user("economy"))
    home, list_url = reverse("home"), reverse("enterprises:enterprise_list")
    enterprise = enterprises[0]
    assert crumbs(client.get(list_url)) == [("首页", home), ("一企一档", ""), ("企业", list_url)]
    detail = client.get(enterprise.get_absolute_url())
    assert crumbs(detail) == [("首页", home), ("一企一档", ""), ("企业", list_url), (enterprise.name, "")]
    edit = client.get(reverse("enterprises:enterprise_edit", args=[enterprise.pk]))
    assert crumbs(edit) == [("首页", home), ("一企一档", ""), ("企业", list_url),
                            (enterprise.name, enterprise.get_absolute_url()), ("编辑", "")]
    html = edit.content.decode()
    trail = html[html.index('<nav class="breadcrumbs"'):]
    trail = trail[:trail.index("</nav>")]
    assert f'<a href="{home}">首页</a> › <span>一企一档</span> › <a href="{list_url}">企业</a>' in trail
    hand_written = {  # the pages that are no model's: under their module too
        reverse("economy:dashboard"): [("首页", home), ("经济运行", ""), ("经济运行看板", "")],
        reverse("enterprises:map"): [("首页", home), ("一企一档", ""), ("企业地图", "")],
        reverse("evaluation:low_efficiency"): [("首页", home), ("亩均评价", ""), ("低效用地", "")],
        reverse("investment:pipeline"): [("首页", home), ("招商引资", ""), ("招商项目总览", "")],
    }
    for url, expected in hand_written.items():
        assert crumbs(client.get(url)) == expected, url


def test_the_cockpit_is_in_the_sidebar_of_leaders(make_user, client_for):
    leader = client_for(make_user("leader"))
    nav = sidebar(leader.get(reverse("role_home", args=["leader"])))
    assert nav.index('<a href="/cockpit/">园区驾驶舱</a>') < nav.index('data-module="enterprises"')
    nav = sidebar(leader.get(reverse("cockpit")))
    assert '<a href="/cockpit/" class="current" aria-current="page">园区驾驶舱</a>' in nav
    economy = client_for(make_user("economy"))
    assert "园区驾驶舱</a>" not in sidebar(economy.get(reverse("role_home", args=["economy"])))


@pytest.mark.django_db
def test_every_import_page_sits_in_its_module(make_user, client_for):
    """Each import's page names its module and the imported records' list in its breadcrumbs, and
    the sidebar marks that list, as the list's own pages do."""
    from openpark.core.imports import registry as importers
    from openpark.core.navigation import _modules
    from openpark.core.registry import declaration_for

    client = client_for(make_user(is_superuser=True))
    for name, importer in importers.items():
        opts = importer.model._meta
        list_url = reverse(f"{opts.app_label}:{opts.model_name}_list")
        response = client.get(reverse("core:import_start", args=[name]))
        assert response.status_code == 200, name
        module = _modules[declaration_for(importer.model).menu.module].label
        assert response.context["breadcrumbs"][1:3] == [(module, ""), (str(opts.verbose_name_plural), list_url)], name
        assert f'<a href="{list_url}" class="current" aria-current="page">' in response.content.decode(), name


# 新就业群体 · 服务站点地图: the map of the stations, after 附近驿站 (and a rider's 我的积分), for
# every role that may view the stations.
COMMUNITY.insert(COMMUNITY.index("附近驿站") + 1, "服务站点地图")
EXPECTED_MENU["grid"]["新就业群体"].insert(EXPECTED_MENU["grid"]["新就业群体"].index("我的积分") + 1, "服务站点地图")
# 新就业群体: activity reports --------------------------------------------------------------------
# 活动统计 stands after 活动 for the park-wide roles that may view activities (not for grid workers).
COMMUNITY.insert(COMMUNITY.index("活动") + 1, "活动统计")
# 随手拍 cases --------------------------------------------------------------------------------------
# The cases and their reference lists (随手拍案件, 处置部门, 问题类别, 处置时限, Open311 接口密钥), and the
# staff's pages after 随手拍案件: the work queues each role may open (核实派遣 for the grid centre, 处置
# for a department, 核查 for the centre and the grid workers), the case map, and the statistics for
# the park-wide roles. The department role (处置部门) sees its cases, its queue and the map.
COMMUNITY.extend(["随手拍案件", "核查队列", "随手拍地图", "随手拍统计", "处置部门", "问题类别", "处置时限"])
EXPECTED_MENU["leader"]["新就业群体"] = [*(item for item in COMMUNITY if item != "核查队列"), "Open311 接口密钥"]
EXPECTED_MENU["community"]["新就业群体"] = [*COMMUNITY]
EXPECTED_MENU["community"]["新就业群体"].insert(COMMUNITY.index("核查队列"), "核实派遣队列")
EXPECTED_MENU["grid"]["新就业群体"].extend(["随手拍案件", "核查队列", "随手拍地图"])
EXPECTED_MENU["department"] = {"新就业群体": ["随手拍案件", "处置队列", "随手拍地图"], "系统": [TASKS]}
EXPECTED_MENU["admin"]["新就业群体"] = ["处置部门", "Open311 接口密钥"]
# 新就业群体 · 随手拍 for the reporter: the phone page (随手拍上报, not to be read as the cockpit's 随手拍
# tile) first, and 我的随手拍 after 服务站点地图, for the roles that may report (网格员).
EXPECTED_MENU["grid"]["新就业群体"].insert(0, "随手拍上报")
EXPECTED_MENU["grid"]["新就业群体"].insert(EXPECTED_MENU["grid"]["新就业群体"].index("服务站点地图") + 1, "我的随手拍")
# Targets -------------------------------------------------------------------------------------------
# 目标: 目标进度 (each target's progress computed from the records) and 目标管理 (the targets' list),
# for the park-wide roles that may view targets.
for _slug in ("leader", "economy", "investment", "industry"):
    EXPECTED_MENU[_slug]["目标"] = ["目标进度", "目标管理"]
# 智改数转 --------------------------------------------------------------------------------------------
# The module is built: its certifications and projects for every role that may view them, and the
# coverage page for the park-wide ones; 工信's home is no longer a module being built.
TRANSFORMATION = ["认定名录", "改造项目", "覆盖率"]
for _slug in ("leader", "economy", "industry"):
    EXPECTED_MENU[_slug]["智改数转"] = [*TRANSFORMATION]
EXPECTED_MENU["enterprise"]["智改数转"] = ["认定名录", "改造项目"]
PLANNED_HOMES.pop("industry")
# 人才服务 ------------------------------------------------------------------------------------------
# Its records for every role that may view them (an enterprise its own, not the park's fairs), and
# the counts per year for the park-wide ones.
TALENT = ["招聘岗位", "校企合作", "招聘会", "参会企业", "技能培训", "名师带高徒", "年度统计"]
for _slug in ("leader", "economy", "industry"):
    EXPECTED_MENU[_slug]["人才服务"] = [*TALENT]
EXPECTED_MENU["enterprise"]["人才服务"] = ["招聘岗位", "校企合作", "参会企业", "技能培训", "名师带高徒"]
