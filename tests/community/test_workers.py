"""Workers' personal data: kept only with consent, checked, masked for roles without the right,
found by the exact phone number only."""
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from openpark.community.models import Worker, phone_digest

from .conftest import ID_NUMBER


def test_phone_and_id_number_need_recorded_consent(enterprises):
    worker = Worker(name="赵骑手", job_type="takeaway", phone="13900139001")
    with pytest.raises(ValidationError) as caught:
        worker.full_clean()
    assert caught.value.message_dict["consent_on"] == ["登记手机号或身份证号须先记录本人同意的日期。"]


@pytest.mark.parametrize("field, value, message", [
    ("phone", "1390013900", "手机号应为 11 位数字，以 1 开头。"),
    ("id_number", "110105194912310021", "身份证号无效（应为 18 位，末位校验码须正确）。"),
])
def test_bad_identity_is_refused_in_chinese(db, field, value, message):
    worker = Worker(name="赵骑手", job_type="takeaway", consent_on=date(2026, 1, 1), **{field: value})
    with pytest.raises(ValidationError) as caught:
        worker.full_clean()
    assert caught.value.message_dict[field] == [message]


def test_phone_is_stored_normalised_with_its_digest(db):
    worker = Worker(name="赵骑手", job_type="takeaway", phone="+86 139-0013-9001", consent_on=date(2026, 1, 1))
    worker.full_clean()
    worker.save()
    worker.refresh_from_db()
    assert worker.phone == "13900139001" and worker.phone_digest == phone_digest("13900139001")


def test_a_worker_is_found_by_the_whole_phone_only(make_user, client_for, worker, other_worker):
    client = client_for(make_user("community"))
    url = reverse("community:worker_list")
    found = client.get(url, {"phone": "139 0013 9000"})
    assert [obj.pk for obj, _ in found.context["rows"]] == [worker.pk]
    assert [obj.pk for obj, _ in client.get(url, {"phone": "1390013"}).context["rows"]] == []
    assert [obj.pk for obj, _ in client.get(url, {"q": "13900139000"}).context["rows"]] == []


def test_identity_is_masked_for_roles_without_the_right(make_user, client_for, api_for, worker):
    leader = make_user("leader")
    page = client_for(leader).get(worker.get_absolute_url()).content.decode()
    assert "139****9000" in page and "13900139000" not in page and ID_NUMBER not in page
    data = api_for(leader).get(f"/api/community/workers/{worker.pk}/").json()
    assert data["phone"] == "139****9000" and data["id_number"] == "******"
    officer = make_user("community")
    page = client_for(officer).get(worker.get_absolute_url()).content.decode()
    assert "13900139000" in page and ID_NUMBER in page
    assert api_for(officer).get(f"/api/community/workers/{worker.pk}/").json()["phone"] == "13900139000"


def test_the_list_and_the_change_record_never_show_the_number_in_full(make_user, client_for, worker):
    listed = client_for(make_user("leader")).get(reverse("community:worker_list")).content.decode()
    assert "13900139000" not in listed and "139****9000" not in listed  # not a column at all
    history = client_for(make_user("leader")).get(reverse("community:worker_history", args=[worker.pk]))
    assert history.status_code == 200 and "13900139000" not in history.content.decode()


def test_a_masked_phone_sent_back_keeps_the_stored_one(make_user, worker, api_for):
    # an officer who may edit workers but not see their numbers
    editor = make_user("leader")
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="community",
                                                          codename="change_worker"))
    response = api_for(editor).patch(f"/api/community/workers/{worker.pk}/", {"phone": "139****9000", "note": "改"},
                                     format="json")
    assert response.status_code == 200, response.content
    worker.refresh_from_db()
    assert worker.phone == "13900139000" and worker.note == "改"


def test_the_edit_form_shows_a_masked_phone_and_keeps_the_stored_one(make_user, client_for, worker):
    editor = make_user("leader")
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="community",
                                                          codename="change_worker"))
    client = client_for(editor)
    url = reverse("community:worker_edit", args=[worker.pk])
    form = client.get(url).context["form"]
    assert form.initial["phone"] == "139****9000" and form.initial["id_number"] == "******"
    data = {name: value for name, value in form.initial.items() if value is not None and name != "teams"}
    data.update(employer=worker.employer_id, note="已核实")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    worker.refresh_from_db()
    assert worker.phone == "13900139000" and worker.id_number == ID_NUMBER and worker.note == "已核实"


def test_a_worker_stored_under_another_digest_algorithm_is_still_found(settings, make_user, client_for, worker):
    settings.OPENPARK_DIGEST_ALGORITHM = "sm3"
    response = client_for(make_user("community")).get(reverse("community:worker_list"), {"phone": "13900139000"})
    assert [obj.pk for obj, _ in response.context["rows"]] == [worker.pk]


def test_a_worker_s_teams_and_an_organisation_s_enterprises_are_named_on_their_pages(make_user, client_for, worker,
                                                                                  enterprises):
    from openpark.community.models import Organisation, VolunteerTeam

    worker.teams.add(VolunteerTeam.objects.create(name="蜂骑士团"), VolunteerTeam.objects.create(name="先锋队"))
    organisation = Organisation.objects.create(name="外卖配送行业党委", kind="party_committee")
    organisation.covered_enterprises.add(*enterprises)
    officer = client_for(make_user("community"))
    rows = {label: value for label, value, _ in officer.get(worker.get_absolute_url()).context["fields"]}
    assert set(rows["志愿队伍"].split("、")) == {"蜂骑士团", "先锋队"}
    rows = {label: value for label, value, _ in officer.get(organisation.get_absolute_url()).context["fields"]}
    assert set(rows["覆盖企业"].split("、")) == {str(e) for e in enterprises}
    assert ".None" not in officer.get(organisation.get_absolute_url()).content.decode()


def test_namesakes_are_told_apart_where_a_worker_is_chosen(make_user, client_for, worker, enterprises):
    from openpark.community.models import Worker

    namesake = Worker.objects.create(name="王骑手", employer=enterprises[1], job_type="express", phone="13600136000",
                                     consent_on=worker.consent_on)
    officer = client_for(make_user("community"))
    found = officer.get(reverse("core:autocomplete", args=["community.worker"]), {"q": "王骑手"}).json()["results"]
    assert sorted(row["text"] for row in found) == sorted([
        f"王骑手（{enterprises[0].name} · 尾号9000）", f"王骑手（{enterprises[1].name} · 尾号6000）"])
    form = officer.get(reverse("community:participation_add")).context["form"]
    labels = {form.fields["worker"].label_from_instance(w) for w in (worker, namesake)}
    assert len(labels) == 2 and all("尾号" in label for label in labels)


def test_a_team_s_page_lists_its_members(make_user, client_for, worker, other_worker):
    from openpark.community.models import VolunteerTeam

    team = VolunteerTeam.objects.create(name="蜂骑士团")
    team.members.add(worker, other_worker)
    page = client_for(make_user("community")).get(team.get_absolute_url()).content.decode()
    assert "共 2 名队员" in page and worker.get_absolute_url() in page and other_worker.get_absolute_url() in page
    assert f"?team={team.pk}" in page
