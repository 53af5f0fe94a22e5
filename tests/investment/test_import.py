"""Importing the project sheet through the pages: what the sheet lacks or has beyond its columns is explained."""
import pytest

from openpark.investment.models import Project
from tests.sheets import confirm, latest_job, upload, xlsx

pytestmark = pytest.mark.django_db
PROJECTS = "investment.project"


@pytest.fixture
def staff(make_user, client_for):
    return client_for(make_user("investment", username="zhaoshang"))


def test_a_sheet_without_a_required_column_is_explained_not_a_server_error(staff):
    rows = [["项目编号", "项目名称", "投资方", "总投资（万元）", "对接人"], ["XM2026-1", "甲项目", "甲公司", 100, "张三"]]
    response = upload(staff, PROJECTS, xlsx(rows))
    job = latest_job()
    assert response.status_code == 302 and job.state == "invalid"
    assert [e["reason"] for e in job.errors] == ["缺少必填列“产业链”"]
    assert [c["header"] for c in job.preview["unmatched"]] == ["对接人"]
    assert staff.get(job.get_absolute_url()).status_code == 200
    confirm(staff, job)
    assert not Project.all_objects.exists()
