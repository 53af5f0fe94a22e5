"""Change records read as people write: labels, names, 是/否 and Beijing time, never codes, ids,
True/False or UTC ISO strings."""
from django.urls import reverse

from openpark.core import accounts
from openpark.core.models import ChangeRecord
from openpark.enterprises.models import Enterprise, Zone
from tests.factories import EnterpriseFactory


def shown(record, user):
    return {label: (before, after) for label, before, after in record.changed_fields_labelled(user)}


def latest(model_name, pk):
    return ChangeRecord.objects.filter(content_type__model=model_name, object_id=str(pk)).latest("id")


def test_a_role_grant_reads_with_labels_names_and_local_time(make_user):
    admin, security = make_user("admin", full_name="王管理"), make_user("security", full_name="李安全")
    staff = make_user(full_name="张伟")
    grant = accounts.request_grant(admin, staff, "economy", "grant", "到岗")
    accounts.approve(security, grant)
    values = shown(latest("rolegrant", grant.pk), make_user("audit"))
    assert values["状态"] == ("待审批", "已生效")
    assert values["审批人"] == ("", "李安全")
    before, after = values["审批时间"]
    assert before == "" and len(after) == 16 and "T" not in after and "Z" not in after
    user_values = shown(latest("user", staff.pk), make_user("audit"))
    assert user_values["组"] == ("", "经发")


def test_choices_links_and_booleans_show_their_words(make_user):
    zone = Zone.objects.create(name="城南片区")
    enterprise = EnterpriseFactory()
    enterprise.zone, enterprise.status = zone, "relocated"
    enterprise.save()
    values = shown(latest("enterprise", enterprise.pk), make_user("economy"))
    assert values["所在片区"] == ("", "城南片区")
    assert values["经营状态"][1] == "搬迁"
    zone.delete()
    Enterprise.objects.get(pk=enterprise.pk).delete()
    deleted = shown(latest("enterprise", enterprise.pk), make_user("economy"))
    assert deleted["已删除"] == ("否", "是")
    assert shown(latest("enterprise", enterprise.pk), make_user("economy")).get("所在片区") is None
    assert "城南片区（已删除）" in shown(ChangeRecord.objects.filter(
        content_type__model="enterprise", object_id=str(enterprise.pk), action="update").latest("id"),
        make_user("economy"))["所在片区"][1]


def test_a_page_of_records_reads_each_linked_name_once(db, django_assert_num_queries):
    from openpark.core.models import ChangeRecord
    from openpark.enterprises.models import Contact
    from tests.factories import EnterpriseFactory, UserFactory

    enterprise = EnterpriseFactory()
    for n in range(5):
        Contact.objects.create(enterprise=enterprise, name=f"联系人{n}")
    records = list(ChangeRecord.objects.filter(content_type__model="contact").select_related("content_type"))
    user, shown = UserFactory(is_superuser=True), {}
    with django_assert_num_queries(1):  # the enterprise's name, once for the five records
        named = [{label: after for label, _, after in r.changed_fields_labelled(user, shown)} for r in records]
    assert {row["企业"] for row in named} == {enterprise.name}


def test_a_create_record_leaves_out_the_key_the_deletion_flag_and_the_account_flags(make_user):
    auditor = make_user("audit")
    enterprise = EnterpriseFactory()
    created = shown(ChangeRecord.objects.get(content_type__model="enterprise", object_id=str(enterprise.pk),
                                             action="create"), auditor)
    assert "ID" not in created and "已删除" not in created
    staff = make_user("economy", full_name="张伟")
    account = shown(ChangeRecord.objects.filter(content_type__model="user", object_id=str(staff.pk),
                                                action="create").earliest("id"), auditor)
    assert not {"ID", "超级用户状态", "工作人员状态", "有效"} & set(account)
    assert account["用户名"] == ("", staff.username)
    Enterprise.objects.get(pk=enterprise.pk).delete()
    assert shown(latest("enterprise", enterprise.pk), auditor)["已删除"] == ("否", "是")


def test_a_change_names_its_user_as_the_pages_name_a_person(make_user, client_for):
    admin = make_user("admin", full_name="王管理")
    enterprise = EnterpriseFactory()
    record = latest("enterprise", enterprise.pk)
    record.user, record.username = admin, admin.username
    assert record.actor == f"王管理（{admin.username}）"
    record.pk = None
    record.save()
    page = client_for(make_user("audit")).get(reverse("core:changerecord_list")).content.decode()
    assert f"王管理（{admin.username}）" in page
