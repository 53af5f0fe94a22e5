"""Dashboard, lists, panel and API: permissions, scope, validation and exports."""
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from openpark.economy.models import Fact, Indicator
from openpark.enterprises.models import AboveScaleYear, Chain, ChainMembership
from tests.sheets import read_xlsx
from tests.factories import EnterpriseFactory, bind_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def facts():
    output = Indicator.objects.get(code="gross_industrial_output")
    own, other = EnterpriseFactory(name="本企业"), EnterpriseFactory(name="别家企业")
    for enterprise, values in ((own, (100, 110)), (other, (200, 300))):
        for year, value in zip((2020, 2021), values):
            Fact.objects.create(enterprise=enterprise, indicator=output, year=year, value=D(value))
    return own, other


def rows_of(response) -> list[list]:
    return read_xlsx(response.content)


def test_dashboard_shows_figures_and_exports_them(make_user, client_for, facts):
    client = client_for(make_user("economy"))
    response = client.get(reverse("economy:dashboard"), {"year": 2021})
    assert response.status_code == 200
    page = response.content.decode()
    assert "0.04<small>亿元</small>" in page and "+36.67%" in page  # 300 → 410 万元
    exported = client.get(reverse("economy:dashboard"), {"year": 2021, "export": "figures"})
    assert exported["Content-Disposition"].startswith("attachment")
    rows = rows_of(exported)
    assert rows[0][:4] == ["指标", "单位", "数值", "同比增速（%）"]
    assert ["工业总产值", "万元", 410.0, 36.67] == rows[1][:4]
    top = rows_of(client.get(reverse("economy:dashboard"), {"year": 2021, "export": "top"}))
    assert [r[1] for r in top[1:]] == ["别家企业", "本企业"]


def test_choosing_a_chain_shows_that_chain(make_user, client_for, facts):
    own, _ = facts
    chain = Chain.objects.get(name="汽车配件")
    ChainMembership.objects.create(enterprise=own, chain=chain, link=chain.links.first())
    client = client_for(make_user("economy"))
    params = {"year": 2021, "scope": "all", "chain": chain.pk}
    page = client.get(reverse("economy:dashboard"), params).content.decode()
    assert "范围：产业链 汽车配件；" in page and "0.01<small>亿元</small>" in page  # 本企业's 110 万元 alone
    assert '<option value="chain" selected>' in page
    rows = rows_of(client.get(reverse("economy:dashboard"), {**params, "export": "figures"}))
    assert rows[1][:3] == ["工业总产值", "万元", 110.0]
    page = client.get(reverse("economy:dashboard"), {"year": 2021, "scope": "all"}).content.decode()
    assert "范围：全部企业；" in page and "0.04<small>亿元</small>" in page


def test_dashboard_tables_separate_thousands(make_user, client_for, facts):
    own, _ = facts
    Fact.objects.filter(enterprise=own, year=2021).update(value=D("12345.6"))
    page = client_for(make_user("economy")).get(reverse("economy:dashboard"), {"year": 2021}).content.decode()
    assert '<td class="num">12,345.60</td>' in page and "12345.6" not in page


def test_dashboard_counts_people_in_whole_numbers_and_writes_shares_with_two_decimals(make_user, client_for, facts):
    own, other = facts
    employees, high_tech = (Indicator.objects.get(code=code) for code in ("average_employees", "high_tech_output"))
    Fact.objects.create(enterprise=own, indicator=employees, year=2021, value=D("24889"))
    Fact.objects.create(enterprise=other, indicator=high_tech, year=2021, value=D("100"))
    for enterprise in facts:
        AboveScaleYear.objects.create(enterprise=enterprise, year=2021)
    page = client_for(make_user("economy")).get(reverse("economy:dashboard"), {"year": 2021}).content.decode()
    assert '<td class="num">24,889</td>' in page and "24,889.00" not in page
    assert "24.39%" in page  # 100 of 410 万元


@pytest.mark.parametrize("params, message", [
    ({"year": "二〇二一"}, "输入整数"),
    ({"year": 2021, "month": 13}, "12"),
    ({"year": 2021, "scope": "zone"}, "须选择或填写片区"),
])
def test_dashboard_rejects_bad_parameters_in_chinese(make_user, client_for, params, message):
    response = client_for(make_user("leader")).get(reverse("economy:dashboard"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_scoped_users_do_not_see_park_figures(make_user, client_for, api_for, facts):
    own, other = facts
    user = make_user("enterprise")
    bind_enterprise(user, own)
    assert client_for(user).get(reverse("economy:dashboard")).status_code == 403
    assert api_for(user).get("/api/economy/figures/", {"year": 2021}).status_code == 403
    listed = api_for(user).get("/api/economy/facts/").json()["results"]
    assert {row["enterprise"] for row in listed} == {own.pk}
    other_fact = Fact.objects.filter(enterprise=other).first()
    assert api_for(user).get(f"/api/economy/facts/{other_fact.pk}/").status_code == 404
    assert client_for(user).get(reverse("economy:fact_detail", args=[other_fact.pk])).status_code == 404


def test_figures_api_validates_in_chinese(make_user, api_for):
    response = api_for(make_user("leader")).get("/api/economy/figures/", {"year": 2021, "scope": "chain"})
    assert response.status_code == 400
    assert "范围取值" in str(response.json())


def test_facts_api_filters(make_user, api_for, facts):
    own, _ = facts
    api = api_for(make_user("economy"))
    rows = api.get("/api/economy/facts/", {"year": 2021, "enterprise": own.pk}).json()["results"]
    assert [(r["enterprise_uscc"], r["indicator_code"], r["value"]) for r in rows] == [
        (own.uscc, "gross_industrial_output", "110.00")
    ]
    assert api.get("/api/economy/indicators/").json()["count"] == 17  # 开票销售 among them


def test_enterprise_page_has_an_economy_panel(make_user, client_for, facts):
    own, _ = facts
    page = client_for(make_user("economy")).get(own.get_absolute_url()).content.decode()
    assert "经济指标" in page and "工业总产值（万元）" in page and "10.00" in page  # 100 → 110: +10 %


def test_fact_changes_are_recorded(make_user, client_for, facts):
    own, _ = facts
    fact = Fact.objects.get(enterprise=own, year=2021)
    client = client_for(make_user("economy"))
    response = client.post(reverse("economy:fact_edit", args=[fact.pk]), {
        "enterprise": own.pk, "indicator": fact.indicator_id, "year": 2021, "month": "", "value": "120.5",
        "change_reason": "企业更正报表"})
    assert response.status_code == 302
    history = client.get(reverse("economy:fact_history", args=[fact.pk])).content.decode()
    assert ("120.50" in history or "120.5" in history) and "修改原因：企业更正报表" in history


def test_unknown_export_is_a_bad_request(make_user, client_for, facts):
    response = client_for(make_user("economy")).get(reverse("economy:dashboard"), {"year": 2021, "export": "all"})
    assert response.status_code == 400


def test_enterprise_panel_exports_its_table_within_scope(make_user, client_for, facts):
    own, other = facts
    user = make_user("enterprise")
    bind_enterprise(user, own)
    client = client_for(user)
    url = reverse("economy:enterprise_history_export", args=[own.pk])
    assert url in client.get(own.get_absolute_url()).content.decode()
    rows = rows_of(client.get(url))
    assert rows[0] == ["指标", "单位", "2020年", "2020年同比（%）", "2021年", "2021年同比（%）"]
    assert rows[1] == ["工业总产值", "万元", 100.0, "", 110.0, 10.0]
    assert client.get(reverse("economy:enterprise_history_export", args=[other.pk])).status_code == 404


def test_api_refuses_what_the_forms_refuse(make_user, api_for, facts):
    own, _ = facts
    api = api_for(make_user("economy"))
    energy = Indicator.objects.get(code="energy_consumption")
    response = api.post("/api/economy/facts/", {"enterprise": own.pk, "indicator": energy.pk, "year": 2021,
                                                "month": 6, "value": "5"}, format="json")
    assert response.status_code == 400 and "年度指标" in str(response.json())
    response = api.post("/api/economy/indicators/", {"code": "patents", "name": "专利", "unit": "件",
                                                     "aliases": "利润总额"}, format="json")
    assert response.status_code == 400 and "已是指标“利润”的列名" in str(response.json())
    assert not Fact.objects.filter(indicator=energy).exists() and not Indicator.objects.filter(code="patents").exists()
    profit = Indicator.objects.get(code="profit")
    assert api.patch(f"/api/economy/indicators/{profit.pk}/", {"aliases": "利润总额、税前利润"},
                     format="json").status_code == 200


@pytest.mark.parametrize("url, body", [
    ("/api/economy/facts/", {"indicator": "tax_paid", "year": 2021, "value": "1"}),
    ("/api/economy/facts/", {"indicator": "gross_industrial_output", "year": 2021, "month": 6, "value": "1"}),
    ("/api/economy/city-figures/", {"indicator": "tax_paid", "year": 2021, "value": "1"}),
    ("/api/economy/city-figures/", {"indicator": "gross_industrial_output", "year": 2021, "month": 6, "value": "1"}),
], ids=["annual fact", "monthly fact", "annual city figure", "monthly city figure"])
def test_a_second_figure_for_the_same_period_is_refused_in_chinese(make_user, api_for, url, body):
    """The conditional unique constraints (annual: no month) are checked by the API too."""
    enterprise = EnterpriseFactory()
    body = {**body, "indicator": Indicator.objects.get(code=body["indicator"]).pk}
    if "facts" in url:
        body["enterprise"] = enterprise.pk
    api = api_for(make_user("economy"))
    assert api.post(url, body, format="json").status_code == 201
    response = api.post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("提交的数据有误：该") and "已存在" in response.json()["detail"]
    assert re.fullmatch(r"[^a-z_]+", response.json()["detail"])  # no English field or constraint names


def test_a_second_monthly_fact_on_the_page_is_explained_in_chinese(make_user, client_for):
    enterprise, indicator = EnterpriseFactory(), Indicator.objects.get(code="gross_industrial_output")
    Fact.objects.create(enterprise=enterprise, indicator=indicator, year=2021, month=6, value=D(1))
    response = client_for(make_user("economy")).post(reverse("economy:fact_add"), {
        "enterprise": enterprise.pk, "indicator": indicator.pk, "year": 2021, "month": 6, "value": "2"})
    assert response.context["form"].non_field_errors() == ["该企业该指标这一年这一截至月份的数据已存在。"]
