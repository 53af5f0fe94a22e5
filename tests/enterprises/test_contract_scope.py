"""The contract scope: the account of a contracted third party (a 环保管家) sees the enterprises its
contract covers, and their records, from the contract's first day to its last, and nothing else —
not by URL, not by API, not in exports or the search."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.core.scoping import scope_queryset
from openpark.enterprises.models import Contact, ContractBinding, Enterprise, ServiceContract
from tests.sheets import read_xlsx


@pytest.fixture
def contract(enterprises):
    today = timezone.localdate()
    contract = ServiceContract.objects.create(
        number="HBGJ-2026-007", contractor="某环保科技有限公司", service="环保管家",
        starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30))
    contract.enterprises.set(enterprises[:2])
    for enterprise in enterprises:
        Contact.objects.create(enterprise=enterprise, name=f"{enterprise.name}联系人", title="环保专员")
    return contract


@pytest.fixture
def steward(make_user, contract):
    user = make_user("steward")
    ContractBinding.objects.create(user=user, contract=contract)
    return user


def fresh(user):
    """The user as the next request loads it (bound ids are read once per user object)."""
    return type(user).objects.get(pk=user.pk)


def test_a_steward_sees_the_covered_enterprises_and_gets_404_for_others(steward, enterprises, client_for, api_for):
    client = client_for(steward)
    for covered in enterprises[:2]:
        assert client.get(covered.get_absolute_url()).status_code == 200
    foreign = enterprises[2]
    response = client.get(foreign.get_absolute_url())
    assert response.status_code == 404 and foreign.name not in response.content.decode()
    foreign_contact = Contact.objects.get(enterprise=foreign)
    assert client.get(foreign_contact.get_absolute_url()).status_code == 404
    api = api_for(steward)
    assert api.get(f"/api/enterprises/enterprises/{foreign.pk}/").status_code == 404
    listed = api.get("/api/enterprises/enterprises/").json()
    assert sorted(row["uscc"] for row in listed["results"]) == sorted(e.uscc for e in enterprises[:2])
    contacts = api.get("/api/enterprises/contacts/").json()
    assert {row["enterprise"] for row in contacts["results"]} == {e.pk for e in enterprises[:2]}


def test_exports_and_search_hold_nothing_foreign_for_a_steward(steward, enterprises, client_for):
    client = client_for(steward)
    foreign = enterprises[2]
    export = client.get(reverse("enterprises:enterprise_list") + "?export=xlsx")
    cells = {str(cell) for row in read_xlsx(export.content) for cell in row}
    assert foreign.uscc not in cells and {e.uscc for e in enterprises[:2]} <= cells
    contacts = {str(cell) for row in read_xlsx(client.get(reverse("enterprises:contact_list") + "?export=xlsx").content)
                for cell in row}
    assert f"{foreign.name}联系人" not in contacts and f"{enterprises[0].name}联系人" in contacts
    assert not client.get(reverse("core:search"), {"q": foreign.name}).context["groups"]
    found = client.get(reverse("core:search"), {"q": enterprises[0].name}).context["groups"]
    assert found


def test_the_home_page_lists_the_covered_enterprises(steward, enterprises, client_for):
    response = client_for(steward).get(reverse("role_home", args=["steward"]))
    mine = {entry["title"]: list(entry["rows"]) for entry in response.context["my_records"]}
    assert sorted(e.pk for e in mine["我的企业"]) == sorted(e.pk for e in enterprises[:2])


@pytest.mark.parametrize("starts, ends", [(-60, -1), (1, 60)])
def test_a_contract_outside_its_dates_shows_nothing(steward, contract, starts, ends):
    today = timezone.localdate()
    ServiceContract.objects.filter(pk=contract.pk).update(starts_on=today + timedelta(days=starts),
                                                         ends_on=today + timedelta(days=ends))
    assert not scope_queryset(Enterprise.objects.all(), fresh(steward)).exists()


def test_a_deleted_contract_or_enterprise_drops_out_of_scope(steward, contract, enterprises):
    enterprises[0].delete()
    assert list(scope_queryset(Enterprise.all_objects.all(), fresh(steward))) == [enterprises[1]]
    contract.delete()
    assert not scope_queryset(Enterprise.all_objects.all(), fresh(steward)).exists()


def test_a_contract_cannot_end_before_it_starts(client_for, make_user, enterprises):
    client = client_for(make_user("environment"))
    response = client.post(reverse("enterprises:servicecontract_add"), {
        "number": "HBGJ-2026-009", "contractor": "某环保科技有限公司", "service": "环保管家",
        "starts_on": "2026-06-01", "ends_on": "2026-05-31", "enterprises": [enterprises[0].pk],
    })
    assert response.status_code == 200 and "结束日期不能早于开始日期。" in response.content.decode()
    assert not ServiceContract.objects.exists()
    response = client.post(reverse("enterprises:servicecontract_add"), {
        "number": "HBGJ-2026-009", "contractor": "某环保科技有限公司", "service": "环保管家",
        "starts_on": "2026-06-01", "ends_on": "2026-12-31", "enterprises": [enterprises[0].pk],
    })
    contract = ServiceContract.objects.get()
    assert response.status_code == 302 and list(contract.enterprises.all()) == [enterprises[0]]
    detail = client.get(contract.get_absolute_url()).content.decode()
    assert enterprises[0].name in detail
