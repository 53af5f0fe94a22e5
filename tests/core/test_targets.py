"""Targets: the metric registry, progress computed from the records (never typed), the model's
rules on the pages and the API, the targets page, its cockpit tile and the `targets` command."""
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.urls import reverse

from openpark.core import cockpit, targets
from openpark.core.models import Target
from openpark.enterprises.models import Chain, ChainLink
from openpark.evaluation.choices import RunState
from openpark.evaluation.models import Result, Run
from openpark.investment.choices import ContactStatus, Stage
from openpark.investment.models import Project, StageDate, TargetCompany

pytestmark = pytest.mark.usefixtures("demo_park", "db")

D = Decimal


# --- progress, a pure function ---------------------------------------------------------------

YEAR_START, YEAR_END = date(2030, 1, 1), date(2030, 12, 31)  # 365 days


def test_progress_before_the_period_starts():
    found = targets.progress(5, 20, YEAR_START, YEAR_END, date(2029, 12, 31))
    assert not found.started and found.expected is None and not found.behind
    assert found.elapsed == 0 and found.raw == D("0.25") and found.share == D("0.25")


def test_progress_on_the_first_day():
    found = targets.progress(0, 365, YEAR_START, YEAR_END, YEAR_START)
    assert found.started and found.expected == 1 and found.behind  # one day's share expected, none done
    assert targets.progress(1, 365, YEAR_START, YEAR_END, YEAR_START).behind is False


def test_progress_in_the_middle():
    middle = date(2030, 7, 2)  # day 183 of 365
    found = targets.progress(10, 20, YEAR_START, YEAR_END, middle)
    assert found.elapsed == D(183) / D(365)
    assert found.expected == D(20) * D(183) / D(365)  # 10.03: 10 done is behind
    assert found.behind and found.share == D("0.5")
    assert not targets.progress(11, 20, YEAR_START, YEAR_END, middle).behind


def test_progress_at_and_after_the_end():
    for today in (YEAR_END, date(2031, 6, 1)):
        found = targets.progress(25, 20, YEAR_START, YEAR_END, today)
        assert found.elapsed == 1 and found.expected == 20 and not found.behind
        assert found.raw == D("1.25") and found.share == 1  # capped for display, the raw kept
    assert targets.progress(19, 20, YEAR_START, YEAR_END, YEAR_END).behind


def test_progress_of_a_ceiling_and_of_no_value():
    assert targets.progress(21, 20, YEAR_START, YEAR_END, date(2030, 2, 1), targets.AT_MOST).behind
    assert not targets.progress(3, 20, YEAR_START, YEAR_END, date(2030, 12, 1), targets.AT_MOST).behind
    unknown = targets.progress(None, 20, YEAR_START, YEAR_END, date(2030, 6, 1))
    assert unknown.raw is None and unknown.share is None and not unknown.behind


# --- the metrics, against hand-counted records -----------------------------------------------------

@pytest.fixture
def link():
    chain = Chain.objects.create(name="测试链")
    return ChainLink.objects.create(chain=chain, name="测试环节")


def test_target_companies_counted_from_the_list(link):
    for number, status in enumerate((ContactStatus.SIGNED, ContactStatus.VISITED, ContactStatus.SIGNED)):
        TargetCompany.objects.create(year=2030, name=f"测试目标{number}", company_type="private", link=link,
                                     officer="张三", contact_status=status)
    TargetCompany.objects.create(year=2031, name="次年目标", company_type="private", link=link, officer="张三")
    metric = targets.metric("investment.target_companies")
    assert metric.compute(YEAR_START, YEAR_END, {}) == 3
    assert metric.compute(YEAR_START, YEAR_END, {"status": "signed"}) == 2
    assert metric.compute(YEAR_START, date(2031, 12, 31), {}) == 4
    assert metric.url(YEAR_START, YEAR_END, {"status": "signed"}) == \
        reverse("investment:targetcompany_list") + "?year=2030&contact_status=signed"
    with pytest.raises(ValueError, match="对接状态"):
        metric.check_params({"status": "bogus"})


def test_projects_reaching_a_stage_in_the_period(link):
    def project(name, **stages):
        found = Project.objects.create(name=name, investor="某公司", chain=link.chain, total_investment=D(100))
        for stage, day in stages.items():
            StageDate.objects.create(project=found, stage=stage, actual_on=day)

    project("甲", signed=date(2030, 3, 1), started=date(2030, 9, 1))
    project("乙", signed=date(2030, 12, 31))
    project("丙", signed=date(2029, 12, 31), started=date(2031, 1, 1))
    metric = targets.metric("investment.projects_reaching")
    assert metric.compute(YEAR_START, YEAR_END, {"stage": Stage.SIGNED}) == 2
    assert metric.compute(YEAR_START, YEAR_END, {"stage": Stage.STARTED}) == 1
    assert metric.compute(YEAR_START, YEAR_END, {"stage": Stage.COMPLETED}) == 0
    with pytest.raises(ValueError, match="须指定阶段"):
        metric.check_params({})


def _park_tax_per_mu(year):
    run = Run.objects.filter(year=year, state=RunState.PUBLISHED).order_by("-pk").first()
    sums = Result.objects.filter(run=run, land__gt=0).aggregate(tax=Sum("tax"), land=Sum("land"))
    return sums["tax"] / sums["land"]


def test_tax_per_mu_growth_of_the_published_runs():
    metric = targets.metric("evaluation.tax_per_mu_growth")
    expected = ((_park_tax_per_mu(2022) / _park_tax_per_mu(2021) - 1) * 100).quantize(D("0.01"))
    assert metric.compute(date(2022, 1, 1), date(2022, 12, 31), {}) == expected
    assert metric.compute(date(2021, 1, 1), date(2021, 12, 31), {}) is None  # no 2020 run
    assert metric.compute(date(2030, 1, 1), date(2030, 12, 31), {}) is None
    assert metric.unit == "%"


def test_a_metric_registered_later_with_params():
    """The way 智改数转 registers its own metrics, with params of a kind and levels."""
    def check(params):
        if params.get("kind") != "cloud":
            raise ValueError("认定类别须为上云企业。")
        return {"kind": "cloud", "levels": list(params.get("levels", []))}

    targets.register_metric(targets.Metric("test.cloud", "上云企业数", "家", lambda s, e, p: len(p["levels"]),
                                           module="transformation", check_params=check))
    try:
        target = Target(name="上云", year=2030, metric="test.cloud", params={"kind": "cloud", "levels": ["three", "four"]},
                        target_value=D(20))
        target.full_clean()
        assert target.current_value() == 2
        assert ("test.cloud", "上云企业数") in targets.metric_choices()
    finally:
        targets.unregister_metric("test.cloud")


# --- the model's rules, on the pages and the API ----------------------------------------------------

@pytest.fixture
def leader(make_user):
    return make_user("leader")


@pytest.fixture
def economy(make_user):
    return make_user("economy")


def test_the_rules_on_the_api(economy, api_for):
    api = api_for(economy)
    url = "/api/core/targets/"
    good = {"name": "项目签约", "year": 2030, "metric": "investment.projects_reaching", "params": {"stage": "signed"},
            "target_value": "10", "direction": "at_least"}
    response = api.post(url, good, format="json")
    assert response.status_code == 201, response.content
    saved = Target.objects.get(name="项目签约")
    assert (saved.start, saved.end) == (YEAR_START, YEAR_END)
    bad_metric = api.post(url, {**good, "name": "甲", "metric": "nothing"}, format="json")
    assert bad_metric.status_code == 400 and "不是合法选项" in str(bad_metric.json()["errors"]["metric"])
    bad_params = api.post(url, {**good, "name": "乙", "params": {"stage": "lead"}}, format="json")
    assert bad_params.status_code == 400 and "须指定阶段" in str(bad_params.json())
    not_a_dict = api.post(url, {**good, "name": "戊", "params": ["signed"]}, format="json")
    assert not_a_dict.status_code == 400 and "键值对象" in str(not_a_dict.json())
    no_params = api.post(url, {**good, "name": "己", "metric": "evaluation.tax_per_mu_growth"}, format="json")
    assert no_params.status_code == 400 and "不需要参数" in str(no_params.json())
    backwards = api.post(url, {**good, "name": "丙", "year": None, "start": "2030-06-01", "end": "2030-05-01"},
                         format="json")
    assert backwards.status_code == 400 and "结束日期须晚于开始日期" in str(backwards.json())
    assert not Target.objects.filter(name__in=["甲", "乙", "丙", "戊", "己"]).exists()


def test_the_rules_on_the_page(economy, client_for):
    client = client_for(economy)
    url = reverse("core:target_add")
    form = {"name": "丁", "start": "2030-06-01", "end": "2030-05-01", "metric": "investment.target_companies",
            "target_value": "30", "direction": "at_least"}
    response = client.post(url, form)
    assert response.status_code == 200 and "结束日期须晚于开始日期" in response.content.decode()
    response = client.post(url, {**form, "end": "2030-12-31", "param_status": "nope"})
    assert "对接状态须为" in response.content.decode()
    response = client.post(url, {**form, "end": "2030-12-31", "metric": "nothing"})
    assert response.status_code == 200
    assert not Target.objects.filter(name="丁").exists()
    response = client.post(url, {**form, "end": "2030-12-31", "param_status": "signed"})
    assert response.status_code == 302
    assert Target.objects.get(name="丁").params == {"status": "signed"}


# --- the params, as the metric's own fields ----------------------------------------------------------

def test_the_form_shows_the_chosen_metrics_fields(economy, client_for):
    client = client_for(economy)
    html = client.get(reverse("core:target_add"), {"metric": "investment.projects_reaching"}).content.decode()
    assert 'name="param_stage"' in html and ">签约</option>" in html and ">竣工</option>" in html
    assert 'name="params"' not in html and "{" not in html.split('id="target-params"')[1].split("</fieldset>")[0]
    assert 'hx-get="' + reverse("core:target_params") + '"' in html and 'hx-target="#target-params"' in html
    assert "<script>" not in html.split("<main")[1]
    # the fragment htmx swaps in when the metric changes: that metric's fields, in Chinese
    fragment = client.get(reverse("core:target_params"), {"metric": "investment.target_companies"}).content.decode()
    assert 'name="param_status"' in fragment and "对接状态" in fragment and "param_stage" not in fragment
    assert "不需要参数" in client.get(reverse("core:target_params"),
                                  {"metric": "evaluation.tax_per_mu_growth"}).content.decode()
    assert "请先选择指标" in client.get(reverse("core:target_params"), {"metric": "nothing"}).content.decode()
    for bad in ("\x00", "' OR 1=1", "x" * 5000):
        assert client.get(reverse("core:target_params"), {"metric": bad}).status_code == 200


def test_the_params_fragment_is_for_who_may_edit_targets(make_user, client_for, enterprise_user):
    assert client_for(enterprise_user).get(reverse("core:target_params")).status_code == 403


def test_without_script_the_form_comes_back_with_the_new_metrics_fields(economy, client_for):
    """The metric changed, the fields not swapped (no script): the form comes back with the fields of
    the metric chosen and the metric's own reason, and saves nothing."""
    response = client_for(economy).post(reverse("core:target_add"), {
        "name": "换指标", "year": "2030", "metric": "investment.projects_reaching", "param_status": "signed",
        "target_value": "5", "direction": "at_least"})
    html = response.content.decode()
    assert response.status_code == 200 and 'name="param_stage"' in html and 'name="param_status"' not in html
    assert "须指定阶段" in html and not Target.objects.filter(name="换指标").exists()


def test_the_edit_form_shows_the_params_chosen(economy, client_for):
    target = Target.objects.create(name="签约", year=2030, metric="investment.projects_reaching",
                                   params={"stage": "started"}, target_value=D(3))
    html = client_for(economy).get(reverse("core:target_edit", args=[target.pk])).content.decode()
    assert '<option value="started" selected>开工</option>' in html


@pytest.mark.parametrize("metric, fields, params, message", [
    ("investment.projects_reaching", {}, {}, "须指定阶段"),
    ("investment.projects_reaching", {"param_stage": "lead"}, {"stage": "lead"}, "须指定阶段"),
    ("investment.target_companies", {"param_status": "nope"}, {"status": "nope"}, "对接状态须为"),
])
def test_the_page_and_the_api_refuse_bad_params_alike(economy, client_for, api_for, metric, fields, params, message):
    """One rule, one home: the metric's check, run by the model for the form's fields and the API's JSON."""
    common = {"name": "同一规则", "year": 2030, "metric": metric, "target_value": "5", "direction": "at_least"}
    page = client_for(economy).post(reverse("core:target_add"), {**common, **fields})
    api = api_for(economy).post("/api/core/targets/", {**common, "params": params}, format="json")
    assert page.status_code == 200 and api.status_code == 400
    api_error = str(api.json()["errors"]["params"][0])
    assert message in api_error and api_error in page.content.decode()
    assert not Target.objects.filter(name="同一规则").exists()


def test_the_page_and_the_api_keep_the_same_params(economy, client_for, api_for):
    common = {"year": 2030, "metric": "investment.projects_reaching", "target_value": "5", "direction": "at_least"}
    client_for(economy).post(reverse("core:target_add"), {**common, "name": "页面", "param_stage": "signed"})
    api_for(economy).post("/api/core/targets/", {**common, "name": "接口", "params": {"stage": "signed"}},
                          format="json")
    assert Target.objects.get(name="页面").params == Target.objects.get(name="接口").params == {"stage": "signed"}


def test_every_metric_declaring_fields_labels_them_in_chinese():
    for metric in targets.metrics():
        for name, field in metric.fields().items():
            assert field.label and not field.label.isascii(), (metric.key, name)
            assert all(not str(label).isascii() for value, label in field.choices if value), (metric.key, name)


# --- the page, the cockpit tile, the command ----------------------------------------------------------

def test_the_targets_page_shows_the_demo_targets(leader, client_for):
    response = client_for(leader).get(reverse("core:targets"))
    assert response.status_code == 200
    html = response.content.decode()
    year = cockpit.this_year()
    assert f"{year} 年梳理目标企业" in html and f"{year} 年园区亩均税收增幅" in html
    assert "<progress" in html and "style=" not in html.split("<main")[1]
    assert reverse("investment:targetcompany_list") + f"?year={year}" in html


def test_the_targets_page_is_for_park_wide_roles(make_user, client_for, enterprise_user):
    assert client_for(enterprise_user).get(reverse("core:targets")).status_code == 403
    assert client_for(make_user("community")).get(reverse("core:targets")).status_code == 403


def test_the_cockpit_tile_lists_the_targets_behind(leader, client_for, link):
    Target.objects.create(name="落后目标", start=date(2020, 1, 1), end=date(2099, 12, 31),
                          metric="investment.target_companies", params={"status": "signed"}, target_value=D(100000))
    response = client_for(leader).get(reverse("cockpit"))
    panel = {tile.key: panel for tile, panel in response.context["panels"]}["targets"]
    assert any(text.startswith("落后目标") for text, _ in panel.items)
    year = cockpit.this_year()
    assert panel.figures[0].url == reverse("core:targets") + f"?year={year}"
    assert panel.figures[0].label == f"{year} 年度落后于进度的目标" and panel.period == f"{year} 年度"


def test_the_command_prints_json(capsys):
    Target.objects.create(name="命令目标", year=2030, start=YEAR_START, end=YEAR_END,
                          metric="investment.target_companies", target_value=D(30))
    call_command("targets", "--year", "2030", "--json")
    rows = json.loads(capsys.readouterr().out)
    row = next(row for row in rows if row["name"] == "命令目标")
    assert row["target"] == 30 and row["current"] == 0 and row["progress"] == 0
    assert row["start"] == "2030-01-01" and row["end"] == "2030-12-31"
    call_command("targets", "--year", "2030")
    assert "命令目标" in capsys.readouterr().out


@pytest.mark.parametrize("year", ["abc", "1800"])
def test_the_command_refuses_a_bad_year(year):
    with pytest.raises(CommandError, match="年度须为") as raised:
        call_command("targets", "--year", year)
    assert raised.value.returncode == 2


def test_the_params_read_in_words(leader, client_for):
    target = Target.objects.create(name="签约目标", year=2030, start=YEAR_START, end=YEAR_END,
                                   metric="investment.projects_reaching", params={"stage": "signed"}, target_value=D(5))
    client = client_for(leader)
    html = client.get(target.get_absolute_url()).content.decode()
    assert "阶段：签约" in html and "signed" not in html.split("<main")[1]
    assert "阶段：签约" in client.get(reverse("core:targets")).content.decode()


# --- a period without a published evaluation: said why, with the latest year's growth ------------------------

def _growth(year):
    return ((_park_tax_per_mu(year) / _park_tax_per_mu(year - 1) - 1) * 100).quantize(D("0.01"))


def test_the_demo_computes_the_2022_growth_of_tax_per_mu(leader, client_for):
    """The same +15% for 2022, the year the demo's runs measure: 2022's park 亩均税收 (Σ tax / Σ land of the
    enterprises with land in the published run) against 2021's, by hand."""
    target = Target.objects.get(name="2022 年园区亩均税收增幅")
    assert (target.start, target.end, target.target_value) == (date(2022, 1, 1), date(2022, 12, 31), D(15))
    expected = _growth(2022)
    assert target.current_value() == expected
    html = client_for(leader).get(reverse("core:targets")).content.decode()
    row = html.split("2022 年园区亩均税收增幅")[1].split("</tr>")[0]
    run = Run.objects.get(year=2022, state=RunState.PUBLISHED)
    assert f'href="{reverse("evaluation:result_list")}?run={run.pk}">{expected:,.2f}%</a>' in row
    assert f"{expected / 15 * 100:,.2f}%" in row  # the progress, two decimals


def test_a_year_without_a_published_run_says_why(leader, client_for, capsys):
    year = cockpit.this_year()
    assert not Run.objects.filter(year=year, state=RunState.PUBLISHED).exists()
    reason = f"{year} 年度亩均评价尚未发布；最近发布的 2022 年度园区亩均税收增幅 {_growth(2022):,.2f}%。"
    metric = targets.metric("evaluation.tax_per_mu_growth")
    assert metric.no_data_text(date(year, 1, 1), date(year, 12, 31), {}) == reason
    assert metric.no_data_text(date(2021, 1, 1), date(2021, 12, 31), {}) == \
        "2020 年度无亩均评价，无法计算 2021 年的增幅；最近发布的 2022 年度园区亩均税收增幅 " \
        f"{_growth(2022):,.2f}%。"
    client = client_for(leader)
    html = client.get(reverse("core:targets")).content.decode()
    assert reason in html.split(f"{year} 年园区亩均税收增幅")[1].split("</tr>")[0]
    panel = {tile.key: panel for tile, panel in client.get(reverse("cockpit")).context["panels"]}["targets"]
    assert (f"{year} 年园区亩均税收增幅：{reason}", reverse("core:targets") + f"?year={year}") in panel.items
    call_command("targets", "--year", str(year), "--json")
    row = next(row for row in json.loads(capsys.readouterr().out) if row["name"] == f"{year} 年园区亩均税收增幅")
    assert row["current"] is None and row["note"] == reason
    call_command("targets", "--year", str(year))
    assert reason in capsys.readouterr().out


def test_a_metric_without_words_for_no_data_says_so():
    metric = targets.Metric("test.none", "无数", "个", lambda s, e, p: None)
    assert metric.no_data_text(YEAR_START, YEAR_END, {}) == "暂无数据"


# --- what the page shows, and what it costs ------------------------------------------------------------------

def test_the_page_formats_its_figures_and_links_them(leader, client_for, link):
    for number in range(3):
        TargetCompany.objects.create(year=2030, name=f"格式{number}", company_type="private", link=link,
                                     officer="张三")
    Target.objects.create(name="格式目标", year=2030, metric="investment.target_companies", target_value=D(1200))
    html = client_for(leader).get(reverse("core:targets")).content.decode()
    row = html.split("格式目标")[1].split("</tr>")[0]
    assert "至少 1,200 家" in row or "1,200 家" in row  # a count: a whole number with separators
    assert f'href="{reverse("investment:targetcompany_list")}?year=2030">3 家</a>' in row
    assert "0.25%" in row  # 3 / 1200, two decimals
    assert "2030-01-01 至 2030-12-31" in row


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


TARGETS_PAGE_BUDGET = 40  # the session and user, the targets, then each distinct measure once (the demo's ~10)


def test_the_targets_page_measures_each_distinct_target_once(leader, client_for):
    client = client_for(leader)
    url = reverse("core:targets")
    before = _queries(client, url)
    assert before <= TARGETS_PAGE_BUDGET, before
    year = cockpit.this_year()
    for copy in range(5):  # the same metric, period and params as a demo target: measured once for all
        Target.objects.create(name=f"同一度量{copy}", year=year, start=date(year, 1, 1), end=date(year, 12, 31),
                              metric="evaluation.tax_per_mu_growth", target_value=D(10 + copy))
        Target.objects.create(name=f"同一计数{copy}", year=year, start=date(year, 1, 1), end=date(year, 12, 31),
                              metric="investment.target_companies", target_value=D(100 + copy))
    assert _queries(client, url) == before
    cockpit_url = reverse("cockpit")
    cockpit_before = _queries(client, cockpit_url)
    Target.objects.create(name="又一计数", year=year, start=date(year, 1, 1), end=date(year, 12, 31),
                          metric="investment.target_companies", target_value=D(7))
    assert _queries(client, cockpit_url) == cockpit_before


# --- the states, the units and the words, the same on the page, the tile and the command ------------

def test_progress_states():
    """暂无数据 without a figure (never 正常); 已完成 or 未完成 once the period is over (never 落后于进度)."""
    def state(current, today, direction=targets.AT_LEAST):
        return targets.progress(current, 20, YEAR_START, YEAR_END, today, direction).status

    assert state(None, date(2030, 6, 1)) == targets.NO_DATA
    assert state(None, date(2031, 6, 1)) == targets.NO_DATA
    assert state(5, date(2029, 6, 1)) == targets.NOT_STARTED
    assert state(5, date(2030, 12, 1)) == targets.BEHIND
    assert state(19, date(2030, 6, 1)) == targets.ON_TRACK
    assert state(19, YEAR_END) == targets.BEHIND  # the last day is still within the period
    ended = targets.progress(19, 20, YEAR_START, YEAR_END, date(2031, 1, 1))
    assert ended.status == targets.NOT_DONE and not ended.behind and ended.alarm
    assert state(20, date(2031, 1, 1)) == targets.DONE
    assert state(25, date(2031, 1, 1), targets.AT_MOST) == targets.NOT_DONE
    assert state(15, date(2031, 1, 1), targets.AT_MOST) == targets.DONE
    assert not targets.progress(None, 20, YEAR_START, YEAR_END, date(2030, 6, 1)).behind


def test_every_metric_declares_fields_for_its_params_and_refuses_in_words():
    """Each metric whose check needs a param has a field for it, and its check's words name the
    params by their Chinese labels, never by codes."""
    def english(text):
        return any("a" <= char.lower() <= "z" for char in text)

    for metric in targets.metrics():
        if metric.key.startswith("test."):
            continue
        fields = metric.fields()
        for params in ({}, {"zzz": "1"}, dict.fromkeys(fields, "zzz")):
            try:
                kept = metric.check_params(params)
            except ValueError as refused:
                assert not english(str(refused)), (metric.key, str(refused))
            else:
                assert set(kept) <= set(fields), metric.key
        for field in fields.values():
            assert not english(str(field.label)), metric.key
            assert all(not english(str(label)) for _, label in getattr(field, "choices", ())), metric.key


def test_a_talent_target_is_saved_from_the_form(economy, client_for):
    client = client_for(economy)
    html = client.get(reverse("core:target_add"), {"metric": "talent.count"}).content.decode()
    assert 'name="param_what"' in html and ">招聘会达成就业意向人数</option>" in html
    form = {"name": "招聘会意向", "year": "2030", "metric": "talent.count", "target_value": "300",
            "direction": "at_least"}
    refused = client.post(reverse("core:target_add"), form).content.decode()
    assert "请选择统计内容：招聘会达成就业意向人数" in refused and "（hires）" not in refused
    assert client.post(reverse("core:target_add"), {**form, "param_what": "hires"}).status_code == 302
    assert Target.objects.get(name="招聘会意向").params == {"what": "hires"}


def test_units_and_percentages_read_alike_on_the_page_the_detail_the_form_the_tile_and_the_command(
        leader, economy, client_for, capsys, link):
    year = cockpit.this_year()
    count = Target.objects.create(name="家数目标", year=year, metric="investment.target_companies", target_value=D(20))
    Target.objects.create(name="比例目标", year=year, metric="evaluation.tax_per_mu_growth", target_value=D(15))
    html = client_for(leader).get(reverse("core:targets"), {"year": year}).content.decode()
    row = html.split("家数目标")[1].split("</tr>")[0]
    assert "20 家" in row and "20.00" not in row
    assert " %" not in html and "15.00%" in html
    detail = client_for(leader).get(count.get_absolute_url()).content.decode().split("<main")[1]
    assert "20.00" not in detail and "20" in detail
    form = client_for(economy).get(reverse("core:target_edit", args=[count.pk])).content.decode()
    assert 'name="target_value" value="20"' in form
    call_command("targets", "--year", str(year))
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("家数目标"))
    assert "目标 20 家" in line and re.search(r"当前 [\d,]+ 家  进度 [\d,.]+%  应完成 [\d,]+ 家", line)
    line = next(line for line in out.splitlines() if line.startswith("比例目标"))
    assert "目标 15.00%" in line and "暂无数据" in line


def test_the_tile_and_the_page_of_the_year_agree(leader, client_for, link):
    """The tile counts the targets of this year as the page filtered to this year marks them."""
    year = cockpit.this_year()
    Target.objects.create(name="落后年度目标", year=year, metric="investment.target_companies", target_value=D(100000))
    Target.objects.create(name="往年目标", start=date(2022, 1, 1), end=date(year - 1, 12, 31),
                          metric="investment.target_companies", target_value=D(100000))
    client = client_for(leader)
    panel = {tile.key: panel for tile, panel in client.get(reverse("cockpit")).context["panels"]}["targets"]
    page = client.get(reverse("core:targets"), {"year": year})
    rows = [row for _, group in page.context["groups"] for row in group]
    assert "往年目标" not in {row.target.name for row in rows}
    assert panel.figures[0].value == sum(row.progress.status == targets.BEHIND for row in rows) >= 1
    everything = client.get(reverse("core:targets")).content.decode()
    assert "未完成" in everything.split("往年目标")[1].split("</tr>")[0]
    assert "落后于进度" not in everything.split("往年目标")[1].split("</tr>")[0]


def test_the_tiles_all_clear_counts_the_targets_that_cannot_be_measured():
    from openpark.core.target_tiles import _all_clear

    assert _all_clear(2026, 4, 0) == "2026 年度各项目标均不落后于进度（共 4 项）"
    assert _all_clear(2026, 4, 1) == "2026 年度可计算的 3 项目标均不落后于进度，另有 1 项暂无数据"


def test_a_tile_figure_without_a_value_shows_no_unit():
    from django.template.loader import render_to_string

    panel = cockpit.Panel((cockpit.Figure("规上企业覆盖率", None, "%", 2, "/"),), "2026 年", "/")
    html = render_to_string("core/includes/cockpit_tiles.html", {"panels": [(cockpit.Tile(
        "t", "测试", 1, "core.view_target", lambda year: panel), panel)]})
    assert "—" in html and "<small>%</small>" not in html
