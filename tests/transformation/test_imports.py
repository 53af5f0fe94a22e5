"""The 智改数转 sheets: certifications and projects import all-or-nothing with the model's rules,
certifications of a kind held at one level at a time end the ones before as if entered one by one
in date order (stored ones and rows of the same file alike, whatever the rows' order), the ended
ones are recorded in the change log, and an export imports back to the same data."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from openpark.core.models import ChangeRecord
from openpark.transformation import services
from openpark.transformation.importers import certification_importer, project_importer
from openpark.transformation.models import Certification, TransformationProject
from tests.sheets import confirm, latest_job, upload, xlsx

pytestmark = pytest.mark.django_db

CERT_HEADER = ["企业统一社会信用代码", "企业名称", "认定类型", "级别", "认定层级", "认定日期", "有效期至", "文号", "备注"]
PROJECT_HEADER = ["企业统一社会信用代码", "企业名称", "项目名称", "年度", "诊断日期", "总投资（万元）", "设备投资（万元）",
                  "软件投资（万元）", "网络接入", "申请补助（万元）", "到位补助（万元）", "状态", "备注"]


def stored(enterprise, kind="cloud", level="three_star", on=date(2024, 3, 1)):
    certification = Certification(enterprise=enterprise, kind=kind, level=level, issuing_level="province",
                                  certified_on=on)
    certification.full_clean()
    certification.save()
    return certification


def chain(enterprise, kind="cloud"):
    """(level, certified_on, ended_on, level it was superseded by) of the enterprise's certifications of `kind`."""
    return [(c.level, c.certified_on, c.ended_on, c.superseded_by.level if c.superseded_by_id else None)
            for c in Certification.objects.filter(enterprise=enterprise, kind=kind).order_by("certified_on")]


def test_certifications_import_by_code_or_name_with_labels(make_user, client_for, enterprises):
    first, second, _ = enterprises
    client = client_for(make_user("industry"))
    rows = [CERT_HEADER,
            [first.uscc, "", "星级上云企业", "四星", "泰州市级", "2025-04-01", "", "泰工信〔2025〕12号", ""],
            ["", second.name, "智能车间", "", "省级", "2025-06-30", "2028-06-30", "", "冲压车间"],
            [first.uscc, "", "专精特新", "“小巨人”", "国家级", "2025-07-01", "", "", ""]]
    upload(client, "transformation.certification", xlsx(rows), "认定.xlsx")
    confirm(client, latest_job())
    assert latest_job().state == "done"
    assert set(Certification.objects.values_list("enterprise_id", "kind", "level", "issuing_level")) == {
        (first.pk, "cloud", "four_star", "taizhou"), (second.pk, "smart_workshop", "", "province"),
        (first.pk, "specialised", "little_giant", "nation")}
    workshop = Certification.objects.get(kind="smart_workshop")
    assert workshop.expires_on == date(2028, 6, 30) and workshop.note == "冲压车间"


def test_a_bad_certification_file_writes_nothing_and_names_row_and_column(enterprises):
    first, second, _ = enterprises
    rows = [CERT_HEADER,
            [first.uscc, "", "星级上云企业", "四星", "省级", "2025-04-01", "", "", ""],  # good
            [second.uscc, "", "星级上云企业", "基础级", "省级", "2025-04-01", "", "", ""],  # not a 上云 level
            ["", "没有这家企业", "智能车间", "", "省级", "2025-04-01", "", "", ""],
            [first.uscc, "", "智能车间", "", "市级以上", "2025-04-01", "", "", ""],  # not an issuing level
            [second.uscc, "", "智能生产线", "", "省级", "2025-04-01", "2025-03-01", "", ""]]
    plan, counts = certification_importer.apply(xlsx(rows), "认定.xlsx")
    assert counts is None and not Certification.objects.exists()
    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert reasons[(3, "级别")] == "星级上云企业的级别只能是三星、四星、五星。"
    assert reasons[(4, "企业名称")].startswith("园区企业中没有这个名称的企业")
    assert (5, "认定层级") in reasons
    assert reasons[(6, "有效期至")] == "有效期须晚于认定日期。"


def test_import_supersedes_stored_and_in_file_levels_in_date_order(enterprises):
    first, second, _ = enterprises
    three = stored(first, on=date(2022, 5, 1))
    basic = stored(second, kind="smart_factory", level="basic", on=date(2023, 1, 1))
    rows = [CERT_HEADER,  # out of date order on purpose
            [first.uscc, "", "星级上云企业", "五星", "省级", "2026-03-01", "", "", ""],
            [first.uscc, "", "星级上云企业", "四星", "省级", "2024-03-01", "", "", ""],
            [second.uscc, "", "智能制造示范工厂/智能工厂", "先进级", "省级", "2025-02-01", "", "", ""],
            [second.uscc, "", "星级上云企业", "三星", "县级", "2025-02-01", "", "", ""]]  # another kind: alone
    plan, counts = certification_importer.apply(xlsx(rows), "认定.xlsx")
    assert counts and counts["create"] == 4, plan.errors
    assert chain(first) == [("three_star", date(2022, 5, 1), date(2024, 3, 1), "four_star"),
                            ("four_star", date(2024, 3, 1), date(2026, 3, 1), "five_star"),
                            ("five_star", date(2026, 3, 1), None, None)]
    assert chain(second, "smart_factory") == [("basic", date(2023, 1, 1), date(2025, 2, 1), "advanced"),
                                              ("advanced", date(2025, 2, 1), None, None)]
    assert chain(second) == [("three_star", date(2025, 2, 1), None, None)]

    # The same as entered one by one, in date order, through the model (for the third enterprise).
    third = enterprises[2]
    for level, on in (("three_star", date(2022, 5, 1)), ("four_star", date(2024, 3, 1)), ("five_star", date(2026, 3, 1))):
        stored(third, level=level, on=on)
    assert chain(third) == chain(first)
    assert three.pk and basic.pk


def test_the_ended_certifications_are_recorded(enterprises):
    first = enterprises[0]
    three = stored(first, on=date(2022, 5, 1))
    rows = [CERT_HEADER, [first.uscc, "", "星级上云企业", "五星", "省级", "2026-03-01", "", "", ""],
            [first.uscc, "", "星级上云企业", "四星", "省级", "2024-03-01", "", "", ""]]
    plan, counts = certification_importer.apply(xlsx(rows), "认定.xlsx")
    assert counts, plan.errors
    four = Certification.objects.get(level="four_star")
    five = Certification.objects.get(level="five_star")
    content_type = ContentType.objects.get_for_model(Certification)
    updates = {int(r.object_id): r for r in ChangeRecord.objects.filter(content_type=content_type, action="update")}
    assert set(updates) == {three.pk, four.pk}
    assert updates[three.pk].before["ended_on"] is None and updates[three.pk].after["ended_on"] == "2024-03-01"
    assert updates[three.pk].after["superseded_by"] == four.pk
    assert updates[four.pk].before["superseded_by"] is None and updates[four.pk].after["superseded_by"] == five.pk


def test_a_level_dated_before_the_held_one_or_twice_a_day_is_refused(enterprises):
    first, second, _ = enterprises
    stored(first, level="four_star", on=date(2025, 1, 1))
    rows = [CERT_HEADER, [first.uscc, "", "星级上云企业", "五星", "省级", "2024-06-01", "", "", ""],
            [second.uscc, "", "星级上云企业", "三星", "省级", "2025-06-01", "", "", ""],
            [second.uscc, "", "星级上云企业", "四星", "省级", "2025-06-01", "", "", ""]]
    plan, counts = certification_importer.apply(xlsx(rows), "认定.xlsx")
    assert counts is None and Certification.objects.count() == 1
    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert "同一时间只能持有一个级别" in reasons[(2, "认定日期")]
    assert "与第 3 行是同一企业同一天" in reasons[(4, "认定日期")]


def test_supersede_many_reads_once(enterprises, django_assert_num_queries):
    first, second, third = enterprises
    held = [stored(e, on=date(2022, 1, 1)) for e in enterprises]
    new = [Certification(enterprise=e, kind="cloud", level="four_star", issuing_level="province",
                         certified_on=date(2025, 1, 1)) for e in enterprises]
    Certification.objects.bulk_create(new)
    # One read of the held ones, one bulk update, the change records (their content type is cached).
    with django_assert_num_queries(3):
        ended = services.supersede_many(new)
    assert {c.pk for c in ended} == {c.pk for c in held}
    assert all(not Certification.objects.get(pk=c.pk).is_current for c in held)


def test_a_certification_export_goes_round(make_user, client_for, enterprises):
    first, second, _ = enterprises
    stored(first, on=date(2022, 5, 1))
    stored(first, level="five_star", on=date(2025, 5, 1))
    stored(second, kind="smart_workshop", level="", on=date(2024, 1, 1))
    before = sorted(Certification.objects.values_list("enterprise_id", "kind", "level", "issuing_level",
                                                      "certified_on", "ended_on", "superseded_by__level"))
    client = client_for(make_user("industry"))
    exported = client.get(reverse("transformation:certification_list") + "?export=xlsx")
    assert exported.status_code == 200
    plan, counts = certification_importer.apply(exported.content, "导出.xlsx")
    assert counts and counts["unchanged"] == 3, plan.errors
    # Into an empty ledger: the same certifications, the same chain.
    for certification in Certification.objects.all():
        certification.superseded_by = None
        certification.save(update_fields=["superseded_by"])
    models.QuerySet(Certification).all()._raw_delete(Certification.objects.db)
    plan, counts = certification_importer.apply(exported.content, "导出.xlsx")
    assert counts and counts["create"] == 3, plan.errors
    assert sorted(Certification.objects.values_list("enterprise_id", "kind", "level", "issuing_level",
                                                    "certified_on", "ended_on", "superseded_by__level")) == before


def test_projects_import_start_at_the_first_state_and_keep_theirs(make_user, client_for, enterprises):
    first, second, _ = enterprises
    rows = [PROJECT_HEADER,
            [first.uscc, "", "冲压车间数字化改造", 2025, "2025-02-01", 500, 300, 100, "5G", 80, 40, "立项", ""],
            ["", second.name, "MES 上线", 2025, "", 120, "", "", "", "", "", "", ""]]
    plan, counts = project_importer.apply(xlsx(rows), "项目.xlsx")
    assert counts and counts["create"] == 2, plan.errors
    stamping = TransformationProject.objects.get(name="冲压车间数字化改造")
    assert (stamping.state, stamping.network, stamping.subsidy_received) == ("approved", "5g", Decimal("40.00"))
    mes = TransformationProject.objects.get(name="MES 上线")
    assert (mes.enterprise, mes.equipment_investment, mes.network) == (second, Decimal("0"), "none")

    stamping.machine.apply(stamping, "start", make_user("industry"))
    stamping.refresh_from_db()
    assert stamping.state == "in_progress"
    client = client_for(make_user("industry"))
    exported = client.get(reverse("transformation:transformationproject_list") + "?export=xlsx")
    assert exported.status_code == 200
    TransformationProject.objects.filter(pk=stamping.pk).update(investment=Decimal("1"), note="改过")
    plan, counts = project_importer.apply(exported.content, "导出.xlsx")
    assert counts and counts["update"] == 1 and counts["unchanged"] == 1, plan.errors
    stamping.refresh_from_db()
    assert (stamping.investment, stamping.note, stamping.state) == (Decimal("500.00"), "", "in_progress")


def test_a_bad_project_file_writes_nothing(enterprises):
    first, second, _ = enterprises
    rows = [PROJECT_HEADER,
            [first.uscc, "", "好项目", 2025, "", 500, 300, 100, "5G", 80, 40, "", ""],
            [first.uscc, "", "已实施项目", 2025, "", 500, 0, 0, "", 0, 0, "实施中", ""],  # starts at 立项
            [second.uscc, "", "补助倒挂", 2025, "", 500, 0, 0, "", 10, 20, "", ""],
            [second.uscc, "", "投资倒挂", 2025, "", 100, 80, 30, "", 0, 0, "", ""]]
    plan, counts = project_importer.apply(xlsx(rows), "项目.xlsx")
    assert counts is None and not TransformationProject.objects.exists()
    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert "新项目从“立项”开始" in reasons[(3, "状态")]
    assert reasons[(4, "到位补助（万元）")] == "到位补助不能超过申请补助。"
    assert reasons[(5, "总投资（万元）")] == "设备投资与软件投资之和不能超过总投资。"
