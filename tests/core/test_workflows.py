"""Workflows as a layer over the state machines: every transition an action on the page and in
the API, deadlines in working days, the timeline, 上报/督办 with its 待办 and 批示."""
import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openpark.core import deadlines, workflows
from openpark.core.attachments import attach
from openpark.core.models import Deadline, Escalation, Notification
from openpark.core.registry import declarations
from openpark.evaluation.models import DisposalCase
from openpark.investment import services as investment
from openpark.investment.models import Chain, Project
from tests.images import png_bytes
from tests.factories import EnterpriseFactory, bind_enterprise


def photo(name="现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes((20, 10), "RGB", (200, 0, 0)), content_type="image/png")


@pytest.fixture
def case(db):
    return DisposalCase.objects.create(enterprise=EnterpriseFactory(name="低效企业"), year=2021, route="upgrade",
                                       area_mu=D(5), deadline=date(2027, 6, 30), officer="王建国")


@pytest.fixture
def staff(make_user):
    return make_user("economy", full_name="经发小李")


def page_url(case, name):
    return reverse("evaluation:disposalcase_transition", args=[case.pk, name])


def api_url(case, name):
    return f"/api/evaluation/disposals/{case.pk}/transitions/{name}/"


def test_a_case_through_its_page_actions_with_a_note_and_evidence(case, staff, client_for):
    client = client_for(staff)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-transition="start"' in page and 'data-transition="finish"' not in page
    response = client.post(page_url(case, "finish"), {"note": "完成"})
    assert response.status_code == 400 and "当前状态为“待处置”，不能完成处置。" in response.content.decode()
    assert client.post(page_url(case, "start")).status_code == 302
    case.refresh_from_db()
    assert case.state == "in_progress"
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="id_finish_evidence">证明材料 <span class="required">*</span></label>' in page

    response = client.post(page_url(case, "finish"), {"note": "", "evidence": photo()})
    assert response.status_code == 400 and "完成处置须填写说明。" in response.content.decode()
    response = client.post(page_url(case, "finish"), {"note": "技改投产"})
    assert response.status_code == 400 and "完成处置须上传证明材料。" in response.content.decode()
    bad = SimpleUploadedFile("报告.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(page_url(case, "finish"), {"note": "技改投产", "evidence": bad})
    assert response.status_code == 400 and "文件内容与扩展名不符" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "in_progress" and not case.machine.history(case).filter(to_state="done").exists()

    response = client.post(page_url(case, "finish"), {"note": "技改投产，复核通过", "evidence": photo()})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "done"
    page = client.get(case.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert "经发小李" in timeline and "待处置 → 处置中" in timeline and "处置中 → 已完成（技改投产，复核通过）" in timeline
    assert "上传完成处置证明材料：现场照片.png" in timeline
    assert timeline.index("待处置 → 处置中") < timeline.index("处置中 → 已完成")
    assert client.post(page_url(case, "explode")).status_code == 404


def test_page_actions_refused_without_the_permission_or_outside_the_scope(case, make_user, client_for):
    assert client_for(make_user("leader")).post(page_url(case, "start")).status_code == 403
    outsider = make_user("enterprise")
    bind_enterprise(outsider, EnterpriseFactory())
    assert client_for(outsider).post(page_url(case, "start")).status_code == 404
    own = make_user("enterprise")
    bind_enterprise(own, case.enterprise)
    assert client_for(own).post(page_url(case, "start")).status_code == 403  # sees it, may not act
    case.refresh_from_db()
    assert case.state == "open"


def test_a_case_through_the_api(case, staff, make_user, api_for):
    api = api_for(staff)
    response = api.post(api_url(case, "finish"), {"note": "完成"}, format="json")
    assert response.status_code == 400 and "当前状态为“待处置”，不能完成处置。" in str(response.json())
    response = api.post(api_url(case, "start"), {}, format="json")
    assert response.status_code == 200
    assert response.json() == {"state": "in_progress", "state_display": "处置中", "overdue": False, "task": ""}
    response = api.post(api_url(case, "finish"), {"note": "技改投产"}, format="multipart")
    assert response.status_code == 400 and "完成处置须上传证明材料。" in str(response.json())
    response = api.post(api_url(case, "finish"), {"evidence": photo()}, format="multipart")
    assert response.status_code == 400 and "完成处置须填写说明。" in str(response.json())
    response = api.post(api_url(case, "finish"), {"note": "技改投产", "evidence": photo()}, format="multipart")
    assert response.status_code == 200 and response.json()["state"] == "done"
    assert api.post(api_url(case, "explode"), {}, format="json").status_code == 404

    assert api_for(make_user("leader")).post(api_url(case, "reopen"), {"note": "复查"}).status_code == 403
    outsider = make_user("enterprise")
    bind_enterprise(outsider, EnterpriseFactory())
    assert api_for(outsider).post(api_url(case, "reopen"), {"note": "复查"}).status_code == 404
    assert api_for(make_user("investment")).post(api_url(case, "reopen"), {"note": "复查"}).status_code == 403


def test_the_schema_lists_the_transitions_and_escalation(staff, api_for):
    paths = api_for(staff).get("/api/schema/", {"format": "json"}).json()["paths"]
    for route in ("/api/evaluation/disposals/{id}/transitions/{name}/", "/api/evaluation/runs/{id}/transitions/{name}/",
                  "/api/investment/projects/{id}/transitions/{name}/", "/api/investment/projects/{id}/escalate/",
                  "/api/core/todo/", "/api/core/todo/{id}/answer/"):
        assert route in paths, route
    assert "/api/enterprises/enterprises/{id}/transitions/{name}/" not in paths  # no state machine


# Deadlines ---------------------------------------------------------------------------------------


@pytest.fixture
def project(db):
    chain = Chain.objects.get(name="汽车配件")
    return Project.objects.create(name="精密齿轮项目", investor="某某精工", chain=chain, total_investment=D(50000),
                                  linked_leader="王主任", stage_changed_on=date(2023, 9, 1),
                                  last_progress_on=date(2023, 9, 1),
                                  contract_signed_on=date(2023, 8, 1), contract_amount=D(50000), land_certificate="苏(2026)靖江市不动产权第0000001号", permit_number="320282202601050101", permit_issued_on=date(2023, 9, 1))


@pytest.fixture
def at(clock_at):
    return clock_at


def test_a_deadline_counts_working_days_across_national_day(project, make_user, api_for, at):
    staff = make_user("investment", full_name="招商小王")
    at(2023, 9, 28, 10, 0)  # a Thursday; 29 September to 6 October off, 7 and 8 October worked
    for name in ("to_negotiating", "to_signed"):
        investment.advance(project, name, staff)
    response = api_for(staff).post(f"/api/investment/projects/{project.pk}/transitions/to_land/", {"note": "已摘牌"},
                                   format="json")
    assert response.status_code == 200 and response.json()["state"] == "land"
    deadline = Deadline.objects.get()
    # 30 working days: 7 and 8 October count, the holiday does not (weekdays alone would give 9 November).
    assert deadline.due_on == date(2023, 11, 15) and not deadline.provisional and deadline.state == "land"
    assert deadline.label == "取得施工许可并开工（1230：30 个工作日）" and deadline.started_by == staff

    at(2023, 11, 16, 9, 0)
    project.refresh_from_db()
    assert deadline.overdue and deadlines.is_overdue(project)
    client = api_for(staff)
    listed = client.get("/api/investment/projects/").json()  # the API lists it as before
    assert listed["count"] == 1
    investment.advance(project, "to_started", staff)  # leaving 供地 meets the deadline, late
    deadline.refresh_from_db()
    assert deadline.met_at is not None and deadline.overdue and not deadlines.is_overdue(project)


def test_an_overdue_object_is_marked_on_its_list_and_page(project, make_user, client_for, at):
    staff = make_user("investment")
    at(2023, 9, 28, 10, 0)
    for name in ("to_negotiating", "to_signed", "to_land"):
        investment.advance(project, name, staff)
    client = client_for(staff)
    assert "data-overdue" not in client.get(reverse("investment:project_list")).content.decode()
    at(2023, 11, 16, 9, 0)
    client = client_for(staff)  # a new session: the first has expired meanwhile
    assert "data-overdue" in client.get(reverse("investment:project_list")).content.decode()
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="overdue-badge"' in page and "取得施工许可并开工（1230：30 个工作日）已逾期" in page


def test_check_deadlines_notifies_once_when_coming_and_once_when_passed(project, make_user, at):
    staff = make_user("investment")
    at(2023, 9, 28, 10, 0)
    for name in ("to_negotiating", "to_signed", "to_land"):
        investment.advance(project, name, staff)
    at(2023, 11, 13, 9, 0)  # two working days before
    call_command("check_deadlines", stdout=io.StringIO())
    assert not Notification.objects.exists()
    at(2023, 11, 14, 9, 0)  # one working day before
    out = io.StringIO()
    call_command("check_deadlines", stdout=out)
    call_command("check_deadlines", stdout=io.StringIO())
    assert "即将到期 1 项" in out.getvalue()
    assert list(Notification.objects.values_list("kind", "recipient")) == [("deadline_soon", staff.pk)]
    at(2023, 11, 16, 9, 0)
    from openpark.core.tasks import check_deadlines

    assert check_deadlines.delay().get() == {"soon": 0, "overdue": 1}
    call_command("check_deadlines", stdout=io.StringIO())
    assert sorted(Notification.objects.values_list("kind", flat=True)) == ["deadline_soon", "overdue"]
    assert Deadline.objects.get().overdue_notified_at is not None


# Escalation --------------------------------------------------------------------------------------


def test_escalation_to_the_inbox_and_an_instruction_on_the_timeline(project, make_user, client_for, api_for):
    staff = make_user("investment", full_name="招商小王")
    leader = make_user("leader", full_name="王主任")
    make_user("environment", full_name="王环保")  # may not see projects
    outsider = make_user("enterprise", full_name="王企业")
    bind_enterprise(outsider, EnterpriseFactory())
    client = client_for(staff)
    url = reverse("investment:project_escalate", args=[project.pk])
    found = client.get(url, {"q": "王"}).json()["results"]
    assert [row["text"] for row in found] == [f"王主任（{leader.username}）"]

    response = client.post(url, {"assignee": leader.pk, "note": ""})
    assert response.status_code == 400 and "请填写上报说明。" in response.content.decode()
    refused = client.post(url, {"assignee": outsider.pk, "note": "请协调"})
    assert refused.status_code == 400 and "只能向能查看该记录的园区工作人员上报" in refused.content.decode()
    assert client.post(url, {"assignee": leader.pk, "note": "土地指标需协调"}).status_code == 302
    assert list(Notification.objects.values_list("kind", "recipient")) == [("escalation", leader.pk)]

    boss = client_for(leader)
    inbox = boss.get(reverse("core:todo")).content.decode()
    assert "精密齿轮项目" in inbox and "土地指标需协调" in inbox
    item = Escalation.objects.get()
    listed = api_for(leader).get("/api/core/todo/").json()["results"]
    assert [(row["object"], row["note"]) for row in listed] == [("精密齿轮项目", "土地指标需协调")]
    assert api_for(staff).get("/api/core/todo/").json()["results"] == []
    assert client_for(staff).post(reverse("core:todo_answer", args=[item.pk]), {"answer": "同意"}).status_code == 404

    boss = client_for(leader)
    response = boss.post(reverse("core:todo_answer", args=[item.pk]), {"answer": ""})
    assert response.status_code == 400 and "请填写批示内容。" in response.content.decode()
    assert boss.post(reverse("core:todo_answer", args=[item.pk]), {"answer": "请国土分局本周内办结"}).status_code == 302
    assert "没有待办事项" in boss.get(reverse("core:todo")).content.decode()
    response = api_for(leader).post(f"/api/core/todo/{item.pk}/answer/", {"answer": "再批"}, format="json")
    assert response.status_code == 400 and "该事项已批示，不能重复批示。" in str(response.json())
    assert sorted(Notification.objects.values_list("kind", flat=True)) == ["escalation", "instruction"]

    page = client_for(staff).get(project.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert "上报/督办 王主任" in timeline and "土地指标需协调" in timeline and "批示（请国土分局本周内办结）" in timeline


def test_escalation_and_answer_through_the_api(project, make_user, api_for):
    staff, leader = make_user("investment"), make_user("leader")
    response = api_for(staff).post(f"/api/investment/projects/{project.pk}/escalate/",
                                   {"assignee": leader.pk, "note": "请协调"}, format="json")
    assert response.status_code == 201 and response.json()["note"] == "请协调"
    assert api_for(make_user("enterprise")).post(f"/api/investment/projects/{project.pk}/escalate/",
                                                 {"assignee": leader.pk, "note": "x"}).status_code == 403
    item = Escalation.objects.get()
    response = api_for(leader).post(f"/api/core/todo/{item.pk}/answer/", {"answer": "同意"}, format="json")
    assert response.status_code == 200 and response.json()["answer"] == "同意"


def test_the_inbox_costs_the_same_queries_for_one_item_or_many(project, make_user, client_for, api_for, case):
    staff, leader = make_user("investment"), make_user("leader")
    from openpark.core import workflows
    from openpark.core.registry import declared

    def counted(path, client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    workflows.escalate(project, declared(Project), staff, leader, "第一件")
    page, api = counted(reverse("core:todo"), client_for(leader)), counted("/api/core/todo/", api_for(leader))
    boss = make_user("economy")
    for n in range(5):
        workflows.escalate(Project.objects.create(name=f"项目{n}", investor="某", chain=project.chain,
                                                  total_investment=D(1)), declared(Project), staff, leader, f"第{n}件")
        workflows.escalate(case, declared(DisposalCase), boss, leader, f"处置{n}")
    assert counted(reverse("core:todo"), client_for(leader)) <= page + 1  # one more kind of object
    assert counted("/api/core/todo/", api_for(leader)) <= api + 1


def test_the_old_addresses_send_their_posts_on(case, project, staff, client_for):
    client = client_for(staff)
    response = client.post(reverse("evaluation:disposal_action", args=[case.pk, "start"]))
    assert response.status_code == 307 and response["Location"] == page_url(case, "start")
    response = client.post(reverse("evaluation:run_action", args=[1, "gather"]))
    assert response.status_code == 307 and response["Location"] == "/evaluation/runs/1/transitions/gather/"
    response = client.post(reverse("investment:project_advance", args=[project.pk, "to_negotiating"]))
    assert response["Location"] == reverse("investment:project_transition", args=[project.pk, "to_negotiating"])


WORKFLOWS = sorted((d for d in declarations() if d.offers_escalation), key=lambda d: d.key)


@pytest.mark.parametrize("decl", WORKFLOWS, ids=lambda d: d.key)
def test_every_workflow_model_offers_escalation_on_its_page_and_in_the_api(decl, make_user, client_for, api_for):
    from tests.fuzz import build_park

    root = make_user(is_superuser=True, full_name="管理员甲")
    build_park(root)
    leader = make_user("leader", full_name="领导乙")
    obj = decl.scoped(root).order_by("pk").first()
    found = client_for(root).get(reverse(decl.url_name("escalate"), args=[obj.pk]), {"q": "领导"}).json()
    assert [row["id"] for row in found["results"]] == [leader.pk]
    assert client_for(make_user("enterprise")).get(reverse(decl.url_name("escalate"), args=[obj.pk])).status_code == 403
    api = api_for(root)
    route = f"/api/{decl.opts.app_label}/{decl.api.route}/{obj.pk}/escalate/"
    response = api.post(route, {"assignee": leader.pk}, format="json")
    assert response.status_code == 400 and "该字段是必填项" in str(response.json())
    assert api.post(route, {"assignee": leader.pk, "note": "请阅"}, format="json").status_code == 201
    assert Escalation.objects.filter(assignee=leader).count() == 1


def test_a_problem_goes_to_the_linked_leaders_inbox(project, make_user, client_for):
    staff = make_user("investment", full_name="招商小王")
    leader = make_user("leader", full_name="王主任")  # the project's linked leader, by name
    problem = investment.raise_problem(project, "用电增容未落实", "供电所张科", date(2030, 2, 1))
    client = client_for(staff)
    response = client.post(reverse("investment:problem_escalate", args=[problem.pk]))
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.escalated_on == timezone.localdate()
    item = Escalation.objects.get()
    assert item.assignee == leader and item.note == "上报挂钩领导：用电增容未落实"
    assert "用电增容未落实" in client_for(leader).get(reverse("core:todo")).content.decode()
    page = client_for(staff).get(problem.get_absolute_url()).content.decode()
    assert "上报/督办 王主任" in page[page.index('id="timeline"'):]
    assert client_for(make_user("leader")).post(reverse("investment:problem_escalate", args=[problem.pk])).status_code == 403


def test_a_run_gathers_in_the_background_through_the_api(staff, api_for, make_user):
    from openpark.evaluation.models import Run, SchemeVersion

    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021 年度评价")
    api = api_for(staff)
    response = api.post(f"/api/evaluation/runs/{run.pk}/transitions/gather/", {}, format="json")
    assert response.status_code == 202 and response.json()["task"].startswith("/core/tasks/")
    run.refresh_from_db()
    assert run.state == "gathered"  # no broker: the task ran at once
    response = api.post(f"/api/evaluation/runs/{run.pk}/transitions/publish/", {}, format="json")
    assert response.status_code == 400 and "当前状态为“已采集数据”，不能发布。" in str(response.json())
    assert api_for(make_user("enterprise")).post(f"/api/evaluation/runs/{run.pk}/transitions/compute/").status_code == 404


TRANSITIONS = [(d, name) for d in sorted((d for d in declarations() if d.has_workflow), key=lambda d: d.key)
               for name in d.model.machine.transitions]


@pytest.mark.parametrize(("decl", "name"), TRANSITIONS, ids=lambda v: v if isinstance(v, str) else v.key)
def test_every_transition_refuses_the_anonymous_the_unpermitted_and_the_out_of_scope(decl, name, make_user, client,
                                                                                     client_for, api_for):
    from rest_framework.test import APIClient

    from tests.fuzz import build_park

    build_park(make_user(is_superuser=True))
    obj = decl.model.objects.order_by("pk").first()
    page = reverse(decl.url_name("transition"), args=[obj.pk, name])
    api = f"/api/{decl.opts.app_label}/{decl.api.route}/{obj.pk}/transitions/{name}/"
    assert client.post(page).status_code == 302 and APIClient().post(api).status_code == 401
    leader = make_user("leader")  # views every record, makes no transition
    assert client_for(leader).post(page, {"note": "x"}).status_code == 403
    assert api_for(leader).post(api, {"note": "x"}).status_code == 403
    outsider = make_user("enterprise")  # none of this one's enterprise: hidden where it may view the kind
    bind_enterprise(outsider, EnterpriseFactory())
    hidden = 404 if outsider.has_perm(f"{decl.opts.app_label}.view_{decl.opts.model_name}") else 403
    assert client_for(outsider).post(page, {"note": "x"}).status_code == hidden
    assert api_for(outsider).post(api, {"note": "x"}).status_code == hidden
    state = decl.model.machine.state(obj)
    obj.refresh_from_db()
    assert decl.model.machine.state(obj) == state


def todo_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries if 'FROM "core_escalation"' in q["sql"])


def test_the_top_bar_and_the_inbox_heading_count_the_open_items(project, case, make_user, client_for):
    from django.test import Client

    from openpark.core import workflows
    from openpark.core.registry import declared

    staff, leader = make_user("investment", full_name="招商小王"), make_user("leader", full_name="王主任")
    page = client_for(leader).get(reverse("core:todo")).content.decode()
    assert 'title="0 项待办"' not in page and 'id="todo-count"' not in page and ">待办</a>" in page
    workflows.escalate(project, declared(Project), staff, leader, "第一件")
    workflows.escalate(case, declared(DisposalCase), make_user("economy"), leader, "第二件")
    answered = workflows.escalate(project, declared(Project), staff, leader, "已批的一件")
    workflows.answer(answered, leader, "同意")
    page = client_for(leader).get(reverse("core:search")).content.decode()
    assert '<a href="/core/todo/" id="todo-link">待办 <span class="badge" title="2 项待办">2</span></a>' in page
    page = client_for(leader).get(reverse("core:todo")).content.decode()
    assert '<h1>待办（<span id="todo-count">2</span> 项）</h1>' in page
    assert 'title="2 项待办"' in page
    assert 'title="' not in client_for(staff).get(reverse("core:search")).content.decode().split('id="todo-link"')[1][:40]
    # one count for a page that shows the bar, none for a page without it
    assert todo_queries(client_for(leader), reverse("core:search")) == 1
    assert todo_queries(Client(), reverse("login")) == 0


def test_both_escalation_paths_reach_the_inbox_and_the_projects_timeline(project, make_user, client_for):
    staff = make_user("investment", full_name="招商小王")
    leader = make_user("leader", full_name="王主任")  # the project's linked leader, by name
    deputy = make_user("leader", full_name="李副主任")
    client = client_for(staff)
    power = investment.raise_problem(project, "用电增容未落实", "供电所张科", date(2030, 2, 1))
    road = investment.raise_problem(project, "道路配套未完成", "城建局", date(2030, 2, 1))
    land = investment.raise_problem(project, "用地指标待调剂", "自然资源分局", date(2030, 2, 1))
    # 上报挂钩领导 on the problem's page; 上报/督办 of another problem to the same leader, and of a
    # third to someone else; 上报/督办 of the project itself.
    assert client.post(reverse("investment:problem_escalate", args=[power.pk])).status_code == 302
    assert client.post(reverse("investment:problem_escalate", args=[road.pk]),
                       {"assignee": leader.pk, "note": "请协调城建局"}).status_code == 302
    assert client.post(reverse("investment:problem_escalate", args=[land.pk]),
                       {"assignee": deputy.pk, "note": "请调剂指标"}).status_code == 302
    assert client.post(reverse("investment:project_escalate", args=[project.pk]),
                       {"assignee": leader.pk, "note": "项目整体进度滞后"}).status_code == 302

    inbox = client_for(leader).get(reverse("core:todo")).content.decode()
    for text in ("上报挂钩领导：用电增容未落实", "请协调城建局", "项目整体进度滞后"):
        assert text in inbox, text
    assert "请调剂指标" not in inbox and "请调剂指标" in client_for(deputy).get(reverse("core:todo")).content.decode()
    # put before the linked leader either way, the problem is marked 上报挂钩领导; not when put before another
    for problem in (power, road, land):
        problem.refresh_from_db()
    assert [p.escalated_on is not None for p in (power, road, land)] == [True, True, False]

    item = Escalation.objects.get(note="请协调城建局")
    assert client_for(leader).post(reverse("core:todo_answer", args=[item.pk]),
                                   {"answer": "本周内打通"}).status_code == 302
    page = client_for(staff).get(project.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert "上报/督办 王主任" in timeline and "项目整体进度滞后" in timeline
    assert f"上报/督办 王主任（{leader.username}）（项目问题：{power}）" in timeline
    assert "上报挂钩领导：用电增容未落实" in timeline and "请协调城建局" in timeline and "请调剂指标" in timeline
    assert f"批示（项目问题：{road}）" in timeline and "本周内打通" in timeline
    assert f'href="{power.get_absolute_url()}"' in timeline


def test_reporting_to_a_linked_leader_without_an_account_is_refused_not_lost(project, make_user, client_for):
    staff = make_user("investment", full_name="招商小王")
    problem = investment.raise_problem(project, "用电增容未落实", "供电所张科", date(2030, 2, 1))
    client = client_for(staff)
    response = client.post(reverse("investment:problem_escalate", args=[problem.pk]), follow=True)
    assert "找不到挂钩领导“王主任”可查看该问题的园区工作人员账号" in response.content.decode()
    problem.refresh_from_db()
    assert problem.escalated_on is None and not Escalation.objects.exists()


# The timeline's evidence -------------------------------------------------------------------------


def test_the_timeline_lists_the_evidence_only_and_the_page_reads_the_files_once(project, make_user, client_for):
    staff = make_user("investment")
    attach(project, photo("现场照片.png"), staff, purpose="现场")  # a file kept on the record, no evidence
    attach(project, photo("批复.png"), staff, purpose="用地批复", evidence=True)
    assert [e.text for e in workflows.timeline(project) if e.kind == "evidence"] == ["上传用地批复：批复.png"]
    with CaptureQueriesContext(connection) as queries:
        response = client_for(staff).get(project.get_absolute_url())
    assert len([q for q in queries if 'FROM "core_attachment"' in q["sql"]]) == 1
    timeline = response.context["workflow"]["timeline"]
    assert [e.text for e in timeline if e.kind == "evidence"] == ["上传用地批复：批复.png"]
    panel = next(p for p in response.context["panels"] if p["key"] == "attachments")
    assert {row["attachment"].original_name for row in panel["context"]["rows"]} == {"现场照片.png", "批复.png"}
    page = response.content.decode()
    assert "批复.png" in page[page.index('id="timeline"'):] and "上传现场" not in page


def test_the_timeline_of_a_record_without_a_files_panel_reads_its_evidence_alone(project, make_user):
    staff = make_user("investment")
    attach(project, photo("现场照片.png"), staff)
    attach(project, photo("批复.png"), staff, purpose="用地批复", evidence=True)
    with CaptureQueriesContext(connection) as queries:
        entries = [e.text for e in workflows.timeline(project) if e.kind == "evidence"]
    assert entries == ["上传用地批复：批复.png"]
    reads = [q["sql"] for q in queries if 'FROM "core_attachment"' in q["sql"]]
    assert len(reads) == 1 and '"evidence"' in reads[0]


def test_an_empty_timeline_reads_as_a_plain_line_not_a_numbered_item(case, staff, client_for):
    response = client_for(staff).get(case.get_absolute_url())
    assert response.context["workflow"]["timeline"] == []
    page = response.content.decode()
    section = page[page.index('data-panel="workflow"'):]
    section = section[:section.index("</section>")]
    assert '<p class="muted" id="timeline">尚无流程记录。</p>' in section
    assert "<ol" not in section and "<li" not in section[section.index("流程记录"):]


def test_transition_forms_are_laid_out_as_the_platforms_forms(case, staff, client_for):
    """Each transition's form as the edit forms are: a row per field with its label (for=), its
    help text, one required mark (*) whether the field or the transition needs it, and empty
    choices reading 请选择, never Django's "---------"."""
    from django import forms
    from django.template.loader import render_to_string

    from openpark.core.states import Transition

    class ChoosingForm(workflows.TransitionForm):
        needed = ("kind",)
        kind = forms.ChoiceField(label="类型", required=False, choices=[("", "---------"), ("a", "甲")],
                                 help_text="按方案选择。")
        chain = forms.ModelChoiceField(label="产业链", queryset=Chain.objects.all(), required=False)

    transition = Transition("finish", "完成处置", ("open",), "done", "x.y", needs_note=True)
    form = ChoosingForm(transition=transition, obj=case, user=staff, auto_id="id_finish_%s")
    html = render_to_string("core/includes/workflow.html", {"workflow": {
        "state": "待处置", "actions": [{"transition": transition, "form": form, "url": "/x/"}]}})
    assert "---------" not in html and html.count('<option value="" selected>请选择</option>') == 2
    assert html.count('<div class="form-row">') == 3 and html.count('<span class="required">*</span>') == 2
    assert '<label for="id_finish_note">说明 <span class="required">*</span></label>' in html
    assert '<label for="id_finish_kind">类型 <span class="required">*</span></label>' in html
    assert '<label for="id_finish_chain">产业链</label>' in html
    assert '<p class="help" id="id_finish_kind_helptext">按方案选择。</p>' in html
    assert "必填" not in html and 'class="edit-form transition-form"' in html

    page = client_for(staff).get(case.get_absolute_url()).content.decode()
    assert '<label for="id_start_note">说明</label>' in page and "---------" not in page
