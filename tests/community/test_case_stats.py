"""随手拍统计: the pure figures by hand (rates, medians, month buckets, deadlines, empty input), then
the page, its links, its workbook and the cockpit tile on real cases."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.community import case_stats as cs
from openpark.community.case_stats import CaseRow
from openpark.community.choices import CaseStage, CaseState as S



def at(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# Pure: words and rates -----------------------------------------------------------------------------

@pytest.mark.parametrize("seconds, text", [
    (None, "—"), (0, "不足 1 分"), (29, "不足 1 分"), (30, "1 分"), (45 * 60, "45 分"), (3600, "1 小时"),
    (2 * 3600 + 15 * 60, "2 小时 15 分"), (86400, "1 天"), (86400 + 3 * 3600, "1 天 3 小时"),
    (86400 + 3 * 3600 + 59 * 60, "1 天 3 小时"), (1200 * 86400, "1,200 天")])
def test_durations_read_in_words(seconds, text):
    assert cs.duration_text(seconds) == text


def test_rates_have_two_decimals_and_a_percent_sign():
    assert cs.rate(1, 3) == D("33.33") and cs.rate_text(cs.rate(1, 3)) == "33.33%"
    assert cs.rate(2, 3) == D("66.67")
    assert cs.rate_text(cs.rate(1, 1)) == "100.00%"
    assert cs.rate(0, 0) is None and cs.rate_text(None) == "—"


def test_time_left_or_overdue():
    now = at(1, 8)
    assert cs.left_text(now + timedelta(hours=2, minutes=15), now) == "剩余 2 小时 15 分"
    assert cs.left_text(now - timedelta(minutes=1), now) == "已逾期"
    assert cs.left_text(None, now) == "—"


def test_a_deadline_in_days_falls_at_the_end_of_its_day_in_the_park():
    due_on = date(2026, 3, 2)
    assert cs.deadline_met(due_on, None, datetime(2026, 3, 2, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
    assert not cs.deadline_met(due_on, None, datetime(2026, 3, 2, 16, 0, tzinfo=UTC))  # the 3rd in Shanghai
    assert not cs.deadline_met(due_on, None, None)  # still running
    minute = at(2, 8, 30)
    assert cs.deadline_met(due_on, minute, minute) and not cs.deadline_met(due_on, minute, minute + timedelta(seconds=1))


def test_the_month_of_a_case_is_the_parks():
    assert cs.local_month(datetime(2026, 1, 31, 17, 0, tzinfo=UTC)) == 2
    assert cs.local_month(datetime(2026, 1, 31, 15, 59, tzinfo=UTC)) == 1


# Pure: stage times ---------------------------------------------------------------------------------

def test_stage_times_run_from_entering_a_state_to_leaving_it_and_add_up_stays():
    changes = [  # given out of order: sorted by time per case
        (1, at(1, 0, 30), S.VERIFIED), (1, at(1, 0, 0), S.REPORTED), (1, at(1, 1, 0), S.REGISTERED),
        (1, at(1, 1, 10), S.DISPATCHED), (1, at(1, 2, 0), S.HANDLING),
        (1, at(1, 3, 0), S.HANDLING),  # 申请延期 stays: no new stay
        (1, at(1, 5, 0), S.REPLIED), (1, at(1, 6, 0), S.HANDLING),  # 返工
        (1, at(1, 7, 0), S.REPLIED), (1, at(1, 7, 30), S.CHECKED), (1, at(1, 8, 0), S.CLOSED),
        (2, at(1, 0, 0), S.REPORTED),  # still waiting: nothing counted
    ]
    times = cs.stage_seconds(changes)
    assert times[1] == {CaseStage.VERIFY: 1800, CaseStage.REGISTER: 1800, CaseStage.DISPATCH: 600,
                        CaseStage.ACCEPT: 3000, CaseStage.HANDLE: 4 * 3600, CaseStage.RECHECK: 3600 + 1800,
                        CaseStage.CLOSE: 1800}
    assert times[2] == {}
    assert cs.stage_seconds([]) == {}


# Pure: the tables ----------------------------------------------------------------------------------

def rows_and_history():
    rows = [
        CaseRow(1, at(2), S.CLOSED, category_id=10, department_id=100, grid_id=7, returns=1, reworks=1),
        CaseRow(2, at(3), S.EVALUATED, category_id=10, department_id=100, grid_id=7, extensions=1),
        CaseRow(3, at(4), S.HANDLING, category_id=11, department_id=100, grid_id=None, extensions=2, returns=2),
        CaseRow(4, at(5, month=4), S.REGISTERED, category_id=11, returns=1),
        CaseRow(5, at(6, month=4), S.INVALID, category_id=11),
        CaseRow(6, at(7, month=4), S.REPORTED, category_id=10),
    ]
    changes = [
        (1, at(2), S.REPORTED), (1, at(2, 1), S.VERIFIED),  # 核实 1 h
        (2, at(3), S.REPORTED), (2, at(3, 3), S.VERIFIED),  # 核实 3 h
        (3, at(4), S.REPORTED), (3, at(4, 0, 20), S.VERIFIED),  # 核实 20 min
        (4, at(5, month=4), S.REPORTED), (4, at(5, 2, month=4), S.VERIFIED),  # 核实 2 h
        (5, at(6, month=4), S.REPORTED), (5, at(7, month=4), S.INVALID),  # 核实 1 day
        (6, at(7, month=4), S.REPORTED),
    ]
    deadlines = [
        (1, date(2026, 3, 2), None, at(2, 1)),  # met
        (2, date(2026, 3, 3), at(3, 1), at(3, 3)),  # 2 hours late: case 2 was not on time
        (3, date(2026, 3, 20), None, None),  # running: case 3 is not closed anyway
    ]
    return rows, changes, deadlines


def test_the_tables_by_hand():
    stats = cs.build(*rows_and_history())
    total = stats.total
    assert (total.reported, total.registered, total.closed, total.on_time, total.reworked, total.dispatched,
            total.extended, total.returns) == (6, 4, 2, 1, 1, 3, 2, 4)
    assert total.values()[:8] == (6, 4, 2, "33.33%", "50.00%", "50.00%", "66.67%", 4)
    # 核实: 20 min, 1 h, 2 h, 3 h, 1 day → the median is 2 h; no case has left any later stage.
    assert total.median(CaseStage.VERIFY) == 7200 and total.values()[8] == "2 小时"
    assert total.values()[9:] == ("—",) * 6

    department = stats.departments[100]
    assert department.values()[:8] == (3, 3, 2, "66.67%", "50.00%", "50.00%", "66.67%", 3)
    assert department.median(CaseStage.VERIFY) == 3600  # 20 min, 1 h, 3 h
    assert stats.departments[None].values()[:8] == (3, 1, 0, "0.00%", "—", "—", "—", 1)
    assert stats.departments[None].median(CaseStage.VERIFY) == (7200 + 86400) / 2
    assert stats.departments[None].values()[8] == "13 小时"
    assert {key: figures.reported for key, figures in stats.categories.items()} == {10: 3, 11: 3}
    assert {key: figures.reported for key, figures in stats.grids.items()} == {7: 2, None: 4}
    assert [stats.months[m].reported for m in cs.MONTHS] == [0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0]
    assert stats.months[4].values()[:4] == (3, 1, 0, "0.00%")
    assert stats.months[1].values() == (0, 0, 0, "—", "—", "—", "—", 0, *("—",) * 7)
    assert stats.total.shown()[:2] == ("6", "4")


def test_no_cases_no_figures():
    stats = cs.build([], [], [])
    assert stats.total.values() == (0, 0, 0, "—", "—", "—", "—", 0, *("—",) * 7)
    assert stats.departments == {} and stats.categories == {} and stats.grids == {}
    assert all(stats.months[m].reported == 0 for m in cs.MONTHS)


def test_a_case_reported_late_in_january_is_a_february_case():
    stats = cs.build([CaseRow(1, datetime(2026, 1, 31, 17, 0, tzinfo=UTC), S.REPORTED)], [], [])
    assert stats.months[1].reported == 0 and stats.months[2].reported == 1


def test_a_closed_case_without_deadlines_is_on_time():
    stats = cs.build([CaseRow(1, at(2), S.CLOSED)], [], [])
    assert stats.total.on_time_rate == D("100.00")


# The page, its links and its workbook ------------------------------------------------------------------

@pytest.fixture
def year_cases(db, new_case, category, rider, centre, handler):
    """This year: one case waiting (待核实), one closed, one dispatched."""
    from tests.community.test_case_queues import advance, file_case

    closed = advance(file_case(category, rider), S.CLOSED, centre, handler)
    dispatched = advance(file_case(category, rider), S.DISPATCHED, centre)
    return {"waiting": new_case, "closed": closed, "dispatched": dispatched}


def stats_url(**params) -> str:
    from django.utils.http import urlencode

    return reverse("community:case_stats") + (f"?{urlencode(params)}" if params else "")


def test_the_stats_page_counts_the_years_cases_and_links_each_figure(year_cases, centre, department, category,
                                                                       client_for):
    year = timezone.localdate().year
    response = client_for(centre).get(stats_url())
    assert response.status_code == 200 and response.context["year"] == year
    tables = {table["key"]: table for table in response.context["tables"]}
    assert list(tables) == ["department", "category", "grid", "month"]
    total_label, cells, _ = tables["department"]["lines"][-1]
    assert total_label == "合计"
    assert [text for text, _ in cells[:8]] == ["3", "2", "1", "33.33%", "100.00%", "0.00%", "0.00%", "0"]
    assert cells[8][0] == "不足 1 分"  # 核实 took seconds here
    first, last = f"{year}-01-01", f"{year}-12-31"
    list_url = reverse("community:case_list")
    assert cells[0][1] == f"{list_url}?reported_from={first}&reported_to={last}"
    assert cells[2][1] == f"{list_url}?reported_from={first}&reported_to={last}&state=closed&state=evaluated"
    # The department's row: the two cases dispatched to it, linked by it.
    name, cells, figures = tables["department"]["lines"][0]
    assert name == department.name and figures.reported == 2 and figures.closed == 1
    assert f"department={department.pk}" in cells[0][1]
    assert tables["department"]["lines"][1][0] == "未派遣" and tables["department"]["lines"][1][1][0] == ("1", "")
    assert tables["category"]["lines"][0][0] == category.name
    assert tables["grid"]["lines"][0][0] == "城南一网格"
    month = timezone.localdate().month
    label, cells, figures = tables["month"]["lines"][month - 1]
    assert label == f"{month}月" and figures.reported == 3 and "reported_from=" in cells[0][1]
    assert len(tables["month"]["lines"]) == 13
    html = response.content.decode()
    assert f'<a href="{cells[0][1].replace("&", "&amp;")}">3</a>' in html
    # Whoever follows a link sees the cases it counts.
    listed = client_for(centre).get(tables["department"]["lines"][-1][1][2][1])
    assert [obj.pk for obj in listed.context["page"].object_list] == [year_cases["closed"].pk]


def test_another_year_has_no_cases(year_cases, centre, client_for):
    response = client_for(centre).get(stats_url(year=2020))
    assert response.status_code == 200
    assert response.context["total"].reported == 0


@pytest.mark.parametrize("year", ["abc", "1800", "99999"])
def test_a_bad_year_is_refused_in_chinese(centre, client_for, year):
    response = client_for(centre).get(stats_url(year=year))
    assert response.status_code == 400 and "年份" in response.content.decode()


def test_the_workbook_holds_the_same_tables_and_the_export_is_recorded(year_cases, centre, client_for):
    from openpark.community.models import Case
    from openpark.core.choices import ChangeAction
    from openpark.core.models import ChangeRecord
    from tests.sheets import read_xlsx

    year = timezone.localdate().year
    response = client_for(centre).get(stats_url(year=year, export="xlsx"))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    departments = read_xlsx(content, 0)
    assert departments[0] == ["处置部门", *cs.EXPORT_HEADERS] and "处置用时（小时）" in departments[0]
    # Counts and rates as numbers, the rates as fractions shown in per cent; durations in hours.
    assert departments[-1][:9] == ["合计", 3, 2, 1, pytest.approx(0.3333), 1, 0, 0, 0]
    assert all(isinstance(value, (int, float)) for value in departments[-1][1:9])
    assert all(value == "" or isinstance(value, (int, float)) for value in departments[-1][9:])
    formats = number_formats(content)
    assert formats["E"] == "0.00%" and formats["B"] == "#,##0" and formats[chr(ord("A") + 9)] == "#,##0.00"
    months = read_xlsx(content, 3)
    assert months[0][0] == "月份" and len(months) == 1 + 13
    record = ChangeRecord.objects.filter(action=ChangeAction.EXPORT).latest("time")
    assert record.user_id == centre.pk and f"{year}年随手拍统计 3 条" in record.object_repr
    assert record.content_type.model_class() is Case


def test_the_stats_are_for_the_park_wide_roles(year_cases, handler, rider, make_user, client_for):
    assert client_for(make_user("leader")).get(stats_url()).status_code == 200
    for user in (handler, rider, make_user("economy")):
        assert client_for(user).get(stats_url()).status_code == 403


def test_the_stats_read_a_few_queries_however_many_cases(year_cases, category, rider, centre, client_for,
                                                        django_assert_max_num_queries):
    from tests.community.test_case_queues import file_case

    client = client_for(centre)
    client.get(stats_url())
    with django_assert_max_num_queries(20) as few:
        client.get(stats_url())
    for _ in range(5):
        file_case(category, rider)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(stats_url())


# The cockpit tile ------------------------------------------------------------------------------------------

def test_the_cockpit_tile(year_cases, centre, make_user, client_for):
    from django.contrib.contenttypes.models import ContentType

    from openpark.community.cockpit import cases_panel
    from openpark.community.models import Case
    from openpark.core.models import Deadline

    year = timezone.localdate().year
    Deadline.objects.create(content_type=ContentType.objects.get_for_model(Case),
                            object_id=str(year_cases["waiting"].pk), transition="submit", state=S.REPORTED,
                            label="核实", working_days=1, due_on=timezone.localdate() - timedelta(days=2))
    panel = cases_panel(year)
    figures = {figure.label: figure for figure in panel.figures}
    assert list(figures) == ["上报", "结案率", "按期结案率", "逾期在办"]
    assert (figures["上报"].text, figures["结案率"].text, figures["按期结案率"].text, figures["逾期在办"].text) == (
        "3", "33.33", "100.00", "1")
    list_url = reverse("community:case_list")
    assert figures["上报"].url == f"{list_url}?reported_from={year}-01-01&reported_to={year}-12-31"
    assert figures["结案率"].url == figures["按期结案率"].url == f"{reverse('community:case_stats')}?year={year}"
    assert figures["逾期在办"].url == f"{list_url}?overdue=true" and figures["逾期在办"].status == "alarm"
    overdue = client_for(centre).get(figures["逾期在办"].url)
    assert [obj.pk for obj in overdue.context["page"].object_list] == [year_cases["waiting"].pk]
    cockpit = client_for(make_user("leader")).get(reverse("cockpit"))
    assert "community_cases" in [tile.key for tile, _ in cockpit.context["panels"]]
    assert "随手拍" in cockpit.content.decode()


def test_each_rate_links_to_the_cases_it_counts(year_cases, category, rider, centre, handler, client_for):
    from openpark.core.models import Deadline
    from tests.community.test_case_queues import advance, file_case

    late = advance(file_case(category, rider), S.CLOSED, centre, handler)
    handled = Deadline.objects.of(late).get(state=S.HANDLING)
    Deadline.objects.filter(pk=handled.pk).update(due_at=None, due_on=handled.met_at.date() - timedelta(days=1))
    reworked = advance(file_case(category, rider), S.CLOSED, centre, handler)
    type(reworked).objects.filter(pk=reworked.pk).update_unguarded(reworks=1)
    response = client_for(centre).get(stats_url())
    tables = {table["key"]: table for table in response.context["tables"]}
    _, cells, figures = tables["department"]["lines"][-1]
    assert figures.closed == 3 and figures.on_time == 2 and figures.reworked == 1
    assert cells[4][0] == "66.67%" and cells[5][0] == "33.33%"

    def listed(url):
        return {obj.pk for obj in client_for(centre).get(url).context["page"].object_list}

    assert listed(cells[4][1]) == {year_cases["closed"].pk, reworked.pk}  # 按期结案: every stage in time
    assert listed(cells[5][1]) == {reworked.pk}  # 返工
    assert listed(cells[6][1]) == set()  # 延期: none was extended


def number_formats(content: bytes) -> dict[str, str]:
    """The number format of each cell of the first figure row (row 2) of the first sheet, by column
    letter, read from the workbook's XML."""
    import io
    import re
    import zipfile
    from xml.etree import ElementTree

    ns = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    codes = {fmt.get("numFmtId"): fmt.get("formatCode") for fmt in styles.iterfind("x:numFmts/x:numFmt", ns)}
    codes.update({"0": "General", "3": "#,##0", "4": "#,##0.00", "10": "0.00%"})
    xfs = [xf.get("numFmtId", "0") for xf in styles.iterfind("x:cellXfs/x:xf", ns)]
    row = next(r for r in sheet.iterfind("x:sheetData/x:row", ns) if r.get("r") == "2")
    return {re.sub(r"\d", "", cell.get("r")): codes.get(xfs[int(cell.get("s", "0"))], "?")
            for cell in row.iterfind("x:c", ns)}


def test_the_page_still_shows_rates_with_their_percent_sign(year_cases, centre, client_for):
    page = client_for(centre).get(stats_url(year=timezone.localdate().year)).content.decode()
    assert "33.33%" in page and "100.00%" in page
