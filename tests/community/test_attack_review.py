"""What an attacker tried on 新就业群体 and must keep failing: unmasking a phone through a filter or
an ordering, a deleted worker breaking the ledger's bulk paths, two workers under one phone."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openpark.community import services
from openpark.community.models import Activity, LedgerEntry, Participation, Redemption, Worker


# A phone is never told by a filter or an ordering to a role that sees it masked -----------------


def test_the_phone_filter_is_no_oracle_for_a_role_that_sees_phones_masked(make_user, client_for, api_for, worker,
                                                                          other_worker):
    leader = make_user("leader")
    everyone = {worker.pk, other_worker.pk}
    page = client_for(leader).get(reverse("community:worker_list"), {"phone": "13900139000"})
    assert {obj.pk for obj, _ in page.context["rows"]} == everyone  # the filter narrows nothing
    assert "phone" not in page.context["filter_form"].fields
    wrong = api_for(leader).get("/api/community/workers/", {"phone": "13900139999"}).json()
    right = api_for(leader).get("/api/community/workers/", {"phone": "13900139000"}).json()
    assert wrong["count"] == right["count"] == 2
    # the officer who may see the numbers still finds a worker by the whole number
    found = api_for(make_user("community")).get("/api/community/workers/", {"phone": "13900139000"}).json()
    assert [row["id"] for row in found["results"]] == [worker.pk]


@pytest.mark.parametrize("ordering", ["phone", "-phone", "id_number", "-id_number"])
def test_the_api_does_not_order_by_a_masked_field(make_user, api_for, worker, other_worker, ordering):
    # 李骑手 sorts before 王骑手 by name (the default), after him by phone (137… < 139…)
    leader = api_for(make_user("leader"))
    by_name = [row["id"] for row in leader.get("/api/community/workers/").json()["results"]]
    ordered = [row["id"] for row in leader.get("/api/community/workers/", {"ordering": ordering}).json()["results"]]
    assert ordered == by_name
    # Stored encrypted, the numbers give no order for anyone: the officer's rows keep theirs too.
    officer = api_for(make_user("community"))
    rows = officer.get("/api/community/workers/", {"ordering": ordering}).json()["results"]
    assert [row["id"] for row in rows] == by_name


# A deleted worker does not break the ledger's bulk paths -----------------------------------------


@pytest.fixture
def held_activity(db):
    return Activity.objects.create(title="消防培训", kind="fire_safety", held_on=timezone.localdate() - timedelta(days=1),
                                   hours=2, points=10)


def test_granting_an_activity_skips_a_deleted_attendee(make_user, client_for, held_activity, worker, other_worker):
    for person in (worker, other_worker):
        Participation.objects.create(activity=held_activity, worker=person, attended=True)
    other_worker.delete()
    response = client_for(make_user("community")).post(reverse("community:activity_grant", args=[held_activity.pk]))
    assert response.status_code == 302
    assert list(LedgerEntry.objects.values_list("worker_id", flat=True)) == [worker.pk]


def test_a_deleted_workers_points_still_expire_and_a_refusal_still_returns_them(worker, other_worker, reward):
    services.grant(worker, "a", 10, "活动", on=timezone.localdate() - timedelta(days=400))
    services.grant(other_worker, "b", 20, "活动")
    redemption = Redemption(worker=other_worker, reward=reward, quantity=1)
    redemption.full_clean()
    redemption.save()
    worker.delete()
    other_worker.delete()
    assert services.expire_points() == 1  # the nightly run does not stop at a deleted worker
    worker.refresh_from_db()
    assert worker.points == 0
    services.refuse_redemption(redemption, "refuse", None, "人员已离职")
    other_worker.refresh_from_db()
    assert other_worker.points == 20


# One phone, one worker ----------------------------------------------------------------------------


def test_a_phone_already_registered_is_refused(worker):
    twin = Worker(name="重号", job_type="takeaway", phone="+86 139 0013 9000", consent_on=date(2026, 1, 1))
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert caught.value.message_dict["phone"] == ["该手机号已登记为其他从业人员。"]
    worker.full_clean()  # the worker keeps its own number


def test_consent_cannot_be_recorded_before_it_was_given(db):
    later = Worker(name="赵骑手", job_type="takeaway", phone="13900139001",
                   consent_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        later.full_clean()
    assert caught.value.message_dict["consent_on"] == ["本人同意的日期不能晚于今天。"]


# Small things an attacker leaned on ----------------------------------------------------------------


def test_the_activity_panel_links_to_its_sign_ups_with_the_title_encoded(make_user, client_for, held_activity,
                                                                         worker, other_worker):
    held_activity.title = "培训&attended=false#x"
    held_activity.save()
    Participation.objects.create(activity=held_activity, worker=worker, attended=True)
    client = client_for(make_user("community"))
    page = client.get(held_activity.get_absolute_url())
    panel = next(p for p in page.context["panels"] if p["key"] == "participations")
    assert panel["context"]["url"].endswith("?q=%E5%9F%B9%E8%AE%AD%26attended%3Dfalse%23x")
    listed = client.get(panel["context"]["url"])
    assert [obj.pk for obj, _ in listed.context["rows"]] == list(
        Participation.objects.filter(activity=held_activity).values_list("pk", flat=True))


@pytest.mark.parametrize("lon", ["1e999999999", "-1e400", "9" * 400])
def test_a_position_past_any_number_is_refused_without_inf(make_user, client_for, station, lon):
    response = client_for(make_user("grid")).get(reverse("community:nearest_stations"), {"lon": lon, "lat": "31.96"})
    assert response.status_code == 400
    assert response.context["error"] == "位置无效：经纬度必须是数字。"


def test_the_phone_of_a_deleted_worker_points_to_restoring_them(worker):
    worker.delete()
    again = Worker(name="王骑手", job_type="takeaway", phone="13900139000", consent_on=date(2026, 1, 1))
    with pytest.raises(ValidationError) as caught:
        again.full_clean()
    assert caught.value.message_dict["phone"] == ["该手机号已登记为已删除的从业人员，请在已删除的人员中恢复该人员。"]
    worker.restore()  # its own number does not stand in its way


# A worker's account is a rider's --------------------------------------------------------------------


def test_a_worker_is_linked_only_to_a_riders_account(make_user, api_for, client_for, worker, other_worker):
    officer, leader, rider = make_user("community"), make_user("leader"), make_user("grid")
    admin = make_user("admin")
    api = api_for(officer)
    for account in (leader, admin, officer):
        response = api.patch(f"/api/community/workers/{worker.pk}/", {"user": account.pk}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"]["user"] == ["平台账号须为可查看本人积分的网格员账号。"]
    assert api.patch(f"/api/community/workers/{worker.pk}/", {"user": rider.pk}, format="json").status_code == 200
    form = client_for(officer).get(reverse("community:worker_edit", args=[other_worker.pk])).context["form"]
    assert list(form.fields["user"].queryset) == [rider]  # no officer's or administrator's name offered
    # a link made before stays while the record is edited
    rider.groups.clear()
    worker.refresh_from_db()
    worker.note = "已核实"
    worker.full_clean()


def test_attendance_whose_points_were_granted_cannot_be_unticked(worker, other_worker, make_user, api_for):
    activity = Activity.objects.create(title="消防安全培训", kind="fire_safety", held_on=date.today() - timedelta(days=1),
                                       hours=2, points=5)
    granted = Participation.objects.create(activity=activity, worker=worker, attended=True)
    services.grant_activity(activity)
    waiting = Participation.objects.create(activity=activity, worker=other_worker, attended=True)
    with pytest.raises(ValidationError, match="不能取消签到"):
        Participation(pk=granted.pk, activity=activity, worker=worker, attended=False).full_clean()
    officer = api_for(make_user("community"))
    response = officer.patch(f"/api/community/participations/{granted.pk}/", {"attended": False}, format="json")
    assert response.status_code == 400 and "不能取消签到" in str(response.json())
    granted.refresh_from_db()
    assert granted.attended is True and LedgerEntry.objects.filter(worker=worker).count() == 1
    # an attendance not yet granted may still be corrected
    response = officer.patch(f"/api/community/participations/{waiting.pk}/", {"attended": False}, format="json")
    assert response.status_code == 200


def test_a_granted_activity_keeps_its_date_hours_and_points_and_is_not_deleted(worker, make_user, client_for,
                                                                               api_for):
    activity = Activity.objects.create(title="技能比武", kind="skills_contest", held_on=date.today() - timedelta(days=1),
                                       hours=2, points=10)
    Participation.objects.create(activity=activity, worker=worker, attended=True)
    services.grant_activity(activity)
    officer = api_for(make_user("community"))
    later = (date.today() + timedelta(days=19)).isoformat()
    response = officer.patch(f"/api/community/activities/{activity.pk}/", {"held_on": later}, format="json")
    assert response.status_code == 400 and "不能再修改活动日期" in str(response.json())
    assert officer.patch(f"/api/community/activities/{activity.pk}/", {"place": "党群服务中心"},
                         format="json").status_code == 200  # what the grant did not depend on may change
    response = client_for(make_user("community")).post(
        reverse("community:activity_delete", args=[activity.pk]), follow=True)
    assert "不能删除" in response.content.decode()
    activity.refresh_from_db()
    assert (activity.is_deleted, str(activity.held_on)) == (False, str(date.today() - timedelta(days=1)))
    held = Activity.objects.create(title="联谊活动", kind="social", held_on=date.today(), points=5)
    assert officer.delete(f"/api/community/activities/{held.pk}/").status_code == 204  # nothing granted yet


def test_a_full_export_without_a_reason_exports_nothing(worker, make_user, client_for):
    from openpark.core.models import ChangeRecord

    client = client_for(make_user("community"))
    response = client.post(reverse("community:worker_list"), {"export": "xlsx", "export_reason": "  "}, follow=True)
    assert "请填写导出事由" in " ".join(str(m) for m in response.context["messages"])
    response = client.post(reverse("community:party_roster"), {"export_reason": ""})
    assert response.status_code == 400 and "请填写导出事由" in response.content.decode()
    assert not ChangeRecord.objects.filter(action="export").exists()
