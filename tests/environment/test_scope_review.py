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


# The tracing panels keep to the viewer's scope ----------------------------------------------------

def test_a_source_page_shows_a_steward_no_outfall_outside_its_contract(park, client_for, api_for):
    from openpark.environment.models import Tracing

    source = PollutionSource.objects.create(name="甲公司生产废水", category="industrial", enterprise=park["a"])
    own = Tracing.objects.create(outfall=park["oa"], source=source, method="site_survey")
    hidden = Tracing.objects.create(outfall=park["ob"], source=source, method="site_survey")
    page = client_for(park["steward"]).get(source.get_absolute_url()).content.decode()
    assert "甲排口" in page and "乙机密排口" not in page
    api = api_for(park["steward"])
    assert api.get(f"/api/environment/tracings/{hidden.pk}/").status_code == 404
    assert api.get(f"/api/environment/tracings/{own.pk}/").status_code == 200


def test_an_outfall_page_shows_an_enterprise_user_no_source_outside_its_scope(park, client_for, make_outfall):
    from openpark.environment.models import Tracing

    village = PollutionSource.objects.create(name="某村生活污水", category="domestic", responsible_party="某村")
    own = PollutionSource.objects.create(name="甲公司生产废水", category="industrial", enterprise=park["a"])
    Tracing.objects.create(outfall=park["oa"], source=village, method="site_survey")
    Tracing.objects.create(outfall=park["oa"], source=own, method="site_survey")
    other = make_outfall(enterprise=park["b"], name="乙并入排口", stage="merged", merged_into=park["oa"])
    assert other.merged_into_id == park["oa"].pk
    for user in (park["ent"], park["steward"]):
        page = client_for(user).get(park["oa"].get_absolute_url()).content.decode()
        assert "甲公司生产废水" in page and "某村生活污水" not in page and "乙并入排口" not in page
    page = client_for(park["staff"]).get(park["oa"].get_absolute_url()).content.decode()
    assert "某村生活污水" in page and "乙并入排口" in page


# River chiefs and patrols: seen on the panels and the duty page only by who sees their lists -------

@pytest.fixture
def chief_on_patrol(park, yangtze, segment):
    from openpark.environment.models import Patrol, RiverChief

    chief = RiverChief.objects.create(name="王河长", level="township", title="镇长")
    chief.water_bodies.add(yangtze)
    start = timezone.now() - timedelta(days=1)
    Patrol.objects.create(chief=chief, water_body=yangtze, segment=segment, started_at=start,
                          ended_at=start + timedelta(minutes=47), distance_km=3)
    return chief


def test_the_patrol_duty_page_is_for_those_who_see_the_chiefs(park, chief_on_patrol, client_for, api_for):
    url = reverse("environment:patrol_duty")
    for user in (park["steward"], park["ent"]):
        assert api_for(user).get("/api/environment/river-chiefs/").json()["count"] == 0
        response = client_for(user).get(url)
        assert response.status_code == 403 and "王河长" not in response.content.decode()
    page = client_for(park["staff"]).get(url)
    assert page.status_code == 200 and "王河长" in page.content.decode()


def test_the_river_panels_show_no_chief_or_patrol_to_whom_their_lists_show_none(park, chief_on_patrol, client_for,
                                                                                  yangtze, segment):
    for user in (park["steward"], park["ent"]):
        client = client_for(user)
        for url in (yangtze.get_absolute_url(), segment.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200
            page = response.content.decode()
            assert "王河长" not in page and 'id="rivers-panel"' not in page, url
    client = client_for(park["staff"])
    for url in (yangtze.get_absolute_url(), segment.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "王河长" in page and "最近巡河" in page, url
