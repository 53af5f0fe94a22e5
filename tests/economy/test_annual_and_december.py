"""The annual figure (年报) and the 1—12月累计 of an enterprise's indicator in a year are one
number: correcting either on the page, in the API or by an import corrects the other, recorded
with the reason; a file giving both with different numbers is refused."""
from decimal import Decimal as D

import pytest
from django.urls import reverse

from openpark.core.models import ChangeRecord
from openpark.economy import services
from openpark.economy.models import Fact, Indicator
from tests.economy.test_import import imported, rejected
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
SYNCED = "随2021年1—12月数据同步更正（年度数据与 1—12 月累计数应一致）"


@pytest.fixture
def firm():
    return EnterpriseFactory(name="靖江甲机械有限公司")


@pytest.fixture
def pair(firm):
    """The annual fact and the December cumulative fact of 2021, agreeing, and June's."""
    output = Indicator.objects.get(code="gross_industrial_output")
    return (Fact.objects.create(enterprise=firm, indicator=output, year=2021, month=None, value=D(1000)),
            Fact.objects.create(enterprise=firm, indicator=output, year=2021, month=12, value=D(1000)),
            Fact.objects.create(enterprise=firm, indicator=output, year=2021, month=6, value=D(480)))


@pytest.fixture
def economy(make_user):
    return make_user("economy", username="jingfa")


def values(*facts):
    for fact in facts:
        fact.refresh_from_db()
    return [fact.value for fact in facts]


def form(fact, value, reason) -> dict:
    return {"enterprise": fact.enterprise_id, "indicator": fact.indicator_id, "year": fact.year,
            "month": fact.month or "", "value": value, "change_reason": reason}


def test_correcting_the_december_figure_on_the_page_corrects_the_annual_one(pair, economy, client_for):
    annual, december, june = pair
    client = client_for(economy)
    response = client.post(reverse("economy:fact_edit", args=[december.pk]), form(december, "1100", "统计局反馈"))
    assert response.status_code == 302
    assert values(annual, december, june) == [D(1100), D(1100), D(480)]
    record = ChangeRecord.objects.filter(content_type__model="fact", object_id=str(annual.pk), action="update").get()
    assert record.reason == SYNCED
    # the two screens agree: the year's park figure and the 1—12月 one
    year = {f.indicator.code: f.value for f in services.park_figures(2021)}
    december_figures = {f.indicator.code: f.value for f in services.park_figures(2021, 12)}
    assert year["gross_industrial_output"] == december_figures["gross_industrial_output"] == D(1100)


def test_correcting_the_annual_figure_in_the_api_corrects_the_december_one(pair, economy, api_for):
    annual, december, june = pair
    response = api_for(economy).patch(f"/api/economy/facts/{annual.pk}/", {"value": "990", "reason": "年报更正"},
                                      format="json")
    assert response.status_code == 200
    assert values(annual, december, june) == [D(990), D(990), D(480)]
    record = ChangeRecord.objects.filter(content_type__model="fact", object_id=str(december.pk), action="update").get()
    assert record.reason == "随2021年数据同步更正（年度数据与 1—12 月累计数应一致）"
    # a December figure added for a year with an annual one takes it along as well
    tax = Indicator.objects.get(code="tax_paid")
    kept = Fact.objects.create(enterprise=june.enterprise, indicator=tax, year=2021, month=None, value=D(60))
    created = api_for(economy).post("/api/economy/facts/", {
        "enterprise": june.enterprise_id, "indicator": tax.pk, "year": 2021, "month": 12, "value": "50"}, format="json")
    assert created.status_code == 201 and values(kept) == [D(50)]


def test_an_import_of_either_corrects_the_other(pair, economy, client_for, firm):
    annual, december, june = pair
    client = client_for(economy)
    job = imported(client, [["统一社会信用代码", "报告期", "工业总产值"], [firm.uscc, "2021年1—12月", 1200]])
    assert (job.result["create"], job.result["update"]) == (0, 1)
    assert values(annual, december, june) == [D(1200), D(1200), D(480)]
    record = ChangeRecord.objects.filter(content_type__model="fact", object_id=str(annual.pk), action="update").get()
    assert "年度数据与 1—12 月累计数应一致" in record.reason
    imported(client, [["统一社会信用代码", "报告期", "工业总产值"], [firm.uscc, "2021年度", 1250]])
    assert values(annual, december, june) == [D(1250), D(1250), D(480)]


def test_a_file_giving_both_with_different_numbers_is_refused_in_chinese(pair, economy, client_for, firm):
    annual, december, _ = pair
    client = client_for(economy)
    errors = rejected(client, [["统一社会信用代码", "报告期", "工业总产值"], [firm.uscc, "2021年度", 1300],
                               [firm.uscc, "2021年1—12月", 1310]])
    assert any("年度数据与 1—12 月累计数应相同" in e["reason"] and "第 2 行2021年" in e["reason"] for e in errors), errors
    assert values(annual, december) == [D(1000), D(1000)]
    job = imported(client, [["统一社会信用代码", "报告期", "工业总产值"], [firm.uscc, "2021年度", 1300],
                            [firm.uscc, "2021年1—12月", 1300]])
    assert job.result["update"] == 2 and values(annual, december) == [D(1300), D(1300)]


def test_deleting_one_leaves_the_other_and_other_months_are_their_own(pair):
    annual, december, june = pair
    june.value = D(500)
    june._change_reason = "更正"
    june.save()
    december.delete()
    assert values(annual, june) == [D(1000), D(500)]
