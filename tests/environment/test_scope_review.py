"""What a steward and an enterprise user may see and change in 智慧环保, page and API alike: the
approved remediation plan, the permit's term, the river chiefs and patrols, the tracing panels, the
problems they file, and the park's shared vocabulary on their own outfalls."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.enterprises.models import ContractBinding, ServiceContract
from openpark.environment.models import (
    PollutionSource,
)
from tests.factories import EnterpriseFactory, bind_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(make_outfall, make_user):
    today = timezone.localdate()
    a = EnterpriseFactory(name="甲公司")
    b = EnterpriseFactory(name="乙机密公司")
    oa = make_outfall(enterprise=a, plan_type="regularise", name="甲排口", stage="in_remediation")
    ob = make_outfall(enterprise=b, plan_type="regularise", name="乙机密排口", stage="in_remediation")
    contract = ServiceContract.objects.create(number="HBGJ-1", contractor="某环保科技", service="环保管家",
                                              starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300))
    contract.enterprises.set([a])
    steward = make_user("steward")
    ContractBinding.objects.create(user=steward, contract=contract)
    ent = make_user("enterprise")
    bind_enterprise(ent, a)
    return {"a": a, "b": b, "oa": oa, "ob": ob, "steward": steward, "ent": ent,
            "staff": make_user("environment")}


# The park's shared vocabulary is offered on the API as on the page --------------------------------

def test_a_steward_saves_its_own_outfall_unchanged_through_the_api(park, api_for):
    api = api_for(park["steward"])
    url = f"/api/environment/outfalls/{park['oa'].pk}/"
    record = api.get(url).json()
    body = {key: value for key, value in record.items() if key not in ("id", "stage", "merged_into", "responsible_party",
                                                                        "created_at", "updated_at")}
    response = api.put(url, body, format="json")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["water_body"] == park["oa"].water_body_id


def test_the_api_offers_a_steward_every_water_body_as_the_page_does(park, api_for, client_for, yangtze):
    from openpark.environment.models import WaterBody

    other = WaterBody.objects.create(name="七圩港", kind="river", level="township")
    api = api_for(park["steward"])
    response = api.patch(f"/api/environment/outfalls/{park['oa'].pk}/", {"water_body": other.pk, "segment": None},
                         format="json")
    assert response.status_code == 200, response.content.decode()
    page = client_for(park["steward"]).get(reverse("environment:outfall_edit", args=[park["oa"].pk]))
    assert "七圩港" in page.content.decode()
    # Records of the enterprises it does not serve stay out of its reach.
    response = api.post("/api/environment/tracings/", {"outfall": park["ob"].pk, "source": PollutionSource.objects.create(
        name="乙的源", category="industrial", enterprise=park["b"]).pk}, format="json")
    assert response.status_code == 400
