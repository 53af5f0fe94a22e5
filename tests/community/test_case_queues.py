"""随手拍 work queues: what each holds for each role, who may open it, the steps offered on each row,
overdue first then by due time, and one query for the table however long it is."""
import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openpark.community import casework
from openpark.community.choices import CaseState as S
from openpark.community.models import Case, Department, DepartmentBinding
from openpark.core.models import Deadline, GridBinding

pytestmark = pytest.mark.django_db


def queue_url(name: str) -> str:
    return reverse("community:case_queue", args=[name])


def file_case(category, rider, description="路边垃圾堆放", lon="120.25", lat="31.95") -> Case:
    return casework.submit(Case(category=category, description=description, longitude=D(lon), latitude=D(lat),
                                location_source="device"), rider)


def photo_of(case, user):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from openpark.core.attachments import attach

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG")
    return attach(case, SimpleUploadedFile("after.jpg", buffer.getvalue(), "image/jpeg"), user, purpose="处置后")


def advance(case: Case, to: str, centre, handler=None, department=None) -> Case:
    """Take a case along the workflow until it stands in `to`."""
    path = [S.VERIFIED, S.REGISTERED, S.DISPATCHED, S.HANDLING, S.REPLIED, S.CHECKED, S.CLOSED]
    for state in path[:path.index(to) + 1]:
        case.refresh_from_db()
        if state == S.VERIFIED:
            casework.verify(case, "verify", centre, "")
        elif state == S.REGISTERED:
            case.machine.apply(case, "register", centre)
        elif state == S.DISPATCHED:
            casework.dispatch(case, "dispatch", centre, "", department=department or case.category.department)
        elif state == S.HANDLING:
            case.machine.apply(case, "accept", handler)
        elif state == S.REPLIED:
            casework.reply(case, "reply", handler, "已清理", evidence=[photo_of(case, handler)])
        elif state == S.CHECKED:
            case.machine.apply(case, "recheck_pass", centre)
        elif state == S.CLOSED:
            casework.close(case, "close", centre, "已处理", resolution="fixed")
    case.refresh_from_db()
    return case


def step_form(case_url: str, name: str, label: str) -> re.Pattern:
    """A step made from the row: a form posting to the case's transition page, its button the step."""
    return re.compile(rf'<form method="post" action="{re.escape(case_url)}transitions/{name}/" class="case-step" '
                      rf'data-transition="{name}"><input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">'
                      rf'<button type="submit" class="(primary|danger)">{label}</button></form>')


def step_link(case_url: str, name: str, label: str) -> re.Pattern:
    """A step whose form is on the case's page."""
    return re.compile(rf'<a class="button (primary|danger)" href="{re.escape(case_url)}#workflow" '
                      rf'data-transition="{name}" title="在案件页面填写后办理">{label}</a>')


def offered(pattern: re.Pattern, html: str) -> bool:
    return pattern.search(html) is not None


def rows_of(response) -> list[int]:
    return [row["case"].pk for row in response.context["rows"]]


@pytest.fixture
def other_department(db):
    return Department.objects.create(name="建设局")


@pytest.fixture
def other_handler(make_user, other_department):
    user = make_user("department")
    DepartmentBinding.objects.create(user=user, department=other_department)
    return user


def test_the_dispatch_queue_holds_what_waits_for_the_centre(new_case, category, rider, centre, handler, client_for):
    verified = advance(file_case(category, rider), S.VERIFIED, centre)
    registered = advance(file_case(category, rider), S.REGISTERED, centre)
    handling = advance(file_case(category, rider), S.HANDLING, centre, handler)
    extension = advance(file_case(category, rider), S.HANDLING, centre, handler)
    casework.request_extension(extension, "request_extension", handler, "材料未到", days=2)
    checked = advance(file_case(category, rider), S.CHECKED, centre, handler)
    replied = advance(file_case(category, rider), S.REPLIED, centre, handler)
    response = client_for(centre).get(queue_url("dispatch"))
    assert response.status_code == 200
    assert set(rows_of(response)) == {new_case.pk, verified.pk, registered.pk, extension.pk, checked.pk}
    assert handling.pk not in rows_of(response) and replied.pk not in rows_of(response)
    html = response.content.decode()
    case_url = new_case.get_absolute_url()
    assert f'href="{case_url}">{new_case.number}</a>' in html
    # A step that asks for nothing is made from the row; one that asks for a note, evidence or a
    # choice leads to the case's page, where its form is.
    assert offered(step_form(case_url, "verify", "核实属实"), html)
    assert offered(step_link(case_url, "reject", "不属实"), html)
    assert offered(step_form(extension.get_absolute_url(), "approve_extension", "批准延期"), html)
    assert offered(step_link(extension.get_absolute_url(), "refuse_extension", "不批准延期"), html)
    assert offered(step_form(verified.get_absolute_url(), "register", "立案"), html)
    assert offered(step_link(registered.get_absolute_url(), "dispatch", "派遣"), html)
    assert offered(step_link(checked.get_absolute_url(), "close", "结案"), html)
    assert 'data-transition="withdraw"' not in html  # the reporter's own step, not the centre's


def test_only_the_centre_opens_the_dispatch_queue(new_case, handler, rider, make_user, client_for):
    for user in (handler, rider, make_user("leader")):
        assert client_for(user).get(queue_url("dispatch")).status_code == 403


def test_a_handler_sees_the_cases_of_their_own_department_only(new_case, category, rider, centre, handler,
                                                                 other_department, other_handler, client_for):
    mine = advance(new_case, S.DISPATCHED, centre)
    handling = advance(file_case(category, rider), S.HANDLING, centre, handler)
    theirs = advance(file_case(category, rider), S.DISPATCHED, centre, department=other_department)
    replied = advance(file_case(category, rider), S.REPLIED, centre, handler)
    response = client_for(handler).get(queue_url("handle"))
    assert response.status_code == 200
    assert set(rows_of(response)) == {mine.pk, handling.pk}
    html = response.content.decode()
    assert offered(step_form(mine.get_absolute_url(), "accept", "签收"), html)
    assert offered(step_link(mine.get_absolute_url(), "send_back", "退回"), html)
    assert offered(step_link(handling.get_absolute_url(), "reply", "反馈处置结果"), html)
    assert theirs.number not in html and replied.number not in html
    other = client_for(other_handler).get(queue_url("handle"))
    assert rows_of(other) == [theirs.pk]


def test_the_handle_queue_is_the_departments_and_the_centres(centre, rider, make_user, client_for):
    assert client_for(centre).get(queue_url("handle")).status_code == 200
    assert client_for(rider).get(queue_url("handle")).status_code == 403


def test_the_recheck_queue_leaves_out_the_cases_one_handled(new_case, category, rider, centre, handler, department,
                                                             make_user, case_grid, client_for):
    first = advance(new_case, S.REPLIED, centre, handler)
    both = make_user("department", "community")  # a handler who also works at the centre
    DepartmentBinding.objects.create(user=both, department=department)
    second = advance(file_case(category, rider), S.HANDLING, centre, handler)
    casework.reply(second, "reply", both, "已修复", evidence=[photo_of(second, both)])
    second.refresh_from_db()
    assert second.state == S.REPLIED and second.handled_by == both
    assert set(rows_of(client_for(centre).get(queue_url("recheck")))) == {first.pk, second.pk}
    response = client_for(both).get(queue_url("recheck"))
    assert rows_of(response) == [first.pk]
    assert offered(step_form(first.get_absolute_url(), "recheck_pass", "核查通过"), response.content.decode())
    assert client_for(handler).get(queue_url("recheck")).status_code == 403


def test_a_grid_worker_rechecks_the_cases_of_their_grid(new_case, centre, handler, rider, case_grid, client_for):
    replied = advance(new_case, S.REPLIED, centre, handler)
    assert rows_of(client_for(rider).get(queue_url("recheck"))) == []  # bound to no grid yet
    GridBinding.objects.create(user=rider, grid=case_grid)
    response = client_for(rider).get(queue_url("recheck"))
    assert rows_of(response) == [replied.pk]
    html = response.content.decode()
    assert 'data-transition="recheck_fail"' in html and 'data-transition="close"' not in html


def test_an_unknown_queue_is_not_found(centre, client_for):
    assert client_for(centre).get("/community/cases/queues/everything/").status_code == 404


def running_deadline(case: Case, due_on) -> Deadline:
    return Deadline.objects.create(content_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk),
                                   transition="submit", state=case.state, label="核实", working_days=1,
                                   due_on=due_on)


def test_overdue_first_then_by_due_time(category, rider, centre, client_for):
    today = timezone.localdate()
    later, soon, late, none = (file_case(category, rider) for _ in range(4))
    Deadline.objects.all().delete()
    running_deadline(later, today + timedelta(days=5))
    running_deadline(soon, today + timedelta(days=1))
    running_deadline(late, today - timedelta(days=1))
    response = client_for(centre).get(queue_url("dispatch"))
    assert rows_of(response) == [late.pk, soon.pk, later.pk, none.pk]
    rows = response.context["rows"]
    assert rows[0]["overdue"] and rows[0]["left"] == "已逾期" and rows[0]["due"] == f"{today - timedelta(days=1):%Y-%m-%d}"
    assert not rows[1]["overdue"] and rows[1]["left"].startswith("剩余 ")
    assert rows[3]["due"] == "—" and rows[3]["left"] == "—"
    assert 'class="tag status-alarm" data-overdue>已逾期</span>' in response.content.decode()


def test_a_queue_is_one_query_however_long(category, rider, centre, client_for):
    client = client_for(centre)
    file_case(category, rider)
    client.get(queue_url("dispatch"))  # warm the caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(queue_url("dispatch")).context["rows"]) == 1
    for _ in range(6):
        file_case(category, rider)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(queue_url("dispatch")).context["rows"]) == 7
    assert len(many) == len(few)


def test_queues_are_paged(category, rider, centre, client_for, monkeypatch):
    from openpark.community import queue_views

    monkeypatch.setattr(queue_views, "PAGE_SIZE", 2)
    for _ in range(3):
        file_case(category, rider)
    first = client_for(centre).get(queue_url("dispatch"))
    assert len(first.context["rows"]) == 2 and first.context["page"].has_next()
    second = client_for(centre).get(queue_url("dispatch") + "?page=2")
    assert len(second.context["rows"]) == 1 and not second.context["page"].has_next()


def test_the_menu_leads_to_the_queues_each_role_may_open(centre, handler, rider, client_for):
    for user, shown, hidden in ((centre, ["核实派遣队列", "核查队列", "随手拍地图", "随手拍统计"], ["处置队列"]),
                                (handler, ["处置队列", "随手拍地图"], ["核实派遣队列", "核查队列", "随手拍统计"]),
                                (rider, ["核查队列", "随手拍地图"], ["核实派遣队列", "处置队列", "随手拍统计"])):
        html = client_for(user).get(reverse("community:case_list")).content.decode()
        for label in shown:
            assert f">{label}</a>" in html, (user, label)
        for label in hidden:
            assert f">{label}</a>" not in html, (user, label)
    assert client_for(centre).get(reverse("community:case_queue_dispatch")).status_code == 200
    assert client_for(handler).get(reverse("community:case_queue_handle")).status_code == 200
    assert client_for(rider).get(reverse("community:case_queue_recheck")).status_code == 200


def test_a_step_made_from_the_row_is_made(new_case, centre, client_for):
    client = client_for(centre)
    url = f"{new_case.get_absolute_url()}transitions/verify/"
    assert f'action="{url}"' in client.get(queue_url("dispatch")).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == new_case.get_absolute_url()
    new_case.refresh_from_db()
    assert new_case.state == S.VERIFIED
    row = next(row for row in client.get(queue_url("dispatch")).context["rows"] if row["case"].pk == new_case.pk)
    assert [step["name"] for step in row["steps"]] == ["mark_duplicate", "register"]


def test_a_stage_timed_in_minutes_shows_its_moment_in_local_time(category, rider, centre, client_for, monkeypatch):
    from datetime import datetime

    from decimal import Decimal as D

    from openpark.community import casework

    moment = timezone.make_aware(datetime(2026, 11, 30, 9, 40))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    case = casework.submit(Case(category=category, description="井盖松动", longitude=D("120.25"),
                                latitude=D("31.95"), location_source="device", reported_at=moment), rider)
    rows = client_for(centre).get(queue_url("dispatch")).context["rows"]
    row = next(row for row in rows if row["case"].pk == case.pk)
    assert row["due"] == "2026-11-30 10:10" and row["left"] == "剩余 30 分" and not row["overdue"]
    monkeypatch.setattr(timezone, "now", lambda: moment + timedelta(minutes=31))
    row = next(row for row in client_for(centre).get(queue_url("dispatch")).context["rows"] if row["case"].pk == case.pk)
    assert row["overdue"] and row["left"] == "已逾期"
