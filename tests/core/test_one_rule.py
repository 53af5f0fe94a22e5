"""One rule, one home: each rule of the model refuses the same bad record with the same Chinese
words on every path that writes it — the page, the API, the import, the service, the queryset and
the admin."""
from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from openpark.enterprises.models import Enterprise
from openpark.evaluation.models import DisposalCase, Run, SchemeVersion
from openpark.investment import services as investment
from openpark.investment.models import Chain, Problem, Project
from tests.enterprises.helpers import code
from tests.evaluation.test_runs import enterprise_with
from tests.sheets import latest_job, upload, xlsx

pytestmark = pytest.mark.django_db


def page_errors(response, field) -> list[str]:
    return list(response.context["form"].errors[field])


def api_errors(response, field) -> list[str]:
    assert response.status_code == 400
    return response.json()["errors"][field]


def test_a_position_outside_china(make_user, client_for, api_for):
    message = "经度 500 不在中国境内（73°–136°E），请检查经纬度是否写反。"
    user = make_user("economy")
    record = {"uscc": code(1), "name": "靖江甲机械有限公司", "status": "operating", "longitude": "500", "latitude": "32"}
    assert page_errors(client_for(user).post(reverse("enterprises:enterprise_add"), record), "longitude") == [message]
    assert api_errors(api_for(user).post("/api/enterprises/enterprises/", record, format="json"), "longitude") == [message]
    upload(client_for(user), "enterprises.enterprise", xlsx([["统一社会信用代码", "企业名称", "经度", "纬度"],
                                                              [code(1), "靖江甲机械有限公司", 500, 32]]))
    assert [e["reason"] for e in latest_job().errors] == [message]
    assert not Enterprise.all_objects.exists()


def test_a_disposal_larger_than_the_land(make_user, client_for, api_for):
    enterprise = enterprise_with(2021, 10, tax=40)
    message = "涉及面积不能超过该企业 2021 年的用地面积 10.0000 亩。"
    user = make_user("economy")
    record = {"enterprise": enterprise.pk, "year": 2021, "route": "upgrade", "area_mu": "12",
              "deadline": "2027-06-30", "officer": "王建国"}
    assert page_errors(client_for(user).post(reverse("evaluation:disposalcase_add"), record), "area_mu") == [message]
    assert api_errors(api_for(user).post("/api/evaluation/disposals/", record, format="json"), "area_mu") == [message]
    case = DisposalCase(enterprise=enterprise, year=2021, route="upgrade", area_mu=D(12), deadline=date(2027, 6, 30),
                        officer="王建国")
    with pytest.raises(ValidationError) as refused:
        case.full_clean()
    assert refused.value.message_dict["area_mu"] == [message]
    assert not DisposalCase.objects.exists()


def test_a_problem_on_a_terminated_project(make_user, client_for, api_for):
    message = "项目已终止，不能再提出问题。"
    user = make_user("investment")
    project = Project.objects.create(name="精密齿轮项目", investor="某某精工", chain=Chain.objects.get(name="汽车配件"),
                                     total_investment=D(50000), stage_changed_on=date(2026, 1, 5))
    Project.machine.apply(project, "terminate", user, note="投资方战略调整")
    record = {"project": project.pk, "description": "环评排队", "owner": "环保局", "raised_on": "2026-01-20",
              "deadline": "2026-02-01"}
    assert page_errors(client_for(user).post(reverse("investment:problem_add"), record), "project") == [message]
    assert api_errors(api_for(user).post("/api/investment/problems/", record, format="json"), "project") == [message]
    with pytest.raises(ValidationError) as refused:
        investment.raise_problem(project, "环评排队", "环保局", date(2026, 2, 1), raised_on=date(2026, 1, 20))
    assert refused.value.message_dict["project"] == [message]
    assert not Problem.objects.exists()


def test_deleting_a_published_run(make_user, client_for, client):
    from django.contrib.auth import get_user_model

    message = "已发布的评价批次不能删除。"
    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021 年度评价")
    Run.all_objects.filter(pk=run.pk).update(state="published")
    page = client_for(make_user("economy")).post(reverse("evaluation:run_delete", args=[run.pk]), follow=True)
    assert [str(m) for m in page.context["messages"]] == [message]
    with pytest.raises(ValidationError) as refused:
        Run.objects.filter(pk=run.pk).delete()
    assert refused.value.messages == [message]
    with pytest.raises(ValidationError) as refused:
        Run.objects.get(pk=run.pk).delete()
    assert refused.value.messages == [message]
    client.force_login(get_user_model().objects.create_superuser("root", password="x-Harbour-77"))
    admin = client.post(reverse("admin:evaluation_run_changelist"), {
        "action": "delete_selected", "_selected_action": [run.pk], "post": "yes"}, follow=True)
    assert [(m.level, str(m)) for m in admin.context["messages"]] == [
        (messages.ERROR, f"{message.rstrip('。')}：2021 年度评价")]
    assert not Run.all_objects.get(pk=run.pk).is_deleted
