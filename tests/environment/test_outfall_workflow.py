"""Every transition of an outfall's life cycle, with the evidence it needs, on its page and in the
API: what each refuses (and then nothing changes) and what it does."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.core.models import Attachment, Deadline
from openpark.environment.models import OutfallSample, RemediationPlan
from tests.factories import EnterpriseFactory, bind_enterprise

from .conftest import photo, trace_to_a_source

pytestmark = pytest.mark.django_db
WAYS = ("page", "api")


@pytest.fixture
def act(staff, client_for, api_for):
    """act(way, outfall, name, data) -> (status, text): the transition made on the page or in the API."""
    page, api = client_for(staff), api_for(staff)

    def post(way, outfall, name, data=None):
        data = dict(data or {})
        if way == "page":
            response = page.post(reverse("environment:outfall_transition", args=[outfall.pk, name]), data)
            return (200 if response.status_code == 302 else response.status_code), response.content.decode()
        response = api.post(f"/api/environment/outfalls/{outfall.pk}/transitions/{name}/", data, format="multipart")
        return response.status_code, response.content.decode()

    return post


def stage_of(outfall) -> str:
    outfall.refresh_from_db()
    return outfall.stage


def yesterday() -> str:
    return str(timezone.localdate() - timedelta(days=1))


@pytest.mark.parametrize("way", WAYS)
def test_verify_needs_a_site_photo(way, act, make_outfall):
    outfall = make_outfall()
    status, text = act(way, outfall, "verify", {"note": "现场确认"})
    assert status == 400 and "核实（现场确认）须上传证明材料。" in text and stage_of(outfall) == "suspected"
    assert act(way, outfall, "verify", {"evidence": photo()})[0] == 200
    assert stage_of(outfall) == "verified"
    assert Attachment.objects.filter(object_id=outfall.pk, evidence=True).count() == 1


@pytest.mark.parametrize("way", WAYS)
def test_reject_needs_a_note(way, act, make_outfall):
    outfall = make_outfall()
    status, text = act(way, outfall, "reject")
    assert status == 400 and "排除须填写说明。" in text and stage_of(outfall) == "suspected"
    assert act(way, outfall, "reject", {"note": "为灌溉渠道，非排污口"})[0] == 200
    assert stage_of(outfall) == "rejected"


@pytest.mark.parametrize("way", WAYS)
def test_monitor_needs_a_sample_or_a_report(way, act, make_outfall):
    outfall = make_outfall("verified")
    status, text = act(way, outfall, "monitor", {"note": "已监测"})
    assert status == 400 and "登记监测须先有该排口的监测记录" in text and stage_of(outfall) == "verified"
    status, text = act(way, outfall, "monitor", {"sampled_on": yesterday()})
    assert status == 400 and "填写了采样日期，请选择是否达标。" in text and stage_of(outfall) == "verified"
    assert act(way, outfall, "monitor", {"sampled_on": yesterday(), "compliant": "false"})[0] == 200
    assert stage_of(outfall) == "monitored"
    sample = OutfallSample.objects.get(outfall=outfall)
    assert (sample.kind, sample.compliant) == ("monitoring", False)

    with_report = make_outfall("verified")
    assert act(way, with_report, "monitor", {"report": photo("监测报告.png")})[0] == 200
    assert stage_of(with_report) == "monitored"
    assert Attachment.objects.filter(object_id=with_report.pk, purpose="监测报告").exists()

    sampled_before = make_outfall("verified")
    OutfallSample.objects.create(outfall=sampled_before, sampled_on=timezone.localdate(), compliant=True)
    assert act(way, sampled_before, "monitor")[0] == 200 and stage_of(sampled_before) == "monitored"


@pytest.mark.parametrize("way", WAYS)
def test_trace_needs_a_traced_source(way, act, make_outfall):
    outfall = make_outfall("monitored")
    status, text = act(way, outfall, "trace")
    assert status == 400 and "至少登记一条排口溯源记录" in text and stage_of(outfall) == "monitored"
    trace_to_a_source(outfall)
    assert act(way, outfall, "trace")[0] == 200 and stage_of(outfall) == "traced"


@pytest.mark.parametrize("way", WAYS)
def test_approve_plan_needs_an_approved_plan(way, act, make_outfall):
    outfall = make_outfall("traced")
    status, text = act(way, outfall, "approve_plan")
    assert status == 400 and "请先为该排口制定整治方案" in text
    plan = RemediationPlan.objects.create(outfall=outfall, plan_type="regularise")
    status, text = act(way, outfall, "approve_plan")
    assert status == 400 and "须填写批复日期和批复单位" in text and stage_of(outfall) == "traced"
    plan.approved_on, plan.approved_by = timezone.localdate(), "靖江市生态环境局"
    plan.save()
    assert act(way, outfall, "approve_plan")[0] == 200 and stage_of(outfall) == "plan_approved"


@pytest.mark.parametrize("way", WAYS)
def test_start_remediation_starts_a_60_working_day_deadline(way, act, make_outfall):
    outfall = make_outfall("plan_approved", plan_type="regularise")
    assert act(way, outfall, "start_remediation")[0] == 200 and stage_of(outfall) == "in_remediation"
    deadline = Deadline.objects.get(object_id=str(outfall.pk))
    assert deadline.state == "in_remediation" and deadline.working_days == 60 and deadline.met_at is None


@pytest.mark.parametrize("way", WAYS)
def test_close_out_needs_a_signboard_photo_and_a_compliant_retest(way, act, make_outfall):
    outfall = make_outfall("in_remediation", plan_type="regularise")
    status, text = act(way, outfall, "submit_closeout", {"sampled_on": yesterday(), "compliant": "true"})
    assert status == 400 and "申请销号须上传证明材料。" in text
    status, text = act(way, outfall, "submit_closeout", {"compliant": "true", "evidence": photo("标志牌.png")})
    assert status == 400 and "请填写复测采样日期。" in text
    status, text = act(way, outfall, "submit_closeout", {"sampled_on": yesterday(), "evidence": photo("标志牌.png")})
    assert status == 400 and "请选择复测是否达标。" in text
    status, text = act(way, outfall, "submit_closeout",
                       {"sampled_on": yesterday(), "compliant": "false", "evidence": photo("标志牌.png")})
    assert status == 400 and "销号复测不达标，不能申请销号" in text
    assert stage_of(outfall) == "in_remediation" and not OutfallSample.objects.filter(outfall=outfall).exists()
    assert not Attachment.objects.filter(object_id=outfall.pk).exists()

    status, text = act(way, outfall, "submit_closeout",
                       {"sampled_on": yesterday(), "compliant": "true", "evidence": photo("标志牌.png")})
    assert status == 400 and "申请销号须已设置排口标志牌" in text and stage_of(outfall) == "in_remediation"
    assert not outfall.has_signboard

    status, _ = act(way, outfall, "submit_closeout", {"sampled_on": yesterday(), "compliant": "true",
                                                      "signboard": "true", "evidence": photo("标志牌.png")})
    assert status == 200 and stage_of(outfall) == "pending_closeout" and outfall.has_signboard
    retest = OutfallSample.objects.get(outfall=outfall)
    assert (retest.kind, retest.compliant, str(retest.sampled_on)) == ("retest", True, yesterday())


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name, start, end, label", [
    ("county_preclose", "pending_closeout", "county_preclosed", "县级预销号"),
    ("close", "county_preclosed", "closed", "市级审核销号"),
])
def test_pre_close_and_close_need_a_note_and_a_document(way, act, make_outfall, name, start, end, label):
    outfall = make_outfall(start, plan_type="regularise")
    status, text = act(way, outfall, name, {"evidence": photo("销号材料.png")})
    assert status == 400 and f"{label}须填写说明。" in text
    status, text = act(way, outfall, name, {"note": "材料齐全"})
    assert status == 400 and f"{label}须上传证明材料。" in text and stage_of(outfall) == start
    assert act(way, outfall, name, {"note": "材料齐全", "evidence": photo("销号材料.png")})[0] == 200
    assert stage_of(outfall) == end


@pytest.mark.parametrize("way", WAYS)
def test_abolish_only_an_outfall_whose_plan_bans_it(way, act, make_outfall):
    kept = make_outfall("plan_approved", plan_type="regularise")
    status, text = act(way, kept, "abolish", {"note": "封堵"})
    assert status == 400 and "只有整治方案类型为“取缔”的排口才能取缔" in text and stage_of(kept) == "plan_approved"
    banned = make_outfall("in_remediation", plan_type="abolish")
    status, text = act(way, banned, "abolish")
    assert status == 400 and "取缔须填写说明。" in text
    assert act(way, banned, "abolish", {"note": "已封堵拆除"})[0] == 200
    assert stage_of(banned) == "abolished" and banned.usage_status == "out_of_use"


@pytest.mark.parametrize("way", WAYS)
def test_merge_points_at_the_outfall_it_joined(way, act, make_outfall):
    target = make_outfall("in_remediation", plan_type="regularise")
    outfall = make_outfall("in_remediation", plan_type="merge")
    status, text = act(way, outfall, "merge")
    assert status == 400 and "请选择并入排口。" in text
    status, text = act(way, outfall, "merge", {"merged_into": outfall.pk})
    assert status == 400 and "请选择您可查看的其他在用排口。" in text  # itself is no choice
    gone = make_outfall("merged", merged_into=target)
    status, text = act(way, outfall, "merge", {"merged_into": gone.pk})
    assert status == 400 and "并入排口" in text and stage_of(outfall) == "in_remediation"
    status, text = act(way, target, "merge", {"merged_into": outfall.pk})
    assert status == 400 and "只有整治方案类型为“合并”的排口才能合并" in text
    assert act(way, outfall, "merge", {"merged_into": target.pk, "note": "并入十圩港口门排口"})[0] == 200
    assert stage_of(outfall) == "merged" and outfall.merged_into == target and outfall.usage_status == "out_of_use"


@pytest.mark.parametrize("way", WAYS)
def test_a_look_back_reopens_a_closed_outfall_with_a_note(way, act, make_outfall):
    outfall = make_outfall("closed", plan_type="regularise")
    status, text = act(way, outfall, "reopen")
    assert status == 400 and "回头看重新打开须填写说明。" in text and stage_of(outfall) == "closed"
    assert act(way, outfall, "reopen", {"note": "回头看发现雨污混接复发"})[0] == 200
    assert stage_of(outfall) == "in_remediation"
    assert Deadline.objects.filter(object_id=str(outfall.pk), working_days=60).exists()


@pytest.mark.parametrize("way", WAYS)
def test_a_transition_from_the_wrong_stage_is_refused(way, act, make_outfall):
    outfall = make_outfall()
    status, text = act(way, outfall, "close", {"note": "x", "evidence": photo()})
    assert status == 400 and "当前状态为“疑似”，不能市级审核销号。" in text and stage_of(outfall) == "suspected"


def test_the_stage_changes_only_through_transitions(make_outfall):
    from openpark.core.states import TransitionError

    outfall = make_outfall()
    outfall.stage = "closed"
    with pytest.raises(TransitionError):
        outfall.save()


def test_transitions_need_the_permission_and_the_scope(make_outfall, make_user, client_for, api_for):
    owner = EnterpriseFactory()
    outfall = make_outfall(enterprise=owner)
    url = reverse("environment:outfall_transition", args=[outfall.pk, "reject"])
    api_url = f"/api/environment/outfalls/{outfall.pk}/transitions/reject/"
    assert client_for(make_user("leader")).post(url, {"note": "x"}).status_code == 403
    assert api_for(make_user("leader")).post(api_url, {"note": "x"}).status_code == 403
    own = make_user("enterprise")
    bind_enterprise(own, owner)
    assert client_for(own).post(url, {"note": "x"}).status_code == 403  # sees it, may not act
    other = make_user("enterprise")
    bind_enterprise(other, EnterpriseFactory())
    assert client_for(other).post(url, {"note": "x"}).status_code == 404
    assert api_for(other).post(api_url, {"note": "x"}).status_code == 404
    assert stage_of(outfall) == "suspected"


def test_the_whole_way_from_suspected_to_closed_shows_on_the_timeline(act, make_outfall, staff, client_for):
    outfall = make_outfall()
    assert act("page", outfall, "verify", {"evidence": photo()})[0] == 200
    assert act("page", outfall, "monitor", {"sampled_on": yesterday(), "compliant": "false"})[0] == 200
    trace_to_a_source(outfall)
    assert act("api", outfall, "trace")[0] == 200
    RemediationPlan.objects.create(outfall=outfall, plan_type="regularise", approved_on=timezone.localdate(),
                                   approved_by="靖江市生态环境局")
    for name, data in (("approve_plan", {}), ("start_remediation", {}),
                       ("submit_closeout", {"sampled_on": yesterday(), "compliant": "true", "signboard": "on",
                                            "evidence": photo()}),
                       ("county_preclose", {"note": "县级审核通过", "evidence": photo()}),
                       ("close", {"note": "市级审核通过", "evidence": photo()})):
        assert act("page", outfall, name, data)[0] == 200, name
    assert stage_of(outfall) == "closed"
    page = client_for(staff).get(outfall.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert "疑似 → 已核实" in timeline and "县级预销号 → 已销号（市级审核通过）" in timeline
    assert 'data-transition="reopen"' in page


@pytest.mark.parametrize("plan_type", [None, "regularise", "keep", "abolish", "merge"])
def test_merge_and_abolish_are_offered_only_when_the_plan_says_so(plan_type, staff, client_for, act, make_outfall):
    """The page offers 合并 only to an outfall whose plan is a merge (取缔 likewise), and the page and
    the API refuse it otherwise with the one reason the rule gives."""
    from openpark.environment.models import merge_refusal

    outfall = make_outfall("in_remediation", plan_type=plan_type)
    page = client_for(staff).get(outfall.get_absolute_url()).content.decode()
    merge_url = reverse("environment:outfall_transition", args=[outfall.pk, "merge"])
    abolish_url = reverse("environment:outfall_transition", args=[outfall.pk, "abolish"])
    assert (merge_url in page) == (plan_type == "merge")
    assert (abolish_url in page) == (plan_type == "abolish")
    if plan_type == "merge":
        return
    reason = merge_refusal(outfall)
    current = {"regularise": "规范整治", "keep": "保留规范化", "abolish": "取缔"}.get(plan_type)
    assert reason == ("只有整治方案类型为“合并”的排口才能合并到其他排口，"
                      + (f"该排口的整治方案类型为“{current}”。" if current else "该排口尚无整治方案。"))
    target = make_outfall("in_remediation", plan_type="regularise")
    for way in WAYS:
        status, text = act(way, outfall, "merge", {"merged_into": target.pk})
        assert status == 400 and reason in text and stage_of(outfall) == "in_remediation"


def test_the_transition_forms_and_edit_forms_mark_and_name_choices_alike(staff, client_for, make_outfall):
    outfall = make_outfall("in_remediation", plan_type="regularise")
    client = client_for(staff)
    page = client.get(outfall.get_absolute_url()).content.decode()
    for name, label in (("evidence", "标志牌照片"), ("sampled_on", "复测采样日期"), ("compliant", "复测是否达标")):
        assert f'<label for="id_submit_closeout_{name}">{label} <span class="required">*</span></label>' in page
    assert "必填" not in page and "---------" not in page
    form = client.get(reverse("environment:remediationplan_add")).content.decode()
    assert "---------" not in form and '<option value="" selected>请选择</option>' in form


@pytest.mark.parametrize("way", WAYS)
def test_close_out_is_refused_while_a_measure_of_the_plan_is_open(way, staff, client_for, act, make_outfall):
    """申请销号 waits for every measure of the plan: the page does not offer it and says why, the
    page and the API refuse it with the same reason; nothing changes, the signboard flag included."""
    from openpark.environment.models import Measure, closeout_refusal

    outfall = make_outfall("in_remediation", plan_type="regularise")
    plan = outfall.plan
    today = timezone.localdate()
    done = Measure.objects.create(plan=plan, content="设置排口标志牌", owner="城南办事处", deadline=today,
                                  status="done", progress=100, completed_on=today)
    Measure.objects.create(plan=plan, content="封堵雨污混接点", owner="城南办事处", deadline=today)
    Measure.objects.create(plan=plan, content="新建截污管网", owner="城南办事处", deadline=today,
                           status="in_progress", progress=40)
    reason = closeout_refusal(outfall)
    assert reason == "尚有 2 项整治措施未完成：封堵雨污混接点、新建截污管网。请完成全部整治措施后再申请销号。"
    page = client_for(staff).get(outfall.get_absolute_url()).content.decode()
    assert 'data-transition="submit_closeout"' not in page
    status, text = act(way, outfall, "submit_closeout", {"sampled_on": yesterday(), "compliant": "true",
                                                         "signboard": "true", "evidence": photo("标志牌.png")})
    assert status == 400 and reason in text
    assert stage_of(outfall) == "in_remediation" and not outfall.has_signboard
    assert not OutfallSample.objects.filter(outfall=outfall).exists()

    Measure.objects.filter(plan=plan).exclude(pk=done.pk).update(status="done", progress=100, completed_on=today)
    assert closeout_refusal(outfall) == ""
    page = client_for(staff).get(outfall.get_absolute_url()).content.decode()
    assert 'data-transition="submit_closeout"' in page
    status, _ = act(way, outfall, "submit_closeout", {"sampled_on": yesterday(), "compliant": "true",
                                                      "signboard": "true", "evidence": photo("标志牌.png")})
    assert status == 200 and stage_of(outfall) == "pending_closeout" and outfall.has_signboard


def test_close_out_keeps_a_signboard_already_on_record(act, make_outfall):
    outfall = make_outfall("in_remediation", plan_type="regularise", has_signboard=True)
    status, _ = act("api", outfall, "submit_closeout",
                    {"sampled_on": yesterday(), "compliant": "true", "evidence": photo("标志牌.png")})
    assert status == 200 and stage_of(outfall) == "pending_closeout" and outfall.has_signboard


@pytest.mark.parametrize("name, start, data, message", [
    ("approve_plan", "traced", {}, "整治方案已批复，当前状态：方案已批。"),
    ("county_preclose", "pending_closeout", {"note": "县级审核通过", "evidence": "photo"}, "已完成县级预销号，"),
    ("close", "county_preclosed", {"note": "市级审核通过", "evidence": "photo"}, "已完成市级审核销号，"),
    ("reopen", "closed", {"note": "回头看发现问题"}, "回头看：已重新打开，"),
])
def test_a_transition_says_it_was_made_in_plain_words(name, start, data, message, staff, client_for,
                                                      make_outfall):
    outfall = make_outfall(start, plan_type="regularise")
    data = {key: photo() if value == "photo" else value for key, value in data.items()}
    client = client_for(staff)
    response = client.post(reverse("environment:outfall_transition", args=[outfall.pk, name]), data, follow=True)
    text = response.content.decode()
    assert message in text and f"已{name}" not in text


def test_every_environment_transition_declares_its_message():
    from openpark.environment.models import EnvironmentProblem, Outfall

    for model in (Outfall, EnvironmentProblem):
        for transition in model.machine.transitions.values():
            assert transition.done and transition.done_message == transition.done, transition.name
