"""The declared pages beyond what the harness walks: deleting and restoring each kind of record,
adding records from the outfall's page, and the outfall's page itself."""
from datetime import date

import pytest
from django.urls import reverse

from openpark.environment.models import (
    Measure, OutfallClass, OutfallSample, PollutionSource, RemediationPlan, RiverSegment, Tracing, WaterBody,
)

from .conftest import trace_to_a_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(make_outfall):
    outfall = make_outfall(plan_type="regularise")
    tracing = trace_to_a_source(outfall)
    return {
        "outfall": outfall, "plan": outfall.plan, "tracing": tracing, "source": tracing.source,
        "measure": Measure.objects.create(plan=outfall.plan, content="设置标志牌", owner="企业", deadline=date(2026, 6, 30)),
        "sample": OutfallSample.objects.create(outfall=outfall, sampled_on=date(2026, 3, 1), compliant=True),
        "class": OutfallClass.objects.create(name="五类排口（本地）", order=99),
        "water_body": WaterBody.objects.create(name="城南河"),
        "segment": RiverSegment.objects.create(water_body=WaterBody.objects.create(name="夹港"), name="入江段"),
    }


def test_each_record_is_deleted_and_restored_from_its_pages(records, staff, client_for):
    client = client_for(staff)
    # Parts first (a record others still point at is deleted after them), then restored in reverse.
    order = ["measure", "tracing", "sample", "plan", "source", "class", "segment", "water_body", "outfall"]
    for key in order:
        obj = records[key]
        name = obj._meta.model_name
        response = client.post(reverse(f"environment:{name}_delete", args=[obj.pk]))
        assert response.status_code == 302, key
        obj.refresh_from_db()
        assert obj.is_deleted, key
    for key in reversed(order):
        obj = records[key]
        response = client.post(reverse(f"environment:{obj._meta.model_name}_restore", args=[obj.pk]))
        assert response.status_code == 302, key
        obj.refresh_from_db()
        assert not obj.is_deleted, key


def test_the_outfall_page_gathers_its_plan_measures_samples_and_sources(records, staff, client_for):
    outfall = records["outfall"]
    page = client_for(staff).get(outfall.get_absolute_url()).content.decode()
    assert 'id="plan"' in page and "规范整治" in page and "设置标志牌" in page and "城南社区生活污水" in page
    assert f'{reverse("environment:measure_add")}?plan={outfall.plan.pk}' in page
    assert f'{reverse("environment:outfallsample_add")}?outfall={outfall.pk}' in page
    assert 'data-transition="verify"' in page and 'data-transition="reject"' in page
    source_page = client_for(staff).get(records["source"].get_absolute_url()).content.decode()
    assert 'id="source-outfalls"' in source_page and outfall.code in source_page


def test_records_are_added_from_their_forms(records, staff, client_for):
    client = client_for(staff)
    outfall = records["outfall"]
    response = client.post(reverse("environment:tracing_add"), {
        "outfall": outfall.pk, "source": records["source"].pk, "method": "network_survey", "traced_on": "2026-03-05"})
    assert response.status_code == 200 and "该排口已溯源到这一污染源。" in response.content.decode()
    source = PollutionSource.objects.create(name="沿河餐饮废水", category="domestic")
    response = client.post(reverse("environment:tracing_add"), {
        "outfall": outfall.pk, "source": source.pk, "method": "network_survey", "traced_on": "2026-03-05"})
    assert response.status_code == 302 and Tracing.objects.filter(outfall=outfall).count() == 2
    response = client.post(reverse("environment:remediationplan_add"), {"outfall": outfall.pk, "plan_type": "keep"})
    assert response.status_code == 200 and "该排口已有整治方案（一口一策）。" in response.content.decode()
    assert RemediationPlan.objects.count() == 1
    response = client.post(reverse("environment:measure_edit", args=[records["measure"].pk]), {
        "plan": outfall.plan.pk, "content": "设置标志牌", "owner": "企业", "deadline": "2026-06-30", "progress": 100,
        "status": "done", "completed_on": ""})
    assert response.status_code == 200 and "已完成的措施须填写完成日期。" in response.content.decode()


def test_an_outfall_sample_shows_its_concentrations_as_measured_with_their_unit(make_outfall, staff, client_for):
    from decimal import Decimal as D

    from openpark.core.columns import display_value
    from tests.sheets import read_xlsx

    outfall = make_outfall("monitored")
    sample = OutfallSample.objects.create(outfall=outfall, sampled_on=date(2026, 3, 1), cod=D("18.5"),
                                          ammonia=D("0.125"), total_phosphorus=D("0.500"), compliant=True)
    client = client_for(staff)
    listed = client.get(reverse("environment:outfallsample_list")).content.decode()
    detail = client.get(sample.get_absolute_url()).content.decode()
    for page in (listed, detail):
        assert "18.5 mg/L" in page and "0.125 mg/L" in page and "0.5 mg/L" in page
        assert "0.13" not in page and "0.50" not in page and "18.50" not in page
    rows = read_xlsx(client.get(reverse("environment:outfallsample_list"), {"export": "xlsx"}).content)
    header, row = rows[0], rows[1]
    values = dict(zip(header, row, strict=False))
    assert values["化学需氧量（mg/L）"] == 18.5 and values["氨氮（mg/L）"] == 0.125
    assert values["总磷（mg/L）"] == 0.5
    assert display_value(D("0.125"), OutfallSample._meta.get_field("ammonia")) == "0.125 mg/L"
