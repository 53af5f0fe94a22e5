"""The park cockpit on the demo park: each figure is its module's own number and links to the
module's page; tiles follow the user's roles; the wall display; tiles from any app."""
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from openpark.core import cockpit
from openpark.core.cockpit_views import COCKPIT_ROLES
from openpark.economy import cockpit as economy_cockpit
from openpark.evaluation import cockpit as evaluation_cockpit
from openpark.evaluation.models import LowEfficiencyRule, Result, Run
from openpark.investment import cockpit as investment_cockpit

pytestmark = pytest.mark.usefixtures("demo_park", "db")

QUERY_BUDGET = 67  # 智改数转's tile: 5 (the year's certifications, the 规上 list, the completed projects and
# the certifications it reads for the coverage, the projects under way); 新就业群体's tile: 4 (its workers,
# stations, activities and points); 随手拍's: 4 (the year's cases, their state changes and deadlines, the
# overdue count); 目标进度's: 10 (the running targets, then each distinct measure of them, one query each: the
# demo's four of this year; then why the 亩均税收 target has no figure: this year's run, the latest run and
# its growth over the year before, 5)
# 人才服务's: 4 (the year's fairs, booths, trainings and apprenticeships)


@pytest.fixture
def leader(make_user, client_for):
    return client_for(make_user("leader"))


def panels(response) -> dict:
    return {tile.key: panel for tile, panel in response.context["panels"]}


def figures(panel) -> dict:
    return {figure.label: figure for figure in panel.figures}


def test_the_leaders_home_is_the_cockpit(leader):
    assert COCKPIT_ROLES == ("leader",)
    response = leader.get(reverse("role_home", args=["leader"]))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "core/cockpit.html"
    assert response.context["breadcrumbs"] == [("首页", "")]
    html = response.content.decode()
    assert '<a href="/cockpit/">园区驾驶舱</a>' in html  # the sidebar's entry
    assert list(panels(response)) == ["targets", "economy", "evaluation", "investment", "environment", "transformation",
                                      "community", "community_cases", "talent", "evaluation-map"]
    assert "最近变更" not in html


def test_economy_figures_are_the_dashboards(leader):
    response = leader.get(reverse("cockpit"))
    panel = panels(response)["economy"]
    year = economy_cockpit.latest_year(cockpit.this_year())
    assert year == 2022 and panel.period == "2022 年"  # the demo's latest year with facts
    if cockpit.this_year() > 2022:
        assert panel.note == f"{cockpit.this_year()} 年尚无数据，显示最近有数据的 2022 年"
    board = leader.get(reverse("economy:dashboard"), {"year": year}).context["board"]
    by_code = {f.indicator.code: f for f in board.figures}
    shown = figures(panel)
    for code in economy_cockpit.COCKPIT_INDICATORS:
        expected = by_code[code]
        figure = shown[expected.indicator.name]
        assert (figure.value, figure.unit, figure.growth_pct) == (expected.value_yi, "亿元", expected.growth_pct)
        assert figure.url == reverse("economy:dashboard") + f"?year=2022&indicator={code}"
    assert shown["预警指标"].value == len(board.alarms) > 0
    assert [text.split(" ")[0] for text, _ in panel.items] == [f.indicator.name for f in board.alarms]
    html = response.content.decode()
    output = shown["工业总产值"]
    assert f"{output.value:,.2f}<small>亿元</small>" in html
    assert f"同比 +{output.growth_pct}%" in html


def test_evaluation_figures_are_the_last_published_runs(leader):
    panel = panels(leader.get(reverse("cockpit")))["evaluation"]
    run = Run.objects.filter(state="published").order_by("-year", "-pk").first()
    assert panel.period == f"{run.year} 年"
    counts = Counter(Result.objects.filter(run=run).values_list("grade", flat=True))
    shown = figures(panel)
    for grade, label in (("A", "A 类"), ("B", "B 类"), ("C", "C 类"), ("D", "D 类"), ("不定等", "不定等")):
        assert shown[label].value == counts[grade]
        assert shown[label].url == reverse("evaluation:result_list") + f"?run={run.pk}&grade={grade}"
    low = leader.get(reverse("evaluation:low_efficiency"), {"run": run.pk}).context
    tax = shown["园区亩均税收"]
    assert (tax.value, tax.growth_pct) == (low["current"], low["growth"])
    target = LowEfficiencyRule.current().growth_target_pct
    assert tax.status == ("excellent" if low["met"] else "alarm")
    assert f"目标增幅 {target:,.2f}%，{'已达到' if low['met'] else '未达到'}" == tax.note


def test_investment_figures_are_the_pipelines(leader):
    panel = panels(leader.get(reverse("cockpit")))["investment"]
    shown = figures(panel)
    since = leader.get(reverse("investment:pipeline"), {"since": 2017}).context
    for key, stage in (("signed", "签约"), ("started", "开工"), ("completed", "竣工")):
        assert shown[f"2017 年以来{stage}"].value == since["totals"][key]["count"]
    assert shown["2017 年以来签约"].value == 149  # the published figure the demo is made from
    year = investment_cockpit.latest_year(cockpit.this_year())
    this_year = leader.get(reverse("investment:pipeline"), {"since": year}).context["totals"]
    assert shown[f"{year} 年签约"].value == this_year["signed"]["count"]
    assert shown[f"{year} 年签约"].note == f"总投资 {this_year['signed']['investment_yi']:,.2f} 亿元"
    targets = leader.get(reverse("investment:target_progress"), {"year": cockpit.this_year()}).context["progress"]
    target = shown[f"{cockpit.this_year()} 年目标企业已签约"]
    assert target.value == targets["reached"]["signed"]
    assert target.note == (f"目标 {targets['goal']} 家，已列入 {targets['listed']} 家，"
                           f"已走访 {targets['reached']['visited']} 家")
    assert shown["停滞项目"].value == since["stale"].count() > 0
    assert shown["逾期未解决问题"].value == since["overdue"].count() > 0
    assert shown["逾期未解决问题"].status == "alarm"


def test_each_count_opens_the_list_of_what_it_counts(leader):
    panel = panels(leader.get(reverse("cockpit")))["investment"]
    year = investment_cockpit.latest_year(cockpit.this_year())
    for prefix in (f"{year} 年", "2017 年以来"):
        for stage in ("签约", "开工", "竣工"):
            figure = figures(panel)[f"{prefix}{stage}"]
            assert figure.url.startswith(reverse("investment:project_list")), figure.url
            listed = leader.get(figure.url).context["page"].paginator.count
            assert listed == figure.value, (figure.label, figure.url)
    assert figures(panel)["2017 年以来签约"].value == 149
    economy = panels(leader.get(reverse("cockpit")))["economy"]
    alarms = figures(economy)["预警指标"]
    assert alarms.url.endswith("#alarms") and alarms.value == 2
    page = leader.get(alarms.url.split("#")[0]).content.decode()
    section = re.search(r'<section class="panel" id="alarms">.*?</section>', page, re.S).group(0)
    assert section.count("<li>") == alarms.value


def test_the_project_list_filters_by_stage_reached_since_a_year(leader):
    url = reverse("investment:project_list")
    signed = leader.get(url, {"reached": "signed", "reached_since": 2017}).context["page"].paginator.count
    everything = leader.get(url).context["page"].paginator.count
    assert 0 < signed < everything
    later = leader.get(url, {"reached": "signed", "reached_since": 2024}).context["page"].paginator.count
    assert later < signed
    refused = leader.get(url, {"reached": "nonsense", "reached_since": 2017})
    assert refused.context["page"].paginator.count == 0  # a stage that is none lists nothing, as other filters do


def test_every_link_of_the_cockpit_opens(leader):
    response = leader.get(reverse("cockpit"))
    urls = {panel.url for panel in panels(response).values()}
    urls |= {figure.url for panel in panels(response).values() for figure in panel.figures}
    urls |= {url for panel in panels(response).values() for _, url in panel.items}
    assert len(urls) > 10
    for url in urls:
        assert leader.get(url.split("#")[0]).status_code == 200, url
    html = response.content.decode()
    assert all(f'href="{url}"'.replace("&", "&amp;") in html for url in urls)


def test_the_map_is_coloured_by_class(leader):
    response = leader.get(reverse("cockpit"))
    panel = panels(response)["evaluation-map"]
    run = evaluation_cockpit.last_published_run()
    assert panel.context == {"data_url": reverse("enterprises:map_data"), "colour": "grade", "year": run.year}
    html = response.content.decode()
    assert 'id="map-colour" value="grade"' in html and "vendor/leaflet/leaflet.js" in html
    assert "<script>" not in html  # no inline script: the map's data comes from its endpoint
    data = leader.get(reverse("enterprises:map_data"), {"colour": "grade", "year": run.year}).json()
    legend = {item["label"]: item["count"] for item in data["legend"]}
    counts = Counter(Result.objects.filter(run=run, enterprise__longitude__isnull=False,
                                           enterprise__latitude__isnull=False).values_list("grade", flat=True))
    assert legend["A 类"] == counts["A"] and legend["D 类"] == counts["D"]
    assert legend["未纳入"] == counts[""]
    assert [item["label"] for item in data["legend"]][:4] == ["A 类", "B 类", "C 类", "D 类"]
    assert sum(legend.values()) == len(data["enterprises"]["features"])
    # The enterprise map offers the same colouring, opening at the last published run's year.
    assert (f'<option value="grade" data-year="{run.year}">亩均等级</option>'
            in leader.get(reverse("enterprises:map")).content.decode())
    assert leader.get(reverse("enterprises:map_data"), {"colour": "grade"}).json()["year"] == run.year


def test_the_class_colouring_needs_the_evaluation(make_user, client_for):
    client = client_for(make_user("investment"))
    response = client.get(reverse("enterprises:map_data"), {"colour": "grade", "year": 2022})
    assert response.status_code == 400
    assert "亩均等级" not in client.get(reverse("enterprises:map")).content.decode()


@pytest.mark.parametrize("role, keys", [
    ("leader", ["targets", "economy", "evaluation", "investment", "environment", "transformation", "community",
                "community_cases", "talent", "evaluation-map"]),
    ("economy", ["targets", "economy", "evaluation", "investment", "environment", "transformation", "talent",
                 "evaluation-map"]),
    ("investment", ["targets", "economy", "investment"]),
    ("industry", ["targets", "economy", "transformation", "talent"]),
    ("environment", ["environment"]),
    ("community", ["community", "community_cases"]),
])
def test_tiles_follow_the_role(role, keys, make_user, client_for):
    response = client_for(make_user(role)).get(reverse("cockpit"))
    assert response.status_code == 200
    assert list(panels(response)) == keys
    html = response.content.decode()
    # nothing of the evaluation's own tile; a target measured by it may say its run is not yet published
    main = "".join(part for part in html.split('<main')[1].split('data-tile="') if not part.startswith("targets"))
    assert ("亩均评价" in main) == ("evaluation" in keys)


@pytest.mark.parametrize("role", ["admin", "grid"])
def test_roles_with_nothing_to_see_are_refused(role, make_user, client_for):
    client = client_for(make_user(role))
    assert client.get(reverse("cockpit")).status_code == 403
    assert client.get(reverse("cockpit_wall")).status_code == 403


def test_enterprise_users_are_refused(enterprise_user, client_for):
    assert client_for(enterprise_user).get(reverse("cockpit")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("cockpit_wall"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_wall_display(leader):
    response = leader.get(reverse("cockpit_wall"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<body class="cockpit-wall">' in html
    assert '<meta http-equiv="refresh" content="300">' in html
    assert 'class="mainnav"' not in html  # full screen: no sidebar, no top bar
    assert "js/cockpit-wall.js" in html and "<script>" not in html
    # The wall holds the tiles laid out for it; 新就业群体's is on the cockpit page only.
    assert list(panels(response)) == ["economy", "evaluation", "investment", "environment", "evaluation-map"]
    assert "community" in panels(leader.get(reverse("cockpit")))
    assert re.search(r"数据时间 <time[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d</time>（北京时间）", html)
    assert f'href="{reverse("cockpit")}"' in html


def test_the_wall_refresh_is_a_setting(leader, settings):
    settings.COCKPIT_WALL_REFRESH_SECONDS = 60
    html = leader.get(reverse("cockpit_wall")).content.decode()
    assert '<meta http-equiv="refresh" content="60">' in html and "每 1 分钟自动刷新" in html


def test_a_tile_from_another_app_shows_for_those_with_its_permission(leader, make_user, client_for):
    def build(year):
        return cockpit.Panel((cockpit.Figure("园区人口", Decimal("12345.5"), "人", 0, "/enterprises/", Decimal("-3.456")),),
                             f"{year} 年", "/enterprises/", "<b>说明</b>")

    cockpit.register(cockpit.Tile("test-population", "<人口>", 50, "enterprises.view_enterprise", build))
    cockpit.register(cockpit.Tile("test-hidden", "隐藏", 60, ("enterprises.view_enterprise", "core.change_user"), build))
    try:
        response = leader.get(reverse("cockpit"))
        assert list(panels(response)) == ["targets", "economy", "evaluation", "investment", "environment",
                                          "transformation", "community", "community_cases", "test-population", "talent",
                                         "evaluation-map"]
        html = response.content.decode()
        assert "12,346<small>人</small>" in html and "同比 -3.46%" in html
        assert "&lt;人口&gt;" in html and "&lt;b&gt;说明&lt;/b&gt;" in html  # escaped
        environment = client_for(make_user("environment"))
        assert list(panels(environment.get(reverse("cockpit")))) == ["environment", "test-population"]
    finally:
        cockpit.unregister("test-population")
        cockpit.unregister("test-hidden")
    assert "test-population" not in [tile.key for tile in cockpit.tiles()]


def test_the_cockpit_keeps_to_its_query_budget(leader, django_assert_max_num_queries):
    leader.get(reverse("cockpit"))  # the session, the permissions' cache
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert leader.get(reverse("cockpit")).status_code == 200


def test_a_year_without_data_shows_the_latest_year_and_says_so():
    assert cockpit.year_shown(2026, 2022) == (2022, "2026 年尚无数据，显示最近有数据的 2022 年")
    assert cockpit.year_shown(2022, 2022) == (2022, "")
    assert cockpit.year_shown(2026, None) == (None, "2026 年尚无数据")
    assert economy_cockpit.economy_panel(2022).note == ""
    assert economy_cockpit.economy_panel(2022).period == "2022 年"
    assert economy_cockpit.economy_panel(2019).note == "2019 年尚无数据"
    panel = economy_cockpit.economy_panel(2021)
    assert panel.period == "2021 年" and figures(panel)["工业总产值"].growth_pct is not None


def test_numbers_are_written_as_officials_write_them():
    assert cockpit.number_text(Decimal("1234567.891"), 2) == "1,234,567.89"
    assert cockpit.number_text(149) == "149"
    assert cockpit.number_text(None) == "—"
    assert cockpit.signed_pct(Decimal("11.7749")) == "+11.77%"
    assert cockpit.signed_pct(-4) == "-4.00%"
    assert cockpit.signed_pct(0) == "0.00%"
    assert cockpit.signed_pct(None) == ""
