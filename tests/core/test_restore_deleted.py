"""Soft-deleted records: found from the list, shown on their history page, restored by those who
may delete them, refused when they no longer fit, and every restore recorded."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone

from django.core.files.uploadedfile import SimpleUploadedFile

from openpark.core.attachments import attach
from openpark.core.choices import ChangeAction
from openpark.core.models import Attachment, ChangeLoggedModel, ChangeRecord, DomainModel, user_label
from openpark.enterprises.models import Enterprise, LandParcel, SubPark, Zone
from openpark.evaluation.choices import RunState
from openpark.evaluation.models import Run, SchemeVersion
from openpark.investment.models import Chain, Project
from tests.core.test_attachments import PDF
from tests.factories import EnterpriseFactory


def history(obj) -> str:
    return reverse(f"{obj._meta.app_label}:{obj._meta.model_name}_history", args=[obj.pk])


def restore_url(obj) -> str:
    return reverse(f"{obj._meta.app_label}:{obj._meta.model_name}_restore", args=[obj.pk])


@pytest.fixture
def editor(make_user):
    return make_user("economy")


@pytest.fixture
def deleted_enterprise(editor, client_for):
    enterprise = EnterpriseFactory(name="城南精密机械有限公司")
    response = client_for(editor).post(reverse("enterprises:enterprise_delete", args=[enterprise.pk]))
    assert response.status_code == 302
    return Enterprise.all_objects.get(pk=enterprise.pk)


def test_deleted_record_history_says_when_and_by_whom_and_offers_restore(editor, client_for, deleted_enterprise):
    client = client_for(editor)
    assert client.get(deleted_enterprise.get_absolute_url()).status_code == 404
    response = client.get(history(deleted_enterprise))
    html = response.content.decode()
    assert response.status_code == 200
    deletion = ChangeRecord.objects.get(action=ChangeAction.DELETE, object_id=str(deleted_enterprise.pk))
    assert "此企业已删除" in html and editor.username in html
    assert f"{timezone.localtime(deletion.time):%Y-%m-%d %H:%M} 由 {user_label(editor)} 删除" in html
    assert f'action="{restore_url(deleted_enterprise)}"' in html and "csrfmiddlewaretoken" in html


def test_restore_brings_the_record_back_and_records_it(editor, client_for, deleted_enterprise):
    response = client_for(editor).post(restore_url(deleted_enterprise), follow=True)
    assert response.redirect_chain[-1][0] == deleted_enterprise.get_absolute_url()
    assert "已恢复企业“城南精密机械有限公司”" in response.content.decode()
    restored = Enterprise.objects.get(pk=deleted_enterprise.pk)
    assert restored.deleted_at is None
    record = ChangeRecord.objects.get(action=ChangeAction.RESTORE, object_id=str(restored.pk))
    assert record.user == editor
    assert (record.before["is_deleted"], record.after["is_deleted"]) == (True, False)
    # The history shows the restore, and no longer the notice or the button.
    html = client_for(editor).get(history(restored)).content.decode()
    assert "恢复" in html and "此企业已删除" not in html and restore_url(restored) not in html


def test_restore_is_a_post(editor, client_for, deleted_enterprise):
    assert client_for(editor).get(restore_url(deleted_enterprise)).status_code == 405
    assert Enterprise.all_objects.get(pk=deleted_enterprise.pk).is_deleted


def test_restoring_a_live_record_changes_nothing(editor, client_for):
    enterprise = EnterpriseFactory()
    before = ChangeRecord.objects.count()
    response = client_for(editor).post(restore_url(enterprise), follow=True)
    assert "没有被删除" in response.content.decode()
    assert ChangeRecord.objects.count() == before


def test_viewers_see_the_history_but_may_not_restore(make_user, client_for, deleted_enterprise):
    leader = make_user("leader")
    client = client_for(leader)
    html = client.get(history(deleted_enterprise)).content.decode()
    assert "此企业已删除" in html and restore_url(deleted_enterprise) not in html
    assert client.post(restore_url(deleted_enterprise)).status_code == 403
    assert Enterprise.all_objects.get(pk=deleted_enterprise.pk).is_deleted
    assert not ChangeRecord.objects.filter(action=ChangeAction.RESTORE).exists()


def test_editing_alone_does_not_allow_restoring(make_user, client_for, deleted_enterprise):
    user = make_user()
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="enterprises", codename__in=["view_enterprise", "change_enterprise"]))
    assert client_for(user).post(restore_url(deleted_enterprise)).status_code == 403
    assert Enterprise.all_objects.get(pk=deleted_enterprise.pk).is_deleted


def _parcel(number: str, holder) -> LandParcel:
    return LandParcel.objects.create(certificate_no=f"苏(2020)靖江市不动产权第{number}号", area_mu=Decimal("10"),
                                     holder=holder)


def test_scoped_users_reach_only_deleted_records_of_their_scope(enterprise_user, enterprises, client_for):
    own, other = _parcel("0000001", enterprises[0]), _parcel("0000002", enterprises[1])
    own.delete()
    other.delete()
    client = client_for(enterprise_user)
    assert client.get(history(own)).status_code == 200
    assert client.get(history(other)).status_code == 404
    listed = client.get(reverse("enterprises:landparcel_list"), {"deleted": "1"}).context["rows"]
    assert [obj for obj, _ in listed] == [own]
    # Given the right to delete parcels, the user restores their own and cannot reach the other.
    enterprise_user.user_permissions.add(Permission.objects.get(codename="delete_landparcel"))
    assert client.post(restore_url(other)).status_code == 404
    assert LandParcel.all_objects.get(pk=other.pk).is_deleted
    assert client.post(restore_url(own)).status_code == 302
    assert LandParcel.objects.filter(pk=own.pk).exists()


def test_restore_refused_while_the_record_it_belongs_to_is_deleted(editor, client_for, enterprises):
    parcel = _parcel("0000003", enterprises[0])
    parcel.delete()
    enterprises[0].delete()
    client = client_for(editor)
    response = client.post(restore_url(parcel), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == history(parcel)
    assert "不能恢复地块" in html and f"“{enterprises[0].name}”已删除，请先恢复它" in html
    assert LandParcel.all_objects.get(pk=parcel.pk).is_deleted
    assert not ChangeRecord.objects.filter(action=ChangeAction.RESTORE).exists()


def test_restore_refused_when_its_rules_fail_against_todays_data(editor, client_for):
    north, south = Zone.objects.create(name="北区"), Zone.objects.create(name="南区")
    subpark = SubPark.objects.create(name="智能装备产业园", zone=north)
    enterprise = EnterpriseFactory(zone=north, subpark=subpark)
    enterprise.delete()
    subpark.zone = south  # the park within the park moved while the enterprise was deleted
    subpark.save()
    response = client_for(editor).post(restore_url(enterprise), follow=True)
    assert "园中园不在所选片区内" in response.content.decode()
    assert Enterprise.all_objects.get(pk=enterprise.pk).is_deleted


@pytest.mark.django_db(transaction=True)
def test_restore_refused_when_a_live_record_holds_its_natural_key():
    """A model whose natural key is unique among live rows only: the deleted row's key may be
    taken again, and restoring it then must be refused."""
    with isolate_apps("openpark.core"):
        class Badge(DomainModel):
            code = models.CharField("编码", max_length=10)

            class Meta:
                app_label = "core"
                constraints = [models.UniqueConstraint(
                    fields=["code"], condition=Q(is_deleted=False), name="unique_live_badge",
                    violation_error_message="已有编码相同的有效记录。",
                )]

        with connection.schema_editor() as editor:
            editor.create_model(Badge)
        try:
            first = Badge.objects.create(code="A-01")
            first.delete()
            Badge.objects.create(code="A-01")
            first = Badge.all_objects.get(pk=first.pk)
            with pytest.raises(ValidationError, match="已有编码相同的有效记录"):
                first.restore()
            assert first.is_deleted and Badge.all_objects.get(pk=first.pk).is_deleted
            Badge.objects.filter(code="A-01").delete()
            first.restore()
            assert Badge.objects.get().pk == first.pk
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Badge)


def test_frozen_records_are_not_restorable(editor, client_for):
    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021 年评价")
    run.delete()
    Run.all_objects.filter(pk=run.pk).update(state=RunState.PUBLISHED)  # published by an older release
    client = client_for(editor)
    html = client.get(history(run)).content.decode()
    assert "此评价批次已删除" in html and restore_url(run) not in html
    response = client.post(restore_url(run), follow=True)
    assert "已发布的评价批次不能恢复" in response.content.decode()
    assert Run.all_objects.get(pk=run.pk).is_deleted


def test_list_offers_the_deleted_rows(editor, client_for, deleted_enterprise):
    live = EnterpriseFactory()
    client = client_for(editor)
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "已删除的记录" in page and "?deleted=1" in page
    response = client.get(reverse("enterprises:enterprise_list"), {"deleted": "1"})
    rows = response.context["rows"]
    assert [obj for obj, _ in rows] == [deleted_enterprise]
    assert rows[0][1][0][1] == history(deleted_enterprise)  # the first cell opens its history
    assert live.name not in response.content.decode() and "已删除的企业" in response.content.decode()


def test_change_list_links_a_deletion_to_the_history_page(editor, client_for, deleted_enterprise):
    response = client_for(editor).get(reverse("core:changerecord_list"), {"action": "delete"})
    assert f'href="{history(deleted_enterprise)}"' in response.content.decode()
    deletion = ChangeRecord.objects.get(action=ChangeAction.DELETE)
    detail = client_for(editor).get(deletion.get_absolute_url()).content.decode()
    assert f'href="{history(deleted_enterprise)}"' in detail


@pytest.fixture
def frozen_checks(monkeypatch):
    """The stored records checked against their model's `frozen_when`, one entry a check."""
    checked = []
    check = ChangeLoggedModel.stored_frozen

    def counting(self):
        if self.pk is not None and self.frozen_when is not None:
            checked.append((self._meta.label, self.pk))
        return check(self)

    monkeypatch.setattr(ChangeLoggedModel, "stored_frozen", counting)
    return checked


def delete_url(obj) -> str:
    return reverse(f"{obj._meta.app_label}:{obj._meta.model_name}_delete", args=[obj.pk])


def shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_deleting_and_restoring_check_the_frozen_rule_once(editor, client_for, frozen_checks):
    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021 年评价")
    client = client_for(editor)
    frozen_checks.clear()
    assert client.post(delete_url(run)).status_code == 302
    assert Run.all_objects.get(pk=run.pk).is_deleted and frozen_checks == [("evaluation.Run", run.pk)]
    frozen_checks.clear()
    assert client.post(restore_url(run)).status_code == 302
    assert not Run.all_objects.get(pk=run.pk).is_deleted and frozen_checks == [("evaluation.Run", run.pk)]


def test_a_frozen_record_is_refused_once_on_delete_and_on_restore_and_nothing_changes(editor, client_for,
                                                                                      frozen_checks):
    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021 年评价")
    Run.all_objects.filter(pk=run.pk).update(state=RunState.PUBLISHED)
    stored = Run.all_objects.filter(pk=run.pk).values().get()
    changes = ChangeRecord.objects.count()
    client = client_for(editor)

    refused = client.post(delete_url(run), follow=True)
    assert shown(refused) == ["已发布的评价批次不能删除。"] and frozen_checks == [("evaluation.Run", run.pk)]
    assert Run.all_objects.filter(pk=run.pk).values().get() == stored and ChangeRecord.objects.count() == changes

    # Deleted before it was published (by an older release): it stays deleted.
    Run.all_objects.filter(pk=run.pk).update_unguarded(is_deleted=True, deleted_at=timezone.now())
    stored = Run.all_objects.filter(pk=run.pk).values().get()
    frozen_checks.clear()
    refused = client.post(restore_url(run), follow=True)
    assert shown(refused) == ["不能恢复评价批次“2021 年评价”：已发布的评价批次不能恢复。"] and frozen_checks == [("evaluation.Run", run.pk)]
    assert Run.all_objects.filter(pk=run.pk).values().get() == stored and ChangeRecord.objects.count() == changes


def test_a_frozen_record_is_refused_once_through_the_api_and_the_model(make_user, api_for, frozen_checks):
    staff = make_user("investment")
    project = Project.objects.create(name="证明材料项目", investor="某公司", chain=Chain.objects.order_by("pk").first(),
                                     total_investment=Decimal(1000))
    evidence = attach(project, SimpleUploadedFile("批复.pdf", PDF), staff, evidence=True)
    stored = Attachment.all_objects.filter(pk=evidence.pk).values().get()
    changes = ChangeRecord.objects.count()
    frozen_checks.clear()
    refused = api_for(staff).delete(f"/api/core/attachments/{evidence.pk}/")
    assert refused.status_code == 400 and "流程的证明材料不能删除。" in refused.content.decode()
    assert frozen_checks == [("core.Attachment", evidence.pk)]
    frozen_checks.clear()
    with pytest.raises(ValidationError) as deleting:
        evidence.delete()
    Attachment.all_objects.filter(pk=evidence.pk).update_unguarded(is_deleted=True)
    with pytest.raises(ValidationError) as restoring:
        Attachment.all_objects.get(pk=evidence.pk).restore()
    assert deleting.value.messages == ["流程的证明材料不能删除。"] and restoring.value.messages == ["流程的证明材料不能恢复。"]
    assert frozen_checks == [("core.Attachment", evidence.pk)] * 2
    Attachment.all_objects.filter(pk=evidence.pk).update_unguarded(is_deleted=False)
    assert Attachment.all_objects.filter(pk=evidence.pk).values().get() == stored
    assert ChangeRecord.objects.count() == changes
