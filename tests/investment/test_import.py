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


def test_the_preview_shows_a_projects_changes_as_labels_and_names(staff):
    from openpark.enterprises.models import Zone

    Zone.objects.create(name="道口经济区")
    header = ["项目编号", "项目名称", "投资方", "产业链", "环节", "片区", "总投资（万元）", "工业项目", "阶段"]
    rows = [header, ["XM2026-0001", "储能电池项目", "某储能公司", "新能源", "电池材料", "", 80000, "是", "线索"],
            ["XM2026-0002", "汽配项目", "某汽配公司", "汽车配件", "", "", 5000, "是", ""]]
    upload(staff, PROJECTS, xlsx(rows))
    confirm(staff, latest_job())
    rows[1][5:8] = ["道口经济区", 95000.5, "否"]

    upload(staff, PROJECTS, xlsx(rows))
    job = latest_job()
    assert (job.preview["update"], job.preview["unchanged"]) == (1, 1)
    [change] = job.preview["changes"]
    assert (change["row"], change["label"], change["action_label"]) == (2, "储能电池项目（XM2026-0001）", "更新")
    assert [f"{f['label']}：{f['before']} → {f['after']}" for f in change["fields"]] == [
        "片区：（空） → 道口经济区", "总投资（万元）：80,000.00 → 95,000.50", "工业项目：是 → 否"]
    page = staff.get(job.get_absolute_url()).content.decode()
    assert "检查通过：共 2 行：新建 0 行、更新 1 行、未变 1 行" in page and "工业项目：是 → 否" in page
    confirm(staff, job)
    project = Project.objects.get(code="XM2026-0001")
    assert (project.zone.name, project.total_investment, project.industrial) == ("道口经济区", 95000.5, False)


def test_a_project_code_twice_in_the_file_is_refused_naming_both_rows(staff):
    header = ["项目编号", "项目名称", "投资方", "产业链", "总投资（万元）"]
    rows = [header, ["XM2026-0001", "甲", "甲公司", "新能源", 100], ["XM2026-0001", "乙", "乙公司", "新能源", 200]]
    upload(staff, PROJECTS, xlsx(rows))
    job = latest_job()
    assert [(e["row"], e["reason"]) for e in job.errors] == [(3, "项目编号“XM2026-0001”与第 2 行重复")]
    assert not Project.all_objects.exists()
