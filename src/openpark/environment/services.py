"""What the outfall's transitions do beyond changing its stage, and the park's counts of outfalls
by stage and of remediation measures by status, which the dashboard and the cockpit tile show."""
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from openpark.core.attachments import attach
from openpark.core.bulk import chunks
from openpark.core.scoping import scope_queryset
from openpark.core.states import TransitionError

from . import water_quality
from .choices import ALL_STAGES, MeasureStatus, OutfallStage, SampleKind, WaterBodyKind
from .models import Measure, Measurement, MonitoringSite, Outfall, OutfallSample, RemediationPlan, Tracing, WaterSample


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
                    compliant=None, signboard=False):
    """申请销号: every measure done (the transition's condition, `models.closeout_refusal`), the
    signboard up (on record, or confirmed now by whoever applies, its photo the evidence) and a
    re-test compliant; the re-test is kept as a sample of the outfall. The signboard flag is set
    only when the user confirms it."""
    if sampled_on is None:
        raise ValidationError("请填写复测采样日期。")
    if compliant is None:
        raise ValidationError("请选择复测是否达标。")
    if not compliant:
        raise TransitionError("销号复测不达标，不能申请销号；请整改后重新采样复测。")
    if not signboard and not outfall.has_signboard:
        raise TransitionError("申请销号须已设置排口标志牌：请确认“标志牌已设置”，并上传标志牌照片。")
    changes = {"has_signboard": True} if signboard else {}
    with transaction.atomic():
        _sample(outfall, SampleKind.RETEST, sampled_on, True, note)
        return outfall.machine.apply(outfall, name, user, note, evidence, **changes)


def abolish(outfall: Outfall, name: str, user, note: str = "", evidence=()):
    """取缔: only an outfall whose plan says so (the transition's condition, `models.abolish_refusal`)."""
    return outfall.machine.apply(outfall, name, user, note, evidence, usage_status="out_of_use")


def merge(outfall: Outfall, name: str, user, note: str = "", evidence=(), merged_into=None):
    """合并: the outfall joins another one, named; its plan must say so (the transition's condition,
    `models.merge_refusal`, checked before this runs)."""
    if merged_into is None:
        raise ValidationError("请选择并入排口。")
    if user is not None and not scope_queryset(Outfall.objects.filter(pk=merged_into.pk), user).exists():
        raise ValidationError("只能并入您可查看的排口。")
    message = outfall.merge_target_error(merged_into)
    if message:
        raise ValidationError(message)
    return outfall.machine.apply(outfall, name, user, note, evidence, merged_into=merged_into,
                                 usage_status="out_of_use")


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


# River chiefs: patrols counted under their rules, chiefs behind; the problem's transitions -------

from datetime import datetime, time, timedelta  # noqa: E402

from django.db.models import BooleanField, Case, F, IntegerField, Q, Value, When  # noqa: E402

from . import patrols as patrol_math  # noqa: E402
from .choices import ProblemState  # noqa: E402
from .models import EnvironmentProblem, Patrol, PatrolRule, RiverChief  # noqa: E402


def recount_patrols(level: str) -> int:
    """Whether each patrol of the level's chiefs counts, and why not, again, after its rule changed:
    read in one query, computed by the rule, the changed ones written in bulk. Returns how many
    changed."""
    rule = PatrolRule.objects.filter(level=level).first()
    rows = Patrol.objects.filter(chief__level=level).values_list("pk", "duration_minutes", "distance_km",
                                                                 "started_at", "counts", "not_counted_reason")
    changed = []
    for pk, minutes, km, started_at, counted, reason_before in rows.iterator(chunk_size=5000):
        reason = "" if rule is None else rule.not_counted_reason(minutes, km, timezone.localtime(started_at).month)
        if (not reason) != counted or reason != reason_before:
            changed.append(Patrol(pk=pk, counts=not reason, not_counted_reason=reason))
    Patrol.objects.bulk_update(changed, ["counts", "not_counted_reason"], batch_size=1000)
    return len(changed)


def patrol_requirements(today=None) -> dict[str, tuple[int, object]]:
    """{level: (patrols required this period, the period's first day)} of each level whose rule is
    active this month."""
    today = today or timezone.localdate()
    return {level: (duty.times, duty.start) for level, duty in duty_periods(today).items() if duty.active}


@dataclass(frozen=True)
class DutyPeriod:
    """A level's patrol duty on a day: this period and the one before (`patrols`, the rule of
    being behind)."""
    times: int
    start: object  # this period's first day
    left: int  # days left in it, today included
    active: bool  # the rule asks for patrols this period
    previous_start: object
    previous_active: bool  # it asked for patrols in the period before


def duty_periods(today=None) -> dict[str, DutyPeriod]:
    """{level: its DutyPeriod} of each level with a rule (one query)."""
    today = today or timezone.localdate()
    periods = {}
    for rule in PatrolRule.objects.all():
        months = set(rule.active_months or ())
        start = patrol_math.period_start(rule.period, today)
        periods[rule.level] = DutyPeriod(
            times=rule.times, start=start, left=patrol_math.days_left(rule.period, today),
            active=today.month in months, previous_start=patrol_math.previous_period_start(rule.period, today),
            previous_active=(start - timedelta(days=1)).month in months)
    return periods


def chiefs_with_duty(queryset=None, today=None):
    """The chiefs annotated with `required` (patrols their rule asks for this period, 0 when none),
    `done` (counting patrols since the period began), `owed` (how many are missing), `days_left`
    (in the period, today included), the same of the period before (`required_before`,
    `done_before`, `owed_before`) and `behind` (the rule in `patrols`: this period can no longer
    be met, or the last one was not): one aggregated query, whatever the number of chiefs."""
    today = today or timezone.localdate()
    periods = duty_periods(today)
    queryset = RiverChief.objects.all() if queryset is None else queryset
    zero = Value(0, IntegerField())
    if not periods:
        return queryset.annotate(required=zero, done=zero, owed=zero, days_left=zero, required_before=zero,
                                 done_before=zero, owed_before=zero, behind=Value(False, BooleanField()))

    def by_level(values: dict):
        return Case(*(When(level=level, then=Value(value)) for level, value in values.items()),
                    default=Value(0), output_field=IntegerField())

    since, before = Q(), Q()
    for level, duty in periods.items():
        since |= Q(level=level, patrols__started_at__gte=_start_of(duty.start))
        before |= Q(level=level, patrols__started_at__gte=_start_of(duty.previous_start),
                    patrols__started_at__lt=_start_of(duty.start))
    counting = Q(patrols__counts=True, patrols__is_deleted=False)
    done = Count("patrols", filter=counting & Q(patrols__started_at__lt=_start_of(today + timedelta(days=1)))
                 & since)

    def missing(required, made):
        return Case(When(**{f"{required}__gt": F(made)}, then=F(required) - F(made)), default=Value(0),
                    output_field=IntegerField())

    return queryset.annotate(
        required=by_level({level: duty.times if duty.active else 0 for level, duty in periods.items()}),
        days_left=by_level({level: duty.left for level, duty in periods.items()}),
        required_before=by_level({level: duty.times if duty.previous_active else 0
                                  for level, duty in periods.items()}),
        done=done, done_before=Count("patrols", filter=counting & before),
    ).annotate(owed=missing("required", "done"), owed_before=missing("required_before", "done_before")).annotate(
        behind=Case(When(Q(owed__gt=F("days_left")) | Q(owed_before__gt=0), then=Value(True)), default=Value(False),
                    output_field=BooleanField()))


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def chiefs_behind(queryset=None, today=None):
    """The chiefs behind on their patrols (the rule in `patrols`)."""
    return chiefs_with_duty(queryset, today).filter(behind=True)


def duty_counts(today=None, queryset=None) -> dict[str, int]:
    """How many chiefs (of `queryset`, by default all) have a patrol duty (this period or the one
    just completed), and how many of them are behind."""
    chiefs = chiefs_with_duty(queryset, today=today).filter(Q(required__gt=0) | Q(required_before__gt=0))
    return {"with_duty": chiefs.count(), "behind": chiefs.filter(behind=True).count()}


def problem_counts_by_state(today=None) -> dict[str, int]:
    counted = dict(EnvironmentProblem.objects.values_list("state").annotate(n=Count("pk"))
                   .values_list("state", "n"))
    counts = {state.value: counted.get(state.value, 0) for state in ProblemState}
    counts["overdue"] = EnvironmentProblem.objects.overdue(today).count()
    return counts


def assign_problem(problem, name: str, user, note: str = "", evidence=(), responsible_unit="", deadline=None):
    """交办: the problem goes to the unit that rectifies it, by a deadline."""
    responsible_unit = (responsible_unit or problem.responsible_unit or "").strip()
    if not responsible_unit:
        raise TransitionError("交办须填写责任单位。")
    deadline = deadline or problem.deadline
    if deadline is None:
        raise TransitionError("交办须填写整改期限。")
    if problem.found_on and deadline < problem.found_on:
        raise TransitionError("整改期限不能早于发现日期。")
    return problem.machine.apply(problem, name, user, note, evidence, responsible_unit=responsible_unit,
                                 deadline=deadline)


# Water-quality monitoring: grading samples ---------------------------------------------------------


def grade_samples(samples, measurements) -> None:
    """Grade the samples (unsaved or stored) from their measurements, in bulk through the grader's
    `grade_table`: set each sample's water_class, quality_grade and exceedances (not saved).
    `measurements`: Measurement instances, each with its `sample` among `samples` (matched by
    identity, so new samples may be graded before they are saved). Each sample's site (and its
    water body) must be loaded: 湖库 takes the lake limits."""
    index = {id(sample): n for n, sample in enumerate(samples)}
    n = len(samples)
    columns, below = {}, {}
    for item in measurements:
        row = index[id(item.sample)]
        reading = item.as_measurement()
        if reading is None:
            continue
        if item.parameter not in columns:
            columns[item.parameter] = np.full(n, np.nan)
            below[item.parameter] = np.zeros(n, dtype=bool)
        if reading.below_detection:
            below[item.parameter][row] = True
        if reading.value is not None:
            columns[item.parameter][row] = reading.value
    lake = np.fromiter((sample.site.water_type is water_quality.WaterType.LAKE for sample in samples),
                       dtype=bool, count=n)
    table = water_quality.grade_table(columns, lake, below)
    grades, texts = table.grades(), table.exceedance_texts()
    for row, sample in enumerate(samples):
        number = int(table.water_class[row])
        sample.water_class = number or None
        sample.quality_grade = grades[row] if number else ""
        sample.exceedances = str(texts[row])


GRADED_FIELDS = ("water_class", "quality_grade", "exceedances")


def grade_samples_by_id(sample_ids) -> int:
    """Grade the stored samples again from their stored measurements (after a change to them), in
    bulk: one read of the samples, one of their measurements, one bulk update; the change record
    keeps the grades that change. Returns how many samples were graded."""
    from openpark.core.changes import loaded_snapshot, record_bulk_changes, snapshot_texts
    from openpark.core.choices import ChangeAction

    ids = sorted({pk for pk in sample_ids if pk is not None})
    if not ids:
        return 0
    samples = [sample for chunk in chunks(ids)
               for sample in WaterSample.all_objects.filter(pk__in=chunk)
               .select_related("site__water_body").defer("site__water_body__geometry")]  # its kind, not its outline
    by_pk = {sample.pk: sample for sample in samples}
    measurements = [item for chunk in chunks(ids) for item in Measurement.objects.filter(sample_id__in=chunk)]
    for item in measurements:
        item.sample = by_pk[item.sample_id]
    before = {sample.pk: tuple(getattr(sample, name) for name in GRADED_FIELDS) for sample in samples}
    grade_samples(samples, measurements)
    changed = [s for s in samples if tuple(getattr(s, name) for name in GRADED_FIELDS) != before[s.pk]]
    if changed:
        WaterSample.all_objects.bulk_update(changed, GRADED_FIELDS, batch_size=2000)
        record_bulk_changes((sample, ChangeAction.UPDATE, loaded_snapshot(sample), after)
                            for sample, after in zip(changed, snapshot_texts(changed), strict=True))
    return len(samples)


def save_measurements(sample: WaterSample, results: dict, stored: dict) -> None:
    """Keep a sample's results as a form gives them ({parameter: Measurement}, checked): those
    emptied are deleted, the others saved, then the sample is graded once."""
    for key, item in stored.items():
        if key not in results:
            item._grading_later = True
            item.delete()
    for item in results.values():
        item.sample = sample
        item._grading_later = True
        item.save()
    grade_samples_by_id([sample.pk])


# Water-quality monitoring: where the sites stand -------------------------------------------------


def latest_samples(sites) -> dict[int, "WaterSample"]:
    """{site id: its latest live sample} of the given sites (ids or records), in one query."""
    ids = [getattr(site, "pk", site) for site in sites]
    latest = WaterSample.objects.filter(site=OuterRef("pk")).order_by("-sampled_at", "-pk").values("pk")[:1]
    pks = [pk for pk in MonitoringSite.objects.filter(pk__in=ids).annotate(latest=Subquery(latest))
           .values_list("latest", flat=True) if pk is not None]
    return {sample.site_id: sample for sample in WaterSample.objects.filter(pk__in=pks).select_related("site")}


def with_latest_class(queryset):
    """Sites annotated with `latest_class`, the class of their latest live sample (None: none graded yet)."""
    latest = WaterSample.objects.filter(site=OuterRef("pk")).order_by("-sampled_at", "-pk").values("water_class")[:1]
    return queryset.annotate(latest_class=Subquery(latest))


def sites_by_latest_class() -> dict:
    """{class number 1–6: how many active sites have it as their latest class, 0: no graded sample}."""
    counted = dict.fromkeys(range(7), 0)
    for number in with_latest_class(MonitoringSite.objects.filter(is_active=True)).values_list("latest_class",
                                                                                                  flat=True):
        counted[number or 0] += 1
    return counted


def class_trend(site) -> dict:
    """A site's samples over time, for its trend chart: times, class numbers and labels, its target."""
    samples = list(site.samples.filter(water_class__isnull=False).order_by("sampled_at", "pk")
                   .values_list("sampled_at", "water_class", "exceedances"))
    return {
        "times": [timezone.localtime(at).strftime("%Y-%m-%d") for at, _, _ in samples],
        "classes": [number for _, number, _ in samples],
        "exceedances": [text for _, _, text in samples],
        "labels": [f"{label}类" for label in water_quality.CLASS_LABELS[1:]],
        "target": site.target_class,
    }


@dataclass(frozen=True)
class WaterBodyGrade:
    sections: int  # active sites with a graded latest sample
    grade: str
    method: str
    water_class: int | None = None  # the class of the mean sample (断面浓度均值法)


def water_body_grade(water_body) -> WaterBodyGrade | None:
    """水质状况 of a water body from the latest samples of its active sites, as the grader judges a
    river (`river_grade_of_sections`: by the shares of the sections' classes with more than 5,
    else by the class of their mean); None when no site has a graded sample."""
    sites = list(MonitoringSite.objects.filter(water_body=water_body, is_active=True).values_list("pk", flat=True))
    latest = [sample for sample in latest_samples(sites).values() if sample.water_class]
    if not latest:
        return None
    results = defaultdict(dict)
    for item in Measurement.objects.filter(sample__in=latest):
        reading = item.as_measurement()
        if reading is not None:
            results[item.sample_id][item.parameter] = reading
    kind = water_quality.WaterType.LAKE if water_body.kind == WaterBodyKind.LAKE else water_quality.WaterType.RIVER
    graded = water_quality.river_grade_of_sections([results[sample.pk] for sample in latest], kind)
    number = int(graded.water_class) if graded.water_class else None
    return WaterBodyGrade(len(latest), graded.grade, graded.method, number)


# The enterprise environmental file (一企一档, environmental part) ---------------------------------

from datetime import date  # noqa: E402

from django.db.models.functions import Coalesce  # noqa: E402

from .choices import PermitStatus  # noqa: E402
from .models import (  # noqa: E402
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    HazardousWasteManifest, OnlineMonitor, Penalty, TreatmentFacility,
)


def permits_expiring(today: date | None = None, queryset=None):
    """The live permits whose renewal is due on `today` (即将到期, 已过延续申请期限 or 已过期:
    `enterprise_file.permit_status`), soonest expiry first: the panel, the list's 须办理延续 filter, the dashboard
    and the scheduled alerts read this one list. `queryset` narrows it (a user's scope, one
    enterprise)."""
    permits = DischargePermit.objects.all() if queryset is None else queryset
    return permits.expiring(today).select_related("enterprise").order_by("expires_on", "number")


def permit_counts_by_status(today: date | None = None, queryset=None) -> dict[str, int]:
    """{status: how many live permits have it on `today`}, every status listed."""
    permits = DischargePermit.objects.all() if queryset is None else queryset
    return {status.value: permits.standing(status.value, today).count() for status in PermitStatus}


# The kinds of record of the file, in the order the panel lists them: (model, date field).
FILE_KINDS = (
    (EiaApproval, "approved_on"),
    (CompletionAcceptance, "accepted_on"),
    (TreatmentFacility, "commissioned_on"),
    (OnlineMonitor, "installed_on"),
    (HazardousWasteManifest, "transferred_on"),
    (EmergencyPlan, "filed_on"),
    (EnvironmentalInspection, "inspected_on"),
    (Penalty, "decided_on"),
    (CreditRating, "year"),
)


def file_summary(enterprise, models) -> dict:
    """{model: (count, latest date or year, id of the latest row)} of the enterprise's live records
    of each model in `models` (of FILE_KINDS), in one query."""
    annotations = {}
    for model, field in FILE_KINDS:
        if model not in models:
            continue
        name = model._meta.model_name
        rows = model.objects.filter(enterprise=OuterRef("pk")).order_by()
        annotations[f"{name}_count"] = Coalesce(Subquery(
            rows.values("enterprise").annotate(n=Count("pk")).values("n")[:1]), 0)
        latest = rows.order_by(f"-{field}", "-pk")
        annotations[f"{name}_latest"] = Subquery(latest.values(field)[:1])
        annotations[f"{name}_pk"] = Subquery(latest.values("pk")[:1])
    if not annotations:
        return {}
    row = type(enterprise).objects.filter(pk=enterprise.pk).values(**annotations).first() or {}
    summary = {}
    for model, _field in FILE_KINDS:
        name = model._meta.model_name
        if f"{name}_count" in row:
            summary[model] = (row[f"{name}_count"], row[f"{name}_latest"], row[f"{name}_pk"])
    return summary



# The environment office's alerts: what each list's filter finds ----------------------------------

RECENT_SAMPLE_DAYS = 7  # a sample worse than its target is told of while it is this recent


def recent_samples_since(today: date | None = None) -> date:
    """The first sampling day whose samples still count as recent on `today`."""
    return (today or timezone.localdate()) - timedelta(days=RECENT_SAMPLE_DAYS)


def samples_worse_than_target(today: date | None = None, queryset=None):
    """The live samples taken in the last `RECENT_SAMPLE_DAYS` days whose class is worse than their
    site's target (`WaterSample.worse_than_target_q`), latest first: the sample list's 劣于目标
    filter from that day on, the home section and the scheduled alerts."""
    samples = WaterSample.objects.all() if queryset is None else queryset
    return (samples.worse_than_target().filter(sampled_at__gte=_start_of(recent_samples_since(today)))
            .select_related("site").order_by("-sampled_at", "-pk"))


def inspection_contracts(user):
    """The service contracts `user` may inspect under: any for park staff, a steward's own
    (the contracts its account is bound to) otherwise."""
    from openpark.core.scoping import is_park_wide
    from openpark.enterprises.models import ServiceContract

    contracts = ServiceContract.objects.filter(is_deleted=False)
    if not getattr(user, "is_authenticated", False):  # the API schema is drawn for nobody in particular
        return contracts.none()
    return contracts if is_park_wide(user) else contracts.filter(user_bindings__user=user)
