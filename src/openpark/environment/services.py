"""What the outfall's transitions do beyond changing its stage, and the park's counts of outfalls
by stage and of remediation measures by status, which the dashboard and the cockpit tile show."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from openpark.core.attachments import attach
from openpark.core.states import TransitionError

from .choices import ALL_STAGES, MeasureStatus, OutfallStage, PlanType, SampleKind
from .models import Measure, Outfall, OutfallSample, RemediationPlan, Tracing


def _sample(outfall: Outfall, kind: str, sampled_on, compliant: bool, note: str) -> OutfallSample:
    sample = OutfallSample(outfall=outfall, kind=kind, sampled_on=sampled_on, compliant=compliant, note=note)
    sample.full_clean()
    sample.save()
    return sample


def monitor(outfall: Outfall, name: str, user, note: str = "", evidence=(), sampled_on=None, compliant=None,
            report=None):
    """测: the outfall is monitored when a sample of it is on record, entered before or with this
    step (采样日期), or a monitoring report is attached."""
    if sampled_on is None and report is None and not outfall.samples.filter(kind=SampleKind.MONITORING).exists():
        raise TransitionError("登记监测须先有该排口的监测记录，或填写采样日期，或上传监测报告。")
    if sampled_on is not None and compliant is None:
        raise ValidationError("填写了采样日期，请选择是否达标。")
    with transaction.atomic():
        if sampled_on is not None:
            _sample(outfall, SampleKind.MONITORING, sampled_on, bool(compliant), note)
        if report is not None:
            attach(outfall, report, user, purpose="监测报告", evidence=True)
        return outfall.machine.apply(outfall, name, user, note, evidence)


def trace(outfall: Outfall, name: str, user, note: str = "", evidence=()):
    """溯: done when the outfall is traced to at least one pollution source."""
    if not Tracing.objects.filter(outfall=outfall).exists():
        raise TransitionError("完成溯源前须至少登记一条排口溯源记录（排口 ↔ 污染源）。")
    return outfall.machine.apply(outfall, name, user, note, evidence)


def approve_plan(outfall: Outfall, name: str, user, note: str = "", evidence=()):
    """治: one plan per outfall (一口一策), approved (批复日期 and 批复单位) before the step."""
    plan = RemediationPlan.objects.filter(outfall=outfall).first()
    if plan is None:
        raise TransitionError("请先为该排口制定整治方案（一口一策）。")
    if not plan.approved_on or not plan.approved_by.strip():
        raise TransitionError("整治方案须填写批复日期和批复单位后才能登记批复。")
    return outfall.machine.apply(outfall, name, user, note, evidence)


def submit_closeout(outfall: Outfall, name: str, user, note: str = "", evidence=(), sampled_on=None,
                    compliant=None):
    """申请销号: the signboard is up (its photo is the evidence) and a re-test is compliant; the
    re-test is kept as a sample of the outfall."""
    if sampled_on is None:
        raise ValidationError("请填写复测采样日期。")
    if compliant is None:
        raise ValidationError("请选择复测是否达标。")
    if not compliant:
        raise TransitionError("销号复测不达标，不能申请销号；请整改后重新采样复测。")
    with transaction.atomic():
        _sample(outfall, SampleKind.RETEST, sampled_on, True, note)
        return outfall.machine.apply(outfall, name, user, note, evidence, has_signboard=True)


def abolish(outfall: Outfall, name: str, user, note: str = "", evidence=()):
    """取缔: only an outfall whose plan says so."""
    _check_plan_type(outfall, PlanType.ABOLISH)
    return outfall.machine.apply(outfall, name, user, note, evidence, usage_status="out_of_use")


def merge(outfall: Outfall, name: str, user, note: str = "", evidence=(), merged_into=None):
    """合并: the outfall joins another one, named; its plan must say so."""
    if merged_into is None:
        raise ValidationError("请选择并入排口。")
    _check_plan_type(outfall, PlanType.MERGE)
    message = outfall.merge_target_error(merged_into)
    if message:
        raise ValidationError(message)
    return outfall.machine.apply(outfall, name, user, note, evidence, merged_into=merged_into,
                                 usage_status="out_of_use")


def _check_plan_type(outfall: Outfall, plan_type: str) -> None:
    plan = RemediationPlan.objects.filter(outfall=outfall).first()
    if plan is None or plan.plan_type != plan_type:
        raise TransitionError(f"只有整治方案类型为“{PlanType(plan_type).label}”的排口才能{PlanType(plan_type).label}。")


# The park's counts ------------------------------------------------------------------------------


def outfall_counts_by_stage() -> dict[str, int]:
    """{stage: how many live outfalls are in it}, every stage listed in order (0 where none)."""
    counted = dict(Outfall.objects.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return {stage.value: counted.get(stage.value, 0) for stage in ALL_STAGES}


def measure_counts_by_status(today=None) -> dict[str, int]:
    """{status: how many live measures have it}, every status listed, and "overdue": those not done
    past their deadline (`Measure.overdue_q`, the list's 逾期 filter)."""
    today = today or timezone.localdate()
    counted = dict(Measure.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    counts = {status.value: counted.get(status.value, 0) for status in MeasureStatus}
    counts["overdue"] = Measure.objects.overdue(today).count()
    return counts


def outfalls_finished(counts: dict[str, int]) -> int:
    """Outfalls whose remediation is over: closed (销号), abolished or merged."""
    return sum(counts[s] for s in (OutfallStage.CLOSED, OutfallStage.ABOLISHED, OutfallStage.MERGED))
