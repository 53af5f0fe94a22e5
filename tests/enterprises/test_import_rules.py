"""The enterprise sheet runs the model's own rules on every row, before anything is written: a value
the page and the API refuse is refused by the import with the same words, and nothing is stored."""
import pytest
from django.urls import reverse

from openpark.enterprises.models import Enterprise
from tests.sheets import latest_job, upload, xlsx

from .helpers import code

OUTSIDE_CHINA = "经度 500 不在中国境内（73°–136°E），请检查经纬度是否写反。"


@pytest.fixture
def economy(make_user):
    return make_user("economy")


def test_a_longitude_out_of_range_is_refused_by_the_page_the_api_and_the_import_alike(economy, client_for, api_for):
    page = client_for(economy).post(reverse("enterprises:enterprise_add"), {
        "uscc": code(1), "name": "靖江甲机械有限公司", "status": "operating", "longitude": "500", "latitude": "32"})
    assert page.status_code == 200 and OUTSIDE_CHINA in page.context["form"].errors["longitude"]

    api = api_for(economy).post("/api/enterprises/enterprises/", {
        "uscc": code(1), "name": "靖江甲机械有限公司", "longitude": "500", "latitude": "32"}, format="json")
    assert api.status_code == 400 and api.json()["errors"]["longitude"] == [OUTSIDE_CHINA]

    rows = [["统一社会信用代码", "企业名称", "经度", "纬度"],
            [code(2), "靖江乙电机有限公司", 120.2, 32.0],
            [code(1), "靖江甲机械有限公司", 500, 32]]
    upload(client_for(economy), "enterprises.enterprise", xlsx(rows))
    job = latest_job()
    assert job.state == "invalid"
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [(3, "经度", OUTSIDE_CHINA)]
    assert not Enterprise.all_objects.exists()  # all or nothing: the good row is not written either


def test_the_land_ledger_refuses_a_release_before_the_acquisition_with_the_model_s_words(economy, client_for):
    rows = [["不动产权证号", "面积（亩）", "权利人名称", "取得日期", "注销或收回日期"],
            ["苏（2019）靖江市不动产权第0000001号", 10, "靖江城投", "2019-05-06", "2018-01-01"]]
    upload(client_for(economy), "enterprises.landparcel", xlsx(rows))
    job = latest_job()
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (2, "注销或收回日期", "注销或收回日期不能早于取得日期。")]


def test_every_rule_a_row_breaks_is_listed_and_a_unique_value_held_elsewhere_is_refused(economy, client_for):
    from openpark.enterprises.models import HighTechCertificate  # noqa: F401  (certificates are related rows)

    rows = [["统一社会信用代码", "企业名称", "成立日期", "经度", "纬度"],
            [code(1), "靖江甲机械有限公司", "2150-01-01", 500, 32],
            [code(2), "靖江乙电机有限公司", "2015-03-05", 120.2, 32.0]]
    upload(client_for(economy), "enterprises.enterprise", xlsx(rows))
    job = latest_job()
    assert sorted((e["row"], e["column"]) for e in job.errors) == [(2, "成立日期"), (2, "经度")]
    assert OUTSIDE_CHINA in [e["reason"] for e in job.errors]
    assert not Enterprise.all_objects.exists()


def test_a_project_sheet_refuses_a_fixed_investment_above_the_total_as_the_form_does(make_user, client_for):
    from openpark.investment.models import Project

    rows = [["项目编号", "项目名称", "投资方", "产业链", "总投资（万元）", "固定资产投资（万元）"],
            ["XM2026-0001", "储能电池项目", "某储能公司", "新能源", 8000, 9000],
            ["XM2026-0002", "汽配项目", "某汽配公司", "汽车配件", 5000, 4000]]
    upload(client_for(make_user("investment")), "investment.project", xlsx(rows))
    job = latest_job()
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (2, "固定资产投资（万元）", "固定资产投资不能超过总投资。")]
    assert not Project.all_objects.exists()
