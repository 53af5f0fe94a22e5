"""Importing the departments' fact sheets: several indicators per sheet, the period chosen at upload
or read from the sheet, unmatched codes reported, and re-imports replacing a period's values."""
from decimal import Decimal as D

import pytest
from django.urls import reverse

from openpark.core.models import ChangeRecord, ImportJob
from openpark.economy.models import Fact, Indicator
from tests.factories import EnterpriseFactory
from tests.sheets import confirm, latest_job, read_xlsx, upload, xlsx

pytestmark = pytest.mark.django_db
FACTS = "economy.fact"


@pytest.fixture
def economy(make_user, client_for):
    return client_for(make_user("economy", username="jingfa"))


@pytest.fixture
def firms():
    return [EnterpriseFactory(name=f"靖江{n}机械有限公司") for n in "甲乙丙"]


def indicator(code):
    return Indicator.objects.get(code=code)


def stored(enterprise, code, year=2021, month=6):
    """The live value, or None."""
    fact = Fact.objects.filter(enterprise=enterprise, indicator__code=code, year=year, month=month).first()
    return fact and fact.value


def imported(client, rows, **options):
    """Upload, confirm, and return the finished job."""
    upload(client, FACTS, xlsx(rows), **options)
    job = latest_job()
    assert job.state == "ready", job.errors
    confirm(client, job)
    job.refresh_from_db()
    return job


def rejected(client, rows, **options):
    """Upload a file that must fail the check; return its errors."""
    upload(client, FACTS, xlsx(rows), **options)
    job = latest_job()
    assert job.state == "invalid"
    return job.errors


def test_sheet_with_several_indicators_for_a_period_chosen_at_upload(economy, firms):
    a, b, _ = firms
    rows = [
        ["统一社会信用代码", "企业名称", "工业总产值（万元）", "营业收入（元）", "利润总额"],
        [a.uscc, a.name, 1200.5, 10_000_000, -35],
        [b.uscc, b.name, "2,300", 25_004_950, ""],
    ]
    upload(economy, FACTS, xlsx(rows), year=2021, month=6)
    job = latest_job()
    assert job.options == {"year": 2021, "month": 6} and not Fact.objects.exists()
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "数据期间：2021年1—6月（导入时选择）" in page
    assert "共 2 行（2 家企业），将新增 5 个数值、修改 0 个数值、删除 0 个数值，0 个不变" in page
    assert "营业收入（万元）" in page and "2,500.50" in page  # 25,004,950 元, in 万元 to the cent

    confirm(economy, job)
    job.refresh_from_db()
    assert job.result == {"total": 2, "enterprises": 2, "create": 5, "update": 0, "restore": 0, "delete": 0,
                          "unchanged": 0}
    assert stored(a, "gross_industrial_output") == D("1200.50")
    assert stored(a, "main_business_revenue") == D("1000.00")
    assert stored(b, "main_business_revenue") == D("2500.50")
    assert stored(a, "profit") == D("-35.00") and stored(b, "profit") is None
    record = ChangeRecord.objects.filter(content_type__model="fact", action="create").first()
    assert record.user.username == "jingfa" and record.source.startswith("import:")
    assert ChangeRecord.objects.filter(content_type__model="fact").count() == 5


def test_periods_read_from_the_sheet(economy, firms):
    a, b, c = firms
    rows = [
        ["统一社会信用代码", "年份", "月份", "报告期", "工业总产值", "年平均职工人数"],
        [a.uscc, 2021, 6, "", 100, ""],
        [a.uscc, "2021年", "1-3月", "", 40, ""],
        [b.uscc, "", "", "2021年1—6月", 70, ""],
        [c.uscc, "", "", "2021年度", 300, 120],
        [c.uscc, "", "", "202106", 150, ""],
    ]
    job = imported(economy, rows)
    assert job.result["create"] == 6 and job.result["enterprises"] == 3
    assert stored(a, "gross_industrial_output", month=6) == 100
    assert stored(a, "gross_industrial_output", month=3) == 40
    assert stored(b, "gross_industrial_output", month=6) == 70
    assert stored(c, "gross_industrial_output", month=None) == 300
    assert stored(c, "average_employees", month=None) == 120
    assert stored(c, "gross_industrial_output", month=6) == 150


def test_codes_matching_no_enterprise_are_reported_and_nothing_is_written(economy, firms):
    a, b, _ = firms
    gone = EnterpriseFactory(name="已注销企业")
    gone.delete()
    unknown = EnterpriseFactory.build().uscc
    rows = [
        ["统一社会信用代码", "企业名称", "工业总产值"],
        [a.uscc, a.name, 100],
        [unknown, "外区企业", 50],
        [gone.uscc, gone.name, 20],
        [b.uscc, b.name, 80],
    ]
    errors = rejected(economy, rows, year=2021)
    assert [(e["row"], e["column"], e["value"]) for e in errors] == [
        (3, "统一社会信用代码", unknown), (4, "统一社会信用代码", gone.uscc)]
    assert "园区企业中没有这个统一社会信用代码（外区企业）" in errors[0]["reason"]
    assert "已从企业名录中删除" in errors[1]["reason"]
    assert not Fact.objects.exists() and not ChangeRecord.objects.filter(content_type__model="fact").exists()
    job = latest_job()
    response = economy.get(reverse("core:importjob_report", args=[job.pk]))
    report = read_xlsx(b"".join(response.streaming_content))
    assert report[0][-1] == "错误说明" and "园区企业中没有" in report[2][-1] and report[1][-1] == ""


def test_reimporting_a_period_replaces_its_values_and_records_each_change(economy, firms):
    a, b, c = firms
    first = [
        ["统一社会信用代码", "工业总产值", "营业收入", "利润"],
        [a.uscc, 100, 90, 10],
        [b.uscc, 200, 180, 20],
    ]
    imported(economy, first, year=2021, month=6)
    other_period = Fact.objects.create(enterprise=a, indicator=indicator("gross_industrial_output"),
                                       year=2021, month=5, value=D(80))
    other_indicator = Fact.objects.create(enterprise=a, indicator=indicator("tax_paid"), year=2021, month=6,
                                          value=D(7))
    untouched_firm = Fact.objects.create(enterprise=c, indicator=indicator("gross_industrial_output"),
                                         year=2021, month=6, value=D(5))
    again = [
        ["统一社会信用代码", "工业总产值", "营业收入", "利润"],
        [a.uscc, 110, 90, ""],
        [b.uscc, 200, 185, 20],
    ]
    job = imported(economy, again, year=2021, month=6)
    assert job.result == {"total": 2, "enterprises": 2, "create": 0, "update": 2, "restore": 0, "delete": 1,
                          "unchanged": 3}
    assert stored(a, "gross_industrial_output") == 110 and stored(a, "main_business_revenue") == 90
    assert stored(a, "profit") is None and stored(b, "main_business_revenue") == 185
    for fact in (other_period, other_indicator, untouched_firm):
        fact.refresh_from_db()
        assert not fact.is_deleted
    assert (other_period.value, other_indicator.value, untouched_firm.value) == (80, 7, 5)
    deleted = Fact.all_objects.get(enterprise=a, indicator__code="profit", year=2021, month=6)
    assert deleted.is_deleted and deleted.value == 10  # soft: the old value is kept
    changes = ChangeRecord.objects.filter(content_type__model="fact").exclude(action="create")
    assert sorted((c.action, c.before["value"], c.after["value"]) for c in changes) == [
        ("delete", "10.00", "10.00"), ("update", "100.00", "110.00"), ("update", "180.00", "185.00")]

    job = imported(economy, first, year=2021, month=6)
    assert (job.result["update"], job.result["restore"]) == (2, 1) and stored(a, "profit") == 10
    assert ChangeRecord.objects.filter(content_type__model="fact", action="restore").count() == 1


@pytest.mark.parametrize("row, options, column, reason", [
    (["{a}", 2021, 6, 500, 10], {}, "综合能耗（吨标准煤）", "“综合能耗”是年度指标，只能填报年度数据"),
    (["{a}", 2021, "3-6月", 500, ""], {}, "月份", "应从 1 月起累计"),
    (["{a}", 2021, 13, 500, ""], {}, "月份", "月份 13 超出范围"),
    (["{a}", "二一年", "", 500, ""], {}, "年份", "不是年份"),
    (["{a}", "", 6, 500, ""], {}, "月份", "须同时填写年份"),
    (["{a}", "", "", 500, ""], {}, "", "未填写期间"),
    (["{a}", 2021, 5, 500, ""], {"year": 2021, "month": 6}, "年份", "与导入时选择的期间（2021年1—6月）不一致"),
    (["{a}", 2021, 6, "五百", ""], {}, "工业总产值", "不是数字"),
])
def test_bad_cells_are_explained_in_chinese(economy, firms, row, options, column, reason):
    header = ["统一社会信用代码", "年份", "月份", "工业总产值", "综合能耗"]
    errors = rejected(economy, [header, [firms[0].uscc if c == "{a}" else c for c in row]], **options)
    assert [(e["column"], reason in e["reason"]) for e in errors] == [(column, True)], errors
    assert not Fact.objects.exists()


def test_one_enterprise_twice_for_a_period_is_refused(economy, firms):
    a = firms[0]
    rows = [["统一社会信用代码", "报告期", "工业总产值"], [a.uscc, "2021-06", 1], [a.uscc, "2021年1-6月", 2]]
    errors = rejected(economy, rows)
    assert len(errors) == 1 and errors[0]["row"] == 3
    assert "同一企业同一期间（2021年1—6月）与第 2 行重复" in errors[0]["reason"]


def test_sheet_without_indicator_columns_names_the_ones_it_could_have(economy, firms):
    errors = rejected(economy, [["统一社会信用代码", "备注"], [firms[0].uscc, "无"]], year=2021)
    assert "文件中没有可识别的指标列" in errors[0]["reason"] and "工业总产值" in errors[0]["reason"]


def test_month_without_year_at_upload_is_refused_and_nothing_is_kept(economy, firms):
    response = upload(economy, FACTS, xlsx([["统一社会信用代码", "工业总产值"], [firms[0].uscc, 1]]), month=6)
    assert response.status_code == 400
    assert "选择了截至月份，须同时选择数据年份" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_new_indicator_and_its_aliases_are_importable_at_once(economy, firms):
    Indicator.objects.create(code="patents", name="有效发明专利", unit="件", aliases="发明专利数、专利数",
                             frequency="annual")
    job = imported(economy, [["统一社会信用代码", "专利数"], [firms[0].uscc, 12]], year=2021)
    assert job.result["create"] == 1 and stored(firms[0], "patents", month=None) == 12
    template = read_xlsx(economy.get(reverse("core:import_template", args=[FACTS])).content)
    assert template[0][:5] == ["统一社会信用代码", "企业名称", "年份", "月份", "报告期"]
    assert "工业总产值（万元）" in template[0] and "有效发明专利（件）" in template[0]


def test_exported_facts_import_back_unchanged(economy, firms):
    a, b, _ = firms
    imported(economy, [["统一社会信用代码", "工业总产值", "利润"], [a.uscc, 100, 10], [b.uscc, 200, ""]],
             year=2021, month=6)
    imported(economy, [["统一社会信用代码", "工业总产值"], [a.uscc, 400]], year=2021)
    exported = economy.get(reverse("economy:fact_list"), {"export": "xlsx"}).content
    rows = read_xlsx(exported)
    assert rows[0][:5] == ["统一社会信用代码", "企业名称", "年份", "月份", "报告期"]
    assert len(rows) == 4  # a 2021, a 2021-06, b 2021-06
    job = imported(economy, rows)
    assert job.result == {"total": 3, "enterprises": 2, "create": 0, "update": 0, "restore": 0, "delete": 0,
                          "unchanged": 4}


def test_only_the_economy_role_may_import_facts(make_user, client_for):
    for role in ("leader", "investment", "enterprise"):
        client = client_for(make_user(role))
        assert client.get(reverse("core:import_start", args=[FACTS])).status_code == 403
    page = client_for(make_user("economy")).get(reverse("economy:fact_list")).content.decode()
    assert reverse("core:import_start", args=[FACTS]) in page


def test_columns_that_are_no_indicator_are_listed_and_must_be_confirmed(economy, firms):
    a, b, _ = firms
    rows = [
        ["统一社会信用代码", "企业名称", "年份", "工业总产值", "行业", "备注", "用地面积"],
        [a.uscc, a.name, 2021, 100, "C3484", "已核", -3],
        [b.uscc, b.name, 2021, 200, "", "", "十亩"],
    ]
    upload(economy, FACTS, xlsx(rows))
    job = latest_job()
    assert job.state == "ready"
    listed = [(c["header"], c["samples"], c["hint"].split("（")[0]) for c in job.preview["unmatched"]]
    assert listed == [
        ("行业", ["C3484"], "“行业代码”是企业的基本信息，请在企业名录中导入"),
        ("备注", ["已核"], ""),
        ("用地面积", ["-3", "十亩"], "用地面积请在土地台账中导入"),
    ]
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "以下 3 列未能识别" in page and reverse("core:import_start", args=["enterprises.enterprise"]) in page

    confirm(economy, job)
    job.refresh_from_db()
    assert job.state == "ready" and not Fact.objects.exists()
    economy.post(reverse("core:importjob_confirm", args=[job.pk]), {"ignore_unmatched": "1"})
    job.refresh_from_db()
    assert job.state == "done" and job.result["create"] == 2
    assert stored(a, "gross_industrial_output", month=None) == 100


def test_a_column_named_as_an_indicator_by_hand_is_imported_and_remembered(economy, firms):
    from openpark.core.models import ImportColumnMapping

    a, b, _ = firms
    rows = [["统一社会信用代码", "税务实缴金额（元）"], [a.uscc, 1_234_567]]
    upload(economy, FACTS, xlsx(rows), year=2021, month=6)
    job = latest_job()
    assert job.state == "invalid" and "文件中没有可识别的指标列" in job.errors[0]["reason"]
    assert ["indicator:tax_paid", "实缴税收（万元）"] in job.preview["choices"]
    economy.post(reverse("core:importjob_columns", args=[job.pk]), {"column-0": "indicator:tax_paid"})
    job.refresh_from_db()
    assert job.state == "ready", job.errors
    assert job.preview["mapped"] == [{"header": "税务实缴金额（元）", "field": "indicator:tax_paid",
                                      "label": "实缴税收（万元）", "remembered": False}]
    confirm(economy, job)
    assert stored(a, "tax_paid") == D("123.46")  # 元 converted to 万元
    assert ImportColumnMapping.objects.get(importer=FACTS).field == "indicator:tax_paid"

    job = imported(economy, [["统一社会信用代码", "税务实缴金额（万元）"], [b.uscc, 7]], year=2021, month=6)
    assert job.preview["mapped"][0]["remembered"] is True and stored(b, "tax_paid") == 7


@pytest.mark.parametrize("rows, reason", [
    ([["统一社会信用代码", "工业总产值"]], "工作表“Sheet1”只有表头，没有数据行"),
    ([], "文件中没有任何数据"),
])
def test_a_fact_sheet_without_data_rows_is_an_error(economy, firms, rows, reason):
    errors = rejected(economy, rows, year=2021)
    assert reason in errors[0]["reason"] and not Fact.objects.exists()


# What a re-import changes, value by value -------------------------------------------------------


def change_lines(preview):
    return [(c["label"], c["action_label"], [f"{f['label']}：{f['before']} → {f['after']}" for f in c["fields"]])
            for c in preview["changes"]]


def test_the_preview_shows_each_value_before_and_after_by_enterprise_and_indicator(economy, firms):
    a, b, _ = firms
    imported(economy, [["统一社会信用代码", "工业总产值", "利润"], [a.uscc, 100, 10], [b.uscc, 200, 20]],
             year=2021, month=6)
    upload(economy, FACTS, xlsx([["统一社会信用代码", "工业总产值", "利润"], [a.uscc, 110, ""], [b.uscc, 200, 20]]),
           year=2021, month=6)
    job = latest_job()
    output, profit = (f"{i.name}（{i.unit}）" for i in (indicator("gross_industrial_output"), indicator("profit")))
    assert change_lines(job.preview) == [
        (f"{a.name} 2021年1—6月", "更新", [f"{output}：100.00 → 110.00"]),
        (f"{a.name} 2021年1—6月", "删除", [f"{profit}：10.00 → （空）"]),
    ]
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "将新增 0 个数值、修改 1 个数值、删除 1 个数值（文件中留空的原有数值），2 个不变" in page
    assert f"{output}：100.00 → 110.00" in page and "新建的记录" not in page
    confirm(economy, job)
    job.refresh_from_db()
    assert {key: job.result[key] for key in ("create", "update", "restore", "delete", "unchanged")} == {
        "create": 0, "update": 1, "restore": 0, "delete": 1, "unchanged": 2}


def test_a_soft_deleted_fact_brought_back_by_a_reimport_is_counted_as_restored(economy, firms):
    a = firms[0]
    rows = [["统一社会信用代码", "工业总产值", "利润"], [a.uscc, 100, 10]]
    imported(economy, rows, year=2021, month=6)
    fact = Fact.objects.get(indicator__code="profit")
    fact.delete()

    upload(economy, FACTS, xlsx(rows), year=2021, month=6)
    job = latest_job()
    assert (job.preview["restore"], job.preview["update"], job.preview["unchanged"]) == (1, 0, 1)
    assert change_lines(job.preview)[0][:2] == (f"{a.name} 2021年1—6月", "恢复")
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "将新增 0 个数值、修改 0 个数值、恢复 1 个数值、删除 0 个数值，1 个不变" in page
    confirm(economy, job)
    job.refresh_from_db()
    assert (job.result["restore"], job.result["update"], job.result["unchanged"]) == (1, 0, 1)
    fact.refresh_from_db()
    assert not fact.is_deleted and fact.value == 10
    assert ChangeRecord.objects.filter(content_type__model="fact", object_id=str(fact.pk)).latest("id").action == "restore"
    assert Fact.all_objects.filter(indicator__code="profit").count() == 1


def test_an_annual_value_is_matched_to_the_annual_fact_and_never_to_a_monthly_one(economy, firms):
    a = firms[0]
    output = indicator("gross_industrial_output")
    monthly = Fact.objects.create(enterprise=a, indicator=output, year=2021, month=6, value=D(150))
    annual = Fact.objects.create(enterprise=a, indicator=output, year=2021, month=None, value=D(300))
    job = imported(economy, [["统一社会信用代码", "报告期", "工业总产值"], [a.uscc, "2021年度", 310]])
    assert (job.result["create"], job.result["update"]) == (0, 1)
    monthly.refresh_from_db(), annual.refresh_from_db()
    assert (monthly.value, annual.value) == (150, 310)


def test_one_enterprise_and_period_on_two_sheets_is_refused_naming_both_rows(economy, firms):
    import io

    import xlsxwriter

    a = firms[0]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    for name, rows in (("年报", [["统一社会信用代码", "报告期", "工业总产值"], [firms[1].uscc, "2021年度", 5],
                                 [a.uscc, "2021年度", 300]]),
                       ("补报", [["统一社会信用代码", "年份", "月份", "工业总产值"], [a.uscc, 2021, "", 310]])):
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    workbook.close()
    upload(economy, FACTS, buffer.getvalue())
    job = latest_job()
    assert job.state == "invalid"
    assert [(e["sheet"], e["row"], e["column"], e["reason"]) for e in job.errors] == [
        ("补报", 2, "统一社会信用代码", "同一企业同一期间（2021年）与工作表“年报”第 3 行重复")]
    assert not Fact.objects.exists()
