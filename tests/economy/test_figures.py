"""Park figures from enterprise facts: sums over a scope, 同口径 and own-set growth, months."""
from decimal import Decimal as D

import pytest

from openpark.economy import services
from openpark.economy.choices import GrowthBasis, ScopeKind
from openpark.economy.models import CityFigure, Fact, Indicator
from openpark.enterprises.models import AboveScaleYear, Chain, ChainMembership, HighTechCertificate, Zone
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
SAME, OWN = GrowthBasis.SAME_ENTERPRISES, GrowthBasis.OWN_SETS


@pytest.fixture
def output():
    return Indicator.objects.get(code="gross_industrial_output")


@pytest.fixture
def firms():
    """A is there both years, B enters in 2021, C leaves after 2020."""
    return {name: EnterpriseFactory(name=f"企业{name}") for name in "ABC"}


def fact(enterprise, indicator, year, value, month=None):
    return Fact.objects.create(enterprise=enterprise, indicator=indicator, year=year, month=month, value=D(value))


def figure(code, *args, **kwargs):
    return next(f for f in services.park_figures(*args, **kwargs) if f.indicator.code == code)


@pytest.fixture
def entering_and_leaving(firms, output):
    a, b, c = firms["A"], firms["B"], firms["C"]
    fact(a, output, 2020, 100)
    fact(c, output, 2020, 30)
    fact(a, output, 2021, 120)
    fact(b, output, 2021, 50)
    return firms


def test_same_enterprises_growth_ignores_those_entering_and_leaving(entering_and_leaving):
    result = figure("gross_industrial_output", 2021, basis=SAME)
    assert result.value == D(170)
    assert result.growth_pct == D("20.00")  # A alone: 100 → 120


def test_own_sets_growth_compares_each_years_whole_set(entering_and_leaving):
    result = figure("gross_industrial_output", 2021, basis=OWN)
    assert result.value == D(170)
    assert result.growth_pct == D("30.77")  # 130 → 170


def test_above_scale_scope_follows_each_years_set(firms, output):
    a, b, c = firms["A"], firms["B"], firms["C"]
    for e in (a, b, c):
        fact(e, output, 2020, 100)
        fact(e, output, 2021, 150)
    AboveScaleYear.objects.create(enterprise=a, year=2020)
    AboveScaleYear.objects.create(enterprise=c, year=2020)
    AboveScaleYear.objects.create(enterprise=a, year=2021)
    AboveScaleYear.objects.create(enterprise=b, year=2021)
    scope = services.Scope(ScopeKind.ABOVE_SCALE)
    same = figure("gross_industrial_output", 2021, scope=scope, basis=SAME)
    own = figure("gross_industrial_output", 2021, scope=scope, basis=OWN)
    assert same.value == own.value == D(300)  # A and B, 规上 in 2021
    assert same.growth_pct == D("50.00")  # A and B in both years: 200 → 300
    assert own.growth_pct == D("50.00")  # 2020's 规上 (A, C): 200 → 300
    Fact.objects.get(enterprise=b, indicator=output, year=2020).delete()  # soft: B has no 2020 value any more
    assert figure("gross_industrial_output", 2021, scope=scope, basis=SAME).growth_pct == D("50.00")  # A alone
    assert figure("gross_industrial_output", 2021, scope=scope, basis=OWN).growth_pct == D("50.00")


def test_zone_chain_and_industry_scopes(firms, output):
    a, b = firms["A"], firms["B"]
    a.zone = Zone.objects.create(name="道口经济区")
    a.industry_id, b.industry_id = "3670", "4411"
    a.save()
    b.save()
    chain = Chain.objects.get(name="汽车配件")
    for link in chain.links.all()[:2]:  # at two links of the chain: counted once
        ChainMembership.objects.create(enterprise=b, chain=chain, link=link)
    fact(a, output, 2021, 10)
    fact(b, output, 2021, 20)

    def value(kind, scope_value):
        return figure("gross_industrial_output", 2021, scope=services.Scope(kind, scope_value)).value

    assert value(ScopeKind.ZONE, str(a.zone_id)) == D(10)
    assert value(ScopeKind.CHAIN, str(chain.pk)) == D(20)
    assert dict(services.breakdown(output, 2021, None, "chain")) == {"汽车配件": D(20)}
    assert value(ScopeKind.INDUSTRY, "C") == D(10)
    assert value(ScopeKind.INDUSTRY, "44") == D(20)
    assert value(ScopeKind.INDUSTRY, "C3670") == D(10)
    assert dict(services.breakdown(output, 2021, None, "industry")) == {"36 汽车制造业": D(10), "44 电力、热力生产和供应业": D(20)}


def test_monthly_facts_are_cumulative(firms, output):
    a, b = firms["A"], firms["B"]
    for month, value in ((1, 10), (2, 25), (3, 45)):
        fact(a, output, 2020, value, month)
        fact(a, output, 2021, value * 2, month)
    fact(b, output, 2021, 7, 3)  # B reports from March only
    march = figure("gross_industrial_output", 2021, 3)
    assert march.value == D(97)  # 1—3月累计 of A and B, not a sum over months
    assert march.growth_pct == D("100.00")  # A alone, 45 → 90
    [series] = services.monthly_series(2021, indicators=[Indicator.objects.get(code="gross_industrial_output")])
    assert series.months == [1, 2, 3]
    assert series.values == [D(20), D(50), D(97)]
    assert series.previous == [D(10), D(25), D(45)]
    assert series.growth == [D("100.00"), D("100.00"), D("100.00")]
    [own] = services.monthly_series(2021, basis=OWN, indicators=[series.indicator])
    assert own.previous == series.previous
    assert own.growth == [D("100.00"), D("100.00"), D("115.56")]  # March: 45 → 97, B included
    assert figure("gross_industrial_output", 2021).value is None  # no annual figure was given


def test_high_tech_share_and_count(firms, output):
    a, b = firms["A"], firms["B"]
    high_tech = Indicator.objects.get(code="high_tech_output")
    for e in (a, b):
        AboveScaleYear.objects.create(enterprise=e, year=2021)
        fact(e, output, 2021, 100)
    fact(a, high_tech, 2021, 80)
    fact(b, high_tech, 2021, 38)
    fact(firms["C"], high_tech, 2021, 1000)  # not 规上: outside the share
    assert services.high_tech_share_pct(2021) == D("59.00")
    assert services.high_tech_share_pct(2021, places=0) == D(59)
    HighTechCertificate.objects.create(enterprise=a, number="GR201932000001", issued_on="2019-11-01")
    HighTechCertificate.objects.create(enterprise=b, number="GR201832000002", issued_on="2018-11-01")
    assert services.high_tech_enterprise_count(2021) == 1
    assert services.high_tech_enterprise_count(2020) == 2


def test_city_share_and_alarm_status(firms, output):
    fact(firms["A"], output, 2020, 100)
    fact(firms["A"], output, 2021, 90)
    CityFigure.objects.create(indicator=output, year=2021, value=D(630))
    result = figure("gross_industrial_output", 2021)
    assert result.city_share_pct == D("14.29")
    assert result.growth_pct == D("-10.00") and result.status == "alarm"


def test_breakdown_and_top(firms, output):
    a, b = firms["A"], firms["B"]
    fact(a, output, 2021, 10)
    fact(b, output, 2021, 20)
    top = services.top_enterprises(output, 2021, None)
    assert [f.enterprise for f in top] == [b, a]
    zones = dict(services.breakdown(output, 2021, None, "zone"))
    assert sum(zones.values()) == D(30)
    with pytest.raises(ValueError):
        services.breakdown(output, 2021, None, "colour")


def test_the_breakdown_by_chain_reads_the_memberships_of_the_enterprises_it_sums(firms, output):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parts, machines = Chain.objects.get(name="汽车配件"), Chain.objects.get(name="工程机械")
    ChainMembership.objects.create(enterprise=firms["A"], chain=parts)
    ChainMembership.objects.create(enterprise=firms["A"], chain=machines)
    ChainMembership.objects.create(enterprise=firms["C"], chain=machines)  # no figure in 2021
    fact(firms["A"], output, 2021, 10)
    fact(firms["B"], output, 2021, 20)
    with CaptureQueriesContext(connection) as queries:
        assert dict(services.breakdown(output, 2021, None, "chain")) == {"汽车配件": D(10), "工程机械": D(10)}
    read = [q["sql"] for q in queries.captured_queries if 'FROM "enterprises_chainmembership"' in q["sql"]]
    assert len(read) == 1 and 'FROM "economy_fact"' in read[0], read
