"""Importing stations and workers: all or nothing, the model's rules on every row, numbers kept
whole only for who may see them, and the export that imports back."""
from datetime import time

import pytest
from django.urls import reverse

from openpark.community.importers import parse_hours, station_importer, worker_importer
from openpark.community.models import Station, VolunteerTeam, Worker, phone_digest
from tests.sheets import read_xlsx, xlsx

pytestmark = pytest.mark.django_db
STATION_HEADER = ["名称", "层级", "驿站类型", "经度", "纬度", "开放时段", "设施"]
WORKER_HEADER = ["手机号", "姓名", "从业类型", "党员", "志愿队伍", "个人信息同意日期", "常驻驿站"]


@pytest.mark.parametrize("text, expected", [
    ("08:00-22:00", (time(8), time(22))), ("18:00～次日02:30", (time(18), time(2, 30))), ("24小时", (None, None)),
    ("", (None, None)),
])
def test_opening_hours_are_read_from_one_cell(text, expected):
    assert parse_hours(text) == expected


def test_stations_import_and_go_round(make_user, client_for):
    rows = [STATION_HEADER,
            ["靖小蜂驿站 01 号", "服务驿站", "靖小蜂", 120.26, 31.96, "08:00-22:00", "饮水、充电"],
            ["党群服务中心", "行业党群服务中心", "", 120.263, 31.965, "24小时", ""]]
    plan, counts = station_importer.apply(xlsx(rows), "驿站.xlsx")
    assert not plan.errors, plan.errors
    post = Station.objects.get(name="靖小蜂驿站 01 号")
    assert (post.kind, post.opens_at, post.closes_at) == ("jingxiaofeng", time(8), time(22))
    assert Station.objects.get(name="党群服务中心").hours == "24 小时"
    exported = client_for(make_user("community")).get(reverse("community:station_list"), {"export": "xlsx"})
    sheet = read_xlsx(exported.content)
    assert sheet[0][0] == "名称" and len(sheet) == 3
    plan, counts = station_importer.apply(exported.content, "驿站.xlsx")
    assert not plan.errors and counts["unchanged"] == 2, (plan.errors, counts)


def test_a_bad_station_sheet_writes_nothing():
    rows = [STATION_HEADER,
            ["好驿站", "服务驿站", "靖小蜂", 120.26, 31.96, "08:00-22:00", ""],
            ["时段不对", "服务驿站", "靖小蜂", 120.26, 31.96, "早八点到晚十点", ""],
            ["缺类型", "服务驿站", "", 120.26, 31.96, "", ""],
            ["写反了", "服务驿站", "靖小蜂", 31.96, 120.26, "", ""]]
    plan, counts = station_importer.apply(xlsx(rows), "驿站.xlsx")
    assert counts is None and not Station.objects.exists()
    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert reasons[(3, "开放时段")] == "开放时段应写作“08:00-22:00”或“24小时”"
    assert reasons[(4, "驿站类型")] == "服务驿站须选择驿站类型。"
    assert "不在中国境内" in reasons[(5, "经度")]


def test_workers_import_by_their_whole_phone(station):
    team = VolunteerTeam.objects.create(name="蜂骑士团")
    rows = [WORKER_HEADER,
            ["139 0013 9000", "王骑手", "外卖", "是", "蜂骑士团", "2026-01-01", station.name],
            ["13700137000", "李骑手", "快递", "否", "", "2026-01-01", ""]]
    plan, counts = worker_importer.apply(xlsx(rows), "人员.xlsx")
    assert not plan.errors, plan.errors
    assert counts["create"] == 2
    wang = Worker.objects.get(name="王骑手")
    assert (wang.phone, wang.phone_digest, wang.party_member, wang.station) == (
        "13900139000", phone_digest("13900139000"), True, station)
    assert list(wang.teams.all()) == [team]
    rows[1][1] = "王小骑"  # the same phone: the same person
    plan, counts = worker_importer.apply(xlsx(rows), "人员.xlsx")
    assert not plan.errors and counts["update"] == 1 and Worker.objects.count() == 2


def test_a_bad_worker_sheet_writes_nothing():
    rows = [WORKER_HEADER,
            ["13900139000", "好人员", "外卖", "否", "", "2026-01-01", ""],
            ["139****9001", "打码的", "外卖", "否", "", "2026-01-01", ""],
            ["13900139002", "没同意", "外卖", "否", "", "", ""],
            ["13900139003", "队伍不对", "外卖", "否", "不存在的队", "2026-01-01", ""],
            ["12345", "号码不对", "外卖", "否", "", "2026-01-01", ""]]
    plan, counts = worker_importer.apply(xlsx(rows), "人员.xlsx")
    assert counts is None and not Worker.objects.exists()
    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert reasons[(3, "手机号")] == "手机号已打码，无法对应人员，请填写完整号码"
    assert reasons[(4, "个人信息同意日期")] == "登记手机号或身份证号须先记录本人同意的日期。"
    assert reasons[(5, "志愿队伍")] == "没有名为“不存在的队”的志愿队伍"
    assert reasons[(6, "手机号")] == "手机号应为 11 位数字，以 1 开头。"


def test_the_export_masks_numbers_for_roles_without_the_right(make_user, client_for, worker):
    leader = read_xlsx(client_for(make_user("leader")).get(reverse("community:worker_list"),
                                                           {"export": "xlsx"}).content)
    cells = {str(cell) for row in leader for cell in row}
    assert "139****9000" in cells and "13900139000" not in cells
    officer = client_for(make_user("community"))
    cells = {str(cell) for row in read_xlsx(officer.get(reverse("community:worker_list"), {"export": "xlsx"}).content)
             for cell in row}
    assert "139****9000" in cells and "13900139000" not in cells  # in full only with a reason
    full = read_xlsx(officer.post(reverse("community:worker_list"), {"export": "xlsx", "export_reason": "核对名册"}).content)
    assert "13900139000" in {str(cell) for row in full for cell in row}


def test_a_refused_choice_is_named_by_its_label_not_its_code():
    rows = [STATION_HEADER, ["党建中心", "党建指导中心", "小哥驿站", 120.26, 31.96, "", ""]]
    plan, counts = station_importer.apply(xlsx(rows), "驿站.xlsx")
    assert counts is None and not Station.objects.exists()
    [error] = plan.errors
    assert (error.column, error.value, error.reason) == ("驿站类型", "小哥驿站", "只有服务驿站有驿站类型。")


def test_a_worker_s_grid_is_imported_by_code_or_name_filtered_and_exported(make_user, client_for, station):
    from openpark.core.models import Grid

    east = Grid.objects.create(code="CN-01", name="城南一网格")
    header = [*WORKER_HEADER, "所在网格"]
    rows = [header, ["13900139000", "王骑手", "外卖", "是", "", "2026-01-01", station.name, "CN-01"],
            ["13700137000", "李骑手", "快递", "否", "", "2026-01-01", "", "城南一网格"]]
    plan, counts = worker_importer.apply(xlsx(rows), "人员.xlsx")
    assert not plan.errors and counts["create"] == 2, plan.errors
    assert set(Worker.objects.values_list("grid", flat=True)) == {east.pk}
    bad = [header, ["13600136000", "赵骑手", "外卖", "否", "", "2026-01-01", "", "CN-99"]]
    plan, counts = worker_importer.apply(xlsx(bad), "人员.xlsx")
    assert counts is None and [(e.column, e.reason) for e in plan.errors] == [("所在网格", "没有这个网格（填写网格编码或名称）")]
    assert Worker.objects.count() == 2
    officer = client_for(make_user("community"))
    listed = officer.get(reverse("community:worker_list"), {"grid": east.pk})
    assert {obj.name for obj, _ in listed.context["rows"]} == {"王骑手", "李骑手"}
    sheet = read_xlsx(officer.get(reverse("community:worker_list"), {"export": "xlsx"}).content)
    assert "所在网格" in sheet[0] and {row[sheet[0].index("所在网格")] for row in sheet[1:]} == {"CN-01"}
