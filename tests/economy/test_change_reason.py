"""Correcting a figure asks why: an edited fact's value needs a 修改原因 on the page and in the API,
kept with the change record and shown on the history page and in /api/core/changes/."""
from decimal import Decimal as D

import pytest
from django.urls import reverse

from openpark.core.models import ChangeRecord
from openpark.economy.models import Fact, Indicator
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
REQUIRED = "更正已有数据须填写修改原因。"


@pytest.fixture
def fact():
    return Fact.objects.create(enterprise=EnterpriseFactory(), indicator=Indicator.objects.get(code="tax_paid"),
                               year=2021, value=D(100))


@pytest.fixture
def economy(make_user):
    return make_user("economy")


def edit(fact, **changes) -> dict:
    return {"enterprise": fact.enterprise_id, "indicator": fact.indicator_id, "year": fact.year, "month": "",
            "value": "100", **changes}


def test_the_edit_page_asks_for_a_reason_and_refuses_a_correction_without_one(fact, economy, client_for):
    client = client_for(economy)
    assert "修改原因" not in client.get(reverse("economy:fact_add")).content.decode()
    refused = client.post(reverse("economy:fact_edit", args=[fact.pk]), edit(fact, value="120"))
    assert refused.status_code == 200 and refused.context["form"].errors["change_reason"] == [REQUIRED]
    fact.refresh_from_db()
    assert fact.value == D(100)

    saved = client.post(reverse("economy:fact_edit", args=[fact.pk]), edit(fact, value="120", change_reason="税务局更正申报"))
    assert saved.status_code == 302
    record = ChangeRecord.objects.get(content_type__model="fact", object_id=str(fact.pk), action="update")
    assert record.reason == "税务局更正申报"
    assert [(name, D(before), D(after)) for name, before, after in record.changed_fields()] == [
        ("value", D(100), D(120))]
    history = client.get(reverse("economy:fact_history", args=[fact.pk])).content.decode()
    assert "修改原因：税务局更正申报" in history
    detail = client.get(record.get_absolute_url()).content.decode()
    assert "税务局更正申报" in detail
    assert "税务局更正申报" in client.get(reverse("core:changerecord_list")).content.decode()


def test_the_api_refuses_a_correction_without_a_reason_and_keeps_the_one_given(fact, economy, api_for):
    api = api_for(economy)
    refused = api.patch(f"/api/economy/facts/{fact.pk}/", {"value": "120"}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"]["reason"] == [REQUIRED]
    fact.refresh_from_db()
    assert fact.value == D(100)
    saved = api.patch(f"/api/economy/facts/{fact.pk}/", {"value": "120", "reason": "统计局反馈口径调整"},
                      format="json")
    assert saved.status_code == 200 and "reason" not in saved.json()
    created = api.post("/api/economy/facts/", {"enterprise": fact.enterprise_id, "indicator": fact.indicator_id,
                                               "year": 2022, "value": "90"}, format="json")
    assert created.status_code == 201  # a new figure corrects nothing
    changes = api.get("/api/core/changes/", {"ordering": "time"}).json()["results"]
    assert [(c["action"], c["reason"]) for c in changes if c["object_repr"].endswith("2021年")][-1] == (
        "update", "统计局反馈口径调整")
