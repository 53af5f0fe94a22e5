"""Enterprise users and the 环保管家 see the outfalls, plans, measures, samples, sources and tracings
of their own enterprises only: in lists, on pages, in the API and in exports."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.enterprises.models import ContractBinding, ServiceContract
from openpark.environment.models import Measure, OutfallSample, PollutionSource, Tracing
from tests.factories import EnterpriseFactory, bind_enterprise
from tests.sheets import read_xlsx

pytestmark = pytest.mark.django_db
ROUTES = ("outfalls", "samples", "plans", "measures", "sources", "tracings")
LISTS = ("outfall", "outfallsample", "remediationplan", "measure", "pollutionsource", "tracing")


@pytest.fixture
def park(make_outfall):
    """Two enterprises, each with an outfall, its plan, a measure, a sample, a source and a tracing;
    and an outfall nobody owns (the government's)."""
    owned = {}
    for name in ("甲公司", "乙公司"):
        company = EnterpriseFactory(name=name)
        outfall = make_outfall(enterprise=company, plan_type="regularise", name=f"{name}排口")
        Measure.objects.create(plan=outfall.plan, content=f"{name}设置标志牌", owner=name, deadline=date(2026, 6, 30))
        OutfallSample.objects.create(outfall=outfall, sampled_on=date(2026, 3, 1), compliant=True)
        source = PollutionSource.objects.create(name=f"{name}生产废水", category="industrial", enterprise=company)
        Tracing.objects.create(outfall=outfall, source=source, traced_on=date(2026, 3, 2))
        owned[name] = (company, outfall)
    make_outfall(name="无主排口")
    return owned


def visible(api, route) -> int:
    return api.get(f"/api/environment/{route}/").json()["count"]


def test_an_enterprise_user_sees_only_its_own(park, make_user, client_for, api_for):
    (mine, my_outfall), (_, theirs) = park["甲公司"], park["乙公司"]
    user = make_user("enterprise")
    bind_enterprise(user, mine)
    client, api = client_for(user), api_for(user)
    for route in ROUTES:
        assert visible(api, route) == 1, route
    for name in LISTS:
        response = client.get(reverse(f"environment:{name}_list"))
        assert response.status_code == 200 and response.context["page"].paginator.count == 1, name
    assert client.get(my_outfall.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert api.get(f"/api/environment/outfalls/{theirs.pk}/").status_code == 404
    exported = read_xlsx(client.get(reverse("environment:outfall_list"), {"export": "xlsx"}).content)
    cells = {str(cell) for row in exported for cell in row}
    assert my_outfall.code in cells and theirs.code not in cells and "无主排口" not in cells
    assert client.get(reverse("environment:outfall_add")).status_code == 403  # sees, may not add
    page = client.get(mine.get_absolute_url()).content.decode()
    assert 'id="enterprise-outfalls"' in page and my_outfall.name in page


def test_a_steward_sees_the_enterprises_its_contract_covers(park, make_user, client_for, api_for):
    (mine, my_outfall), (_, theirs) = park["甲公司"], park["乙公司"]
    today = timezone.localdate()
    contract = ServiceContract.objects.create(number="HBGJ-2026-001", contractor="某环保科技有限公司", service="环保管家",
                                              starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=300))
    contract.enterprises.set([mine])
    steward = make_user("steward")
    ContractBinding.objects.create(user=steward, contract=contract)
    client, api = client_for(steward), api_for(steward)
    for route in ROUTES:
        assert visible(api, route) == 1, route
    assert client.get(my_outfall.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("environment:dashboard")).status_code == 403  # park-wide figures
    assert "环保总览" not in client.get(reverse("environment:outfall_list")).content.decode()


def test_park_staff_see_every_outfall(park, staff, api_for):
    assert visible(api_for(staff), "outfalls") == 3


def test_a_steward_records_an_outfall_of_an_enterprise_it_serves(park, make_user, client_for, api_for, yangtze,
                                                                   segment):
    from openpark.environment.models import Outfall, OutfallClass

    (mine, _), (theirs, _) = park["甲公司"], park["乙公司"]
    today = timezone.localdate()
    contract = ServiceContract.objects.create(number="HBGJ-2026-002", contractor="某环保科技有限公司", service="环保管家",
                                              starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=300))
    contract.enterprises.set([mine])
    steward = make_user("steward")
    ContractBinding.objects.create(user=steward, contract=contract)
    client = client_for(steward)
    # The water bodies, segments and classes are the park's shared vocabulary: the steward sees them all.
    typed = client.get(reverse("core:autocomplete", args=["environment.waterbody"]), {"q": "长江"}).json()
    assert [row["text"] for row in typed["results"]] == ["长江（靖江段）"]
    assert client.get(yangtze.get_absolute_url()).status_code == 200
    body = {"code": "CN050", "name": "管家发现的排口", "outfall_class": OutfallClass.objects.first().pk,
            "longitude": "120.26", "latitude": "31.98", "water_body": yangtze.pk, "segment": segment.pk,
            "outlet_form": "open_pipe", "discharge_mode": "continuous", "approval_type": "unapproved",
            "usage_status": "in_use", "enterprise": theirs.pk}
    response = client.post(reverse("environment:outfall_add"), body)
    assert response.status_code == 200 and not Outfall.objects.filter(code="CN050").exists()  # not its enterprise
    body["enterprise"] = mine.pk
    assert client.post(reverse("environment:outfall_add"), body).status_code == 302
    assert Outfall.objects.get(code="CN050").enterprise == mine
