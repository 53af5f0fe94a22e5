"""What the platform refuses before it reaches the database or date arithmetic: ids beyond 64
bits, unsafe JSON, dates outside 1900–2100; and the API's refusals, all in Chinese."""
import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from rest_framework.test import APIClient

from openpark.core.text import is_chinese
from openpark.core.limits import check_json_value, id_out_of_range, parse_json_text, validate_date_range
from openpark.core.models import Grid
from tests.factories import EnterpriseFactory
from tests.sheets import latest_job, upload

pytestmark = pytest.mark.django_db

HUGE_ID = "99999999999999999999"
DEEP_JSON = "[" * 5000 + "]" * 5000


@pytest.fixture
def admin(make_user):
    return make_user("admin", is_superuser=True, is_staff=True)


def test_ids_no_column_holds_are_out_of_range():
    assert id_out_of_range(HUGE_ID) and id_out_of_range(2**63) and id_out_of_range(float("inf"))
    assert id_out_of_range(-(2**63) - 1) and id_out_of_range(" 99999999999999999999 ")
    assert not any(id_out_of_range(v) for v in (1, "12", 2**63 - 1, "abc", True, None, 1.5, "9" * 5000))


def test_unsafe_json_is_refused_in_chinese():
    for text in (DEEP_JSON, '{"a": NaN}', "[Infinity]", "[1e400]", '["a\\u0000"]', '{"\\u0000": 1}', "[1e16]"):
        with pytest.raises(Exception) as refused:
            parse_json_text(text)
        assert is_chinese(" ".join(refused.value.messages)), text
    assert parse_json_text('{"type": "Point", "coordinates": [120.5, 32]}')["coordinates"] == [120.5, 32]
    check_json_value({"a": [[[[1]]]], "b": "文字", "c": None, "d": True})


def test_a_form_refuses_deeply_nested_json_instead_of_failing(admin, client_for):
    response = client_for(admin).post(reverse("core:grid_add"), {"code": "G-9", "name": "网格", "boundary": DEEP_JSON})
    assert response.status_code == 200
    assert "嵌套层数过多" in str(response.context["form"].errors["boundary"])
    assert not Grid.objects.filter(code="G-9").exists()


def test_a_list_page_refuses_ids_beyond_64_bits(admin, client_for):
    client = client_for(admin)
    for url, param, value in ((reverse("enterprises:contact_list"), "enterprise", HUGE_ID),
                              (reverse("investment:problem_list"), "project", HUGE_ID),
                              (reverse("economy:fact_list"), "enterprise", "-1e400")):
        response = client.get(url, {param: value})
        assert response.status_code == 200 and "数值超出范围" in response.content.decode()


def test_the_api_refuses_ids_beyond_64_bits_in_filters_and_fields(admin):
    api = APIClient()
    api.force_authenticate(admin)
    response = api.get("/api/economy/facts/", {"enterprise": HUGE_ID})
    assert response.status_code == 400 and "数值超出范围" in response.json()["detail"]
    response = api.get("/api/enterprises/enterprises/", {"zone": HUGE_ID})
    assert response.status_code == 400 and response.json()["errors"]["zone"] == ["所选记录不存在（编号超出范围）。"]
    response = api.post("/api/economy/facts/", '{"enterprise": 1e400, "indicator": 1, "year": 2021, "value": 1}',
                        content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"]["enterprise"] == ["所选记录不存在（编号超出范围）。"]


@pytest.mark.parametrize("link", ["1.5", "true"])
def test_the_api_refuses_a_link_that_is_not_a_whole_number(admin, link):
    """1.5 is not read as record 1, nor true as record 1."""
    from openpark.enterprises.models import Zone

    zone = Zone.objects.create(name="示范片区")
    enterprise = EnterpriseFactory(zone=None)
    api = APIClient()
    api.force_authenticate(admin)
    response = api.patch(f"/api/enterprises/enterprises/{enterprise.pk}/", f'{{"zone": {link.replace("1.5", str(zone.pk) + ".5")}}}',
                         content_type="application/json")
    assert response.status_code == 400 and "编号应为整数" in response.json()["errors"]["zone"][0]
    enterprise.refresh_from_db()
    assert enterprise.zone_id is None


def test_dates_outside_1900_to_2100_are_refused_everywhere(admin, client_for):
    enterprise = EnterpriseFactory()
    response = client_for(admin).post(reverse("enterprises:hightechcertificate_add"),
                                      {"enterprise": enterprise.pk, "number": "GR1", "issued_on": "9999-12-31"})
    assert "日期须在 1900-01-01 至 2100-12-31 之间" in str(response.context["form"].errors["issued_on"])
    api = APIClient()
    api.force_authenticate(admin)
    response = api.patch(f"/api/enterprises/enterprises/{enterprise.pk}/", {"registered_on": "1899-12-31"},
                         format="json")
    assert response.status_code == 400 and "日期须在" in response.json()["detail"]


@pytest.mark.parametrize("body, message", [
    ("[" * 100000, "嵌套层数过多"),
    ('{"name": NaN}', "不是有效的 JSON"),
    ('{"year": ' + "9" * 5000 + "}", "数字位数过多"),
    ("{bad", "第 1 行第 2 列有误"),
])
def test_api_parse_errors_are_chinese(admin, body, message):
    api = APIClient()
    api.force_authenticate(admin)
    response = api.post("/api/economy/facts/", body, content_type="application/json")
    assert response.status_code == 400 and message in response.json()["detail"]


def test_api_requests_django_refuses_are_400_in_chinese(admin, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    api = APIClient()
    api.force_authenticate(admin)
    response = api.post("/api/core/grids/", "&".join(f"f{n}=1" for n in range(10)),
                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json()["detail"] == "请求的字段过多。"


def test_csrf_failure_is_explained_in_chinese(admin):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(admin)
    response = api.post("/api/core/grids/", {"code": "G-1", "name": "网格"}, format="json")
    assert response.status_code == 403 and response.json()["detail"].startswith("CSRF 校验失败")


def test_every_constraint_explains_itself_in_chinese():
    constraints = [(model, c) for model in apps.get_models() if model.__module__.startswith("openpark.")
                   for c in model._meta.constraints]
    assert constraints
    for _model, constraint in constraints:
        assert constraint.violation_error_message != constraint.default_violation_error_message, constraint.name
        assert re.search(r"[\u4e00-\u9fff]", str(constraint.violation_error_message)), constraint.name


def test_every_date_field_of_the_platform_is_bounded():
    date_fields = [f for model in apps.get_models() if model.__module__.startswith("openpark.")
                   for f in model._meta.local_fields
                   if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)]
    assert len(date_fields) > 20
    assert all(validate_date_range in f.validators for f in date_fields)


def test_a_long_file_name_fits_the_task_label(make_user, client_for):
    """Before: the label “检查导入文件 <name>” overflowed its 200 characters (PostgreSQL: DataError)."""
    name = "企" * 196 + ".csv"
    sheet = "统一社会信用代码,企业名称\n".encode()
    response = upload(client_for(make_user("economy")), "enterprises.enterprise", sheet, name)
    job = latest_job()
    assert response.status_code == 302 and job.filename == name[:200]
    assert len(job.check_run.label) == 200 and job.check_run.label.endswith("…")
