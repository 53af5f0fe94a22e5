"""Every create, update and delete of a domain record is recorded: who, when, request, before, after."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from openpark.core.changes import record_bulk_changes, snapshot
from openpark.core.context import acting_as
from openpark.core.models import ChangeRecord
from openpark.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, _uscc


def records_of(obj):
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("time", "id")


@pytest.fixture
def editor(make_user):
    return make_user("economy", username="jingfa")


def test_create_update_delete_through_pages_are_recorded(editor, client_for, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the request ids below come from the proxy
    client = client_for(editor)
    code = _uscc(4242)
    response = client.post(reverse("enterprises:enterprise_add"), {"uscc": code, "name": "靖江测试机械有限公司", "status": "operating"},
                           HTTP_X_REQUEST_ID="req-create-1")
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=code)

    client.post(reverse("enterprises:enterprise_edit", args=[enterprise.pk]),
                {"uscc": code, "name": "靖江测试重工有限公司", "status": "operating"}, HTTP_X_REQUEST_ID="req-update-1")
    client.post(reverse("enterprises:enterprise_delete", args=[enterprise.pk]), HTTP_X_REQUEST_ID="req-delete-1")

    created, updated, deleted = records_of(enterprise)
    assert [r.action for r in (created, updated, deleted)] == ["create", "update", "delete"]
    assert all(r.user == editor and r.username == "jingfa" for r in (created, updated, deleted))
    assert [r.request_id for r in (created, updated, deleted)] == ["req-create-1", "req-update-1", "req-delete-1"]
    assert all(r.source == "127.0.0.1" for r in (created, updated, deleted))
    assert created.before is None and created.after["name"] == "靖江测试机械有限公司"
    assert created.after["uscc"] == code
    assert updated.changed_fields() == [("name", "靖江测试机械有限公司", "靖江测试重工有限公司")]
    assert deleted.before["is_deleted"] is False and deleted.after["is_deleted"] is True


def test_delete_is_soft(editor, client_for):
    enterprise = EnterpriseFactory()
    client = client_for(editor)
    client.post(reverse("enterprises:enterprise_delete", args=[enterprise.pk]))
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()
    kept = Enterprise.all_objects.get(pk=enterprise.pk)
    assert kept.is_deleted and kept.deleted_at is not None
    assert client.get(enterprise.get_absolute_url()).status_code == 404


def test_restore_is_recorded(db):
    enterprise = EnterpriseFactory()
    enterprise.delete()
    enterprise.restore()
    assert [r.action for r in records_of(enterprise)] == ["create", "delete", "restore"]
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_api_changes_are_recorded_with_token_user(editor, api_for, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    api = api_for(editor)
    code = _uscc(5151)
    response = api.post("/api/enterprises/enterprises/", {"uscc": code, "name": "接口企业", "status": "operating"},
                        format="json", HTTP_X_REQUEST_ID="api-1")
    assert response.status_code == 201, response.json()
    enterprise = Enterprise.objects.get(uscc=code)
    api.patch(f"/api/enterprises/enterprises/{enterprise.pk}/", {"name": "接口企业二"}, format="json")
    api.delete(f"/api/enterprises/enterprises/{enterprise.pk}/")
    records = list(records_of(enterprise))
    assert [r.action for r in records] == ["create", "update", "delete"]
    assert {r.user for r in records} == {editor}
    assert records[0].request_id == "api-1"
    assert Enterprise.all_objects.get(pk=enterprise.pk).is_deleted


def test_token_authenticated_change_is_attributed(editor, client):
    from openpark.core import tokens

    _, key = tokens.issue(editor, "测试")
    response = client.post("/api/enterprises/enterprises/", {"uscc": _uscc(6161), "name": "令牌企业", "status": "operating"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201
    assert records_of(Enterprise.objects.get(uscc=_uscc(6161))).get().user == editor


def test_saving_without_change_records_nothing(db):
    enterprise = EnterpriseFactory()
    Enterprise.objects.get(pk=enterprise.pk).save()
    assert records_of(enterprise).count() == 1


def test_changes_outside_requests_name_their_source(db, make_user):
    user = make_user()
    with acting_as(user, source="import"):
        enterprise = EnterpriseFactory()
    record = records_of(enterprise).get()
    assert (record.user, record.source) == (user, "import")
    assert record.request_id


def test_queryset_delete_is_soft_and_recorded(db):
    batch = EnterpriseFactory.create_batch(3)
    Enterprise.objects.filter(pk__in=[e.pk for e in batch[:2]]).delete()
    assert Enterprise.objects.count() == 1
    assert Enterprise.all_objects.count() == 3
    assert ChangeRecord.objects.filter(action="delete").count() == 2


def test_bulk_changes_are_recorded_in_one_insert(db, django_assert_max_num_queries):
    batch = EnterpriseFactory.create_batch(50)
    changes = [(e, "update", snapshot(e), {**snapshot(e), "name": "新名称"}) for e in batch]
    with django_assert_max_num_queries(3):
        record_bulk_changes(changes)
    assert ChangeRecord.objects.filter(action="update").count() == 50


def test_role_changes_are_recorded(make_user):
    from django.contrib.auth.models import Group

    user = make_user("grid")
    user.groups.add(Group.objects.get(name="招商"))
    record = ChangeRecord.objects.filter(object_id=str(user.pk), action="update").latest("id")
    assert len(record.after["groups"]) == len(record.before["groups"]) + 1


def test_passwords_never_enter_the_record_but_their_change_does(make_user):
    user = make_user()
    user.set_password("Another-Secret-9")
    user.save()
    records = ChangeRecord.objects.filter(object_id=str(user.pk), content_type__model="user")
    stored = " ".join(f"{r.before} {r.after}" for r in records)
    assert "Another-Secret-9" not in stored and user.password not in stored
    latest = records.latest("id")
    assert latest.changed_fields() == [("password", "", "（已设置新密码）")]


def test_records_cannot_be_changed_or_deleted(db):
    EnterpriseFactory()
    record = ChangeRecord.objects.get()
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        ChangeRecord.objects.all().delete()
    with pytest.raises(PermissionError):
        ChangeRecord.objects.update(username="x")


def test_detail_links_to_history_which_shows_changes(editor, client_for):
    enterprise = EnterpriseFactory(name="旧名称有限公司")
    enterprise.name = "新名称有限公司"
    enterprise.save()
    client = client_for(editor)
    assert 'href="history/"' in client.get(enterprise.get_absolute_url()).content.decode()
    html = client.get(enterprise.get_history_url()).content.decode()
    assert "旧名称有限公司" in html and "新名称有限公司" in html and "修改" in html


def test_change_list_filters(editor, client_for, make_user):
    other = make_user("economy", username="other")
    with acting_as(editor):
        mine = EnterpriseFactory()
    with acting_as(other):
        EnterpriseFactory()
    client = client_for(editor)
    url = reverse("core:changerecord_list")
    page = client.get(url, {"username": "jingfa"})
    assert [obj.object_id for obj, _ in page.context["rows"]] == [str(mine.pk)]
    page = client.get(url, {"action": "delete"})
    assert page.context["rows"] == []
    page = client.get(url, {"q": mine.name})
    assert len(page.context["rows"]) == 1
    page = client.get(url, {"date_from": "2000-01-01"})
    assert len(page.context["rows"]) >= 2
    bad = client.get(url, {"date_from": "不是日期"})
    assert bad.context["rows"] == [] and "筛选条件有误" in bad.content.decode()
    record = records_of(mine).get()
    assert mine.name in client.get(record.get_absolute_url()).content.decode()


def test_change_list_is_closed_to_roles_without_audit_permission(make_user, client_for, api_for):
    user = make_user("investment")
    assert client_for(user).get(reverse("core:changerecord_list")).status_code == 403
    assert api_for(user).get("/api/core/changes/").status_code == 403


def test_change_api_lists_records(editor, api_for):
    EnterpriseFactory()
    data = api_for(editor).get("/api/core/changes/", {"action": "create"}).json()
    assert "count" not in data and data["results"]
    assert data["results"][0]["content_type"] == "enterprises.enterprise"
