"""The 随手拍 case's life cycle: who may make each step, what each step records, points once."""
import pytest
from django.core.exceptions import PermissionDenied

from openpark.community.choices import CaseState as S
from openpark.community.models import Case, LedgerEntry
from openpark.core.states import TransitionError

pytestmark = pytest.mark.django_db


def step(case, name, user, note="", **fields):
    case.machine.apply(case, name, user, note, **fields) if not fields else None
    if fields:
        from django.utils.module_loading import import_string

        transition = case.machine.transitions[name]
        import_string(transition.perform)(case, name, user, note, **fields)
    case.refresh_from_db()
    return case


def photo_of(case, user):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from openpark.core.attachments import attach

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG")
    return attach(case, SimpleUploadedFile("after.jpg", buffer.getvalue(), "image/jpeg"), user, purpose="处置后")


def test_a_filed_case_is_numbered_placed_in_its_grid_and_recorded(new_case, case_grid, worker):
    assert new_case.number.startswith("SSP") and len(new_case.number) == 15
    assert new_case.grid == case_grid
    assert new_case.reporter_worker == worker and new_case.reporter_name == worker.name
    assert new_case.state == S.REPORTED
    assert [c.transition for c in new_case.machine.history(new_case)] == ["submit"]


def test_the_full_way_from_report_to_evaluation(new_case, centre, handler, make_user, rider, department):
    from openpark.community import casework

    casework.verify(new_case, "verify", centre, "")
    step(new_case, "register", centre)
    casework.dispatch(new_case, "dispatch", centre, "", department=department)
    new_case.refresh_from_db()
    assert new_case.state == S.DISPATCHED and new_case.department == department
    step(new_case, "accept", handler)
    casework.reply(new_case, "reply", handler, "已清理", evidence=[photo_of(new_case, handler)])
    new_case.refresh_from_db()
    assert new_case.state == S.REPLIED and new_case.handled_by == handler
    with pytest.raises(PermissionDenied):
        new_case.machine.check(new_case, "recheck_pass", handler)
    step(new_case, "recheck_pass", centre)
    casework.close(new_case, "close", centre, "", resolution="fixed")
    new_case.refresh_from_db()
    assert new_case.state == S.CLOSED and new_case.resolution == "fixed" and new_case.closed_at
    casework.evaluate(new_case, "evaluate", rider, "很快", satisfaction="satisfied")
    new_case.refresh_from_db()
    assert new_case.state == S.EVALUATED


def test_a_verified_report_earns_the_points_once(new_case, centre, worker):
    from openpark.community import casework

    casework.verify(new_case, "verify", centre, "")
    casework.grant_points(new_case)
    assert list(LedgerEntry.objects.filter(worker=worker).values_list("points", "source")) == [
        (5, f"case:{new_case.pk}")]
    worker.refresh_from_db()
    assert worker.points == 5


def test_a_false_report_earns_nothing(new_case, centre, worker):
    step(new_case, "reject", centre, "现场无此问题")
    assert new_case.state == S.INVALID
    assert not LedgerEntry.objects.filter(worker=worker).exists()


def test_only_the_reporter_withdraws_and_only_before_dispatch(new_case, centre, rider, make_user, department):
    from openpark.community import casework

    other = make_user("grid")
    with pytest.raises(PermissionDenied):
        new_case.machine.check(new_case, "withdraw", other)
    casework.verify(new_case, "verify", centre, "")
    step(new_case, "register", centre)
    casework.dispatch(new_case, "dispatch", centre, "", department=department)
    new_case.refresh_from_db()
    with pytest.raises(TransitionError):
        new_case.machine.check(new_case, "withdraw", rider)


def test_a_department_returns_a_case_to_dispatch_with_its_reason(new_case, centre, handler, department):
    from openpark.community import casework

    casework.verify(new_case, "verify", centre, "")
    step(new_case, "register", centre)
    casework.dispatch(new_case, "dispatch", centre, "", department=department)
    new_case.refresh_from_db()
    with pytest.raises(TransitionError):
        new_case.machine.check(new_case, "send_back", handler, "")
    casework.send_back(new_case, "send_back", handler, "不属本部门职责")
    new_case.refresh_from_db()
    assert new_case.state == S.REGISTERED and new_case.department is None and new_case.returns == 1


def test_the_handler_cannot_verify_and_the_rider_cannot_dispatch(new_case, handler, rider):
    with pytest.raises(PermissionDenied):
        new_case.machine.check(new_case, "verify", handler)
    with pytest.raises(PermissionDenied):
        new_case.machine.check(new_case, "dispatch", rider)


def test_the_state_changes_only_by_a_step(new_case):
    new_case.state = S.CLOSED
    with pytest.raises(TransitionError):
        new_case.save()
    assert Case.objects.get(pk=new_case.pk).state == S.REPORTED


def test_the_dispatch_page_offers_the_categorys_department_first(new_case, centre, client_for, department):
    from openpark.community import casework

    casework.verify(new_case, "verify", centre, "")
    step(new_case, "register", centre)
    page = client_for(centre).get(new_case.get_absolute_url()).content.decode()
    assert f'<option value="{department.pk}" selected>{department.name}</option>' in page


def test_closing_unfixed_needs_a_reason_and_a_parked_case_cannot_close_as_fixed(new_case, centre, handler,
                                                                               client_for, department):
    from openpark.community import casework

    casework.verify(new_case, "verify", centre, "")
    step(new_case, "register", centre)
    casework.dispatch(new_case, "dispatch", centre, "", department=department)
    new_case.refresh_from_db()
    step(new_case, "accept", handler)
    step(new_case, "park", centre, "需市级统筹")
    url = f"{new_case.get_absolute_url()}transitions/close/"
    refused = client_for(centre).post(url, {"resolution": "not_fixed", "note": ""})
    assert "未解决结案须说明原因" in refused.content.decode()
    refused = client_for(centre).post(url, {"resolution": "fixed", "note": "好了"})
    assert "挂账案件未经核查" in refused.content.decode()
    new_case.refresh_from_db()
    assert new_case.state == S.PARKED
    made = client_for(centre).post(url, {"resolution": "not_fixed", "note": "纳入明年改造计划"})
    assert made.status_code == 302
    new_case.refresh_from_db()
    assert new_case.state == S.CLOSED and new_case.resolution == "not_fixed"
    assert new_case.resolution_note == "纳入明年改造计划"


def test_a_duplicate_names_the_case_it_repeats(new_case, category, rider, centre, client_for):
    from decimal import Decimal as D

    from openpark.community import casework

    second = casework.submit(Case(category=category, description="同一处", longitude=D("120.25"),
                                  latitude=D("31.95"), location_source="device"), rider)
    url = f"{second.get_absolute_url()}transitions/mark_duplicate/"
    refused = client_for(centre).post(url, {"duplicate_of": second.number})
    assert "不能与自身重复" in refused.content.decode()
    refused = client_for(centre).post(url, {"duplicate_of": "SSP000"})
    assert "没有编号为 SSP000 的案件" in refused.content.decode()
    assert client_for(centre).post(url, {"duplicate_of": new_case.number.lower()}).status_code == 302
    second.refresh_from_db()
    assert second.state == S.DUPLICATE and second.duplicate_of == new_case
    assert not LedgerEntry.objects.filter(source=f"case:{second.pk}").exists()


def test_withdrawing_a_report_found_true_takes_its_points_back(new_case, centre, rider, worker):
    from openpark.community import casework

    casework.verify(new_case, "verify", centre, "")
    worker.refresh_from_db()
    assert worker.points == 5
    casework.withdraw(new_case, "withdraw", rider, "问题已自行消失")
    new_case.refresh_from_db()
    worker.refresh_from_db()
    assert new_case.state == S.WITHDRAWN and worker.points == 0
    assert LedgerEntry.objects.filter(worker=worker, kind="reversal", ref=f"case:{new_case.pk}").count() == 1


def test_a_report_whose_points_were_spent_cannot_be_withdrawn(new_case, centre, rider, worker, reward):
    from openpark.community import casework, services

    casework.verify(new_case, "verify", centre, "")
    reward.points = 5
    reward.save()
    services.redeem_own(rider, reward.pk, 1, "a" * 32)
    with pytest.raises(TransitionError) as refused:
        new_case.machine.check(new_case, "withdraw", rider)
    assert "积分已使用，不能撤回" in str(refused.value)
    assert "withdraw" not in {t.name for t in new_case.machine.available(new_case, rider)}
    from django.test import Client

    client = Client()
    client.force_login(rider)
    page = client.get(f"/community/me/cases/{new_case.pk}/").content.decode()
    assert 'id="case-withdraw"' not in page and "积分已使用，不能撤回" in page


def test_the_timeline_names_each_step_and_the_stage_its_timer_waited_for(new_case, centre, handler, department,
                                                                         client_for):
    from openpark.community import casework

    casework.verify(new_case, "verify", centre, "")
    step(new_case, "register", centre)
    casework.dispatch(new_case, "dispatch", centre, "", department=department)
    new_case.refresh_from_db()
    casework.accept(new_case, "accept", handler, "")
    new_case.refresh_from_db()
    assert new_case.handled_by == handler  # 处置人 from 签收 on
    casework.request_extension(new_case, "request_extension", handler, "需协调环卫车辆", days=2)
    page = client_for(centre).get(new_case.get_absolute_url()).content.decode()
    assert "上报：待核实" in page and "申请延期（处置中）" in page and "处置中 → 处置中" not in page
    assert "核实已办结" in page and "立案已办结" in page and "待核实办结" not in page


def test_the_reporter_hears_the_notes_meant_for_them_not_the_staffs(new_case, centre, handler, rider, department,
                                                                    client_for):
    from openpark.community import casework
    from openpark.core.models import Notification

    casework.verify(new_case, "verify", centre, "")
    step(new_case, "register", centre)
    casework.dispatch(new_case, "dispatch", centre, "", department=department)
    new_case.refresh_from_db()
    casework.send_back(new_case, "send_back", handler, "科室间职责不清，内部协调")
    told = Notification.objects.filter(recipient=rider, title__contains="已退回").get()
    assert told.body == ""
    page = client_for(rider).get(f"/community/me/cases/{new_case.pk}/").content.decode()
    assert "内部协调" not in page and "退回" in page
    second = casework.submit(Case(category=new_case.category, address="城南路 3 号"), rider)
    step(second, "reject", centre, "现场未发现该问题")
    assert Notification.objects.filter(recipient=rider, body="现场未发现该问题").exists()
    assert "现场未发现该问题" in client_for(rider).get(f"/community/me/cases/{second.pk}/").content.decode()


def test_a_category_without_a_department_goes_to_the_grids_territorial_department(new_case, centre, case_grid,
                                                                                   client_for, department):
    from openpark.community import casework
    from openpark.community.models import Department

    territory = Department.objects.create(name="城南社区", kind="territorial")
    territory.grids.add(case_grid)
    assert casework.owner_of(new_case) == department  # the category's own first
    new_case.category.department = None
    new_case.category.save()
    new_case.refresh_from_db()
    assert casework.owner_of(new_case) == territory
    casework.verify(new_case, "verify", centre, "")
    step(new_case, "register", centre)
    page = client_for(centre).get(new_case.get_absolute_url()).content.decode()
    assert f'<option value="{territory.pk}" selected>{territory.name}</option>' in page
