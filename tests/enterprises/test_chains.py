"""The industry chains: membership set on the enterprise's form, in the API and on the membership
pages, with the same rules and messages everywhere; a chain's members found by the enterprise list
and the evaluation's results."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openpark.core.models import ChangeRecord
from openpark.enterprises.chains import chain_counts, unplaced, unplaced_memberships
from openpark.enterprises.models import Chain, ChainMembership
from openpark.evaluation.filters import ResultFilterSet
from openpark.evaluation.models import Result
from tests.factories import EnterpriseFactory
from tests.fuzz import build_park

pytestmark = pytest.mark.django_db


def test_the_enterprise_form_sets_its_chains_and_keeps_their_links(make_user, client_for):
    parts, machines = Chain.objects.get(name="汽车配件"), Chain.objects.get(name="工程机械")
    enterprise = EnterpriseFactory(name="靖江甲机械有限公司")
    link = parts.links.get(name="精密机加工")
    ChainMembership.objects.create(enterprise=enterprise, chain=parts, link=link)
    client = client_for(make_user("economy"))
    form = client.get(reverse("enterprises:enterprise_edit", args=[enterprise.pk])).content.decode()
    assert "产业链" in form
    data = {"uscc": enterprise.uscc, "name": enterprise.name, "status": "operating",
            "chains": [parts.pk, machines.pk]}
    response = client.post(reverse("enterprises:enterprise_edit", args=[enterprise.pk]), data)
    assert response.status_code == 302
    assert set(ChainMembership.objects.filter(enterprise=enterprise).values_list("chain__name", "link__name")) == {
        ("汽车配件", "精密机加工"), ("工程机械", None)}
    record = ChangeRecord.objects.filter(content_type__model="enterprise", object_id=str(enterprise.pk)).latest("id")
    assert "chains" in record.after

    client.post(reverse("enterprises:enterprise_edit", args=[enterprise.pk]), {**data, "chains": [machines.pk]})
    assert list(enterprise.chains.values_list("name", flat=True)) == ["工程机械"]
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert "<dt>产业链</dt><dd>工程机械</dd>" in page


def test_the_api_sets_chains_by_name(make_user, api_for):
    enterprise = EnterpriseFactory()
    api = api_for(make_user("economy"))
    response = api.patch(f"/api/enterprises/enterprises/{enterprise.pk}/", {"chains": ["电机电器"]}, format="json")
    assert response.status_code == 200 and response.json()["chains"] == ["电机电器"]
    assert list(enterprise.chain_memberships.values_list("chain__name", "link")) == [("电机电器", None)]
    wrong = api.patch(f"/api/enterprises/enterprises/{enterprise.pk}/", {"chains": ["没有这条链"]}, format="json")
    assert wrong.status_code == 400


def test_page_and_api_refuse_a_link_of_another_chain_alike(make_user, client_for, api_for):
    enterprise = EnterpriseFactory()
    parts = Chain.objects.get(name="汽车配件")
    other_link = Chain.objects.get(name="新能源").links.first()
    officer = make_user("investment")
    data = {"enterprise": enterprise.pk, "chain": parts.pk, "link": other_link.pk}
    page = client_for(officer).post(reverse("enterprises:chainmembership_add"), data)
    assert "所选环节不属于所选产业链。" in page.content.decode()
    api = api_for(officer).post("/api/enterprises/chain-members/", data, format="json")
    assert api.status_code == 400 and "所选环节不属于所选产业链。" in api.json()["detail"]
    assert not ChainMembership.objects.exists()

    ChainMembership.objects.create(enterprise=enterprise, chain=parts)
    again = api_for(officer).post("/api/enterprises/chain-members/", {**data, "link": None}, format="json")
    assert again.status_code == 400 and "该企业已在这条产业链中（未分环节）。" in str(again.json())
    at_link = {**data, "link": parts.links.first().pk}
    moved = api_for(officer).post("/api/enterprises/chain-members/", at_link, format="json")
    assert moved.status_code == 400 and "请修改那条记录的环节" in str(moved.json())
    ChainMembership.objects.filter(enterprise=enterprise, link=None).delete()
    assert api_for(officer).post("/api/enterprises/chain-members/", at_link, format="json").status_code == 201
    assert "该企业已在这个环节中。" in str(api_for(officer).post("/api/enterprises/chain-members/", at_link,
                                                                 format="json").json())


def test_an_enterprise_is_in_a_chain_at_its_links_or_unplaced_never_both(make_user, client_for, api_for):
    enterprise = EnterpriseFactory()
    parts = Chain.objects.get(name="汽车配件")
    first, second = parts.links.order_by("order")[:2]
    ChainMembership.objects.create(enterprise=enterprise, chain=parts, link=first)
    officer = make_user("investment")
    unplaced = {"enterprise": enterprise.pk, "chain": parts.pk, "link": ""}
    page = client_for(officer).post(reverse("enterprises:chainmembership_add"), unplaced)
    assert "该企业已在这条产业链的环节中，不能再列为未分环节。" in page.content.decode()
    api = api_for(officer).post("/api/enterprises/chain-members/", {**unplaced, "link": None}, format="json")
    assert api.status_code == 400 and "该企业已在这条产业链的环节中，不能再列为未分环节。" in str(api.json())
    assert api_for(officer).post("/api/enterprises/chain-members/", {**unplaced, "link": second.pk},
                                 format="json").status_code == 201
    assert not ChainMembership.objects.filter(link=None).exists()


def test_a_chain_counts_each_enterprise_once_and_unplaced_only_those_at_no_link(make_user, client_for):
    parts = Chain.objects.get(name="汽车配件")
    first, second = parts.links.order_by("order")[:2]
    twice, placed_and_unplaced, unplaced = EnterpriseFactory.create_batch(3)
    ChainMembership.objects.bulk_create([
        ChainMembership(enterprise=twice, chain=parts, link=first),
        ChainMembership(enterprise=twice, chain=parts, link=second),
        # written before the rule: kept in the data, counted once and as placed
        ChainMembership(enterprise=placed_and_unplaced, chain=parts, link=first),
        ChainMembership(enterprise=placed_and_unplaced, chain=parts),
        ChainMembership(enterprise=unplaced, chain=parts),
    ])
    count = chain_counts()[parts.pk]
    assert (count.enterprises, count.unplaced, count.links[first.pk], count.links[second.pk]) == (3, 1, 2, 1)
    page = client_for(make_user("investment")).get(parts.get_absolute_url()).content.decode()
    assert "园区企业 3 家，其中未分环节 1 家。" in page
    assert unplaced.name in page and placed_and_unplaced.name not in page
    listed = client_for(make_user("investment")).get(
        reverse("enterprises:chainmembership_list") + f"?chain={parts.pk}&unplaced=true").content.decode()
    assert unplaced.name in listed and placed_and_unplaced.name not in listed
    chain_map = client_for(make_user("investment")).get(reverse("investment:chain_map")).content.decode()
    row = chain_map[chain_map.index('data-chain="汽车配件"'):]
    row = row[:row.index("</section>")]
    assert "园区企业 3 家</a>" in row and "未分环节 1 家</a>" in row and "企业 2 · " in row


def test_the_membership_filter_and_the_chain_page_tell_unplaced_by_one_definition(make_user, client_for):
    parts, machines = Chain.objects.get(name="汽车配件"), Chain.objects.get(name="工程机械")
    link = parts.links.first()
    placed_and_unplaced, unplaced_only, elsewhere = EnterpriseFactory.create_batch(3)
    ChainMembership.objects.bulk_create([
        ChainMembership(enterprise=placed_and_unplaced, chain=parts, link=link),
        ChainMembership(enterprise=placed_and_unplaced, chain=parts),
        ChainMembership(enterprise=unplaced_only, chain=parts),
        ChainMembership(enterprise=elsewhere, chain=machines, link=machines.links.first()),
        ChainMembership(enterprise=elsewhere, chain=parts),  # placed in another chain: unplaced in this one
    ])
    everyone = ChainMembership.objects.filter(chain=parts)
    assert set(unplaced(everyone)) == set(unplaced_memberships(parts))
    assert {m.enterprise for m in unplaced_memberships(parts)} == {unplaced_only, elsewhere}
    assert set(unplaced(everyone, wanted=False)) == set(everyone) - set(unplaced(everyone))
    client = client_for(make_user("investment"))
    listed = client.get(reverse("enterprises:chainmembership_list"), {"chain": parts.pk, "unplaced": "true"})
    assert {obj for obj, _ in listed.context["rows"]} == set(unplaced_memberships(parts))
    others = client.get(reverse("enterprises:chainmembership_list"), {"chain": parts.pk, "unplaced": "false"})
    assert {obj for obj, _ in others.context["rows"]} == set(everyone) - set(unplaced_memberships(parts))


def test_a_chains_page_reads_only_that_chains_memberships(make_user, client_for):
    parts, machines = Chain.objects.get(name="汽车配件"), Chain.objects.get(name="工程机械")
    for chain in (parts, machines):
        ChainMembership.objects.create(enterprise=EnterpriseFactory(), chain=chain, link=chain.links.first())
    assert set(chain_counts(parts)) == {parts.pk} and set(chain_counts()) == {parts.pk, machines.pk}
    assert chain_counts(parts)[parts.pk] == chain_counts()[parts.pk]
    with CaptureQueriesContext(connection) as queries:
        page = client_for(make_user("investment")).get(parts.get_absolute_url())
    assert "园区企业 1 家" in page.content.decode()
    read = [q["sql"] for q in queries.captured_queries if 'FROM "enterprises_chainmembership"' in q["sql"]]
    assert read and all(f'"enterprises_chainmembership"."chain_id" = {parts.pk}' in sql for sql in read), read


def test_leaders_read_chains_other_offices_do_not_see_them(make_user, client_for):
    assert client_for(make_user("leader")).get(reverse("enterprises:chain_list")).status_code == 200
    assert client_for(make_user("environment")).get(reverse("enterprises:chain_list")).status_code == 403
    assert client_for(make_user("economy")).get(reverse("enterprises:chain_add")).status_code == 403


def test_evaluation_results_filter_and_flag_by_chain():
    park = build_park()
    first, second, third = park["enterprises"]
    chain = Chain.objects.order_by("pk").first()
    results = Result.objects.filter(run=park["runs"][0])
    chosen = ResultFilterSet({"chain": chain.pk}, queryset=results).qs
    assert sorted(r.enterprise_id for r in chosen) == sorted([first.pk, second.pk])  # at a link, and at none
    assert third.pk not in {r.enterprise_id for r in chosen}
