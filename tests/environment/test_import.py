"""Importing outfalls, measures and pollution sources: all or nothing, the model's rules on every
row, and the export that imports back unchanged."""
from datetime import date

import pytest
from django.urls import reverse

from openpark.environment.models import Measure, Outfall, PollutionSource
from tests.factories import EnterpriseFactory
from tests.sheets import confirm, latest_job, read_xlsx, upload, xlsx

pytestmark = pytest.mark.django_db
OUTFALL_HEADER = ["排口编码", "排口名称", "排口类别", "经度", "纬度", "受纳水体", "所在河段", "排放口形式", "设置审批",
                  "责任企业统一社会信用代码", "其他责任单位", "标志牌"]


@pytest.fixture
def client(staff, client_for):
    return client_for(staff)


def test_outfalls_import_and_go_round(client, yangtze, segment):
    company = EnterpriseFactory(name="靖江某机械有限公司")
    rows = [OUTFALL_HEADER,
            ["CN001", "七圩港口门排口", "其他排口", 120.265, 31.98, "长江（靖江段）", "城南段", "涵闸", "备案", "", "", "是"],
            ["cn002", "某企业雨水排口", "工业雨水排口", 120.27, 31.97, "长江（靖江段）", "", "暗管", "未审批", company.uscc,
             "", "否"]]
    upload(client, "environment.outfall", xlsx(rows))
    job = latest_job()
    assert job.state == "ready", job.errors
    assert job.preview["create"] == 2
    confirm(client, job)
    first, second = Outfall.objects.order_by("code")
    assert (first.code, first.outlet_form, first.approval_type, first.has_signboard, first.stage) == \
        ("CN001", "sluice", "filed", True, "suspected")
    assert first.responsible_party == "属地政府" and first.segment == segment
    assert (second.code, second.enterprise, second.outfall_class.is_storm_water) == ("CN002", company, True)

    exported = client.get(reverse("environment:outfall_list"), {"export": "xlsx"})
    assert exported.status_code == 200
    sheet = read_xlsx(exported.content)
    assert sheet[0][:3] == ["排口编码", "排口名称", "排口类别"] and len(sheet) == 3
    upload(client, "environment.outfall", exported.content, name="排口.xlsx")
    job = latest_job()
    assert job.state == "ready" and job.preview["unchanged"] == 2, job.errors


def test_a_bad_outfall_sheet_writes_nothing(client, yangtze, segment):
    rows = [OUTFALL_HEADER,
            ["CN001", "好排口", "其他排口", 120.265, 31.98, "长江（靖江段）", "城南段", "涵闸", "备案", "", "", "是"],
            ["C-2", "编码不对", "其他排口", 120.27, 31.97, "长江（靖江段）", "", "暗管", "未审批", "", "", "否"],
            ["CN003", "类别不对", "五类排口", 120.27, 31.97, "长江（靖江段）", "", "", "", "", "", ""],
            ["CN004", "河段不对", "其他排口", 120.27, 31.97, "长江（靖江段）", "入江段", "", "", "", "", ""],
            ["CN005", "经纬度写反", "其他排口", 31.97, 120.27, "长江（靖江段）", "", "", "", "", "", ""]]
    upload(client, "environment.outfall", xlsx(rows))
    job = latest_job()
    assert job.state == "invalid"
    reasons = {(e["row"], e["column"]): e["reason"] for e in job.errors}
    assert reasons[(3, "排口编码")].startswith("排口编码“C-2”不符合本园区规则：")
    assert reasons[(4, "排口类别")].startswith("没有名为“五类排口”的排口类别")
    assert reasons[(5, "所在河段")] == "水体“长江（靖江段）”中没有“入江段”河段"
    assert "经纬度是否写反" in reasons[(6, "经度")]
    confirm(client, job)
    assert not Outfall.all_objects.exists()


def test_a_sheet_with_a_formula_saved_without_its_result_writes_nothing(client, yangtze, segment):
    """A longitude computed by a formula that the program writing the file never calculated: the
    file is refused, naming the cell, and nothing is written, not even the good row."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet("排口")
    sheet.write_row(0, 0, OUTFALL_HEADER)
    sheet.write_row(1, 0, ["CN001", "好排口", "其他排口", 120.265, 31.98, "长江（靖江段）", "城南段", "涵闸", "备案", "", "", "是"])
    sheet.write_row(2, 0, ["CN002", "公式排口", "其他排口", None, 31.97, "长江（靖江段）", "", "暗管", "未审批", "", "", "否"])
    sheet.write_formula(2, 3, "=120+0.27", None, "")
    workbook.close()
    upload(client, "environment.outfall", buffer.getvalue())
    job = latest_job()
    assert job.state == "invalid"
    assert job.errors[0]["reason"].startswith("工作表“排口”第 3 行 D 列是公式，没有计算结果")
    confirm(client, job)
    assert not Outfall.all_objects.exists()


def test_measures_import_by_outfall_code(client, make_outfall):
    make_outfall(code="CN001", plan_type="regularise")
    make_outfall(code="CN002")  # no plan yet
    header = ["排口编码", "措施内容", "责任单位（人）", "完成时限", "进度（%）", "状态", "完成日期"]
    bad = [header, ["CN001", "设置标志牌", "企业", "2026-06-30", 80, "已完成", "2026-06-01"],
           ["CN002", "封堵混接管", "城南办事处", "2026-06-30", 0, "未开始", ""],
           ["CN404", "清淤", "城南办事处", "2026-06-30", 0, "未开始", ""]]
    upload(client, "environment.measure", xlsx(bad))
    job = latest_job()
    reasons = {(e["row"], e["column"]): e["reason"] for e in job.errors}
    assert reasons == {(2, "进度（%）"): "已完成的措施进度应为 100%。", (3, "排口编码"): "该排口尚未制定整治方案",
                       (4, "排口编码"): "没有这个编码的排口"}
    confirm(client, job)
    assert not Measure.all_objects.exists()

    good = [header, ["CN001", "设置标志牌", "企业", "2026-06-30", 100, "已完成", "2026-06-01"],
            ["CN001", "封堵混接管", "城南办事处", "2026-09-30", 40, "进行中", ""]]
    upload(client, "environment.measure", xlsx(good))
    job = latest_job()
    assert job.state == "ready" and job.preview["create"] == 2, job.errors
    confirm(client, job)
    done = Measure.objects.get(content="设置标志牌")
    assert (done.status, done.progress, done.completed_on) == ("done", 100, date(2026, 6, 1))
    exported = client.get(reverse("environment:measure_list"), {"export": "xlsx"})
    upload(client, "environment.measure", exported.content, name="措施.xlsx")
    assert latest_job().preview["unchanged"] == 2


def test_pollution_sources_import_with_the_industrial_rule(client):
    company = EnterpriseFactory(name="靖江某化工有限公司")
    header = ["污染源名称", "类别", "所属企业统一社会信用代码", "责任主体", "位置", "主要污染物"]
    bad = [header, ["化工废水", "工业源", company.uscc, "", "城南工业集中区", "化学需氧量"],
           ["小作坊散排", "工业源", "", "", "十圩港沿线", "化学需氧量"]]
    upload(client, "environment.pollutionsource", xlsx(bad))
    job = latest_job()
    assert [(e["row"], e["reason"]) for e in job.errors] == [(3, "工业源须关联所属企业或填写责任主体。")]
    confirm(client, job)
    assert not PollutionSource.all_objects.exists()
    bad[2][3] = "城南办事处"
    upload(client, "environment.pollutionsource", xlsx(bad))
    confirm(client, latest_job())
    assert PollutionSource.objects.get(name="化工废水").enterprise == company
    assert PollutionSource.objects.count() == 2


def test_the_import_pages_sit_in_their_module(client, yangtze, segment):
    """An import's pages (the upload form and the job) carry the module in their breadcrumbs and
    mark the imported records' list in the sidebar, as the list's own pages do."""
    import re

    list_url = reverse("environment:outfall_list")

    def place(html: str) -> tuple[list[str], str]:
        crumbs = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S)
        current = re.search(r'<a href="([^"]+)" class="current"', html)
        labels = re.findall(r">([^<>]+)</(?:a|span)>", crumbs.group(1)) if crumbs else []
        return labels, current.group(1) if current else ""

    start = client.get(reverse("core:import_start", args=["environment.outfall"]))
    assert start.status_code == 200
    assert start.context["breadcrumbs"][:3] == [("首页", reverse("home")), ("智慧环保", ""), ("入河排污口", list_url)]
    crumbs, current = place(start.content.decode())
    assert "智慧环保" in crumbs and current == list_url
    assert '<details class="nav-module has-current" data-module="environment"' in start.content.decode()

    upload(client, "environment.outfall", xlsx([OUTFALL_HEADER]))
    job = client.get(latest_job().get_absolute_url())
    assert [label for label, _ in job.context["breadcrumbs"][:4]] == ["首页", "智慧环保", "入河排污口", "批量导入"]
    assert place(job.content.decode())[1] == list_url


def test_the_error_report_names_every_bad_cell_of_a_row(client, yangtze, segment):
    """A row with a bad code, an unknown class and a longitude that is not a number: all three are
    reported at once, in the page's list and in the report's 错误说明, not one per upload."""
    rows = [OUTFALL_HEADER,
            ["CN001", "好排口", "其他排口", 120.265, 31.98, "长江（靖江段）", "城南段", "", "", "", "", ""],
            ["cn-x", "三处错误", "五类排口", "abc", 31.97, "长江（靖江段）", "", "", "", "", "", ""]]
    upload(client, "environment.outfall", xlsx(rows))
    job = latest_job()
    assert job.state == "invalid"
    reasons = {e["column"]: e["reason"] for e in job.errors if e["row"] == 3}
    assert set(reasons) == {"排口编码", "排口类别", "经度"}, job.errors
    assert reasons["排口编码"].startswith("排口编码“CN-X”不符合本园区规则")
    assert reasons["排口类别"].startswith("没有名为“五类排口”的排口类别")
    assert "不是" in reasons["经度"] and "abc" in reasons["经度"]
    assert job.error_count == 3
    report = read_xlsx(b"".join(client.get(reverse("core:importjob_report", args=[job.pk])).streaming_content))
    explained = next(row for row in report if row[0] == "cn-x")[-1]
    assert all(column in explained for column in reasons)
    # 我的后台任务 says the check refused the file, not that it finished well.
    listed = client.get(reverse("core:taskrun_list")).content.decode()
    assert "未通过（3 处错误）" in listed and "已完成" not in listed
    confirm(client, job)
    assert not Outfall.all_objects.exists()


def test_a_finished_import_leads_back_to_the_list(client, yangtze, segment):
    rows = [OUTFALL_HEADER, ["CN001", "好排口", "其他排口", 120.265, 31.98, "长江（靖江段）", "城南段", "", "", "", "", ""]]
    upload(client, "environment.outfall", xlsx(rows))
    job = latest_job()
    confirm(client, job)
    job.refresh_from_db()
    assert job.state == "done"
    page = client.get(job.get_absolute_url()).content.decode()
    assert f'id="back-to-list" href="{reverse("environment:outfall_list")}"' in page
    assert "已完成" in client.get(reverse("core:taskrun_list")).content.decode()


def test_the_outfall_export_names_the_company_and_the_state_and_still_goes_round(client, yangtze, segment):
    company = EnterpriseFactory(name="靖江某机械有限公司")
    rows = [OUTFALL_HEADER,
            ["CN001", "七圩港口门排口", "其他排口", 120.265, 31.98, "长江（靖江段）", "城南段", "", "", "", "", ""],
            ["CN002", "某企业雨水排口", "工业雨水排口", 120.27, 31.97, "长江（靖江段）", "", "", "", company.uscc, "", ""]]
    upload(client, "environment.outfall", xlsx(rows))
    confirm(client, latest_job())
    Outfall.objects.filter(code="CN002").update(stage="verified")
    sheet = read_xlsx(client.get(reverse("environment:outfall_list"), {"export": "xlsx"}).content)
    header = sheet[0]
    code_at = header.index("责任企业统一社会信用代码")
    assert header[code_at + 1] == "责任企业名称" and header[-1] == "状态"
    second = dict(zip(header, sheet[2]))
    assert (second["责任企业统一社会信用代码"], second["责任企业名称"]) == (company.uscc, "靖江某机械有限公司")
    assert (dict(zip(header, sheet[1]))["状态"], second["状态"]) == ("疑似", "已核实")
    # The name and the state are read past: the file imports back unchanged, asking about no column.
    upload(client, "environment.outfall", client.get(reverse("environment:outfall_list"), {"export": "xlsx"}).content)
    job = latest_job()
    assert job.state == "ready" and job.preview["unchanged"] == 2 and not job.preview.get("unmatched"), job.errors
    # A name that no longer matches changes nothing either: the code is what is read.
    edited = [list(row) for row in sheet]
    edited[2][code_at + 1] = "改了名字的公司"
    upload(client, "environment.outfall", xlsx(edited))
    assert latest_job().preview["unchanged"] == 2
