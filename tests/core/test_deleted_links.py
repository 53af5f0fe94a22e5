"""Deleting a record that others point to warns about them, and never loses their links: an
edit saved unchanged keeps pointing at the deleted record, and restoring it brings all back."""
from django.urls import reverse

from openpark.enterprises.models import Enterprise, SubPark, Zone
from tests.factories import EnterpriseFactory


def test_deleting_a_subpark_keeps_its_enterprises_links(make_user, client_for):
    client = client_for(make_user("economy"))
    zone = Zone.objects.create(name="城南片区")
    subpark = SubPark.objects.create(name="汽配产业园", zone=zone)
    enterprise = EnterpriseFactory(zone=zone, subpark=subpark)

    confirm = client.get(reverse("enterprises:subpark_delete", args=[subpark.pk])).content.decode()
    assert "仍指向它" in confirm and "企业 1 条" in confirm
    client.post(reverse("enterprises:subpark_delete", args=[subpark.pk]))
    assert SubPark.all_objects.get(pk=subpark.pk).is_deleted

    detail = client.get(enterprise.get_absolute_url()).content.decode()
    assert "汽配产业园（已删除）" in detail
    edit = client.get(reverse("enterprises:enterprise_edit", args=[enterprise.pk])).content.decode()
    assert f'<option value="{subpark.pk}" selected>汽配产业园（已删除）</option>' in edit
    response = client.post(reverse("enterprises:enterprise_edit", args=[enterprise.pk]), {
        "uscc": enterprise.uscc, "name": "改了名字的企业", "status": enterprise.status,
        "zone": zone.pk, "subpark": subpark.pk,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Enterprise.objects.get(pk=enterprise.pk).subpark_id == subpark.pk

    SubPark.all_objects.get(pk=subpark.pk).restore()
    assert "汽配产业园（已删除）" not in client.get(enterprise.get_absolute_url()).content.decode()


def test_a_deleted_record_cannot_be_newly_chosen(make_user, client_for):
    client = client_for(make_user("economy"))
    zone = Zone.objects.create(name="城南片区")
    gone = SubPark.objects.create(name="旧园中园", zone=zone)
    gone.delete()
    enterprise = EnterpriseFactory(zone=zone)
    response = client.post(reverse("enterprises:enterprise_edit", args=[enterprise.pk]), {
        "uscc": enterprise.uscc, "name": enterprise.name, "status": enterprise.status,
        "zone": zone.pk, "subpark": gone.pk,
    })
    assert response.status_code == 200 and Enterprise.objects.get(pk=enterprise.pk).subpark_id is None
