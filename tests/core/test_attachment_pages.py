"""Attachments on the pages and in the API: scoped like their record (404 for a record the user
cannot see), added and deleted by those who may change the record, served with a safe name and
`nosniff`, names shown escaped."""
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openpark.core.attachments import attach, attachments_of
from openpark.core.choices import ChangeAction
from openpark.core.models import Attachment, ChangeRecord
from openpark.investment.models import Chain, Problem, Project
from tests.core.test_attachments import PDF, jpeg_with_exif
from tests.factories import EnterpriseFactory, bind_enterprise

pytestmark = pytest.mark.django_db


def project_of(enterprise, name):
    chain = Chain.objects.order_by("pk").first()
    return Project.objects.create(name=name, investor=enterprise.name, investor_enterprise=enterprise, chain=chain,
                                  total_investment=D(1000))


@pytest.fixture
def park(make_user):
    ours, theirs = EnterpriseFactory(), EnterpriseFactory()
    staff = make_user("investment")
    tenant = make_user("enterprise")
    bind_enterprise(tenant, ours)
    our_project, their_project = project_of(ours, "我们的项目"), project_of(theirs, "别人的项目")
    # Both shared with the enterprises: what keeps the tenant from the other file is the scope.
    their_file = attach(their_project, SimpleUploadedFile("别人的合同.pdf", PDF), staff, shared=True)
    our_photo = attach(our_project, SimpleUploadedFile("现场.jpg", jpeg_with_exif()), staff, shared=True)
    return {"ours": ours, "theirs": theirs, "staff": staff, "tenant": tenant, "our_project": our_project,
            "their_project": their_project, "their_file": their_file, "our_photo": our_photo}


def upload(client, obj, name, data, purpose=""):
    target = f"{obj._meta.label_lower}:{obj.pk}"
    return client.post(reverse("core:attachment_add", args=[target]),
                       {"file": SimpleUploadedFile(name, data), "purpose": purpose})


# Pages -----------------------------------------------------------------------------------------


def test_the_detail_page_lists_attachments_and_offers_the_upload_to_those_who_may_change(park, client_for):
    url = park["our_project"].get_absolute_url()
    page = client_for(park["staff"]).get(url).content.decode()
    assert 'data-panel="attachments"' in page and "现场.jpg" in page and 'enctype="multipart/form-data"' in page
    assert reverse("core:attachment_thumbnail", args=[park["our_photo"].pk]) in page
    page = client_for(park["tenant"]).get(url).content.decode()
    assert "现场.jpg" in page and 'enctype="multipart/form-data"' not in page


def test_an_upload_from_the_page_is_stored_and_a_bad_one_is_refused_in_chinese(park, client_for):
    client, project = client_for(park["staff"]), park["our_project"]
    response = upload(client, project, "批复.pdf", PDF, purpose="用地批复")
    assert response.status_code == 302 and response["Location"].endswith("#attachments")
    assert attachments_of(project).filter(original_name="批复.pdf", purpose="用地批复").exists()
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "已上传附件“批复.pdf”" in page
    response = upload(client, project, "photo.jpg", b"MZ" + b"\x00" * 100)
    assert "不支持这种文件" in client.get(response["Location"].split("#")[0]).content.decode()
    assert attachments_of(project).count() == 2


def test_a_script_in_a_file_name_is_shown_as_text(park, client_for):
    client, project = client_for(park["staff"]), park["our_project"]
    name = "<img src=x onerror=alert(1)>.pdf"  # a "/" would end a name: "</script>" cannot be one
    response = upload(client, project, name, PDF)
    assert attachments_of(project).filter(original_name=name).exists()
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


def test_downloads_carry_a_safe_name_and_nosniff(park, client_for):
    client = client_for(park["staff"])
    pdf = attach(park["our_project"], SimpleUploadedFile('合同"终稿".pdf', PDF), park["staff"])
    response = client.get(reverse("core:attachment_download", args=[pdf.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition and '"终稿"' not in disposition
    photo = client.get(reverse("core:attachment_download", args=[park["our_photo"].pk]))
    body = b"".join(photo.streaming_content)
    assert photo["Content-Type"] == "image/jpeg" and photo["Content-Disposition"].startswith("inline;")
    assert b"Huawei" not in body and body == park["our_photo"].file.open("rb").read()
    thumb = client.get(reverse("core:attachment_thumbnail", args=[park["our_photo"].pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client.get(reverse("core:attachment_thumbnail", args=[pdf.pk])).status_code == 404


def test_an_enterprise_user_cannot_reach_another_enterprises_project_files(park, client_for):
    client, foreign = client_for(park["tenant"]), park["their_file"]
    for name in ("core:attachment_download", "core:attachment_thumbnail"):
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    assert client.post(reverse("core:attachment_delete", args=[foreign.pk])).status_code == 404
    assert upload(client, park["their_project"], "x.pdf", PDF).status_code == 404
    # their own project's files they may see, but not change
    assert client.get(reverse("core:attachment_download", args=[park["our_photo"].pk])).status_code == 200
    assert upload(client, park["our_project"], "x.pdf", PDF).status_code == 403
    assert client.post(reverse("core:attachment_delete", args=[park["our_photo"].pk])).status_code == 403
    assert Attachment.objects.count() == 2


def test_a_record_that_takes_no_attachments_or_a_bad_target_is_not_found(park, client_for):
    client = client_for(park["staff"])
    chain = Chain.objects.order_by("pk").first()
    assert upload(client, chain, "x.pdf", PDF).status_code == 404
    response = client.post(reverse("core:attachment_add", args=["no-such-thing"]), {})
    assert response.status_code == 404


def test_deleting_needs_the_records_change_permission_and_is_recorded(park, client_for, make_user):
    photo = park["our_photo"]
    assert client_for(make_user("leader")).post(reverse("core:attachment_delete", args=[photo.pk])).status_code == 403
    response = client_for(park["staff"]).post(reverse("core:attachment_delete", args=[photo.pk]))
    assert response.status_code == 302
    assert not attachments_of(park["our_project"]).exists()
    record = ChangeRecord.objects.get(object_id=str(photo.pk), action=ChangeAction.DELETE)
    assert record.username == park["staff"].username and record.object_repr == "现场.jpg"


def test_problems_and_enterprises_take_attachments_too(park, client_for, make_user):
    problem = Problem.objects.create(project=park["our_project"], description="供电接入慢", owner="张三",
                                     deadline="2030-01-01")
    client = client_for(park["staff"])
    assert upload(client, problem, "函.pdf", PDF).status_code == 302
    assert 'data-panel="attachments"' in client.get(problem.get_absolute_url()).content.decode()
    economy = client_for(make_user("economy"))
    assert upload(economy, park["ours"], "营业执照.pdf", PDF).status_code == 302
    assert attachments_of(park["ours"]).count() == 1


# API -------------------------------------------------------------------------------------------


def test_the_api_lists_and_takes_a_records_files(park, api_for):
    api, project = api_for(park["staff"]), park["our_project"]
    target = f"investment.project:{project.pk}"
    listed = api.get("/api/core/attachments/", {"object": target}).json()
    assert [row["original_name"] for row in listed["results"]] == ["现场.jpg"]
    assert listed["results"][0]["object"] == target and listed["results"][0]["thumbnail_url"]
    made = api.post("/api/core/attachments/", {"object": target, "file": SimpleUploadedFile("报告.pdf", PDF),
                                               "purpose": "验收"}, format="multipart")
    assert made.status_code == 201 and made.json()["mime_type"] == "application/pdf"
    pk = made.json()["id"]
    assert api.get(f"/api/core/attachments/{pk}/").json()["purpose"] == "验收"
    download = api.get(f"/api/core/attachments/{pk}/download/")
    assert b"".join(download.streaming_content) == PDF and download["X-Content-Type-Options"] == "nosniff"
    thumb = api.get(f"/api/core/attachments/{park['our_photo'].pk}/thumbnail/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert api.delete(f"/api/core/attachments/{pk}/").status_code == 204
    assert Attachment.all_objects.get(pk=pk).is_deleted


def test_the_api_refuses_in_chinese(park, api_for):
    api = api_for(park["staff"])
    target = f"investment.project:{park['our_project'].pk}"
    bad = api.post("/api/core/attachments/", {"object": target, "file": SimpleUploadedFile("a.png", PDF)},
                   format="multipart")
    assert bad.status_code == 400 and "文件内容与扩展名不符" in bad.json()["detail"]
    assert api.get("/api/core/attachments/").status_code == 400
    assert "应用.模型:编号" in api.get("/api/core/attachments/", {"object": "project"}).json()["detail"]


def test_the_api_is_scoped_like_the_record(park, api_for):
    api = api_for(park["tenant"])
    foreign = park["their_file"]
    assert api.get("/api/core/attachments/", {"object": f"investment.project:{park['their_project'].pk}"}).status_code == 404
    assert api.get(f"/api/core/attachments/{foreign.pk}/").status_code == 404
    assert api.get(f"/api/core/attachments/{foreign.pk}/download/").status_code == 404
    assert api.delete(f"/api/core/attachments/{foreign.pk}/").status_code == 404
    made = api.post("/api/core/attachments/", {"object": f"investment.project:{park['our_project'].pk}",
                                               "file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart")
    assert made.status_code == 403
    assert api.delete(f"/api/core/attachments/{park['our_photo'].pk}/").status_code == 403


def test_a_frozen_record_takes_no_new_files_and_loses_none(park, client_for, monkeypatch):
    monkeypatch.setattr(Project, "is_frozen", True, raising=False)
    client = client_for(park["staff"])
    assert upload(client, park["our_project"], "x.pdf", PDF).status_code == 403
    assert client.post(reverse("core:attachment_delete", args=[park["our_photo"].pk])).status_code == 403
    page = client.get(park["our_project"].get_absolute_url()).content.decode()
    assert "现场.jpg" in page and 'enctype="multipart/form-data"' not in page
