"""The rules on the environment models, which every path (form, API, import, admin) runs."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openpark.environment.models import GOVERNMENT, Measure, PollutionSource, RemediationPlan, RiverSegment, WaterBody
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_an_outfall_code_follows_the_parks_scheme(make_outfall, settings):
    outfall = make_outfall()
    outfall.code = "cn-1"
    assert errors_of(outfall)["code"] == [
        "排口编码“CN-1”不符合本园区规则：2～4 位大写字母加 3～6 位数字，如 CN001（字母不分大小写，保存为大写）。"]
    outfall.code = " jjcn0012 "
    outfall.full_clean()
    assert outfall.code == "JJCN0012"  # written as the scheme writes it
    settings.OPENPARK_OUTFALL_CODE_PATTERN = r"^JJ-[0-9]{4}$"
    settings.OPENPARK_OUTFALL_CODE_DESCRIPTION = "JJ- 加 4 位数字"
    assert errors_of(outfall)["code"] == ["排口编码“JJCN0012”不符合本园区规则：JJ- 加 4 位数字（字母不分大小写，保存为大写）。"]
    outfall.code = "JJ-0001"
    outfall.full_clean()


def test_an_outfall_code_is_unique(make_outfall):
    make_outfall(code="CN100")
    twin = make_outfall(code="CN101")
    twin.code = "CN100"
    assert errors_of(twin)["code"] == ["已有相同编码的排口。"]


def test_coordinates_are_checked_as_everywhere_else(make_outfall):
    outfall = make_outfall()
    outfall.longitude, outfall.latitude = D("31.98"), D("120.26")  # swapped
    assert "经纬度是否写反" in errors_of(outfall)["longitude"][0]


def test_the_segment_must_belong_to_the_receiving_water_body(make_outfall, yangtze):
    other = WaterBody.objects.create(name="七圩港", kind="canal")
    stretch = RiverSegment.objects.create(water_body=other, name="入江段")
    outfall = make_outfall()
    outfall.segment = stretch
    assert errors_of(outfall)["segment"] == ["所选河段不属于所选受纳水体。"]


def test_the_responsible_party_falls_back_to_the_local_government(make_outfall, staff, client_for):
    company = EnterpriseFactory(name="靖江某机械有限公司")
    assert make_outfall(enterprise=company).responsible_party == "靖江某机械有限公司"
    assert make_outfall(responsible_organisation="靖江港城南码头").responsible_party == "靖江港城南码头"
    nobody = make_outfall()
    assert nobody.responsible_party == GOVERNMENT == "属地政府"
    page = client_for(staff).get(nobody.get_absolute_url()).content.decode()
    assert '<strong id="responsible">属地政府</strong>（无责任企业或其他责任单位，由属地政府负责）' in page


def test_merged_into_rules(make_outfall):
    target = make_outfall("in_remediation")
    outfall = make_outfall("merged", merged_into=target)
    outfall.full_clean()
    outfall.merged_into = None
    assert errors_of(outfall)["merged_into"] == ["已合并的排口须指明并入的排口。"]
    outfall.merged_into = outfall
    assert errors_of(outfall)["merged_into"] == ["排口不能并入自身。"]
    for stage in ("merged", "abolished"):
        gone = make_outfall(stage, merged_into=target if stage == "merged" else None)
        outfall.merged_into = gone
        assert errors_of(outfall)["merged_into"] == [f"不能并入状态为“{gone.get_stage_display()}”的排口。"]
    back = make_outfall("in_remediation")
    back_merged = make_outfall("merged", merged_into=back)
    back.merged_into = back_merged
    assert back.merge_target_error(back_merged) == "不能并入状态为“已合并”的排口。"


def test_one_plan_per_outfall(make_outfall):
    outfall = make_outfall(plan_type="regularise")
    second = RemediationPlan(outfall=outfall, plan_type="keep")
    assert errors_of(second)["outfall"] == ["该排口已有整治方案（一口一策）。"]
    plan = RemediationPlan(outfall=make_outfall(), plan_type="keep", approved_on=date(2026, 1, 1))
    assert errors_of(plan)["approved_by"] == ["填写了批复日期，请同时填写批复单位。"]


def test_a_completed_measure_has_its_date_and_100_percent(make_outfall):
    plan = make_outfall(plan_type="regularise").plan
    measure = Measure(plan=plan, content="设置标志牌", owner="企业", deadline=date(2026, 6, 30), status="done",
                      progress=80)
    found = errors_of(measure)
    assert found["completed_on"] == ["已完成的措施须填写完成日期。"] and found["progress"] == ["已完成的措施进度应为 100%。"]
    measure.progress, measure.completed_on = 100, date(2026, 6, 1)
    measure.full_clean()
    measure.status = "in_progress"
    assert errors_of(measure)["status"] == ["填写了完成日期，状态应为“已完成”。"]
    measure.status, measure.completed_on, measure.progress = "not_started", None, 10
    assert errors_of(measure)["progress"] == ["未开始的措施进度应为 0。"]
    measure.progress = 101
    assert "progress" in errors_of(measure)
    measure.status, measure.progress, measure.completed_on = "done", 100, timezone.localdate() + timedelta(days=1)
    assert errors_of(measure)["completed_on"] == ["完成日期不能晚于今天。"]


def test_an_industrial_source_names_its_enterprise_or_a_responsible_party():
    source = PollutionSource(name="喷涂废水", category="industrial")
    assert errors_of(source)["enterprise"] == ["工业源须关联所属企业或填写责任主体。"]
    source.responsible_party = "城南办事处"
    source.full_clean()
    PollutionSource(name="社区生活污水", category="domestic").full_clean()


def test_a_water_body_line_is_checked(yangtze):
    yangtze.geometry = {"type": "LineString", "coordinates": [[120.2, 31.9], [120.3, 31.95]]}
    yangtze.full_clean()
    yangtze.geometry = {"type": "LineString", "coordinates": [[31.9, 120.2], [31.95, 120.3]]}
    assert "经纬度是否写反" in errors_of(yangtze)["geometry"][0]
    yangtze.geometry = {"type": "Circle"}
    assert errors_of(yangtze)["geometry"] == ["空间范围应为 GeoJSON 的线（LineString）、点或面。"]


def test_the_outfall_form_and_api_run_the_rules(staff, client_for, api_for, yangtze, segment):
    from openpark.environment.models import Outfall, OutfallClass

    body = {"code": "cn-9", "name": "新排口", "outfall_class": OutfallClass.objects.first().pk, "longitude": "120.26",
            "latitude": "31.98", "water_body": yangtze.pk, "segment": segment.pk, "outlet_form": "open_pipe",
            "discharge_mode": "continuous", "approval_type": "unapproved", "usage_status": "in_use"}
    response = api_for(staff).post("/api/environment/outfalls/", body, format="json")
    assert response.status_code == 400 and "排口编码“CN-9”不符合本园区规则" in str(response.json())
    response = client_for(staff).post("/environment/outfalls/add/", body)
    assert response.status_code == 200 and "排口编码“CN-9”不符合本园区规则" in response.content.decode()
    assert not Outfall.objects.exists()
    body["code"] = "CN009"
    response = api_for(staff).post("/api/environment/outfalls/", body, format="json")
    assert response.status_code == 201 and response.json()["stage"] == "suspected"
    assert response.json()["responsible_party"] == "属地政府"
