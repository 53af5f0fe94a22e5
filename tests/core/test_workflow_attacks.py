"""What an attacker tried on attachments, transitions, 待办 and the chains, each refused."""
import threading
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from openpark.core import workflows
from openpark.core.attachments import attach
from openpark.core.models import StateChange
from openpark.enterprises.models import ChainMembership, EnterpriseBinding
from openpark.evaluation.models import DisposalCase
from openpark.investment.models import Chain
from tests.core.test_attachments import upload
from tests.images import png_bytes
from tests.factories import EnterpriseFactory, UserFactory, bind_enterprise


def disposal_case(**kwargs):
    return DisposalCase.objects.create(enterprise=kwargs.pop("enterprise", None) or EnterpriseFactory(), year=2021,
                                       route="upgrade", area_mu=D(5), deadline=date(2027, 6, 30), officer="王")


@pytest.mark.django_db
def test_a_record_number_in_other_digits_is_refused_not_a_server_error(make_user, api_for, client_for):
    user = make_user("economy")
    answer = api_for(user).get("/api/core/attachments/", {"object": "enterprises.enterprise:²"})
    assert answer.status_code == 400 and "应用.模型:编号" in answer.json()["detail"]
    assert client_for(user).post("/core/attachments/add/enterprises.enterprise:%C2%B2/").status_code in (400, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[]", '"abc"', "123", "true", '{"note": ["a", "b"]}'])
def test_a_transition_body_that_is_not_an_object_of_values_is_refused(make_user, api_for, body):
    case = disposal_case()
    answer = api_for(make_user("economy")).post(f"/api/evaluation/disposals/{case.pk}/transitions/start/", body,
                                                content_type="application/json")
    assert answer.status_code == 400, answer.content
    case.refresh_from_db()
    assert case.state == "open" and not StateChange.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the in-memory test database of SQLite locks whole "
                    "tables between threads; a SQLite file takes the write lock at BEGIN (test_sqlite_concurrency)")
def test_the_same_transition_sent_six_times_at_once_is_made_once():
    case = disposal_case()
    user = UserFactory(roles=["economy"])
    statuses, start = [], threading.Barrier(6)

    def send():
        api = APIClient()
        api.force_authenticate(user)
        start.wait()
        try:
            statuses.append(api.post(f"/api/evaluation/disposals/{case.pk}/transitions/start/", {"note": "开始"},
                                     format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 400, 400, 400, 400, 400]
    assert StateChange.objects.filter(object_id=str(case.pk)).count() == 1


@pytest.mark.django_db
def test_todo_hides_and_refuses_what_its_holder_may_no_longer_see(make_user, api_for):
    case = disposal_case()
    staff, leader = make_user("economy"), make_user("leader", full_name="周明")
    escalated = api_for(staff).post(f"/api/evaluation/disposals/{case.pk}/escalate/",
                                    {"assignee": leader.pk, "note": "请督办"}, format="json")
    assert escalated.status_code == 201
    listed = api_for(leader).get("/api/core/todo/").json()
    assert str(case) in str(listed)
    leader.groups.clear()
    leader = type(leader).objects.get(pk=leader.pk)  # permissions read afresh
    assert str(case) not in str(api_for(leader).get("/api/core/todo/").json())
    item = listed["results"][0]["id"] if "results" in listed else listed[0]["id"]
    assert api_for(leader).post(f"/api/core/todo/{item}/answer/", {"answer": "同意"}, format="json").status_code == 403


@pytest.mark.django_db
def test_escalation_goes_only_to_park_staff(make_user, api_for):
    enterprise = EnterpriseFactory()
    case = disposal_case(enterprise=enterprise)
    outsider = make_user("enterprise")
    bind_enterprise(outsider, enterprise)
    from openpark.core.registry import declaration_for

    assert outsider not in workflows.candidates(declaration_for(DisposalCase), case)
    answer = api_for(make_user("economy")).post(f"/api/evaluation/disposals/{case.pk}/escalate/",
                                                {"assignee": outsider.pk, "note": "内部说明"}, format="json")
    assert answer.status_code == 400 and "园区工作人员" in str(answer.json())
    assert EnterpriseBinding.objects.filter(user=outsider).exists()


@pytest.mark.django_db
def test_roles_without_the_chains_see_no_chain_on_an_enterprise(make_user, api_for, client_for):
    enterprise = EnterpriseFactory()
    chain = Chain.objects.first()
    ChainMembership.objects.create(enterprise=enterprise, chain=chain)
    owner = make_user("enterprise")
    bind_enterprise(owner, enterprise)
    for user in (owner, make_user("environment")):
        record = api_for(user).get(f"/api/enterprises/enterprises/{enterprise.pk}/").json()
        assert "chains" not in record
        listed = api_for(user).get("/api/enterprises/enterprises/", {"chain": chain.pk}).json()
        assert listed["count"] == 1  # the chain filter is not offered, so it narrows nothing
        page = client_for(user).get(enterprise.get_absolute_url()).content.decode()
        assert "<dt>产业链</dt>" not in page
    staff = make_user("economy")
    assert api_for(staff).get(f"/api/enterprises/enterprises/{enterprise.pk}/").json()["chains"] == [chain.name]
    assert "<dt>产业链</dt>" in client_for(staff).get(enterprise.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_image_with_a_side_longer_than_a_panorama_is_refused(make_user):
    project_owner = EnterpriseFactory()
    with pytest.raises(ValidationError, match="尺寸过大"):
        attach(project_owner, upload("长条.png", png_bytes((20_000, 1)), "image/png"), make_user("economy"))


@pytest.mark.django_db
def test_the_evidence_of_a_transition_stays_and_internal_files_stay_internal(make_user, api_for, client_for):
    from openpark.core.attachments import attachments_of
    from openpark.core.models import Attachment

    enterprise = EnterpriseFactory()
    case = disposal_case(enterprise=enterprise)
    staff = make_user("economy")
    api = api_for(staff)
    assert api.post(f"/api/evaluation/disposals/{case.pk}/transitions/start/", {"note": "开始"}, format="json").status_code == 200
    finished = api.post(f"/api/evaluation/disposals/{case.pk}/transitions/finish/",
                        {"note": "完成", "evidence": upload("现场.png", png_bytes(), "image/png")}, format="multipart")
    assert finished.status_code == 200, finished.content
    evidence = Attachment.objects.get()
    assert evidence.evidence
    refused = api.delete(f"/api/core/attachments/{evidence.pk}/")
    assert refused.status_code == 400 and "证明材料不能删除" in str(refused.json())
    page = client_for(staff).post(f"/core/attachments/{evidence.pk}/delete/", follow=True)
    assert "证明材料不能删除" in page.content.decode()
    assert Attachment.objects.filter(pk=evidence.pk).exists()

    internal = attach(enterprise, upload("研判.png", png_bytes(), "image/png"), staff, purpose="内部研判")
    shared = attach(enterprise, upload("通知.png", png_bytes(), "image/png"), staff, purpose="整改通知", shared=True)
    owner = make_user("enterprise")
    bind_enterprise(owner, enterprise)
    assert list(attachments_of(enterprise, owner)) == [shared]
    listed = api_for(owner).get("/api/core/attachments/", {"object": f"enterprises.enterprise:{enterprise.pk}"}).json()
    assert [row["id"] for row in listed["results"]] == [shared.pk]
    assert client_for(owner).get(f"/core/attachments/{internal.pk}/download/").status_code == 404
    assert client_for(owner).get(f"/core/attachments/{shared.pk}/download/").status_code == 200
    assert "研判.png" not in client_for(owner).get(enterprise.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_enterprise_sheet_names_chains_only_to_roles_that_see_them(make_user):
    from openpark.enterprises.importers import enterprise_importer
    from openpark.enterprises.models import Enterprise

    enterprise = EnterpriseFactory()
    chain = Chain.objects.first()
    ChainMembership.objects.create(enterprise=enterprise, chain=chain)
    rows = Enterprise.objects.filter(pk=enterprise.pk)
    assert [row["tags"] for row in enterprise_importer.export_rows(rows, make_user("economy"))] == [chain.name]
    assert [row["tags"] for row in enterprise_importer.export_rows(rows, make_user("environment"))] == [""]


@pytest.mark.django_db
def test_a_link_lists_the_same_enterprises_on_its_page_and_in_the_api(make_user, api_for):
    kept, deleted = EnterpriseFactory(), EnterpriseFactory()
    link = Chain.objects.first().links.first()
    for enterprise in (kept, deleted):
        ChainMembership.objects.create(enterprise=enterprise, chain=link.chain, link=link)
    deleted.delete()
    assert api_for(make_user("investment")).get(f"/api/enterprises/links/{link.pk}/").json()["enterprises"] == [kept.pk]
