"""A project already under way entered with its real history: on its page, in the API and in the
import, by investment staff only, recorded once on its timeline; inconsistent histories refused
with the reason and nothing written. And 线索's own date on a project's page."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.core.models import StateChange
from openpark.enterprises.models import Chain
from openpark.investment.choices import Stage
from openpark.investment.models import Lead, Project, StageDate
from tests.sheets import confirm, latest_job, upload, xlsx

pytestmark = pytest.mark.django_db
EXISTING_URL = "/investment/projects/existing/"
EXISTING_API = "/api/investment/projects/existing/"
HISTORY = {"lead_on": "2019-03-01", "negotiating_on": "2019-05-10", "signed_on": "2019-09-20", "land_on": "2020-01-15",
           "started_on": "2020-04-01"}
FACTS = {"contract_signed_on": "2019-09-20", "contract_amount": "120000", "land_certificate": "苏(2020)靖江市不动产权第0001234号",
         "permit_number": "320282202003300101", "permit_issued_on": "2020-03-30"}


@pytest.fixture
def staff(make_user):
    return make_user("investment", username="zhaoshang")


def project_fields(name="高端轴承项目"):
    return {"name": name, "investor": "某轴承集团", "chain": Chain.objects.get(name="汽车配件").pk,
            "total_investment": "150000", "industrial": "on"}


def timeline_entries(project):
    return StateChange.objects.filter(object_id=str(project.pk), content_type__model="project")


def test_staff_enter_an_existing_project_on_its_page_and_its_timeline_says_so_once(staff, client_for):
    client = client_for(staff)
    assert 'href="/investment/projects/existing/"' in client.get(reverse("investment:pipeline")).content.decode()
    form = client.get(EXISTING_URL)
    assert form.status_code == 200 and "录入既有项目" in form.content.decode()
    assert 'name="started_on"' in form.content.decode() and 'name="permit_number"' in form.content.decode()

    response = client.post(EXISTING_URL, {**project_fields(), "stage": "started", **HISTORY, **FACTS})
    project = Project.objects.get(name="高端轴承项目")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert (project.stage, project.stage_changed_on, project.contract_amount, project.permit_number) == (
        Stage.STARTED, date(2020, 4, 1), D(120000), "320282202003300101")
    assert dict(project.stage_dates.values_list("stage", "actual_on")) == {
        Stage.LEAD: date(2019, 3, 1), Stage.NEGOTIATING: date(2019, 5, 10), Stage.SIGNED: date(2019, 9, 20),
        Stage.LAND: date(2020, 1, 15), Stage.STARTED: date(2020, 4, 1)}
    [entry] = timeline_entries(project)
    assert (entry.transition, entry.from_state, entry.to_state, entry.user) == ("enter_history", "lead", "started", staff)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "录入既有项目历史：线索 → 开工" in page
    assert "线索 2019-03-01，在谈 2019-05-10，签约 2019-09-20，供地 2020-01-15，开工 2020-04-01" in page
    # The live transitions carry on from there.
    assert [t.name for t in project.machine.available(project, staff)] == ["to_completed", "terminate"]


def test_inconsistent_histories_are_refused_with_the_reason_and_nothing_is_written(staff, client_for, api_for):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    cases = [
        ({**HISTORY, "land_on": "2019-08-01"}, FACTS,
         "“供地”阶段的日期（2019-08-01）早于“签约”阶段的日期（2019-09-20）。"),
        ({**HISTORY, "started_on": tomorrow}, FACTS, f"“开工”阶段的日期（{tomorrow}）晚于今天。"),
        ({k: v for k, v in HISTORY.items() if k != "signed_on"}, FACTS, "缺少“签约”阶段的实际日期。"),
        ({**HISTORY, "completed_on": "2021-01-01"}, FACTS, "当前阶段为“开工”，不应填写“竣工”阶段的日期。"),
        (HISTORY, {k: v for k, v in FACTS.items() if not k.startswith("permit")},
         "进入“开工”阶段须填写：施工许可证号、施工许可日期。"),
    ]
    client, api = client_for(staff), api_for(staff)
    for history, facts, reason in cases:
        page = client.post(EXISTING_URL, {**project_fields(), "stage": "started", **history, **facts})
        assert page.status_code == 200 and reason in page.content.decode()
        answer = api.post(EXISTING_API, {**project_fields(), "current_stage": "started", **history, **facts},
                          format="json")
        assert answer.status_code == 400 and reason in answer.content.decode(), answer.content.decode()
    assert not Project.all_objects.exists() and not StageDate.objects.exists() and not StateChange.objects.exists()


def test_several_reasons_are_listed_one_a_line(staff, client_for):
    history = {k: v for k, v in HISTORY.items() if k not in ("signed_on", "land_on")}
    page = client_for(staff).post(EXISTING_URL, {**project_fields(), "stage": "started", **history, **FACTS})
    text = page.content.decode()
    assert '<ul class="form-errors"><li>缺少“签约”阶段的实际日期。</li><li>缺少“供地”阶段的实际日期。</li>' in text
    assert "。；" not in text


def test_the_api_enters_an_existing_project_with_its_history(staff, api_for, client_for):
    answer = api_for(staff).post(EXISTING_API, {**project_fields(), "current_stage": "signed", "lead_on": "2021-01-04",
                                                "negotiating_on": "2021-02-01", "signed_on": "2021-06-30",
                                                "contract_signed_on": "2021-06-30", "contract_amount": "90000"},
                                 format="json")
    assert answer.status_code == 201, answer.content.decode()
    body = answer.json()
    assert (body["stage"], body["stage_display"], body["stage_changed_on"]) == ("signed", "签约", "2021-06-30")
    project = Project.objects.get(pk=body["id"])
    assert project.code.startswith("XM") and [e.note for e in timeline_entries(project)] == [
        "录入既有项目历史：线索 2021-01-04，在谈 2021-02-01，签约 2021-06-30"]
    assert "2021-06-30" in client_for(staff).get(project.get_absolute_url()).content.decode()


def test_the_import_enters_existing_projects_with_their_history(staff, client_for):
    header = ["项目编号", "项目名称", "投资方", "产业链", "总投资（万元）", "阶段", "线索日期", "在谈日期", "签约日期",
              "供地日期", "合同签订日期", "合同金额（万元）", "不动产权证号"]
    good = ["XM2020-0101", "储能项目", "某储能公司", "新能源", 80000, "供地", "2020-01-02", "2020-02-03", "2020-05-06",
            "2020-08-01", "2020-05-06", 78000, "苏(2020)靖江市不动产权第0000456号"]
    new_lead = ["XM2020-0102", "汽配项目", "某汽配公司", "汽车配件", 5000, "", "", "", "", "", "", "", ""]
    client = client_for(staff)
    bad = list(good)
    bad[0], bad[9] = "XM2020-0103", "2020-04-01"
    upload(client, "investment.project", xlsx([header, good, new_lead, bad]))
    job = latest_job()
    assert job.state == "invalid"
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (4, "阶段", "“供地”阶段的日期（2020-04-01）早于“签约”阶段的日期（2020-05-06）。")]
    assert not Project.all_objects.exists()

    upload(client, "investment.project", xlsx([header, good, new_lead]))
    job = latest_job()
    assert job.state == "ready", job.errors
    confirm(client, job)
    entered, lead = Project.objects.get(code="XM2020-0101"), Project.objects.get(code="XM2020-0102")
    assert (entered.stage, entered.stage_changed_on, entered.contract_amount) == (Stage.LAND, date(2020, 8, 1), D(78000))
    assert entered.stage_dates.count() == 4 and [e.to_state for e in timeline_entries(entered)] == ["land"]
    assert lead.stage == Stage.LEAD and not timeline_entries(lead).exists()

    # The export carries the dates, and imports back unchanged (the history is entered once).
    exported = client.get(reverse("investment:project_list"), {"export": "xlsx"}).content
    upload(client, "investment.project", exported, name="项目.xlsx")
    job = latest_job()
    assert job.state == "ready", job.errors
    confirm(client, job)
    job.refresh_from_db()
    assert job.result["unchanged"] == 2 and timeline_entries(entered).count() == 1


def test_only_investment_staff_enter_project_histories(make_user, client_for, api_for):
    for role in ("economy", "leader", "enterprise"):
        user = make_user(role)
        if role != "enterprise":
            assert "/investment/projects/existing/" not in client_for(user).get(reverse("investment:pipeline")).content.decode()
        assert client_for(user).get(EXISTING_URL).status_code == 403
        assert client_for(user).post(EXISTING_URL, {**project_fields(), "stage": "lead", "lead_on": "2020-01-01"}
                                     ).status_code == 403
        assert api_for(user).post(EXISTING_API, {**project_fields(), "current_stage": "lead", "lead_on": "2020-01-01"},
                                  format="json").status_code == 403
    assert not Project.all_objects.exists()
    assert make_user("investment").has_perm("investment.enter_project_history")


def test_an_importer_without_the_right_cannot_enter_a_history(make_user, client_for):
    from django.contrib.auth.models import Permission

    user = make_user("investment")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_project", "change_project"]))
    user.groups.clear()
    user = type(user).objects.get(pk=user.pk)
    header = ["项目编号", "项目名称", "投资方", "产业链", "总投资（万元）", "阶段", "线索日期"]
    upload(client_for(user), "investment.project",
           xlsx([header, ["XM2020-0101", "储能项目", "某储能公司", "新能源", 80000, "线索", "2020-01-02"]]))
    job = latest_job()
    assert [e["reason"] for e in job.errors] == ["您没有录入既有项目历史的权限；新项目只能从“线索”阶段开始"]


def test_a_leads_date_is_shown_on_its_projects_page(staff, client_for):
    lead = Lead.objects.create(received_on=date(2024, 7, 8), source="trip", investor="某公司", intended_project="轴承",
                               officer="张三")
    project = Project.objects.create(name="轴承项目", investor="某公司", chain=Chain.objects.get(name="汽车配件"),
                                     total_investment=D(1000), lead=lead)
    page = client_for(staff).get(project.get_absolute_url()).content.decode()
    assert "<td>线索</td><td>—</td><td>2024-07-08</td>" in page
    plain = Project.objects.create(name="齿轮项目", investor="某公司", chain=Chain.objects.get(name="汽车配件"),
                                   total_investment=D(1000))
    page = client_for(staff).get(plain.get_absolute_url()).content.decode()
    assert f"<td>线索</td><td>—</td><td>{timezone.localdate():%Y-%m-%d}</td>" in page
