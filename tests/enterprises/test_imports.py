"""Importing the enterprise file and the land ledger through the pages: check, preview, confirm."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from openpark.core.models import ChangeRecord, ImportJob, TaskRun
from openpark.enterprises.models import AboveScaleYear, Contact, Enterprise, LandParcel, Tag, Zone
from tests.factories import EnterpriseFactory
from tests.sheets import confirm, latest_job, read_xlsx, upload as upload_to, xlsx

from .helpers import code

ENTERPRISES = "enterprises.enterprise"
PARCELS = "enterprises.landparcel"
HEADER = ["统一社会信用代码", "企业名称", "成立日期", "经营状态", "行业代码", "所在片区", "规上年份",
          "高新技术企业证书编号", "高新技术企业发证日期", "标签", "联系人", "联系电话"]


@pytest.fixture
def zone(db):
    return Zone.objects.create(name="道口经济区")


@pytest.fixture
def economy(make_user, client_for, zone):
    return client_for(make_user("economy", username="jingfa"))


def good_rows():
    return [
        HEADER,
        [code(1), "靖江甲机械有限公司", "2015-03-05", "在营", "C3484", "道口经济区", "2020,2021", "GR202032000001",
         "2020-12-01", "工程机械；专精特新", "王伟", "13812345678"],
        [code(2), "靖江乙电机有限公司", 42064, "停产", "3819", "", "", "", "", "", "", ""],
        [code(3), "靖江丙包装有限公司", "2018年7月1日", "", "2231", "道口经济区", "2021", "", "", "包装", "", ""],
    ]


def counts(create=0, update=0, restore=0, unchanged=0, delete=0):
    """The counts of an import of the enterprise sheet, as the preview and the result give them."""
    return {"total": create + update + restore + unchanged, "create": create, "update": update, "restore": restore,
            "unchanged": unchanged, "delete": delete}


def counts_of(preview):
    return {key: preview[key] for key in ("total", "create", "update", "restore", "unchanged", "delete")}


def upload(client, importer, content, name="企业.xlsx"):
    return upload_to(client, importer, content, name)


def test_good_file_is_checked_previewed_then_written(economy):
    response = upload(economy, ENTERPRISES, xlsx(good_rows()))
    job = latest_job()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == "ready" and not Enterprise.objects.exists()
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "检查通过：共 3 行：新建 3 行、更新 0 行、未变 0 行" in page
    assert "靖江甲机械有限公司" in page and "2015-03-05" in page and "2015-02-28" not in page

    confirm(economy, job)
    job.refresh_from_db()
    assert job.state == "done" and job.result == counts(create=3)
    first = Enterprise.objects.get(uscc=code(1))
    assert (first.registered_on, first.status, first.industry_id, first.zone.name) == (
        date(2015, 3, 5), "operating", "3484", "道口经济区")
    assert Enterprise.objects.get(uscc=code(2)).registered_on == date(2015, 3, 1)  # an Excel serial
    assert Enterprise.objects.get(uscc=code(3)).registered_on == date(2018, 7, 1)
    assert list(AboveScaleYear.objects.filter(enterprise=first).values_list("year", flat=True)) == [2020, 2021]
    assert first.is_high_tech(2022) and not first.is_high_tech(2023)
    assert list(first.tags.values_list("name", flat=True)) == ["专精特新"]
    assert list(first.chains.values_list("name", flat=True)) == ["工程机械"]  # a chain's name puts it in the chain
    assert Contact.objects.get(enterprise=first).phone == "13812345678"
    record = ChangeRecord.objects.get(content_type__model="enterprise", object_id=str(first.pk))
    assert record.user.username == "jingfa" and record.source.startswith("import:")
    assert TaskRun.objects.filter(name="core.apply_import", state="success").exists()


def test_reimport_updates_by_code_and_keeps_the_former_name(economy):
    upload(economy, ENTERPRISES, xlsx(good_rows()))
    confirm(economy, latest_job())
    rows = good_rows()
    rows[1][1] = "靖江甲重工有限公司"
    rows[1][0] = " " + code(1).lower()  # the same code, typed differently
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert counts_of(job.preview) == counts(update=1, unchanged=2)
    confirm(economy, job)
    job.refresh_from_db()
    assert job.result == counts(update=1, unchanged=2)
    renamed = Enterprise.objects.get(uscc=code(1))
    assert renamed.name == "靖江甲重工有限公司"
    assert list(renamed.former_names.values_list("name", flat=True)) == ["靖江甲机械有限公司"]


def test_one_bad_row_among_good_rows_writes_nothing_and_is_named(economy):
    rows = good_rows()
    rows.insert(3, [code(4)[:-1] + ("0" if code(4)[-1] != "0" else "1"), "靖江坏代码有限公司", "", "", "", "", "", "", "", "", "", ""])
    upload(economy, ENTERPRISES, xlsx(rows, sheet="名录"))
    job = latest_job()
    assert job.state == "invalid" and job.error_count == 1
    error = job.errors[0]
    assert (error["sheet"], error["row"], error["column"]) == ("名录", 4, "统一社会信用代码")
    assert "校验位不正确" in error["reason"]
    assert not Enterprise.all_objects.exists() and not Tag.objects.exists()
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "发现 1 处错误，未导入任何数据" in page and "确认导入" not in page
    assert confirm(economy, job).status_code == 302
    assert not Enterprise.all_objects.exists()

    report = economy.get(reverse("core:importjob_report", args=[job.pk]))
    sheet = read_xlsx(b"".join(report.streaming_content))
    assert sheet[0][-1] == "错误说明"
    assert "校验位不正确" in sheet[3][-1]
    assert [row[-1] for row in sheet[1:3] + sheet[4:]] == ["", "", ""]


@pytest.mark.parametrize("cell, column, reason", [
    ("C9999", "行业代码", "不是 GB/T 4754-2017 中的行业代码"),
    ("不存在的片区", "所在片区", "没有名为“不存在的片区”的片区"),
    ("二〇二一", "规上年份", "应为年份"),
    ("2021-13-45", "成立日期", "不是有效日期"),
    ("歇业", "经营状态", "不是可选值"),
])
def test_each_kind_of_bad_cell_is_reported(economy, cell, column, reason):
    rows = good_rows()[:2]
    rows[1][HEADER.index(column)] = cell
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert job.state == "invalid"
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, column)]
    assert reason in job.errors[0]["reason"]
    assert not Enterprise.all_objects.exists()


def test_missing_required_column_and_duplicate_codes(economy):
    upload(economy, ENTERPRISES, xlsx([["企业名称"], ["靖江无代码有限公司"]]))
    assert "统一社会信用代码" in latest_job().errors[0]["reason"]
    rows = good_rows()
    rows.append(list(rows[1]))
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert job.state == "invalid" and "与第 2 行重复" in job.errors[0]["reason"] and job.errors[0]["row"] == 5


def test_high_tech_number_needs_its_date(economy):
    rows = good_rows()[:2]
    rows[1][HEADER.index("高新技术企业发证日期")] = ""
    upload(economy, ENTERPRISES, xlsx(rows))
    assert "须同时填写发证日期" in latest_job().errors[0]["reason"]


def test_csv_in_gbk_with_units_and_synonyms(economy):
    EnterpriseFactory(uscc=code(7))
    text = "不动产权证号,面积（平方米）,用途,权利类型,权利人统一社会信用代码,取得日期\n" \
           f"苏（2019）靖江市不动产权第0000007号,\"6,666.67\",工业用地,出让,{code(7)},2019/5/6\n"
    upload(economy, PARCELS, text.encode("gb18030"), name="土地台账.csv")
    job = latest_job()
    assert job.state == "ready", job.errors
    confirm(economy, job)
    parcel = LandParcel.objects.get()
    assert parcel.area_mu == Decimal("10.0000")
    assert parcel.certificate_no == "苏(2019)靖江市不动产权第0000007号"
    assert (parcel.land_use, parcel.right_type, parcel.acquired_on) == ("industrial", "granted", date(2019, 5, 6))


def test_parcel_holder_must_be_known_or_named(economy):
    text = f"不动产权证号,面积（亩）,权利人统一社会信用代码,权利人名称\nX-1,3,,\nX-2,3,{code(8)},\n"
    upload(economy, PARCELS, text.encode("utf-8"), name="土地台账.csv")
    reasons = [e["reason"] for e in latest_job().errors]
    assert any("须填写权利人" in r for r in reasons) and any("请先导入企业" in r for r in reasons)


def test_export_then_import_changes_nothing(economy, make_user, client_for):
    upload(economy, ENTERPRISES, xlsx(good_rows()))
    confirm(economy, latest_job())
    exported = economy.get(reverse("enterprises:enterprise_list"), {"export": "xlsx"}).content
    assert read_xlsx(exported)[0][:2] == ["统一社会信用代码", "企业名称"]
    before = ChangeRecord.objects.count()
    upload(economy, ENTERPRISES, exported, name="导出.xlsx")
    job = latest_job()
    assert job.state == "ready"
    confirm(economy, job)
    job.refresh_from_db()
    assert job.result == counts(unchanged=3)
    assert ChangeRecord.objects.count() == before
    assert Contact.objects.get().phone == "13812345678"


def test_masked_phones_going_round_keep_the_stored_number(economy, make_user, client_for, zone):
    upload(economy, ENTERPRISES, xlsx(good_rows()))
    confirm(economy, latest_job())
    leader = make_user("leader")
    from openpark.enterprises.importers import enterprise_importer

    masked = enterprise_importer.export_bytes(Enterprise.objects.all(), leader)
    assert "138****5678" in [cell for row in read_xlsx(masked) for cell in row]
    upload(economy, ENTERPRISES, masked)
    confirm(economy, latest_job())
    assert Contact.objects.get().phone == "13812345678"


def test_template_has_the_columns_and_instructions(economy):
    response = economy.get(reverse("core:import_template", args=[ENTERPRISES]))
    assert read_xlsx(response.content)[0][:2] == ["统一社会信用代码", "企业名称"]
    assert read_xlsx(response.content, 1)[0][0] == "列名"


@pytest.mark.parametrize("name, content, message", [
    ("企业.txt", b"abc", "不支持的文件类型"),
    ("企业.xlsx", b"", "文件是空的"),
])
def test_bad_uploads_are_refused_with_a_reason(economy, name, content, message):
    response = upload(economy, ENTERPRISES, content, name=name)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_corrupt_workbook_is_reported(economy):
    upload(economy, ENTERPRISES, b"PK\x03\x04 not really a workbook")
    job = latest_job()
    assert job.state == "invalid" and job.errors[0]["row"] == 0 and job.errors[0]["reason"]


def test_data_changing_before_confirmation_writes_nothing(economy, zone):
    upload(economy, ENTERPRISES, xlsx(good_rows()))
    job = latest_job()
    zone.delete()
    confirm(economy, job)
    job.refresh_from_db()
    assert job.state == "invalid" and "道口经济区" in job.errors[0]["reason"]
    assert not Enterprise.all_objects.exists()


def test_confirming_twice_imports_once(economy):
    upload(economy, ENTERPRISES, xlsx(good_rows()))
    job = latest_job()
    confirm(economy, job)
    confirm(economy, job)
    assert Enterprise.objects.count() == 3
    assert TaskRun.objects.filter(name="core.apply_import").count() == 1


@pytest.mark.parametrize("role", ["leader", "enterprise", "grid", "investment"])
def test_only_roles_that_edit_may_import(make_user, client_for, role):
    client = client_for(make_user(role))
    assert client.get(reverse("core:import_start", args=[ENTERPRISES])).status_code == 403
    assert upload(client, ENTERPRISES, xlsx(good_rows())).status_code == 403
    assert not ImportJob.objects.exists()


def test_someone_elses_import_is_not_found(economy, make_user, client_for):
    upload(economy, ENTERPRISES, xlsx(good_rows()))
    job = latest_job()
    other = client_for(make_user("economy"))
    assert other.get(job.get_absolute_url()).status_code == 404
    assert confirm(other, job).status_code == 404


def test_unknown_importer_is_404(economy):
    assert economy.get(reverse("core:import_start", args=["no.such"])).status_code == 404


def test_list_page_offers_import_to_editors_only(economy, make_user, client_for):
    assert "批量导入" in economy.get(reverse("enterprises:enterprise_list")).content.decode()
    leader = client_for(make_user("leader"))
    assert "批量导入" not in leader.get(reverse("enterprises:enterprise_list")).content.decode()


def test_legacy_xls_file_imports(economy):
    import io

    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("企业")
    for r, row in enumerate(good_rows()[:2]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(economy, ENTERPRISES, buffer.getvalue(), name="企业名录.xls")
    job = latest_job()
    assert job.state == "ready", job.errors
    confirm(economy, job)
    assert Enterprise.objects.get().name == "靖江甲机械有限公司"


def test_reimporting_a_deleted_enterprise_restores_it(economy):
    upload(economy, ENTERPRISES, xlsx(good_rows()[:2]))
    confirm(economy, latest_job())
    enterprise = Enterprise.objects.get()
    enterprise.delete()
    upload(economy, ENTERPRISES, xlsx(good_rows()[:2]))
    job = latest_job()
    assert counts_of(job.preview) == counts(restore=1)
    confirm(economy, job)
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()
    actions = list(ChangeRecord.objects.filter(content_type__model="enterprise", object_id=str(enterprise.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["create", "delete", "restore"]


# Columns that no field reads ---------------------------------------------------------------------


def with_column(rows, header, values):
    return [row + [value] for row, value in zip(rows, [header, *values])]


def map_columns(client, job, **choices):
    return client.post(reverse("core:importjob_columns", args=[job.pk]), choices)


def confirm_ignoring(client, job):
    return client.post(reverse("core:importjob_confirm", args=[job.pk]), {"ignore_unmatched": "1"})


def test_an_unread_column_is_listed_with_its_hint_and_nothing_is_written_until_it_is_confirmed(economy):
    rows = with_column(good_rows(), "用地面积（亩）", [-5, "十亩", 12])
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert job.state == "ready"
    [column] = job.preview["unmatched"]
    assert (column["sheet"], column["letter"], column["header"], column["samples"], column["count"]) == (
        "Sheet1", "M", "用地面积（亩）", ["-5", "十亩", "12"], 3)
    assert column["hint"].startswith("用地面积请在土地台账中导入") and column["hint_importer"] == PARCELS
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "以下 1 列未能识别，其中的数据不会导入" in page and "-5、十亩、12" in page
    assert "用地面积请在土地台账中导入（一企一档 → 土地台账 → 批量导入）" in page
    assert reverse("core:import_start", args=[PARCELS]) in page
    assert "我确认忽略以上列" in page and 'name="ignore_unmatched"' in page

    refused = economy.post(reverse("core:importjob_confirm", args=[job.pk]), follow=True).content.decode()
    assert "文件中有 1 列未能识别，其中的数据不会导入" in refused and "我确认忽略以上列" in refused
    job.refresh_from_db()
    assert job.state == "ready" and "ignored_columns" not in job.options
    assert not Enterprise.all_objects.exists() and not TaskRun.objects.filter(name="core.apply_import").exists()

    confirm_ignoring(economy, job)
    job.refresh_from_db()
    assert job.state == "done" and job.result == counts(create=3)
    assert job.options["ignored_columns"] == [["Sheet1", 12, "用地面积（亩）"]]
    assert Enterprise.objects.count() == 3


def test_applying_refuses_columns_not_confirmed_as_ignored(zone):
    """The rule is the importer's, whatever calls it: the page only asks first."""
    from openpark.enterprises.importers import enterprise_importer

    rows = with_column(good_rows()[:2], "注册资本", ["500万"])
    plan, result = enterprise_importer.apply(xlsx(rows), "企业.xlsx", {})
    assert result is None and not Enterprise.all_objects.exists()
    assert [(e.row, e.column, "未能识别" in e.reason) for e in plan.errors] == [(1, "注册资本", True)]
    plan, result = enterprise_importer.apply(xlsx(rows), "企业.xlsx", {"ignored_columns": [["Sheet1", 12, "注册资本"]]})
    assert result == counts(create=1)


def test_a_column_named_by_hand_imports_and_is_remembered_for_the_next_file(economy, zone):
    from openpark.core.models import ImportColumnMapping

    rows = [["统一社会信用代码", "公司全称", "所在片区"], [code(1), "靖江甲机械有限公司", "道口经济区"]]
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert job.state == "invalid" and [e["reason"] for e in job.errors] == ["缺少必填列“企业名称”"]
    assert [c["header"] for c in job.preview["unmatched"]] == ["公司全称"]
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "“公司全称”对应" in page and '<option value="name">企业名称</option>' in page
    assert '<option value="zone">' not in page  # 所在片区 is in the file already

    response = map_columns(economy, job, **{"column-0": "name"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "ready" and job.options["column_map"] == {"公司全称": "name"}
    assert job.preview["unmatched"] == [] and job.preview["mapped"] == [
        {"header": "公司全称", "field": "name", "label": "企业名称", "remembered": False}]
    assert "“公司全称” → 企业名称（本次指定）" in economy.get(job.get_absolute_url()).content.decode()
    assert not ImportColumnMapping.objects.exists()  # remembered once the import is confirmed

    confirm(economy, job)
    assert Enterprise.objects.get(uscc=code(1)).name == "靖江甲机械有限公司"
    mapping = ImportColumnMapping.objects.get()
    assert (mapping.importer, mapping.header, mapping.field) == (ENTERPRISES, "公司全称", "name")
    record = ChangeRecord.objects.get(content_type__model="importcolumnmapping")
    assert record.action == "create" and record.user.username == "jingfa"

    rows = [["统一社会信用代码", "公司 全称"], [code(2), "靖江乙电机有限公司"]]
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert job.state == "ready" and job.preview["mapped"][0]["remembered"] is True
    assert "“公司 全称” → 企业名称（按以往导入时确认的对应关系自动识别）" in economy.get(job.get_absolute_url()).content.decode()
    confirm(economy, job)
    assert Enterprise.objects.get(uscc=code(2)).name == "靖江乙电机有限公司"


def test_a_remembered_name_set_to_ignore_is_forgotten_once_confirmed(economy):
    from openpark.core.models import ImportColumnMapping

    rows = [["统一社会信用代码", "企业名称", "企业住址"], [code(1), "靖江甲机械有限公司", "园区路1号"]]
    upload(economy, ENTERPRISES, xlsx(rows))
    map_columns(economy, latest_job(), **{"column-0": "address"})
    confirm(economy, latest_job())
    assert Enterprise.objects.get().address == "园区路1号" and ImportColumnMapping.objects.count() == 1

    rows[1][2] = "园区路2号"
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert job.preview["mapped"][0]["remembered"] is True
    map_columns(economy, job, **{"column-0": ""})
    job.refresh_from_db()
    assert job.state == "ready" and [c["header"] for c in job.preview["unmatched"]] == ["企业住址"]
    confirm_ignoring(economy, job)
    assert Enterprise.objects.get().address == "园区路1号" and not ImportColumnMapping.objects.exists()
    assert ChangeRecord.objects.filter(content_type__model="importcolumnmapping", action="delete").count() == 1


@pytest.mark.parametrize("choices, message", [
    ({"column-0": "name", "column-1": "name"}, "列“公司全称”和列“企业全称”不能都对应“企业名称”"),
    ({"column-0": "no_such_field"}, "选择一个有效的选项"),
    ({}, "对应关系没有变化"),
])
def test_a_bad_column_naming_is_explained_and_changes_nothing(economy, choices, message):
    rows = [["统一社会信用代码", "公司全称", "企业全称"], [code(1), "甲", "甲"]]
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    before = (job.state, job.options, job.check_run_id)
    response = map_columns(economy, job, **choices)
    assert response.status_code == 400 and message in response.content.decode()
    job.refresh_from_db()
    assert (job.state, job.options, job.check_run_id) == before


def test_columns_cannot_be_named_once_the_file_is_imported(economy):
    rows = with_column(good_rows(), "备注", ["a", "b", "c"])
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    confirm_ignoring(economy, job)
    page = map_columns(economy, job, **{"column-0": "address"})
    job.refresh_from_db()
    assert page.status_code == 302 and job.state == "done" and "column_map" not in job.options


@pytest.mark.parametrize("rows, reason", [
    ([HEADER], "工作表“Sheet1”只有表头，没有数据行"),
    ([HEADER, [""] * len(HEADER)], "工作表“Sheet1”只有表头，没有数据行"),
    ([], "文件中没有任何数据"),
])
def test_a_sheet_without_data_rows_and_an_empty_workbook_are_errors(economy, rows, reason):
    upload(economy, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert job.state == "invalid" and reason in job.errors[0]["reason"]
    assert "确认导入" not in economy.get(job.get_absolute_url()).content.decode()
    confirm(economy, job)
    assert not Enterprise.all_objects.exists()
