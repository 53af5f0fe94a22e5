"""What each stage needs (签约: the contract; 供地: the land; 开工: the permit; 竣工 and 投产: the day),
refused with the same words on the page, in the API and in the import, and taken from one table."""
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from openpark.core.models import StateChange
from openpark.enterprises.models import Chain
from openpark.investment import services, stages
from openpark.investment.choices import Stage
from openpark.investment.models import Project
from tests.sheets import latest_job, upload, xlsx

pytestmark = pytest.mark.django_db
SIGNING_NEEDS = "进入“签约”阶段须填写：合同签订日期、合同金额。"


@pytest.fixture
def staff(make_user):
    return make_user("investment", username="zhaoshang")


@pytest.fixture
def project(staff):
    project = Project.objects.create(name="精密齿轮项目", investor="某某精工", chain=Chain.objects.get(name="汽车配件"),
                                     total_investment=D(50000), stage_changed_on=date(2026, 1, 5),
                                     last_progress_on=date(2026, 1, 5))
    services.advance(project, "to_negotiating", staff, on=date(2026, 2, 1))
    return project


def transition_url(project, name):
    return reverse("investment:project_transition", args=[project.pk, name])


def test_signing_without_the_contract_is_refused_alike_on_the_page_the_api_and_the_import(
        project, staff, client_for, api_for):
    page = client_for(staff).post(transition_url(project, "to_signed"), {"note": "签约", "on": "2026-03-01"})
    assert page.status_code == 400 and SIGNING_NEEDS in page.content.decode()

    api = api_for(staff).post(f"/api/investment/projects/{project.pk}/transitions/to_signed/",
                              {"note": "签约", "on": "2026-03-01", "contract_amount": "48000"}, format="json")
    assert api.status_code == 400 and "进入“签约”阶段须填写：合同签订日期。" in api.content.decode()
    api = api_for(staff).post(f"/api/investment/projects/{project.pk}/transitions/to_signed/",
                              {"note": "签约", "on": "2026-03-01"}, format="json")
    assert api.status_code == 400 and SIGNING_NEEDS in api.content.decode()

    header = ["项目编号", "项目名称", "投资方", "产业链", "总投资（万元）", "阶段", "线索日期", "在谈日期", "签约日期"]
    upload(client_for(staff), "investment.project",
           xlsx([header, ["XM2026-0900", "储能项目", "某储能公司", "新能源", 80000, "签约", "2025-01-02", "2025-02-03",
                          "2025-05-06"]]))
    job = latest_job()
    assert job.state == "invalid" and [e["reason"] for e in job.errors] == [SIGNING_NEEDS]

    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING and project.contract_amount is None
    assert not Project.all_objects.filter(code="XM2026-0900").exists()
    assert StateChange.objects.filter(object_id=str(project.pk)).count() == 1


def test_each_stage_moves_on_with_its_facts_given_with_the_move(project, staff, client_for, api_for):
    client = client_for(staff)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'name="contract_signed_on"' in page and 'name="permit_number"' not in page  # the next stage's facts only
    response = client.post(transition_url(project, "to_signed"), {
        "note": "签约", "on": "2026-03-01", "contract_signed_on": "2026-03-01", "contract_amount": "48000"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.contract_signed_on, project.contract_amount) == (
        Stage.SIGNED, date(2026, 3, 1), D(48000))

    api = api_for(staff)
    refused = api.post(f"/api/investment/projects/{project.pk}/transitions/to_land/", {"on": "2026-04-01"}, format="json")
    assert refused.status_code == 400 and "进入“供地”阶段须填写：供地地块编号或不动产权证号。" in refused.content.decode()
    assert api.post(f"/api/investment/projects/{project.pk}/transitions/to_land/",
                    {"on": "2026-04-01", "land_parcel": "JJ2026-07"}, format="json").status_code == 200
    refused = api.post(f"/api/investment/projects/{project.pk}/transitions/to_started/",
                       {"on": "2026-05-01", "permit_number": "320282202605010101"}, format="json")
    assert refused.status_code == 400 and "进入“开工”阶段须填写：施工许可日期。" in refused.content.decode()
    assert api.post(f"/api/investment/projects/{project.pk}/transitions/to_started/",
                    {"on": "2026-05-01", "permit_number": "320282202605010101", "permit_issued_on": "2026-04-28"},
                    format="json").status_code == 200
    # 竣工 needs its day said, not taken as today.
    refused = api.post(f"/api/investment/projects/{project.pk}/transitions/to_completed/", {"note": "竣工"}, format="json")
    assert refused.status_code == 400 and "进入“竣工”阶段须填写：竣工日期。" in refused.content.decode()
    assert api.post(f"/api/investment/projects/{project.pk}/transitions/to_completed/",
                    {"on": "2026-06-01"}, format="json").status_code == 200
    project.refresh_from_db()
    assert (project.stage, project.land_parcel, project.permit_issued_on) == (
        Stage.COMPLETED, "JJ2026-07", date(2026, 4, 28))
    assert dict(project.stage_dates.values_list("stage", "actual_on"))[Stage.COMPLETED] == date(2026, 6, 1)


def test_what_a_stage_needs_is_configured_in_one_table(project, staff, monkeypatch):
    monkeypatch.setitem(stages.STAGE_FACTS, Stage.SIGNED, (stages.StageFact(("land_parcel",), "供地地块编号"),))
    with pytest.raises(Exception, match="进入“签约”阶段须填写：供地地块编号。"):
        services.advance(project, "to_signed", staff, on=date(2026, 3, 1), contract_signed_on=date(2026, 3, 1),
                         contract_amount=D(1))
    services.advance(project, "to_signed", staff, on=date(2026, 3, 1), land_parcel="JJ2026-07")
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED and project.land_parcel == "JJ2026-07"


def test_a_reached_stages_facts_can_be_corrected_not_removed_on_any_path(project, staff, client_for, api_for):
    services.advance(project, "to_signed", staff, on=date(2026, 3, 1), contract_signed_on=date(2026, 3, 1),
                     contract_amount=D(48000))
    project.refresh_from_db()
    message = "项目已进入“签约”阶段，合同金额不能清空。"
    api = api_for(staff).patch(f"/api/investment/projects/{project.pk}/", {"contract_amount": None}, format="json")
    assert api.status_code == 400 and message in api.content.decode()
    fields = {"name": project.name, "investor": project.investor, "chain": project.chain_id,
              "total_investment": "50000", "industrial": "on", "contract_signed_on": "2026-03-01",
              "contract_amount": ""}
    page = client_for(staff).post(reverse("investment:project_edit", args=[project.pk]), fields)
    assert page.status_code == 200 and message in page.content.decode()
    header = ["项目编号", "项目名称", "投资方", "产业链", "总投资（万元）", "合同签订日期", "合同金额（万元）"]
    upload(client_for(staff), "investment.project",
           xlsx([header, [project.code, project.name, project.investor, "汽车配件", 50000, "", 48000]]))
    job = latest_job()
    assert job.state == "invalid" and [e["reason"] for e in job.errors] == ["项目已进入“签约”阶段，合同签订日期不能清空。"]
    # A correction is taken.
    fields["contract_amount"] = "47500"
    assert client_for(staff).post(reverse("investment:project_edit", args=[project.pk]), fields).status_code == 302
    project.refresh_from_db()
    assert project.contract_amount == D(47500)


@pytest.mark.parametrize("fact, value, message", [
    ("contract_signed_on", "2099-01-05", "合同签订日期（2099-01-05）晚于今天。"),
    ("contract_signed_on", "2026-04-01", "合同签订日期（2026-04-01）晚于项目进入“签约”阶段的日期（2026-03-01）。"),
    ("contract_signed_on", "1950-01-01", "合同签订日期（1950-01-01）早于 1990 年。"),
    ("contract_amount", "0", "合同金额须大于 0。"),
    ("contract_amount", "-1", "不能小于 0。"),
    ("contract_amount", "1000000000000000", "数字总共不能超过 14 位。"),
])
def test_a_projects_facts_are_checked_alike_when_edited_on_the_page_in_the_api_and_by_the_import(
        project, staff, client_for, api_for, fact, value, message):
    """Editing a project runs the rules entering a stage does: no fact dated after today, before
    1990 or after the day the project entered the fact's stage, no contract of nothing; a number out
    of bounds is refused with the same words on every path."""
    services.advance(project, "to_signed", staff, on=date(2026, 3, 1), contract_signed_on=date(2026, 3, 1),
                     contract_amount=D(48000))
    project.refresh_from_db()
    api = api_for(staff).patch(f"/api/investment/projects/{project.pk}/", {fact: value}, format="json")
    assert api.status_code == 400 and message in api.content.decode()
    fields = {"name": project.name, "investor": project.investor, "chain": project.chain_id,
              "total_investment": "50000", "industrial": "on", "contract_signed_on": "2026-03-01",
              "contract_amount": "48000", fact: value}
    page = client_for(staff).post(reverse("investment:project_edit", args=[project.pk]), fields)
    assert page.status_code == 200 and message in page.content.decode()
    header = ["项目编号", "项目名称", "投资方", "产业链", "总投资（万元）", "合同签订日期", "合同金额（万元）"]
    row = {"contract_signed_on": "2026-03-01", "contract_amount": "48000", fact: value}
    upload(client_for(staff), "investment.project", xlsx([header, [
        project.code, project.name, project.investor, "汽车配件", 50000, row["contract_signed_on"],
        row["contract_amount"]]]))
    job = latest_job()
    assert job.state == "invalid" and any(message in e["reason"] for e in job.errors), job.errors
    project.refresh_from_db()
    assert (project.contract_signed_on, project.contract_amount) == (date(2026, 3, 1), D(48000))


def test_a_transition_refuses_a_fact_dated_after_the_day_the_project_moves(project, staff, api_for):
    refused = api_for(staff).post(f"/api/investment/projects/{project.pk}/transitions/to_signed/", {
        "on": "2026-03-01", "contract_signed_on": "2026-03-02", "contract_amount": "48000"}, format="json")
    assert refused.status_code == 400
    assert "合同签订日期（2026-03-02）晚于项目进入“签约”阶段的日期（2026-03-01）。" in refused.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING and project.contract_signed_on is None
