"""Which chains an enterprise is in is shown only to roles that may see the memberships
(`Enterprise.restricted_fields`): on its page, in its API record, among the filters and in its
sheet alike; and the generic pages, forms, API and exports leave any restricted field out."""
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from openpark.enterprises.models import Chain, ChainMembership, Contact, Enterprise
from tests.factories import EnterpriseFactory
from tests.sheets import read_xlsx

pytestmark = pytest.mark.django_db

# (role, whether it sees the chains): 经发, 招商 and the leaders do; 环保, 工信 and 党建社区 do not.
ROLES = [("economy", True), ("investment", True), ("leader", True),
         ("environment", False), ("industry", False), ("community", False)]


@pytest.fixture
def member():
    """An enterprise in 汽车配件, beside one in no chain."""
    chain = Chain.objects.get(name="汽车配件")
    enterprise = EnterpriseFactory(name="靖江链上机械有限公司")
    ChainMembership.objects.create(enterprise=enterprise, chain=chain, link=chain.links.first())
    EnterpriseFactory(name="靖江链外包装有限公司")
    return enterprise, chain


@pytest.mark.parametrize("role,sees", ROLES)
def test_the_enterprise_page_shows_its_chains_only_to_roles_that_see_them(role, sees, member, make_user, client_for):
    enterprise, chain = member
    page = client_for(make_user(role)).get(enterprise.get_absolute_url()).content.decode()
    assert ("<dt>产业链</dt>" in page) is sees
    assert (f"<dd>{chain.name}</dd>" in page) is sees


@pytest.mark.parametrize("role,sees", ROLES)
def test_the_api_record_holds_its_chains_only_for_roles_that_see_them(role, sees, member, make_user, api_for):
    enterprise, chain = member
    api = api_for(make_user(role))
    record = api.get(f"/api/enterprises/enterprises/{enterprise.pk}/").json()
    assert record.get("chains", "withheld") == ([chain.name] if sees else "withheld")
    listed = api.get("/api/enterprises/enterprises/").json()["results"]
    assert all(("chains" in row) is sees for row in listed)


@pytest.mark.parametrize("role,sees", ROLES)
def test_the_chain_filter_is_offered_only_to_roles_that_see_the_chains(role, sees, member, make_user, client_for,
                                                                        api_for):
    enterprise, chain = member
    user = make_user(role)
    page = client_for(user).get(reverse("enterprises:enterprise_list"), {"chain": chain.pk})
    assert ("chain" in page.context["filter_form"].fields) is sees
    listed = [obj.name for obj, _ in page.context["rows"]]
    by_api = api_for(user).get("/api/enterprises/enterprises/", {"chain": chain.pk}).json()
    if sees:
        assert listed == [enterprise.name] and by_api["count"] == 1
    else:  # not offered, so it narrows nothing and tells nothing
        assert len(listed) == 2 and by_api["count"] == 2


@pytest.mark.parametrize("role,sees", ROLES)
def test_the_enterprise_sheet_names_its_chains_only_to_roles_that_see_them(role, sees, member, make_user,
                                                                           client_for):
    enterprise, chain = member
    exported = client_for(make_user(role)).get(reverse("enterprises:enterprise_list"), {"export": "xlsx"})
    rows = read_xlsx(exported.content)
    tags = rows[0].index("标签")
    assert [row[tags] for row in rows[1:] if enterprise.uscc in row] == [chain.name if sees else ""]


def test_the_enterprise_form_takes_chains_only_from_those_who_see_them(member, make_user, client_for, monkeypatch):
    """No role edits enterprises without seeing the chains; were the chains restricted further, the
    form would neither show them nor take them."""
    enterprise, chain = member
    client = client_for(make_user("economy"))
    edit = reverse("enterprises:enterprise_edit", args=[enterprise.pk])
    assert "chains" in client.get(edit).context["form"].fields
    monkeypatch.setattr(Enterprise, "restricted_fields", {"chains": "core.view_all_changes"})
    assert "chains" not in client.get(edit).context["form"].fields
    client.post(edit, {"uscc": enterprise.uscc, "name": enterprise.name, "status": enterprise.status, "chains": []})
    assert list(enterprise.chains.all()) == [chain]


@pytest.fixture
def restricted_title(monkeypatch):
    """A contact's 职务 restricted to those who may read every change record (no business role may)."""
    monkeypatch.setattr(Contact, "restricted_fields", {"title": "core.view_all_changes"})
    return Permission.objects.get(content_type__app_label="core", codename="view_all_changes")


@pytest.mark.parametrize("sees", [False, True])
def test_a_restricted_field_is_left_out_of_every_generic_path(sees, restricted_title, make_user, client_for, api_for):
    contact = Contact.objects.create(enterprise=EnterpriseFactory(), name="王伟", title="财务总监", phone="13812345678")
    user = make_user("economy")
    if sees:
        user.user_permissions.add(restricted_title)
    client = client_for(user)
    listed = client.get(reverse("enterprises:contact_list")).content.decode()
    detail = client.get(reverse("enterprises:contact_detail", args=[contact.pk])).context["fields"]
    assert ("财务总监" in listed, ("职务", "财务总监", "") in detail) == (sees, sees)
    assert ("title" in client.get(reverse("enterprises:contact_edit", args=[contact.pk])).context["form"].fields) is sees
    cells = [cell for row in read_xlsx(client.get(reverse("enterprises:contact_list"), {"export": "xlsx"}).content)
             for cell in row]
    assert ("职务" in cells, "财务总监" in cells) == (sees, sees)
    record = api_for(user).get(f"/api/enterprises/contacts/{contact.pk}/").json()
    assert ("title" in record) is sees
    api_for(user).patch(f"/api/enterprises/contacts/{contact.pk}/", {"title": "出纳"}, format="json")
    contact.refresh_from_db()
    assert contact.title == ("出纳" if sees else "财务总监")


@pytest.mark.parametrize("role,sees", ROLES)
def test_the_map_colours_by_chain_only_for_roles_that_see_the_chains(role, sees, member, make_user, client_for):
    enterprise, chain = member
    Enterprise.objects.filter(pk=enterprise.pk).update(longitude="120.27", latitude="32.01")
    client = client_for(make_user(role))
    assert ('<option value="chain" ' in client.get(reverse("enterprises:map")).content.decode()) is sees
    answer = client.get(reverse("enterprises:map_data"), {"colour": "chain"})
    if sees:
        assert [row["label"] for row in answer.json()["legend"]] == [chain.name]
    else:
        assert answer.status_code == 400 and chain.name not in answer.content.decode()
    assert client.get(reverse("enterprises:map_data"), {"colour": "zone"}).status_code == 200


@pytest.mark.parametrize("role,sees", [("economy", True), ("leader", True), ("enterprise", False)])
def test_a_filter_through_a_link_to_the_chains_is_withheld_as_well(role, sees, make_user):
    """The evaluation's results filter by their enterprise's chains (enterprise__chains)."""
    from types import SimpleNamespace

    from openpark.evaluation.filters import ResultFilterSet
    from openpark.evaluation.models import Result

    filters = ResultFilterSet({}, queryset=Result.objects.all(), request=SimpleNamespace(user=make_user(role))).filters
    assert ("chain" in filters) is sees and "zone" in filters
