"""Sensitive fields stay masked for roles without the right, in every history, list and API."""
import pytest
from django.urls import reverse

from openpark.core.context import acting_as
from openpark.core.models import ChangeRecord
from openpark.enterprises.models import Contact
from tests.factories import EnterpriseFactory

PHONE, NEW_PHONE = "13812345678", "13987654321"


@pytest.fixture
def contact(make_user):
    with acting_as(make_user("economy")):
        contact = Contact.objects.create(enterprise=EnterpriseFactory(), name="王经理", phone=PHONE)
        contact.phone = NEW_PHONE
        contact.save()
    return contact


def pages_showing_the_record(contact):
    record = ChangeRecord.objects.filter(content_type__model="contact").latest("id")
    return [
        reverse("enterprises:contact_history", args=[contact.pk]),
        reverse("core:changerecord_detail", args=[record.pk]),
        reverse("core:changerecord_list"),
    ]


def test_roles_without_the_right_see_masked_phones_in_history(contact, make_user, client_for):
    client = client_for(make_user("leader"))
    for url in pages_showing_the_record(contact):
        html = client.get(url).content.decode()
        assert PHONE not in html and NEW_PHONE not in html, url
    history = client.get(pages_showing_the_record(contact)[0]).content.decode()
    assert "138****5678" in history and "139****4321" in history


def test_roles_with_the_right_see_the_numbers(contact, make_user, client_for):
    history = client_for(make_user("economy")).get(pages_showing_the_record(contact)[0]).content.decode()
    assert PHONE in history and NEW_PHONE in history


@pytest.mark.parametrize("role, visible", [("leader", False), ("economy", True)])
def test_the_change_api_masks_the_same_way(contact, make_user, api_for, role, visible):
    response = api_for(make_user(role)).get("/api/core/changes/", {"object_id": contact.pk})
    records = [r for r in response.json()["results"] if r["content_type"] == "enterprises.contact"]
    assert records
    text = str(records)
    assert (PHONE in text and NEW_PHONE in text) is visible
    if not visible:
        assert "138****5678" in text and PHONE not in text and NEW_PHONE not in text


def test_change_records_show_only_object_types_the_role_may_view(make_user, api_for, client_for):
    make_user("leader", username="someone")  # its creation is a change record of a user
    leader = make_user("leader")
    assert not [r for r in api_for(leader).get("/api/core/changes/").json()["results"]
                if r["content_type"] == "core.user"]
    auditor = make_user("audit")
    assert [r for r in api_for(auditor).get("/api/core/changes/").json()["results"]
            if r["content_type"] == "core.user"]
    assert "someone" not in client_for(leader).get(reverse("core:changerecord_list")).content.decode()


def test_user_phones_are_masked_for_auditors(make_user, api_for):
    make_user("leader", phone="13700001111")
    text = str(api_for(make_user("audit")).get("/api/core/changes/").json())
    assert "13700001111" not in text and "137****1111" in text


def test_the_object_type_filter_offers_the_types_the_role_may_read(contact, make_user, client_for):
    def offered(role):
        html = client_for(make_user(role)).get(reverse("core:changerecord_list")).content.decode()
        return html.split('name="content_type"')[1].split("</select>")[0]

    audit, leader = offered("audit"), offered("leader")
    assert "联系人" in audit and "用户" in audit
    assert "联系人" in leader and ">用户<" not in leader
