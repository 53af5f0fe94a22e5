"""Projects through their stages, problems and their escalation, stale projects and the "1230"
deadlines; and what ships with the platform (the 1230 rules; the chains ship with
`openpark.enterprises.chains`)."""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from openpark.core import workflows
from openpark.core.bulk import insert_instances
from openpark.core.changes import record_created
from openpark.core.registry import declared
from openpark.core.units import WAN_PER_YI
from openpark.enterprises.chains import chain_counts, ship_chains
from openpark.enterprises.models import Chain, ChainLink

from . import stages
from .choices import STAGE_ORDER, UNDER_CONSTRUCTION, Stage
from .models import ENTER_HISTORY, ENTER_HISTORY_PERMISSION, DeadlineRule, Problem, Project, StageDate

# The Jiangsu "1230" standard: working days from application.
SHIPPED_RULES = (
    ("registration", "企业开办（工商登记）", 1, False),
    ("real_estate", "不动产登记", 2, False),
    ("construction_permit", "工业项目施工许可", 30, True),
)


def ship(chain_model, link_model, rule_model) -> None:
    """Create the shipped chains, links and deadline rules that are missing (models may be
    historical: migration 0002 ships them)."""
    ship_chains(chain_model, link_model)
    for order, (code, name, days, industrial) in enumerate(SHIPPED_RULES, start=1):
        rule_model._default_manager.get_or_create(code=code, defaults={
            "name": name, "working_days": days, "industrial_only": industrial, "order": order * 10})


def ship_all() -> None:
    ship(Chain, ChainLink, DeadlineRule)


def advance(project: Project, transition: str, user, note: str = "", on=None, evidence=(), **facts) -> None:
    """Move the project through a transition on day `on` (default today), which becomes the stage's
    actual date and the project's latest progress (the project's transitions on its page and in the
    API come here). `facts`: what the stage needs (`stages.STAGE_FACTS`) given with the move; those
    already on the project count, and the move is refused while any is missing."""
    given = {name: value for name, value in facts.items() if name in stages.FACT_FIELDS and value not in (None, "")}
    target = project.machine.transitions[transition].target if transition in project.machine.transitions else None
    moving_on = target is not None and target != Stage.TERMINATED
    merged = {**{name: getattr(project, name) for name in stages.FACT_FIELDS}, **given}
    if moving_on:
        stages.check_facts(target, {**merged, stages.DAY: on})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError("实际日期不能晚于今天。")
    if on < project.stage_changed_on:
        raise ValidationError(f"实际日期不能早于进入当前阶段的日期（{project.stage_changed_on}）。")
    if moving_on:
        wrong = stages.fact_errors(merged, {**project.stage_days(), target: on}, timezone.localdate())
        if wrong:
            raise ValidationError(list(wrong.values()))
    with transaction.atomic():
        project.machine.apply(project, transition, user, note, evidence, stage_changed_on=on, last_progress_on=on,
                              **given)
        if project.stage != Stage.TERMINATED:
            StageDate.objects.update_or_create(project=project, stage=project.stage, defaults={"actual_on": on})


def history_dates(values: dict) -> dict[str, object]:
    """{stage: date} from values keyed as the pages, the API and the import name them ("signed_on")."""
    return {stage: values.get(name) for name, stage in stages.HISTORY_FIELDS.items()}


def check_existing(project: Project, stage: str, dates: dict, today=None) -> None:
    """ValidationError with every reason an existing project's history cannot be entered."""
    facts = {name: getattr(project, name) for name in stages.FACT_FIELDS}
    errors = stages.history_errors(stage, dates, facts, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)


def enter_existing(project: Project, stage: str, dates: dict, user) -> Project:
    """Create a project that is already under way, at `stage`, with the dates it entered each stage
    (`dates`: {stage: date}) and the facts each stage needs, recorded once on its timeline as an
    entered history, not as transitions. Only those who may enter project histories may; a
    history out of order, in the future or missing a fact is refused and nothing is written."""
    if user is not None and not user.has_perm(ENTER_HISTORY_PERMISSION):
        raise PermissionDenied("您没有录入既有项目历史的权限。")
    if project.pk is not None:
        raise ValidationError("既有项目的历史只能在新建项目时录入一次。")
    project.full_clean(exclude=["code"] if not project.code else None)
    check_existing(project, stage, dates)
    reached = {s: dates[s] for s in STAGE_ORDER if dates.get(s) is not None}
    with transaction.atomic():
        project.stage, project.stage_changed_on = stage, reached[stage]
        project.last_progress_on = reached[stage]
        project.save()
        dated = [StageDate(project=project, stage=s, actual_on=day) for s, day in reached.items()]
        insert_instances(StageDate, dated)
        record_created(dated)
        record_history([project], [reached], user)
    return project


def record_history(projects: list[Project], histories: list[dict], user) -> None:
    """The one timeline entry of each project entered with its history (`ENTER_HISTORY`)."""
    from django.contrib.contenttypes.models import ContentType

    from openpark.core.models import StateChange

    content_type = ContentType.objects.get_for_model(Project)
    actor = user if getattr(user, "pk", None) else None
    now = timezone.now()
    StateChange.objects.bulk_create([
        StateChange(time=now, user=actor, username=getattr(actor, "username", ""), content_type=content_type,
                    object_id=str(project.pk), transition=ENTER_HISTORY, from_state=Stage.LEAD,
                    to_state=project.stage, note=stages.history_note(history))
        for project, history in zip(projects, histories)])


def raise_problem(project: Project, description: str, owner: str, deadline, raised_on=None) -> Problem:
    problem = Problem(project=project, description=description, owner=owner,
                      deadline=deadline, raised_on=raised_on or timezone.localdate())
    problem.full_clean()
    problem.save()  # which records the progress on the project
    return problem


def escalate(problem: Problem, user=None) -> Problem:
    """上报挂钩领导: the problem goes on the linked leader's list; raised by `user`, it is put before
    the leader's account (found by name, among those who may see it) in their 待办, as any 上报/督办
    (`workflows.escalate`), so that it is on the problem's and the project's timeline."""
    if problem.resolved_on:
        raise ValidationError("问题已解决，无需上报。")
    leader_name = problem.project.linked_leader
    if not leader_name:
        raise ValidationError("该项目没有挂钩领导，请先在项目中填写。")
    leader = linked_leader_account(problem) if user is not None else None
    if user is not None and leader is None:
        raise ValidationError(f"找不到挂钩领导“{leader_name}”可查看该问题的园区工作人员账号，无法送达其待办；"
                              "请核对项目中的挂钩领导姓名，或用“上报/督办”选择上报对象。")
    with transaction.atomic():
        if problem.escalated_on is None:
            problem.escalated_on = timezone.localdate()
            problem.save(update_fields=["escalated_on", "updated_at"])
        if leader is not None and leader.pk != user.pk:
            workflows.escalate(problem, declared(Problem), user, leader, f"上报挂钩领导：{problem.description}")
    return problem


def linked_leader_account(problem: Problem):
    """The account of the project's linked leader, named in the project, if the problem may be put before it."""
    from django.contrib.auth import get_user_model

    for account in get_user_model().objects.filter(full_name=problem.project.linked_leader, is_active=True):
        if workflows.may_take_escalation(account, declared(Problem), problem):
            return account
    return None


def resolve(problem: Problem, resolution: str, on=None) -> Problem:
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError("请说明解决情况。")
    problem.resolution, problem.resolved_on = resolution, on or timezone.localdate()
    problem.full_clean()
    problem.save()  # which records the progress on the project
    return problem


@dataclass
class DeadlineRow:
    """One line of a project's deadline table, whichever kind of deadline it is."""

    name: str
    started_on: date
    working_days: int
    due_on: date
    provisional: bool
    done_on: date | None
    overdue: bool  # still running after its day
    working_days_left: int | None  # while running
    url: str = ""


def project_deadlines(project: Project, today=None) -> list[DeadlineRow]:
    """Every deadline of the project in one list, by start: the "1230" items registered on it
    (`ProjectDeadline`, counted from the application) and those its stage changes started (the
    workflow's `Deadline`, counted from the change: 供地 → 开工)."""
    from openpark.core.calendars import calendar
    from openpark.core.models import Deadline

    today = today or timezone.localdate()
    days = calendar()
    rows = []
    for item in project.deadlines.select_related("rule"):
        due = item.due()
        rows.append(DeadlineRow(
            item.rule.name, item.applied_on, item.rule.working_days, due.day, due.provisional, item.done_on,
            item.done_on is None and due.day < today,
            None if item.done_on else item.working_days_left(today), item.get_absolute_url()))
    for item in Deadline.objects.of(project):
        done_on = timezone.localdate(item.met_at) if item.met_at else None
        rows.append(DeadlineRow(
            item.label, timezone.localdate(item.started_at), item.working_days, item.due_on, item.provisional, done_on,
            done_on is None and item.due_on < today,
            None if done_on else days.working_days_between(today, item.due_on)))
    return sorted(rows, key=lambda row: (row.started_on, row.name))


def stale_days() -> int:
    return getattr(settings, "STALE_PROJECT_DAYS", 30)


def stale_projects(today=None):
    """Projects in progress with no recorded progress for more than the configured days."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=stale_days())
    return Project.objects.exclude(stage__in=[Stage.PRODUCING, Stage.TERMINATED]).filter(last_progress_on__lt=limit)


def overdue_problems(today=None):
    return Problem.objects.filter(resolved_on__isnull=True, deadline__lt=today or timezone.localdate())



# ---------------------------------------------------------------- the pipeline

BIG_PROJECTS = (1_000_000, 500_000)  # 100亿 and 50亿, in 万元
AGE_BUCKETS = ((30, "30 天以内"), (90, "31—90 天"), (180, "91—180 天"), (None, "180 天以上"))
SUMMARY_STAGES = {"signed": Stage.SIGNED, "started": Stage.STARTED, "completed": Stage.COMPLETED}


def reached_since(stage: str | None, since: int | None):
    """Projects that reached `stage` (any stage if None) on or after 1 January of `since` (ever if
    None), whatever they are now."""
    reached = {"stage_dates__actual_on__isnull": False}
    if stage:
        reached["stage_dates__stage"] = stage
    if since:
        reached["stage_dates__actual_on__year__gte"] = since
    return Project.objects.filter(**reached).distinct()


def summary(since: int) -> dict:
    """Count and total investment (亿元) of the projects that reached 签约, 开工 and 竣工 since `since`."""
    result = {}
    for key, stage in SUMMARY_STAGES.items():
        projects = reached_since(stage, since)
        total = projects.aggregate(total=Sum("total_investment"))["total"] or Decimal(0)
        result[key] = {"count": projects.count(), "investment_yi": float((total / WAN_PER_YI).quantize(Decimal("0.01")))}
    return result


def pipeline(today=None) -> dict:
    """What the pipeline page shows: projects and investment by stage, by year of signing, by
    chain and by zone; conversion from each stage to the next; age in the current stage; the
    projects of 50亿 and 100亿 and above."""
    today = today or timezone.localdate()
    projects = list(Project.objects.values_list("pk", "stage", "total_investment", "chain__name", "zone__name",
                                                "stage_changed_on"))
    signed_on = dict(StageDate.objects.filter(stage=Stage.SIGNED, actual_on__isnull=False)
                     .values_list("project_id", "actual_on"))
    reached_counts = Counter(stage for stage in StageDate.objects.filter(actual_on__isnull=False)
                             .values_list("stage", flat=True))
    reached_counts[Stage.LEAD] = len(projects)

    def grouped(key):
        groups: dict = {}
        for row in projects:
            count, total = groups.get(key(row), (0, Decimal(0)))
            groups[key(row)] = (count + 1, total + row[2])
        return {name: {"count": count, "investment_yi": float(total / WAN_PER_YI)} for name, (count, total) in groups.items()}

    labels = dict(Stage.choices)
    by_stage = grouped(lambda row: row[1])
    age = Counter()
    for row in projects:
        if row[1] not in (Stage.PRODUCING, Stage.TERMINATED):
            days = (today - row[5]).days
            age[next(label for limit, label in AGE_BUCKETS if limit is None or days <= limit)] += 1
    return {
        "by_stage": [(labels[stage], by_stage.get(stage, {"count": 0, "investment_yi": 0.0}))
                     for stage in (*STAGE_ORDER, Stage.TERMINATED)],
        "by_year": dict(sorted(grouped(lambda row: signed_on[row[0]].year if row[0] in signed_on else "未签约").items(),
                               key=lambda item: str(item[0]))),
        "by_chain": grouped(lambda row: row[3]),
        "by_zone": grouped(lambda row: row[4] or "未定"),
        "conversion": [(labels[a], labels[b], reached_counts[a], reached_counts[b],
                        round(reached_counts[b] / reached_counts[a] * 100, 1) if reached_counts[a] else None)
                       for a, b in zip(STAGE_ORDER, STAGE_ORDER[1:])],
        "age": [(label, age[label]) for _, label in AGE_BUCKETS],
        "big": list(Project.objects.filter(total_investment__gte=BIG_PROJECTS[1]).order_by("-total_investment")),
    }



# ---------------------------------------------------------------- chains and targets

CONTACT_ORDER = ("none", "contacted", "visited", "negotiating", "signed")


def chain_map() -> list[dict]:
    """Every chain with its enterprises (those at no link too) and its links upstream to
    downstream: status, enterprises, projects under construction (在建)."""
    building = Project.objects.filter(stage__in=UNDER_CONSTRUCTION)
    counts = Counter(building.exclude(link=None).values_list("link_id", flat=True))
    members = chain_counts()
    chains = []
    for chain in Chain.objects.prefetch_related("links"):
        count = members.get(chain.pk)
        links = [{"link": link, "enterprises": count.links[link.pk] if count else 0, "projects": counts[link.pk]}
                 for link in chain.links.all()]
        chains.append({"chain": chain, "links": links, "enterprises": count.enterprises if count else 0,
                       "unplaced": count.unplaced if count else 0})
    return chains


def target_progress(year: int) -> dict:
    """The year's target companies against the year's goal (None when no goal is set): how many
    reached each contact step."""
    from .models import TargetCompany, TargetGoal

    statuses = Counter(TargetCompany.objects.filter(year=year).values_list("contact_status", flat=True))
    goal = TargetGoal.of_year(year)
    reached = {}
    for index, status in enumerate(CONTACT_ORDER[1:], start=1):
        reached[status] = sum(statuses[s] for s in CONTACT_ORDER[index:])
    return {"goal": goal, "listed": sum(statuses.values()), "reached": reached}
