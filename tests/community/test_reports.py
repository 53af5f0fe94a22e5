"""活动统计 and the party and union rosters: every figure against a small data set counted by hand,
the year's validation, who may see them, the workbooks read back, and phones and ID numbers in
full only with a recorded reason."""
from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from openpark.community import reports, services
from openpark.community.models import Activity, Organisation, Participation, VolunteerTeam, Worker
from openpark.core.models import ChangeRecord

from ..sheets import read_xlsx
from .conftest import ID_NUMBER

REPORT = "/community/reports/"
PARTY = "/community/reports/party.xlsx"
UNION = "/community/reports/union.xlsx"


@pytest.fixture
def park(db, enterprises, station):
    """Four activities in 2026 and one in 2025, counted by hand:

    A1 2026-03-05 党员培训, 党委, 先锋队, 2 h, 2 points: 王 and 李 came, 张 did not; both granted.
    A2 2026-03-20 志愿服务, no organiser, 先锋队, 1.5 h: 王 and 赵 came; nothing granted.
    A3 2026-07-01 工会服务集市, 工会, 蜂骑士团, 3 h, 5 points: 张 came (granted), 王 did not.
    A5 2026-11-02 座谈论坛, no organiser, no team, 2.5 h: nobody signed up.
    A4 2025-12-31 主题党日, 党委, 先锋队: another year, counted nowhere.
    """
    party = Organisation.objects.create(name="外卖配送行业党委", kind="party_committee", officers="周书记")
    party.covered_enterprises.set(enterprises[:2])
    union = Organisation.objects.create(name="网约配送行业工会联合会", kind="union")
    union.covered_enterprises.set(enterprises[:1])
    pioneers = VolunteerTeam.objects.create(name="先锋队", organisation=party)
    riders = VolunteerTeam.objects.create(name="蜂骑士团")
    idle = VolunteerTeam.objects.create(name="空闲队")
    wang = Worker.objects.create(name="王骑手", employer=enterprises[0], job_type="takeaway", party_member=True,
                                 union_member=True, station=station, phone="13900139000", id_number=ID_NUMBER,
                                 consent_on=date(2026, 1, 1))
    wang.teams.set([pioneers, riders])
    li = Worker.objects.create(name="李骑手", employer=enterprises[1], job_type="express", party_member=True,
                               phone="13700137000", consent_on=date(2026, 1, 1))
    zhang = Worker.objects.create(name="张骑手", job_type="live_streaming", union_member=True, grid_worker=True)
    zhao = Worker.objects.create(name="赵骑手", job_type="other")

    def activity(title, held_on, kind, organiser, team, hours, points, came, absent=()):
        made = Activity.objects.create(title=title, held_on=held_on, kind=kind, organiser=organiser, team=team,
                                       hours=hours, points=points)
        Participation.objects.bulk_create([Participation(activity=made, worker=w, attended=True) for w in came]
                                          + [Participation(activity=made, worker=w) for w in absent])
        return made

    a1 = activity("党员骑手培训", date(2026, 3, 5), "party_training", party, pioneers, D("2"), 2, [wang, li], [zhang])
    activity("路口文明引导", date(2026, 3, 20), "volunteer", None, pioneers, D("1.5"), 0, [wang, zhao])
    a3 = activity("工会服务集市", date(2026, 7, 1), "union_fair", union, riders, D("3"), 5, [zhang], [wang])
    activity("骑手座谈会", date(2026, 11, 2), "forum", None, None, D("2.5"), 0, [])
    activity("年末主题党日", date(2025, 12, 31), "party_day", party, pioneers, D("4"), 10, [wang])
    for act, came in ((a1, [wang, li]), (a3, [zhang])):
        for w in came:
            services.grant(w, services.activity_source(act.pk, w.pk), act.points, act.title, hours=act.hours,
                           on=act.held_on)
    return {"teams": (pioneers, riders, idle), "workers": (wang, li, zhang, zhao), "party": party, "union": union}


ZERO = ("0", "0", "0", "—", "0.0", "0")


# The pure computation -----------------------------------------------------------------------------


def test_rates_hours_and_months_as_people_read_them():
    figures = reports.Figures(activities=1, signed_up=7, attended=5, hours=D("10"), points=9)
    assert figures.shown() == ("1", "7", "5", "71.4%", "10.0", "9")
    assert reports.Figures().shown() == ZERO
    assert reports.MONTH_LABELS[0] == "1月" and reports.MONTH_LABELS[-1] == "12月"
    assert reports.activity_id_of("activity:12:worker:3") == 12
    assert reports.activity_id_of("redemption:12") is None and reports.activity_id_of("activity:x:worker:3") is None


@pytest.mark.parametrize("text, year, error", [
    ("", 2026, ""), ("2025", 2025, ""), (" 2024 ", 2024, ""),
    ("abc", 2026, "年份“abc”无效，请填写 1990—2100 之间的四位年份。"),
    ("1989", 2026, "年份“1989”无效，请填写 1990—2100 之间的四位年份。"),
    ("-1", 2026, "年份“-1”无效，请填写 1990—2100 之间的四位年份。"),
    ("20261", 2026, "年份“20261”无效，请填写 1990—2100 之间的四位年份。"),
])
def test_year_is_checked(text, year, error):
    assert reports.parse_year(text, 2026) == (year, error)


# The figures against the hand count ---------------------------------------------------------------


def test_every_figure_matches_the_hand_count(park, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        report = services.activity_report(2026)
    park_months = {label: figures.shown() for label, figures in report.park.lines()}
    assert park_months["3月"] == ("2", "5", "4", "80.0%", "7.0", "4")
    assert park_months["7月"] == ("1", "2", "1", "50.0%", "3.0", "5")
    assert park_months["11月"] == ("1", "0", "0", "—", "0.0", "0")
    assert park_months["12月"] == ZERO and park_months["1月"] == ZERO
    assert park_months["合计"] == ("4", "7", "5", "71.4%", "10.0", "9")
    assert [(label, figures.shown()) for label, figures in report.kinds] == [
        ("座谈论坛", ("1", "0", "0", "—", "0.0", "0")),
        ("党员培训", ("1", "3", "2", "66.7%", "4.0", "4")),
        ("工会服务集市", ("1", "2", "1", "50.0%", "3.0", "5")),
        ("志愿服务", ("1", "2", "2", "100.0%", "3.0", "0")),
        ("合计", ("4", "7", "5", "71.4%", "10.0", "9")),
    ]
    assert [(label, figures.shown()) for label, figures in report.organisers] == [
        ("外卖配送行业党委", ("1", "3", "2", "66.7%", "4.0", "4")),
        ("网约配送行业工会联合会", ("1", "2", "1", "50.0%", "3.0", "5")),
        ("未指定主办组织", ("2", "2", "2", "100.0%", "3.0", "0")),
        ("合计", ("4", "7", "5", "71.4%", "10.0", "9")),
    ]
    teams = {name: {label: f.shown() for label, f in months.lines()} for _, name, months in report.teams}
    assert list(teams) == sorted(teams)
    assert teams["先锋队"]["3月"] == ("2", "5", "4", "80.0%", "7.0", "4")
    assert teams["先锋队"]["12月"] == ZERO  # the 2025 party day is another year's
    assert teams["先锋队"]["合计"] == ("2", "5", "4", "80.0%", "7.0", "4")
    assert teams["蜂骑士团"]["7月"] == teams["蜂骑士团"]["合计"] == ("1", "2", "1", "50.0%", "3.0", "5")
    assert teams["空闲队"]["合计"] == ZERO
    last_year = services.activity_report(2025)
    assert last_year.total.shown() == ("1", "1", "1", "100.0%", "4.0", "0")  # held, never granted


def test_report_page_shows_the_tables(park, make_user, client_for):
    response = client_for(make_user("community")).get(REPORT, {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("活动统计", "全园区按月", "按活动类型", "按主办组织", "各志愿队伍按月", "71.4%", "10.0", "1月", "12月", "合计",
                 "外卖配送行业党委", "未指定主办组织", "空闲队", 'id="team-', "导出完整党员名册"):
        assert text in html
    assert "0.7142" not in html and "True" not in html and "party_training" not in html


def test_the_year_defaults_to_this_year_in_local_time(park, make_user, client_for):
    from django.utils import timezone

    response = client_for(make_user("community")).get(REPORT)
    assert response.status_code == 200 and response.context["year"] == timezone.localdate().year


@pytest.mark.parametrize("year", ["abc", "1989", "20261", "２０２６x"])
def test_a_bad_year_is_refused_in_chinese(park, make_user, client_for, year):
    client = client_for(make_user("community"))
    for url in (REPORT, PARTY, UNION):
        response = client.get(url, {"year": year})
        assert response.status_code == 400
        assert "无效，请填写 1990—2100 之间的四位年份。" in response.content.decode()
    assert not ChangeRecord.objects.filter(action="export").exists()


def test_report_workbook_holds_the_same_tables(park, make_user, client_for):
    response = client_for(make_user("leader")).get(REPORT, {"year": "2026", "export": "xlsx"})
    assert response.status_code == 200
    assert "filename*=UTF-8''%E6%B4%BB%E5%8A%A8%E7%BB%9F%E8%AE%A1-2026%E5%B9%B4.xlsx" in response["Content-Disposition"]
    content = response.content
    park_sheet = read_xlsx(content, 0)
    assert park_sheet[0] == ["月份", "活动场次", "报名人次", "签到人次", "签到率", "服务时长（小时）", "发放积分"]
    assert park_sheet[3] == ["3月", 2, 5, 4, "80.0%", 7.0, 4]
    assert park_sheet[-1] == ["合计", 4, 7, 5, "71.4%", 10.0, 9]
    assert len(park_sheet) == 14
    assert read_xlsx(content, 1)[2] == ["党员培训", 1, 3, 2, "66.7%", 4.0, 4]
    assert read_xlsx(content, 2)[-2] == ["未指定主办组织", 2, 2, 2, "100.0%", 3.0, 0]
    teams = read_xlsx(content, 3)
    assert teams[0][:2] == ["志愿队伍", "月份"]
    assert ["先锋队", "3月", 2, 5, 4, "80.0%", 7.0, 4] in teams
    assert ["空闲队", "合计", 0, 0, 0, "—", 0.0, 0] in teams
    assert len(teams) == 1 + 3 * 13


# Who may see them ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["investment", "economy", "environment", "admin", "audit"])
def test_roles_without_the_right_are_refused(park, make_user, client_for, role):
    client = client_for(make_user(role))
    for url in (REPORT, PARTY, UNION):
        assert client.get(url).status_code == 403


def test_scoped_users_are_refused(park, make_user, client_for, enterprise_user):
    for user in (enterprise_user, make_user("grid")):
        client = client_for(user)
        for url in (REPORT, PARTY, UNION):
            assert client.get(url).status_code == 403
        client.logout()


def test_anonymous_is_sent_to_login(park, client):
    for url in (REPORT, PARTY, UNION):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# The rosters and their personal data --------------------------------------------------------------


def _roster(content: bytes) -> dict:
    rows = read_xlsx(content, 0)
    return {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}


def test_party_roster_is_masked_without_a_reason(park, make_user, client_for):
    officer = make_user("community")
    response = client_for(officer).get(PARTY, {"year": "2026"})
    assert response.status_code == 200
    assert "%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C-2026%E5%B9%B4.xlsx" in response["Content-Disposition"]  # 党员名册-2026年
    members = _roster(response.content)
    assert set(members) == {"王骑手", "李骑手"}
    wang = members["王骑手"]
    assert wang["手机号"] == "139****9000" and wang["身份证号"] == "******"
    assert wang["志愿队伍"] == "先锋队、蜂骑士团" and wang["常驻驿站"] == "城南小哥驿站" and wang["从业类型"] == "外卖"
    assert wang["服务时长（小时）"] == 2.0 and wang["积分余额"] == 2 and wang["兼职网格员"] == "否"
    assert members["李骑手"]["积分余额"] == 2 and members["李骑手"]["手机号"] == "137****7000"
    organisations = read_xlsx(response.content, 1)
    assert organisations[1] == ["外卖配送行业党委", "党委", "", "周书记", 2]
    activities = read_xlsx(response.content, 2)
    assert activities[1:] == [["2026-03-05", "党员骑手培训", "党员培训", "外卖配送行业党委", 3, 2, "66.7%", 4.0]]
    record = ChangeRecord.objects.get(action="export")
    assert record.user == officer and record.reason == "" and "（脱敏）" in record.object_repr
    assert record.content_type == ContentType.objects.get_for_model(Worker)
    assert record.get_action_display() == "导出"


def test_full_roster_needs_the_right_and_a_reason_and_is_recorded(park, make_user, client_for):
    officer = make_user("community")
    client = client_for(officer)
    # With the right but no reason: masked all the same; asked in full with an empty reason: nothing.
    members = _roster(client.get(UNION, {"year": "2026"}).content)
    assert members["王骑手"]["手机号"] == "139****9000"
    refused = client.post(UNION, {"year": "2026", "export_reason": "  "})
    assert refused.status_code == 400 and "请填写导出事由" in refused.content.decode()
    response = client.post(UNION, {"year": "2026", "export_reason": "工会会员慰问电话回访"})
    assert response.status_code == 200
    members = _roster(response.content)
    assert set(members) == {"王骑手", "张骑手"}
    assert members["王骑手"]["手机号"] == "13900139000" and members["王骑手"]["身份证号"] == ID_NUMBER
    assert members["张骑手"]["积分余额"] == 5 and members["张骑手"]["兼职网格员"] == "是"
    assert read_xlsx(response.content, 1)[1] == ["网约配送行业工会联合会", "工会", "", "", 1]
    assert read_xlsx(response.content, 2)[1:] == [["2026-07-01", "工会服务集市", "工会服务集市", "网约配送行业工会联合会", 2, 1,
                                                   "50.0%", 3.0]]
    record = ChangeRecord.objects.filter(action="export").latest("pk")
    assert record.user == officer and record.username == officer.username
    assert record.reason == "工会会员慰问电话回访"
    assert record.object_repr == "导出工会会员名册 2 条（手机号、身份证号完整）"
    assert record.time is not None and ChangeRecord.objects.filter(action="export").count() == 2
    # The auditors read it among the change records, labelled as an export.
    audit = client_for(make_user("audit")).get(reverse("core:changerecord_list"))
    assert "工会会员慰问电话回访" in audit.content.decode() and ">导出<" in audit.content.decode()


def test_a_reason_does_not_unmask_for_a_role_without_the_right(park, make_user, client_for):
    leader = make_user("leader")
    response = client_for(leader).post(PARTY, {"year": "2026", "export_reason": "看看"})
    members = _roster(response.content)
    assert members["王骑手"]["手机号"] == "139****9000" and members["王骑手"]["身份证号"] == "******"
    assert "13900139000" not in str(read_xlsx(response.content, 0))
    record = ChangeRecord.objects.get(action="export")
    assert record.user == leader and "（脱敏）" in record.object_repr and record.reason == "看看"


# Links from the team and activity pages -----------------------------------------------------------


def test_team_page_shows_its_months_and_links_to_the_report(park, make_user, client_for):
    from django.utils import timezone

    pioneers = park["teams"][0]
    client = client_for(make_user("community"))
    html = client.get(pioneers.get_absolute_url()).content.decode()
    year = timezone.localdate().year
    assert f"{year}年活动统计" in html and 'id="team-months"' in html
    assert f"/community/reports/?year={year}#team-{pioneers.pk}" in html
    activity = Activity.objects.get(title="党员骑手培训")
    html = client.get(activity.get_absolute_url()).content.decode()
    assert "/community/reports/?year=2026" in html


def test_sidebar_lists_the_report_for_park_wide_roles(park, make_user, client_for):
    html = client_for(make_user("community")).get(reverse("home"), follow=True).content.decode()
    assert f'<a href="{REPORT}">活动统计</a>' in html
    html = client_for(make_user("grid")).get(reverse("home"), follow=True).content.decode()
    assert "活动统计" not in html


# The list export of a model with personal data (the core's rule, on the workers' list) ------------


def test_list_export_is_masked_without_a_reason_and_recorded(park, make_user, client_for):
    officer = make_user("community")
    client = client_for(officer)
    url = reverse("community:worker_list")
    page = client.get(url).content.decode()
    assert 'id="export-full"' in page and "导出事由" in page
    cells = {str(c) for row in read_xlsx(client.get(url, {"export": "xlsx", "party_member": "true"}).content)
             for c in row}
    assert "139****9000" in cells and "13900139000" not in cells and ID_NUMBER not in cells
    record = ChangeRecord.objects.get(action="export")
    assert record.reason == "" and record.object_repr.endswith("（脱敏）") and record.user == officer
    response = client.post(f"{url}?party_member=true", {"export": "xlsx", "export_reason": "党员信息核对"})
    assert response.status_code == 200
    cells = {str(c) for row in read_xlsx(response.content) for c in row}
    assert "13900139000" in cells and ID_NUMBER in cells
    record = ChangeRecord.objects.filter(action="export").latest("pk")
    assert record.reason == "党员信息核对" and record.user == officer
    assert record.object_repr == f"导出从业人员 {Worker.objects.filter(party_member=True).count()} 条（手机号、身份证号完整）"
    # A reason too long to record exports nothing and says why.
    recorded = ChangeRecord.objects.filter(action="export").count()
    response = client.post(f"{url}?party_member=true", {"export": "xlsx", "export_reason": "核" * 501}, follow=True)
    assert response.status_code == 200 and "导出事由" in response.content.decode()
    assert "500" in " ".join(str(m) for m in response.context["messages"])
    assert ChangeRecord.objects.filter(action="export").count() == recorded
    response = client.post(reverse("community:party_roster"), {"export_reason": "核" * 501})
    assert response.status_code == 400 and "导出事由" in response.content.decode()
    assert ChangeRecord.objects.filter(action="export").count() == recorded


def test_list_export_reason_gives_nothing_beyond_the_role(park, make_user, client_for):
    leader = client_for(make_user("leader"))
    url = reverse("community:worker_list")
    assert 'id="export-full"' not in leader.get(url).content.decode()
    cells = {str(c) for row in read_xlsx(leader.post(url, {"export": "xlsx", "export_reason": "想看"}).content)
             for c in row}
    assert "139****9000" in cells and "13900139000" not in cells
    assert client_for(make_user("leader")).post(url, {"x": "1"}).status_code == 405
    assert client_for(make_user("investment")).post(url, {"export": "xlsx", "export_reason": "想看"}).status_code == 403
