"""Targets: the metric registry, progress computed from the records (never typed), the model's
rules on the pages and the API, the targets page, its cockpit tile and the `targets` command."""
import json
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
            "params": "{}", "target_value": "30", "direction": "at_least"}
    response = client.post(url, form)
    assert response.status_code == 200 and "结束日期须晚于开始日期" in response.content.decode()
    response = client.post(url, {**form, "end": "2030-12-31", "params": '{"status": "nope"}'})
    assert "对接状态须为" in response.content.decode()
    response = client.post(url, {**form, "end": "2030-12-31", "metric": "nothing"})
    assert response.status_code == 200
    assert not Target.objects.filter(name="丁").exists()
    response = client.post(url, {**form, "end": "2030-12-31"})
    assert response.status_code == 302 and Target.objects.filter(name="丁").exists()


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
    assert panel.figures[0].url == reverse("core:targets")


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
