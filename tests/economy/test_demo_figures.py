"""The demo park shows the figures published for 2021, computed from its enterprise facts."""
import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from openpark.core.facts import park_facts
from openpark.economy.demo import Generator
from openpark.economy.models import Fact
from openpark.enterprises.models import AboveScaleYear, Enterprise

PUBLISHED = park_facts()["economy_2021"]
WITH_GROWTH = ["gross_industrial_output", "main_business_revenue", "profit_and_tax", "profit", "fixed_asset_investment"]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


pytestmark = pytest.mark.usefixtures("demo_park", "db")


def yi(wan: float) -> D:
    return (D(str(wan)) / 10000).quantize(D("0.01"))


def assert_published(summary: dict):
    for code in WITH_GROWTH:
        assert yi(summary[code]["value"]) == D(str(PUBLISHED[code]["value"])), code
        assert D(str(summary[code]["growth_pct"])) == D(str(PUBLISHED[code]["growth_pct"])), code
    assert yi(summary["manufacturing_investment"]["value"]) == D(str(PUBLISHED["manufacturing_investment"]["value"]))
    assert summary["high_tech_output_share_pct"] == PUBLISHED["high_tech_output_share_pct"] == 59
    assert summary["high_tech_enterprises"] == PUBLISHED["national_high_tech_enterprises"] == 56


def test_2021_figures_through_the_command_the_api_and_the_dashboard(make_user, api_for, client_for):
    assert_published(json.loads(run("economy_summary", "--year", "2021", "--json")))

    leader = make_user("leader")
    response = api_for(leader).get("/api/economy/figures/", {"year": 2021})
    assert response.status_code == 200
    assert_published(response.json())

    page = client_for(leader).get(reverse("economy:dashboard"), {"year": 2021}).content.decode()
    for text in ("221.95", "+27.44%", "200.69", "+18.28%", "16.70", "+50.81%", "12.40", "+65.62%", "33.20",
                 "+35.33%", "59.00%", ">56<"):
        assert text in page, text


def test_monthly_and_annual_facts_agree_and_are_cumulative():
    years = set(Fact.objects.values_list("year", flat=True))
    assert years == {2020, 2021, 2022}
    december = dict(Fact.objects.filter(indicator__code="profit", month=12).values_list("enterprise_id", "value"))
    annual = dict(Fact.objects.filter(indicator__code="profit", month__isnull=True, year=2021)
                  .values_list("enterprise_id", "value"))
    assert annual and all(december.get(k) is not None for k in annual)
    monthly = Fact.objects.filter(indicator__code="gross_industrial_output", year=2021, month__isnull=False)
    by_enterprise = {}
    for enterprise_id, _month, value in monthly.order_by("month").values_list("enterprise_id", "month", "value"):
        by_enterprise.setdefault(enterprise_id, []).append(value)
    assert all(values == sorted(values) and len(values) == 12 for values in by_enterprise.values())


def test_load_demo_twice_adds_no_facts():
    count = Fact.objects.count()
    assert "未重复生成" in run("load_demo")
    assert Fact.objects.count() == count


def test_generated_values_are_deterministic():
    enterprises = {e.uscc: e for e in Enterprise.objects.select_related("industry")}
    above_scale = {}
    for code, year in AboveScaleYear.objects.values_list("enterprise__uscc", "year"):
        above_scale.setdefault(year, []).append(code)
    first = Generator(enterprises, above_scale).generate()
    second = Generator(enterprises, above_scale).generate()
    assert first == second
    stored = dict(Fact.objects.filter(indicator__code="profit", year=2021, month__isnull=True)
                  .values_list("enterprise__uscc", "value"))
    assert stored == first["profit"][2021]


def test_each_demo_fact_is_recorded_as_a_saved_fact_would_be():
    """The demo writes its facts as plain rows, not model instances: each one's change record still
    names it and holds the values a save would have recorded."""
    from openpark.core.changes import snapshot
    from openpark.core.models import ChangeRecord

    facts = list(Fact.objects.select_related("enterprise", "indicator").order_by("pk")[::9000])
    records = {int(r.object_id): r for r in ChangeRecord.objects.filter(
        content_type__model="fact", action="create", object_id__in=[str(f.pk) for f in facts])}
    assert len(facts) > 5 and set(records) == {f.pk for f in facts}
    assert any(f.month is None for f in facts) and any(f.month for f in facts)
    for fact in facts:
        record = records[fact.pk]
        assert record.object_repr == str(fact) and record.source == "load_demo"
        saved = snapshot(fact)
        assert sorted(record.after) == sorted(saved)  # PostgreSQL's jsonb keeps keys in its own order
        assert D(record.after.pop("value")) == D(saved.pop("value")) and record.after == saved
