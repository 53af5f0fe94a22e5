"""Low-efficiency land: who is listed under which rule, the park's 亩均税收 against its target, and
disposal cases from opening to completion."""
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openpark.core.states import TransitionError
from openpark.evaluation import services
from openpark.evaluation.models import DisposalCase, LowEfficiencyRule, Run, SchemeVersion
from tests.core.test_workflows import photo
from tests.sheets import read_xlsx

from .test_runs import enterprise_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms():
    """亩均税收 10, 4 (under 5), and 6 in division 36; 20 and 8 in division 22 (industry average 14)."""
    made = [enterprise_with(2021, 10, tax=t) for t in (100, 40, 60)]
    others = [enterprise_with(2021, 10, tax=t) for t in (200, 80)]
    for enterprise in others:
        enterprise.industry_id = "2231"
        enterprise.save()
    return made + others


@pytest.fixture
def gathered(firms, make_user):
    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021")
    services.gather(run, make_user("economy"))
    return run


def test_fixed_and_industry_thresholds(firms, gathered):
    rule = LowEfficiencyRule.current()
    assert (rule.tax_per_mu_below, rule.industry_share_below) == (D("5.00"), D("0.50"))
    rows = services.low_efficiency(gathered, rule)
    # Division 36: Σ 200 / Σ 30 = 6.67, half is 3.33; division 22: 280 / 20 = 14, half is 7.
    assert [(r.uscc, round(r.tax_per_mu, 2), r.below_fixed, r.below_share) for r in rows] == [
        (firms[1].uscc, 4.0, True, False)]  # 8 in division 22 is above half its average
    rule.industry_share_below = D("0.6")  # division 22: 0.6 × 14 = 8.4 > 8
    rule.save()
    rows = services.low_efficiency(gathered, rule)
    assert [(r.uscc, r.below_fixed, r.below_share) for r in rows] == [
        (firms[1].uscc, True, False), (firms[4].uscc, False, True)]
    assert services.park_tax_per_mu(gathered) == pytest.approx(480 / 50)


def test_park_growth_against_last_year(firms, gathered, make_user):
    economy = make_user("economy")
    for enterprise in firms:
        fact = enterprise.facts.get(year=2021, indicator__code="tax_paid")
        fact.pk, fact.year, fact.value = None, 2022, fact.value * D("1.1")
        fact.save()
    later = Run.objects.create(year=2022, scheme=gathered.scheme, title="2022")
    services.gather(later, economy)
    current, previous, growth = services.park_growth(later)
    assert previous == pytest.approx(9.6) and current == pytest.approx(10.56) and growth == pytest.approx(10)


def test_low_efficiency_page_export_and_a_case_through_its_life(firms, gathered, make_user, client_for):
    client = client_for(make_user("economy", username="jingfa"))
    page = client.get(reverse("evaluation:low_efficiency")).content.decode()
    assert firms[1].name in page and "建立处置案" in page and "9.60" in page
    assert "<td>3670 汽车零部件及配件制造</td>" in page  # the industry by code and name, as on the enterprise pages
    exported = read_xlsx(client.get(reverse("evaluation:low_efficiency"), {"export": "xlsx"}).content)
    assert exported[0][:3] == ["统一社会信用代码", "企业名称", "行业代码"] and exported[1][0] == firms[1].uscc

    data = {"enterprise": firms[1].pk, "year": 2021, "route": "upgrade", "area_mu": "12", "deadline": "2027-06-30",
            "officer": "王建国", "tax_per_mu_before": "4.00", "note": ""}
    response = client.post(reverse("evaluation:disposalcase_add"), data)
    assert "涉及面积不能超过该企业 2021 年的用地面积 10.0000 亩" in response.content.decode()
    response = client.post(reverse("evaluation:disposalcase_add"), {**data, "area_mu": "10"})
    case = DisposalCase.objects.get()
    assert response.status_code == 302 and case.state == "open"
    assert "查看" in client.get(reverse("evaluation:low_efficiency")).content.decode()

    client.post(reverse("evaluation:disposalcase_transition", args=[case.pk, "finish"]), {"note": "完成"})
    case.refresh_from_db()
    assert case.state == "open"  # not from 待处置
    client.post(reverse("evaluation:disposalcase_transition", args=[case.pk, "start"]), {"note": ""})
    client.post(reverse("evaluation:disposal_progress", args=[case.pk]), {"on": "2027-01-10", "text": "已签订技改协议"})
    client.post(reverse("evaluation:disposalcase_transition", args=[case.pk, "finish"]), {"note": ""})
    case.refresh_from_db()
    assert case.state == "in_progress"  # finishing needs a note
    client.post(reverse("evaluation:disposalcase_transition", args=[case.pk, "finish"]),
                {"note": "技改投产，复核通过", "evidence": photo()})
    case.refresh_from_db()
    page = client.get(case.get_absolute_url()).content.decode()
    assert case.state == "done" and "已签订技改协议" in page and "处置中 → 已完成（技改投产，复核通过）" in page
    response = client.post(reverse("evaluation:disposal_progress", args=[case.pk]), {"on": "2027-02-01", "text": "再记"})
    assert case.progress.count() == 1
    case.state = "open"
    with pytest.raises(TransitionError):
        case.save()


def test_overdue_cases_are_flagged(firms):
    case = DisposalCase.objects.create(enterprise=firms[1], year=2021, route="return", area_mu=D(5),
                                       deadline=date(2020, 1, 1), officer="李敏")
    assert case.overdue
    DisposalCase.machine.apply(case, "cancel", None, note="企业已注销")
    assert not case.overdue


def test_scoped_users_cannot_see_the_list(make_user, client_for):
    assert client_for(make_user("enterprise")).get(reverse("evaluation:low_efficiency")).status_code == 403


def test_disposal_api(firms, make_user, api_for):
    api = api_for(make_user("economy"))
    created = api.post("/api/evaluation/disposals/", {
        "enterprise": firms[1].pk, "year": 2021, "route": "joint", "area_mu": "5", "deadline": "2027-12-31",
        "officer": "陈静", "state": "done"}, format="json")
    assert created.status_code == 201 and created.json()["state"] == "open"  # the state is not writable
    assert api.get("/api/evaluation/disposals/", {"route": "joint"}).json()["count"] == 1
    bad = api.post("/api/evaluation/disposals/", {"enterprise": firms[1].pk, "year": 2021, "route": "burn"},
                   format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["route"] == ["“burn” 不是合法选项。"]


def test_the_api_refuses_an_area_larger_than_the_enterprise_s_land_as_the_form_does(firms, make_user, api_for):
    api = api_for(make_user("economy"))
    refused = api.post("/api/evaluation/disposals/", {
        "enterprise": firms[1].pk, "year": 2021, "route": "upgrade", "area_mu": "12", "deadline": "2027-06-30",
        "officer": "王建国"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["area_mu"] == ["涉及面积不能超过该企业 2021 年的用地面积 10.0000 亩。"]
    assert not DisposalCase.objects.exists()
    case = DisposalCase(enterprise=firms[1], year=2021, route="upgrade", area_mu=D(12), deadline=date(2027, 6, 30),
                        officer="王建国")
    with pytest.raises(ValidationError, match="用地面积 10.0000 亩"):
        case.full_clean()


def test_rule_page_refuses_bad_thresholds(make_user, client_for):
    rule = LowEfficiencyRule.current()
    client = client_for(make_user("economy"))
    response = client.post(reverse("evaluation:lowefficiencyrule_edit", args=[rule.pk]),
                           {"tax_per_mu_below": "-1", "industry_share_below": "1.5", "growth_target_pct": "15"})
    page = response.content.decode()
    assert response.status_code == 200 and "不能小于 0" in page and "不能大于 1" in page
    rule.refresh_from_db()
    assert rule.tax_per_mu_below == D("5.00")
    assert client_for(make_user("leader")).get(reverse("evaluation:lowefficiencyrule_edit", args=[rule.pk])).status_code == 403


@pytest.mark.parametrize("year, message", [("20222", "不能大于 2100"), ("99999999999999999999", "2100"),
                                           ("1989", "1990")])
def test_disposal_form_refuses_years_out_of_range_before_computing_land(firms, make_user, client_for, year, message):
    """Before: the form's own check computed the enterprise's land on 31 December 20222 (ValueError)."""
    response = client_for(make_user("economy")).post(reverse("evaluation:disposalcase_add"), {
        "enterprise": firms[1].pk, "year": year, "route": "upgrade", "area_mu": "5", "deadline": "2027-06-30",
        "officer": "王建国"})
    assert response.status_code == 200 and message in str(response.context["form"].errors["year"])
    assert not DisposalCase.objects.exists()
