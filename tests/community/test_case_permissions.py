"""Who may make each step of a case, and what each role sees: the grid centre runs the workflow, a
department handles what is dispatched to it, a grid worker re-checks in their grid, a reporter
withdraws and evaluates their own, nobody else does anything."""
from decimal import Decimal as D

import pytest

from openpark.community import casework
from openpark.community.choices import CaseState as S
from openpark.community.models import CASE_MACHINE, Case, Department, DepartmentBinding
from openpark.core.models import GridBinding

pytestmark = pytest.mark.django_db

CENTRE = {"verify", "reject", "mark_duplicate", "register", "dispatch", "approve_extension", "refuse_extension", "park",
          "unpark", "recheck_pass", "recheck_fail", "close"}
EXPECTED = {
    "community": CENTRE,
    "department": {"accept", "send_back", "request_extension", "reply"},
    "grid": {"withdraw", "evaluate", "recheck_pass", "recheck_fail"},
    "leader": set(), "economy": set(), "environment": set(), "enterprise": set(), "steward": set(), "admin": set(),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_holds_exactly_its_steps(make_user, role):
    user = make_user(role)
    held = {name for name, transition in CASE_MACHINE.transitions.items() if user.has_perm(transition.permission)}
    assert held == EXPECTED[role]


def transition_url(case, name):
    return f"/api/community/cases/{case.pk}/transitions/{name}/"


def dispatched(case, centre, department):
    casework.verify(case, "verify", centre, "")
    case.machine.apply(case, "register", centre)
    casework.dispatch(case, "dispatch", centre, "", department=department)
    case.refresh_from_db()
    return case


def test_the_api_makes_a_step_for_who_may_and_refuses_the_others_in_chinese(new_case, centre, handler, rider,
                                                                            api_for, department):
    assert api_for(handler).post(transition_url(new_case, "verify"), {}, format="json").status_code in (403, 404)
    assert api_for(rider).post(transition_url(new_case, "register"), {}, format="json").status_code in (403, 404)
    response = api_for(centre).post(transition_url(new_case, "verify"), {}, format="json")
    assert response.status_code == 200
    new_case.refresh_from_db()
    assert new_case.state == S.VERIFIED
    again = api_for(centre).post(transition_url(new_case, "verify"), {}, format="json")
    assert again.status_code == 400 and "不能核实属实" in str(again.json())
    no_department = api_for(centre).post(transition_url(new_case, "register"), {}, format="json")
    assert no_department.status_code == 200
    refused = api_for(centre).post(transition_url(new_case, "dispatch"), {"note": ""}, format="json")
    assert refused.status_code == 400 and "请选择处置部门" in str(refused.json())
    made = api_for(centre).post(transition_url(new_case, "dispatch"), {"department": department.pk}, format="json")
    assert made.status_code == 200
    new_case.refresh_from_db()
    assert new_case.state == S.DISPATCHED and new_case.department == department


def test_a_handler_sees_and_works_only_its_departments_cases(new_case, centre, handler, make_user, api_for,
                                                             department):
    other_department = Department.objects.create(name="建设交通局")
    stranger = make_user("department")
    DepartmentBinding.objects.create(user=stranger, department=other_department)
    dispatched(new_case, centre, department)
    assert api_for(stranger).get(f"/api/community/cases/{new_case.pk}/").status_code == 404
    assert api_for(stranger).post(transition_url(new_case, "accept"), {}, format="json").status_code == 404
    assert [row["id"] for row in api_for(stranger).get("/api/community/cases/").json()["results"]] == []
    assert [row["id"] for row in api_for(handler).get("/api/community/cases/").json()["results"]] == [new_case.pk]
    assert api_for(handler).post(transition_url(new_case, "accept"), {}, format="json").status_code == 200


def test_a_grid_worker_sees_the_cases_of_their_grid_only(new_case, category, make_user, case_grid, grids, api_for):
    inside, outside = make_user("grid"), make_user("grid")
    GridBinding.objects.create(user=inside, grid=case_grid)
    GridBinding.objects.create(user=outside, grid=grids[0])
    assert [row["id"] for row in api_for(inside).get("/api/community/cases/").json()["results"]] == [new_case.pk]
    assert api_for(outside).get("/api/community/cases/").json()["results"] == []


def test_the_handler_may_not_recheck_their_own_work(new_case, centre, handler, department):
    from tests.community.test_case_workflow import photo_of

    dispatched(new_case, centre, department)
    new_case.machine.apply(new_case, "accept", handler)
    casework.reply(new_case, "reply", handler, "已清理", evidence=[photo_of(new_case, handler)])
    new_case.refresh_from_db()
    both = handler
    both.groups.add(*centre.groups.all())
    both = type(both).objects.get(pk=both.pk)  # permissions read afresh
    assert "recheck_pass" not in {t.name for t in new_case.machine.available(new_case, both)}
    assert "recheck_pass" in {t.name for t in new_case.machine.available(new_case, centre)}


def test_a_closed_case_cannot_be_edited(new_case, centre, client_for):
    Case.objects.filter(pk=new_case.pk).update_unguarded(state=S.CLOSED)
    response = client_for(centre).post(f"/community/cases/{new_case.pk}/edit/", {
        "category": new_case.category_id, "urgency": "normal", "description": "改", "longitude": "120.25",
        "latitude": "31.95"})
    new_case.refresh_from_db()
    assert new_case.description == "路边垃圾堆放"
    assert response.status_code == 302 and response.url == new_case.get_absolute_url()
    page = client_for(centre).get(response.url).content.decode()
    assert "已结案、已撤回或不予立案的案件不能修改。" in page
    assert client_for(centre).get(f"/community/cases/{new_case.pk}/edit/").status_code == 302


def test_a_staff_entry_is_filed_as_the_phone_page_files_it(centre, category, case_grid, client_for):
    response = client_for(centre).post("/community/cases/add/", {
        "category": category.pk, "urgency": "urgent", "description": "来电反映路灯不亮", "longitude": "120.25",
        "latitude": "31.95", "reporter_name": "张先生"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.number.startswith("SSP") and case.channel == "staff" and case.grid == case_grid
    assert [c.transition for c in case.machine.history(case)] == ["submit"]


def test_a_case_with_no_position_needs_an_address(category, rider):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        casework.submit(Case(category=category, description="x"), rider)
    assert "地址" in str(refused.value)
    assert not Case.objects.exists()
    with pytest.raises(ValidationError):
        casework.submit(Case(category=category, longitude=D("200"), latitude=D("31.9")), rider)


def test_the_verifier_sees_the_reporters_record_and_the_cases_it_may_repeat(new_case, category, rider, centre,
                                                                            client_for, worker):
    earlier = casework.submit(Case(category=category, description="同一堆垃圾", longitude=D("120.2501"),
                                   latitude=D("31.9501"), location_source="device"), rider)
    casework.submit(Case(category=category, description="远处的垃圾", longitude=D("120.29"), latitude=D("31.99"),
                         location_source="device"), rider)
    earlier.machine.apply(earlier, "reject", centre, "现场无此问题")
    page = client_for(centre).get(new_case.get_absolute_url()).content.decode()
    assert "上报人共上报" in page and "不属实 1 件" in page and "可信度 0.00%" in page
    assert "同一堆垃圾" not in page  # not open any more
    third = casework.submit(Case(category=category, description="旁边又一堆", longitude=D("120.2502"),
                                 latitude=D("31.9502"), location_source="device"), rider)
    page = client_for(centre).get(new_case.get_absolute_url()).content.decode()
    assert third.number in page and "远处的垃圾" not in page
    worker_page = client_for(centre).get(worker.get_absolute_url()).content.decode()
    assert "共上报" in worker_page and "不属实 1 件" in worker_page
    listed = client_for(centre).get("/community/cases/", {"reporter_worker": worker.pk}).content.decode()
    assert new_case.number in listed and third.number in listed


def test_a_departments_page_names_its_handlers_and_counts_its_cases(new_case, centre, handler, department,
                                                                     client_for):
    dispatched(new_case, centre, department)
    page = client_for(centre).get(department.get_absolute_url()).content.decode()
    assert handler.username in page and "在办 <a" in page
    in_hand = client_for(centre).get(f"/community/cases/?department={department.pk}&state=dispatched")
    assert new_case.number in in_hand.content.decode()
    import re

    assert re.search(r'在办 <a href="[^"]+">1</a> 件，其中逾期 <a href="[^"]+">0</a> 件', page)


def test_the_list_filters_by_several_states_at_once(new_case, category, rider, centre, department, client_for):
    second = casework.submit(Case(category=category, description="第二件", address="城南路 1 号"), rider)
    third = casework.submit(Case(category=category, description="第三件", address="城南路 2 号"), rider)
    dispatched(second, centre, department)
    third.machine.apply(third, "reject", centre, "不属实")
    listed = client_for(centre).get("/community/cases/?state=reported&state=dispatched").content.decode()
    assert new_case.number in listed and second.number in listed and third.number not in listed


def test_an_edit_never_names_or_unmasks_the_reporter(new_case, centre, client_for):
    page = client_for(centre).get(f"/community/cases/{new_case.pk}/edit/").content.decode()
    assert 'name="reporter_name"' not in page and 'name="anonymous"' not in page
    client_for(centre).post(f"/community/cases/{new_case.pk}/edit/", {
        "category": new_case.category_id, "urgency": "normal", "description": "路边垃圾堆放", "longitude": "120.25",
        "latitude": "31.95", "reporter_name": "改名", "anonymous": ""})
    new_case.refresh_from_db()
    assert new_case.reporter_name == "王骑手"
    assert 'name="reporter_name"' in client_for(centre).get("/community/cases/add/").content.decode()


def test_the_centre_follows_every_departments_cases_in_the_handle_queue(new_case, centre, department, client_for):
    dispatched(new_case, centre, department)
    page = client_for(centre).get("/community/cases/queues/handle/")
    assert page.status_code == 200 and new_case.number in page.content.decode()


def test_a_department_that_returns_a_case_lands_on_its_list_not_a_missing_page(new_case, centre, handler,
                                                                               department, client_for):
    dispatched(new_case, centre, department)
    response = client_for(handler).post(f"{new_case.get_absolute_url()}transitions/send_back/",
                                        {"note": "不属本部门职责"}, follow=True)
    assert response.redirect_chain == [("/community/cases/", 302)]
    page = response.content.decode()
    assert "已退回，待重新派遣" in page and "已不在您的办理范围内" in page


def test_a_cases_files_are_never_offered_to_an_enterprise(new_case, centre, client_for):
    page = client_for(centre).get(new_case.get_absolute_url()).content.decode()
    assert 'name="file"' in page and "企业可见" not in page


def test_a_riders_home_counts_no_departments(rider, client_for):
    page = client_for(rider).get("/", follow=True).content.decode()
    assert "处置部门（个）" not in page


def test_a_departments_handler_reads_the_cases_timeline_an_enterprise_would_not(new_case, centre, handler,
                                                                               department, client_for):
    dispatched(new_case, centre, department)
    new_case.machine.apply(new_case, "accept", handler)
    casework.request_extension(new_case, "request_extension", handler, "需协调环卫车辆", days=2)
    casework.refuse_extension(new_case, "refuse_extension", centre, "可以按期完成")
    page = client_for(handler).get(new_case.get_absolute_url()).content.decode()
    assert "流程记录" in page and "可以按期完成" in page and "不批准延期（处置中）" in page
