"""The environment office's alerts (环保提醒): the daily check (Celery beat, `environment.check_alerts`)
tells the users of the 环保 role once about each object that enters a condition, and the office's
home page counts each condition with a link to its list.

Each condition is found by the one function its list and the dashboard use (`services.permits_expiring`,
`Measure.objects.overdue`, `EnvironmentProblem.objects.overdue`, `services.chiefs_behind`,
`services.samples_worse_than_target`); an `EnvironmentAlert` row records that an object was told of,
so a second run tells nothing again. Its `key` tells a new occurrence apart: a permit renewed to a
new expiry date, a measure or problem given a new deadline, a chief behind again in the next period.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from openpark.core.notifications import notify_many
from openpark.core.roles import ROLES_BY_SLUG

from . import enterprise_file, services
from .choices import AlertCondition, ChiefLevel, PermitStatus
from .models import DischargePermit, EnvironmentAlert, EnvironmentProblem, Measure, Outfall, RiverChief, WaterSample

logger = logging.getLogger(__name__)

# Whose work the alerts are: their users are told, and their home page counts them.
ALERT_ROLES = ("environment",)


@dataclass(frozen=True)
class Found:
    """An object in a condition: what tells this occurrence apart, and what the notice says."""
    obj: object
    key: str
    title: str
    body: str


@dataclass(frozen=True)
class Condition:
    condition: str  # AlertCondition
    label: str  # as the home section names it
    unit: str
    notification_kind: str  # core NotificationKind
    model: type
    find: Callable[[date], list[Found]]
    count: Callable[[date], int]
    url: Callable[[date], str]
    permission: str


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _permits(status: str) -> Callable[[date], list[Found]]:
    def find(today: date) -> list[Found]:
        found = []
        for permit in services.permits_expiring(today):
            if permit.status_on(today) != status:
                continue
            text = enterprise_file.permit_status_text(permit.expires_on, today)
            if status == PermitStatus.EXPIRED:
                title, body = f"排污许可证已过期：{permit}", f"有效期至 {_day(permit.expires_on)}，已过期，请督促企业办理延续或重新申领。"
            elif status == PermitStatus.RENEWAL_LATE:
                title = f"排污许可证已过延续申请期限：{permit}"
                body = (f"延续申请截止 {_day(permit.renewal_due_on)}，已过；有效期至 {_day(permit.expires_on)}"
                        f"（{text}），请督促企业尽快申请延续。")
            else:
                title = f"排污许可证即将到期：{permit}"
                body = (f"有效期至 {_day(permit.expires_on)}，须在 {_day(permit.renewal_due_on)} 前申请延续"
                        f"（{text}）。")
            found.append(Found(permit, _day(permit.expires_on), title, body))
        return found
    return find


def _permit_count(status: str) -> Callable[[date], int]:
    return lambda today: DischargePermit.objects.standing(status, today).count()


def _measures(today: date) -> list[Found]:
    return [Found(measure, _day(measure.deadline), f"整治措施逾期：{measure}",
                  f"完成时限 {_day(measure.deadline)}，尚未完成（责任单位：{measure.owner}）。")
            for measure in Measure.objects.overdue(today).select_related("plan__outfall").order_by("deadline", "pk")]


def _problems(today: date) -> list[Found]:
    return [Found(problem, _day(problem.deadline), f"环境问题逾期：{problem}",
                  f"整改期限 {_day(problem.deadline)}，当前状态：{problem.get_state_display()}。")
            for problem in EnvironmentProblem.objects.overdue(today).order_by("deadline", "pk")]


def _chiefs(today: date) -> list[Found]:
    """Each chief behind (`patrols`): this period can no longer be met (told once a period), or the
    last one ended short (told once, for that period)."""
    periods = services.duty_periods(today)
    found = []
    for chief in services.chiefs_behind(today=today).order_by("level", "name"):
        duty, level = periods[chief.level], ChiefLevel(chief.level).label
        if chief.owed > chief.days_left:
            found.append(Found(chief, _day(duty.start), f"河长巡河未达要求：{chief}",
                               f"{level}河长自 {_day(duty.start)} 起应巡河 {chief.required} 次，已计入 {chief.done} 次，"
                               f"尚差 {chief.owed} 次，本期只剩 {chief.days_left} 天，已无法巡满。"))
        else:
            found.append(Found(chief, _day(duty.previous_start), f"河长巡河未达要求：{chief}",
                               f"{level}河长上一周期（自 {_day(duty.previous_start)} 起）应巡河 {chief.required_before} 次，"
                               f"只计入 {chief.done_before} 次，尚差 {chief.owed_before} 次。"))
    return found


def _samples(today: date) -> list[Found]:
    return [Found(sample, "", f"水质劣于目标：{sample.site}",
                  f"{timezone.localtime(sample.sampled_at):%Y-%m-%d %H:%M} 采样为 {sample.get_water_class_display()}，"
                  f"目标为 {sample.site.get_target_class_display()}"
                  + (f"，超标项目：{sample.exceedances}。" if sample.exceedances else "。"))
            for sample in services.samples_worse_than_target(today)]


def _outfalls_overdue(today: date) -> list[Found]:
    """Outfalls in remediation past their time limit, told once per deadline."""
    from openpark.core.models import Deadline

    outfalls = list(Outfall.objects.filter(Outfall.remediation_overdue_q(today)).order_by("code"))
    due = dict(Deadline.objects.of_many(Outfall, [o.pk for o in outfalls]).filter(
        state="in_remediation", met_at__isnull=True).values_list("object_id", "due_on"))
    return [Found(outfall, _day(due.get(str(outfall.pk))), f"排口整治逾期：{outfall}",
                  f"整治期限 {_day(due.get(str(outfall.pk)))}，已过，尚未申请销号（责任主体：{outfall.responsible_party}）。")
            for outfall in outfalls]


def _outfalls_awaiting(today: date) -> list[Found]:
    """Outfalls waiting for the government's sign-off, told once per stage."""
    outfalls = Outfall.objects.filter(Outfall.awaiting_sign_off_q()).order_by("code")
    steps = {"pending_closeout": "县级预销号", "county_preclosed": "市级审核销号"}
    return [Found(outfall, outfall.stage, f"排口待{steps[outfall.stage]}：{outfall}",
                  f"当前状态：{outfall.get_stage_display()}，请审核并办理{steps[outfall.stage]}。")
            for outfall in outfalls]


def _list(name: str, query: str) -> Callable[[date], str]:
    return lambda today: f"{reverse(name)}?{query}"


CONDITIONS: tuple[Condition, ...] = (
    Condition(AlertCondition.PERMIT_EXPIRING, "即将到期（须申请延续）的排污许可证", "张", "deadline_soon", DischargePermit,
              _permits(PermitStatus.EXPIRING), _permit_count(PermitStatus.EXPIRING),
              _list("environment:dischargepermit_list", f"status={PermitStatus.EXPIRING}"),
              "environment.view_dischargepermit"),
    Condition(AlertCondition.PERMIT_EXPIRED, "已过期的排污许可证", "张", "overdue", DischargePermit,
              _permits(PermitStatus.EXPIRED), _permit_count(PermitStatus.EXPIRED),
              _list("environment:dischargepermit_list", f"status={PermitStatus.EXPIRED}"),
              "environment.view_dischargepermit"),
    Condition(AlertCondition.MEASURE_OVERDUE, "逾期未完成的整治措施", "项", "overdue", Measure, _measures,
              lambda today: Measure.objects.overdue(today).count(),
              _list("environment:measure_list", "overdue=true"), "environment.view_measure"),
    Condition(AlertCondition.PROBLEM_OVERDUE, "逾期未整改的环境问题", "个", "overdue", EnvironmentProblem, _problems,
              lambda today: EnvironmentProblem.objects.overdue(today).count(),
              _list("environment:environmentproblem_list", "overdue=true"), "environment.view_environmentproblem"),
    Condition(AlertCondition.CHIEF_BEHIND, "巡河未达要求的河长", "名", "overdue", RiverChief, _chiefs,
              lambda today: services.chiefs_behind(today=today).count(),
              _list("environment:patrol_duty", "behind=true"), "environment.view_riverchief"),
    Condition(AlertCondition.SAMPLE_WORSE, f"近 {services.RECENT_SAMPLE_DAYS} 天劣于目标的水质采样", "次", "other",
              WaterSample, _samples, lambda today: services.samples_worse_than_target(today).count(),
              lambda today: (f"{reverse('environment:watersample_list')}?worse_than_target=true"
                             f"&date_from={_day(services.recent_samples_since(today))}"),
              "environment.view_watersample"),
    Condition(AlertCondition.PERMIT_RENEWAL_LATE, "已过延续申请期限的排污许可证", "张", "overdue", DischargePermit,
              _permits(PermitStatus.RENEWAL_LATE), _permit_count(PermitStatus.RENEWAL_LATE),
              _list("environment:dischargepermit_list", f"status={PermitStatus.RENEWAL_LATE}"),
              "environment.view_dischargepermit"),
    Condition(AlertCondition.OUTFALL_OVERDUE, "整治逾期的入河排污口", "个", "overdue", Outfall, _outfalls_overdue,
              lambda today: Outfall.objects.filter(Outfall.remediation_overdue_q(today)).count(),
              _list("environment:outfall_list", "remediation_overdue=true"), "environment.view_outfall"),
    Condition(AlertCondition.OUTFALL_SIGN_OFF, "待销号审核的入河排污口", "个", "other", Outfall, _outfalls_awaiting,
              lambda today: Outfall.objects.filter(Outfall.awaiting_sign_off_q()).count(),
              _list("environment:outfall_list", "awaiting_sign_off=true"), "environment.view_outfall"),
)


def recipients():
    """The active users of the roles whose work the alerts are."""
    names = [ROLES_BY_SLUG[slug].name for slug in ALERT_ROLES]
    return list(get_user_model().objects.filter(groups__name__in=names, is_active=True).distinct()
                .values_list("pk", flat=True))


def _new(condition: Condition, found: list[Found], told_to: int) -> list[Found]:
    """The objects not yet told of in this occurrence of the condition, recorded as told now (one
    read and one insert per condition)."""
    if not found:
        return []
    content_type = ContentType.objects.get_for_model(condition.model)
    told = set(EnvironmentAlert.objects.filter(condition=condition.condition, content_type=content_type,
                                               object_id__in=[item.obj.pk for item in found])
               .values_list("object_id", "key"))
    fresh = [item for item in found if (item.obj.pk, item.key) not in told]
    EnvironmentAlert.objects.bulk_create(
        [EnvironmentAlert(condition=condition.condition, content_type=content_type, object_id=item.obj.pk,
                          key=item.key, recipients=told_to) for item in fresh], ignore_conflicts=True)
    return fresh


def check(today: date | None = None) -> dict[str, int]:
    """Tell the environment office about each object newly in a condition; {condition: how many}."""
    today = today or timezone.localdate()
    users = recipients()
    told = dict.fromkeys((c.condition.value for c in CONDITIONS), 0)
    if not users:  # nobody to tell yet: what is found now is told once someone holds the role
        logger.warning("环保提醒：没有环保角色的在用账号，未发出提醒。")
        return told
    messages = []
    with transaction.atomic():  # what is recorded as told and the notifications, together
        for condition in CONDITIONS:
            fresh = _new(condition, condition.find(today), len(users))
            messages += [{"kind": condition.notification_kind, "title": item.title, "body": item.body,
                          "obj": item.obj} for item in fresh]
            told[condition.condition.value] = len(fresh)
            if fresh:
                logger.info("环保提醒：%s %d 条，通知 %d 人。", condition.condition.label, len(fresh), len(users))
        notify_many(users, messages)  # one insert for every alert of every condition
    return told


def counts(user, today: date | None = None) -> list[dict]:
    """For the home section: each condition the user may see, how many objects are in it now and
    the list that shows them."""
    today = today or timezone.localdate()
    return [{"condition": c.condition.value, "label": c.label, "unit": c.unit, "count": c.count(today),
             "url": c.url(today)}
            for c in CONDITIONS if user.has_perm(c.permission)]


def shown_to(user, role) -> bool:
    """The home section is on the home page of the roles the alerts are for, to a park-wide user."""
    from openpark.core.scoping import is_park_wide

    return role.slug in ALERT_ROLES and is_park_wide(user)



# An enterprise's and a steward's own reminders, on their home pages: what waits on them, within
# their scope only (an enterprise user its own enterprise, a steward the enterprises of its running
# contracts), each row linking to the record. The same rules as the office's alerts.
OWN_ROLES = ("enterprise", "steward")


@dataclass(frozen=True)
class Reminder:
    kind: str  # what is due, as the row names it
    obj: object
    deadline: date | None
    note: str
    overdue: bool

    @property
    def url(self) -> str:
        return self.obj.get_absolute_url()


def _permit_reminders(user, today: date) -> list[Reminder]:
    """The permits to renew (`services.permits_expiring`) within the user's scope: an enterprise
    user's own, a steward's enterprises under its running contracts (a permit names its
    enterprise)."""
    from openpark.core.scoping import scope_queryset

    found = []
    for permit in services.permits_expiring(today, scope_queryset(DischargePermit.objects.all(), user)):
        if permit.status_on(today) == PermitStatus.EXPIRED:
            found.append(Reminder("排污许可证已过期", permit, permit.expires_on,
                                  "已过期，请尽快办理延续或重新申领", True))
        else:
            found.append(Reminder("排污许可证须申请延续", permit, permit.renewal_due_on,
                                  f"有效期至 {_day(permit.expires_on)}", permit.renewal_due_on < today))
    return found


def _open_problems(user, today: date, queryset=None, kind: str = "环境问题待整改") -> list[Reminder]:
    """The open problems in the user's scope, soonest deadline first; each names its enterprise
    (which a steward serving several needs to know)."""
    from openpark.core.scoping import scope_queryset

    from .choices import PROBLEM_DONE_STATES

    problems = scope_queryset(queryset if queryset is not None else EnvironmentProblem.objects.all(), user)
    problems = problems.exclude(state__in=PROBLEM_DONE_STATES).select_related("enterprise").order_by(
        models.F("deadline").asc(nulls_last=True), "pk")
    return [Reminder(kind, problem, problem.deadline,
                     f"{problem.get_state_display()}" + (f"（{problem.enterprise.name}）" if problem.enterprise else ""),
                     bool(problem.deadline) and problem.deadline < today)
            for problem in problems]


def _overdue_measures(user, today: date) -> list[Reminder]:
    from openpark.core.scoping import scope_queryset

    measures = scope_queryset(Measure.objects.overdue(today), user).select_related("plan__outfall")
    return [Reminder("整治措施逾期", measure, measure.deadline, f"进度 {measure.progress}%（责任单位：{measure.owner}）",
                     True) for measure in measures.order_by("deadline", "pk")]


def own_reminders(user, role, today: date | None = None) -> list[Reminder]:
    """What waits on an enterprise user (its permits to renew, its open problems, its outfalls'
    overdue measures) or on a steward (the permits to renew of the enterprises under its running
    contracts, the open problems of its inspections under them), only what the user's scope
    reaches and its role may see."""
    today = today or timezone.localdate()
    found: list[Reminder] = []
    if role.slug == "enterprise":
        if user.has_perm("environment.view_dischargepermit"):
            found += _permit_reminders(user, today)
        if user.has_perm("environment.view_environmentproblem"):
            found += _open_problems(user, today)
        if user.has_perm("environment.view_measure"):
            found += _overdue_measures(user, today)
    elif role.slug == "steward":
        from openpark.enterprises.models import ServiceContract

        if user.has_perm("environment.view_dischargepermit"):
            found += _permit_reminders(user, today)
        if user.has_perm("environment.view_environmentproblem"):
            contracts = ServiceContract.objects.filter(user_bindings__user=user, starts_on__lte=today,
                                                       ends_on__gte=today)
            found += _open_problems(user, today, EnvironmentProblem.objects.filter(inspection__contract__in=contracts),
                                    kind="检查问题待整改")
    return found


def shown_own_to(user, role) -> bool:
    """The own-reminders section is on the home page of an enterprise user and of a steward, who
    are bound to records (a park-wide user has the office's section instead)."""
    from openpark.core.scoping import is_park_wide

    return role.slug in OWN_ROLES and not is_park_wide(user)
