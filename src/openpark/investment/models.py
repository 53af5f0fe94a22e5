"""招商引资: the year's target companies, leads, visits and advisers, and projects followed from
the first contact to production. The industry chains and their links are the enterprises app's.

A project's stage changes only through its state machine (`PROJECT_MACHINE`): each transition
is logged with who, when and the note, and sets the stage's actual date. Problems raised at any
stage have an owner and a deadline, and can be escalated to the project's linked leader.
"""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openpark.core.limits import year_validators
from openpark.core.models import ChangeLoggedModel, DomainModel
from openpark.core.states import StateMachine, Transition
from openpark.enterprises.models import Chain, ChainLink, Enterprise, Zone

from .choices import (
    STAGE_ORDER, AdviserKind, CompanyType, ContactStatus, LandTaskKind, LeadSource, Stage, SupportKind, TaskStatus,
    TeamRole, VisitKind,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
YEAR = year_validators()
EDIT_PROJECT = "investment.change_project"
ENTER_HISTORY = "enter_history"  # the state change that records an existing project's past, once
ENTER_HISTORY_PERMISSION = "investment.enter_project_history"


class Adviser(DomainModel):
    """A chief investment adviser (首席招商顾问) or talent adviser (招商引才顾问)."""

    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=10, choices=AdviserKind.choices, default=AdviserKind.CHIEF)
    organisation = models.CharField(_("单位与职务"), max_length=200, blank=True)
    appointed_on = models.DateField(_("聘任日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("招商顾问")
        verbose_name_plural = _("招商顾问")
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class TargetCompany(DomainModel):
    """A company on the year's 链长制 target list."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    name = models.CharField(_("企业名称"), max_length=200)
    company_type = models.CharField(_("企业类型"), max_length=20, choices=CompanyType.choices)
    link = models.ForeignKey(ChainLink, on_delete=models.PROTECT, related_name="targets", verbose_name=_("拟补环节"))
    officer = models.CharField(_("责任人"), max_length=50)
    contact_status = models.CharField(_("对接状态"), max_length=20, choices=ContactStatus.choices,
                                      default=ContactStatus.NOT_CONTACTED)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("目标企业")
        verbose_name_plural = _("目标企业")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="unique_target_per_year",
                                    violation_error_message="这一年度已有同名目标企业。"),
        ]

    def __str__(self):
        return f"{self.name}（{self.year}）"


class TargetGoal(DomainModel):
    """How many target companies (目标企业) the year's 链长制 list aims at, set by 招商."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True, validators=YEAR,
                                            error_messages={"unique": _("这一年度已设定目标。")})
    count = models.PositiveSmallIntegerField(_("目标企业数（家）"), validators=[MinValueValidator(1)])
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("目标企业年度目标")
        verbose_name_plural = _("目标企业年度目标")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} 年目标企业 {self.count} 家"

    @classmethod
    def of_year(cls, year: int) -> int | None:
        return cls.objects.filter(year=year).values_list("count", flat=True).first()


class Lead(DomainModel):
    """A lead (招商线索): who might invest in what, where it came from, who follows it."""

    received_on = models.DateField(_("获得日期"), default=timezone.localdate)
    source = models.CharField(_("来源"), max_length=10, choices=LeadSource.choices)
    investor = models.CharField(_("投资方"), max_length=200)
    intended_project = models.CharField(_("意向项目"), max_length=200)
    officer = models.CharField(_("责任人"), max_length=50)
    adviser = models.ForeignKey(Adviser, on_delete=models.PROTECT, null=True, blank=True, related_name="leads",
                                verbose_name=_("引荐顾问"))
    target = models.ForeignKey(TargetCompany, on_delete=models.PROTECT, null=True, blank=True, related_name="leads",
                               verbose_name=_("目标企业"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("招商线索")
        verbose_name_plural = _("招商线索")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.investor}：{self.intended_project}"

    def clean(self):
        if self.source == LeadSource.ADVISER and not self.adviser_id:
            raise ValidationError({"adviser": "来源为“招商顾问”时须选择引荐顾问。"})


class Visit(DomainModel):
    """A trip out, an online meeting or a reception (外出招商、线上洽谈、来访接待)."""

    held_on = models.DateField(_("日期"))
    kind = models.CharField(_("方式"), max_length=10, choices=VisitKind.choices)
    place = models.CharField(_("地点"), max_length=100)
    participants = models.CharField(_("参加人员"), max_length=300)
    outcome = models.TextField(_("成果"))
    next_step = models.CharField(_("下一步"), max_length=300, blank=True)
    next_due = models.DateField(_("下一步期限"), null=True, blank=True)
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="visits",
                             verbose_name=_("相关线索"))
    target = models.ForeignKey(TargetCompany, on_delete=models.PROTECT, null=True, blank=True, related_name="visits",
                               verbose_name=_("相关目标企业"))

    class Meta:
        verbose_name = _("走访洽谈")
        verbose_name_plural = _("走访洽谈")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on} {self.place}"

    def clean(self):
        if self.next_due and not self.next_step:
            raise ValidationError({"next_step": "填写了下一步期限，请同时填写下一步工作。"})
        if self.next_due and self.held_on and self.next_due < self.held_on:
            raise ValidationError({"next_due": "下一步期限不能早于走访日期。"})


ADVANCE = {"perform": "openpark.investment.services.advance", "form": "openpark.investment.forms.AdvanceForm"}
# "1230": an industrial project's construction permit within 30 working days of getting its land.
STAGE_DEADLINES = {Stage.LAND: (30, "取得施工许可并开工（1230：30 个工作日）")}


def _forward(stage: Stage) -> Transition:
    index = STAGE_ORDER.index(stage)
    days, label = STAGE_DEADLINES.get(stage, (None, ""))
    return Transition(f"to_{stage.value}", f"进入{stage.label}", (STAGE_ORDER[index - 1],), stage, EDIT_PROJECT,
                      deadline=days, deadline_label=label, **ADVANCE)


PROJECT_MACHINE = StateMachine("stage", dict(Stage.choices), (
    *(_forward(stage) for stage in STAGE_ORDER[1:]),
    Transition("terminate", "终止", tuple(STAGE_ORDER), Stage.TERMINATED, EDIT_PROJECT, needs_note=True,
               confirm="终止后不能恢复，确定终止该项目？", **ADVANCE),
), records={ENTER_HISTORY: "录入既有项目历史"})


class Project(DomainModel):
    """An investment project, from 线索 to 投产 (or 终止)."""

    scope_enterprise_field = "investor_enterprise"
    clean_links = ("link",)

    code = models.CharField(_("项目编号"), max_length=30, unique=True, blank=True,
                            help_text=_("留空则自动编号，如 XM2026-0001。"))
    name = models.CharField(_("项目名称"), max_length=200)
    investor = models.CharField(_("投资方"), max_length=200)
    investor_enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="projects", verbose_name=_("投资主体（已注册企业）"))
    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="projects", verbose_name=_("产业链"))
    link = models.ForeignKey(ChainLink, on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
                             verbose_name=_("环节"))
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
                             verbose_name=_("片区"))
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
                             verbose_name=_("来源线索"))
    total_investment = models.DecimalField(_("总投资（万元）"), **MONEY)
    fixed_asset_investment = models.DecimalField(_("固定资产投资（万元）"), null=True, blank=True, **MONEY)
    foreign_investment = models.DecimalField(_("外资（万美元）"), null=True, blank=True, **MONEY)
    land_mu = models.DecimalField(_("用地需求（亩）"), null=True, blank=True, **MONEY)
    expected_output = models.DecimalField(_("预计年产值（万元）"), null=True, blank=True, **MONEY)
    expected_tax = models.DecimalField(_("预计年税收（万元）"), null=True, blank=True, **MONEY)
    linked_leader = models.CharField(_("挂钩领导"), max_length=50, blank=True)
    linked_department = models.CharField(_("挂钩部门"), max_length=100, blank=True)
    industrial = models.BooleanField(_("工业项目"), default=True)
    support_kind = models.CharField(_("项目共建"), max_length=20, choices=SupportKind.choices, blank=True)
    support_amount = models.DecimalField(_("共建金额（万元）"), null=True, blank=True, **MONEY)
    support_share = models.DecimalField(_("持股比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
                                        validators=[MinValueValidator(0), MaxValueValidator(100)])
    contract_signed_on = models.DateField(_("合同签订日期"), null=True, blank=True)
    contract_amount = models.DecimalField(_("合同金额（万元）"), null=True, blank=True, **MONEY)
    land_parcel = models.CharField(_("供地地块编号"), max_length=60, blank=True)
    land_certificate = models.CharField(_("不动产权证号"), max_length=60, blank=True)
    permit_number = models.CharField(_("施工许可证号"), max_length=60, blank=True)
    permit_issued_on = models.DateField(_("施工许可日期"), null=True, blank=True)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.LEAD, editable=False)
    stage_changed_on = models.DateField(_("进入当前阶段日期"), default=timezone.localdate, editable=False)
    last_progress_on = models.DateField(_("最近进展日期"), default=timezone.localdate, editable=False)
    note = models.TextField(_("说明"), blank=True)

    machine = PROJECT_MACHINE

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["-pk"]
        permissions = [("enter_project_history", _("录入既有项目及其历史"))]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.link_id and self.chain_id and self.link.chain_id != self.chain_id:
            errors["link"] = "所选环节不属于所选产业链。"
        if self.fixed_asset_investment and self.total_investment is not None and \
                self.fixed_asset_investment > self.total_investment:
            errors["fixed_asset_investment"] = "固定资产投资不能超过总投资。"
        if self.support_kind == SupportKind.EQUITY and (self.support_amount is None or self.support_share is None):
            errors["support_share"] = "股权投资须填写共建金额和持股比例。"
        errors.update(self._kept_facts())
        errors.update(self._sound_facts(errors))
        if errors:
            raise ValidationError(errors)

    def stage_days(self) -> dict[str, object]:
        """{stage: the day the project entered it}, as recorded; all(): the stage dates an import
        fetched with its projects (prefetch_related), else one query."""
        if self.pk is None:
            return {}
        return {d.stage: d.actual_on for d in self.stage_dates.all() if d.actual_on}

    def _sound_facts(self, found: dict) -> dict[str, str]:
        """The facts' own rules (`stages.fact_errors`), against the days the project entered its
        stages; a field already refused keeps its first message."""
        from . import stages

        facts = {name: getattr(self, name) for name in stages.FACT_FIELDS}
        wrong = stages.fact_errors(facts, self.stage_days(), timezone.localdate())
        return {name: message for name, message in wrong.items() if name not in found}

    def _kept_facts(self) -> dict[str, str]:
        """What a stage the project has reached needed (`stages.STAGE_FACTS`) stays: once given, it
        can be corrected but not removed, by whatever path the project is edited."""
        from . import stages

        loaded = getattr(self, "_loaded_values", None)
        if not loaded or self.stage not in STAGE_ORDER:
            return {}
        errors = {}
        for stage in STAGE_ORDER[1:STAGE_ORDER.index(self.stage) + 1]:
            for fact in stages.STAGE_FACTS.get(stage, ()):
                if stages.DAY in fact.fields:
                    continue
                had = [name for name in fact.fields if stages.filled(loaded.get(name))]
                if had and not any(stages.filled(getattr(self, name)) for name in fact.fields):
                    errors[had[0]] = f"项目已进入“{Stage(stage).label}”阶段，{fact.label}不能清空。"
        return errors

    def save(self, *args, **kwargs):
        self.machine.guard(self)
        if not self.code:
            self.code = next_code()
        super().save(*args, **kwargs)

    def record_progress(self, on) -> None:
        """Something happened on the project on day `on` (a problem raised or resolved): its latest
        progress moves up to that day, never back. `Problem.save` calls it, whichever path saves."""
        Project.objects.filter(pk=self.pk, last_progress_on__lt=on).update(last_progress_on=on)
        if on > self.last_progress_on:
            self.last_progress_on = on

    def lead_on(self, recorded=None):
        """The day the project became a lead: `recorded`, its 线索 date when entered with its history
        (read by the caller with the other stage dates), else the day its lead was received, else
        the day it was entered."""
        if recorded is not None:
            return recorded
        if self.lead_id:
            return self.lead.received_on
        return timezone.localdate(self.created_at) if self.created_at else None

    def days_without_progress(self, today=None) -> int:
        return ((today or timezone.localdate()) - self.last_progress_on).days

    def is_stale(self, days: int, today=None) -> bool:
        return self.stage not in (Stage.PRODUCING, Stage.TERMINATED) and self.days_without_progress(today) > days

    def timeline_sources(self, user):
        """The project's timeline shows its problems' escalations (上报挂钩领导 and 上报/督办) to
        whoever may see the problems."""
        return [self.problems.all()] if user.has_perm("investment.view_problem") else []


def next_code(year: int | None = None) -> str:
    """The next free project number of the year: XM2026-0001, XM2026-0002 …"""
    year = year or timezone.localdate().year
    prefix = f"XM{year}-"
    taken = Project.all_objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix):]) for code in taken if code[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


class StageDate(ChangeLoggedModel):
    """The planned and actual date of one stage of a project (the actual one set by the transition)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_dates",
                                verbose_name=_("项目"))
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    actual_on = models.DateField(_("实际日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("阶段日期")
        verbose_name_plural = _("阶段日期")
        ordering = ["project", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="unique_stage_date",
                                    violation_error_message="该项目这一阶段的日期已登记。"),
        ]

    def __str__(self):
        return f"{self.project} {self.get_stage_display()}"


class TeamMember(DomainModel):
    """A member of a project's 专班, third parties included."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="team", verbose_name=_("项目"))
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("角色"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        ordering = ["project", "role", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class Problem(DomainModel):
    """A problem raised on a project at some stage: owner, deadline, escalation, resolution."""

    clean_links = ("project",)

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="problems", verbose_name=_("项目"))
    stage = models.CharField(_("提出阶段"), max_length=20, choices=Stage.choices, editable=False)
    description = models.TextField(_("问题"))
    owner = models.CharField(_("责任人"), max_length=50)
    raised_on = models.DateField(_("提出日期"), default=timezone.localdate)
    deadline = models.DateField(_("解决期限"))
    escalated_on = models.DateField(_("上报挂钩领导日期"), null=True, blank=True, editable=False)
    resolution = models.TextField(_("解决情况"), blank=True)
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目问题")
        verbose_name_plural = _("项目问题")
        ordering = ["resolved_on", "deadline", "pk"]

    def __str__(self):
        return f"{self.project}：{self.description[:30]}"

    def clean(self):
        if self._state.adding and self.project_id is not None and self.project.stage == Stage.TERMINATED:
            raise ValidationError({"project": "项目已终止，不能再提出问题。"})
        if self.resolved_on and not self.resolution.strip():
            raise ValidationError({"resolution": "填写了解决日期，请说明解决情况。"})
        if self.deadline and self.raised_on and self.deadline < self.raised_on:
            raise ValidationError({"deadline": "解决期限不能早于提出日期。"})

    @property
    def overdue(self) -> bool:
        return self.resolved_on is None and self.deadline < timezone.localdate()

    overdue.fget.short_description = _("已逾期")

    def after_escalation(self, escalation) -> None:
        """Put before the project's linked leader, by whatever path: the problem is 上报挂钩领导."""
        if self.escalated_on is None and self.project.linked_leader and \
                escalation.assignee.full_name == self.project.linked_leader:
            self.escalated_on = timezone.localdate(escalation.created_at)
            self.save(update_fields=["escalated_on", "updated_at"])

    def save(self, *args, **kwargs):
        """A problem is raised at the stage its project is in; raising it and resolving it are
        progress on the project, whichever path saves it (the pages, the API, the services)."""
        adding = self._state.adding
        if adding and not self.stage:
            self.stage = self.project.stage
        progress = self._progress_on(adding, kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        if progress is not None:
            self.project.record_progress(progress)

    def _progress_on(self, adding: bool, update_fields=None):
        """The day of the progress this save records: the day the problem is raised, or solved."""
        days = [self.raised_on] if adding else []
        resolving = update_fields is None or "resolved_on" in update_fields
        stored = getattr(self, "_loaded_values", {}).get("resolved_on")
        if resolving and self.resolved_on and (adding or self.resolved_on != stored):
            days.append(self.resolved_on)
        return max(days, default=None)


class LandTask(DomainModel):
    """Preparing a project's land before it arrives (拿地即开工): 拆迁, 区域评估, 场地平整."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="land_tasks",
                                verbose_name=_("项目"))
    kind = models.CharField(_("事项"), max_length=20, choices=LandTaskKind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    planned_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("用地准备")
        verbose_name_plural = _("用地准备")
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="unique_land_task",
                                    violation_error_message="该项目已有这一用地准备事项。"),
        ]

    def __str__(self):
        return f"{self.project} {self.get_kind_display()}"

    def clean(self):
        if self.status == TaskStatus.DONE and not self.done_on:
            raise ValidationError({"done_on": "已完成的事项须填写实际完成日期。"})
        if self.done_on and self.status != TaskStatus.DONE:
            raise ValidationError({"status": "填写了实际完成日期，状态应为“已完成”。"})


class DeadlineRule(DomainModel):
    """A service deadline in working days, such as the "1230" ones; a park can add its own."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("事项"), max_length=100)
    working_days = models.PositiveSmallIntegerField(_("时限（工作日）"), validators=[MaxValueValidator(3650)])
    industrial_only = models.BooleanField(_("仅工业项目"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.name}（{self.working_days} 个工作日）"


class ProjectDeadline(DomainModel):
    """One deadline of a project, counted in working days from the application date."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("项目"))
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="uses", verbose_name=_("办理事项"))
    applied_on = models.DateField(_("申请日期"))
    done_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目办理时限")
        verbose_name_plural = _("项目办理时限")
        ordering = ["project", "rule__order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "rule"], name="unique_project_deadline",
                                    violation_error_message="该项目已有这一办理事项的时限。"),
        ]

    def __str__(self):
        return f"{self.project} {self.rule.name}"

    def clean(self):
        if self.done_on and self.applied_on and self.done_on < self.applied_on:
            raise ValidationError({"done_on": "办结日期不能早于申请日期。"})
        if self.rule_id and self.project_id and self.rule.industrial_only and not self.project.industrial:
            raise ValidationError({"rule": "该事项只适用于工业项目。"})

    def due(self):
        """The due day (`workdays.Deadline`), on the official calendar."""
        from openpark.core.calendars import calendar

        return calendar().add_working_days(self.applied_on, self.rule.working_days)

    @property
    def due_on(self):
        return self.due().day

    due_on.fget.short_description = _("到期日")

    def working_days_left(self, today=None) -> int:
        """Working days from today to the due day: negative when overdue (undone)."""
        from openpark.core.calendars import calendar

        return calendar().working_days_between(today or timezone.localdate(), self.due_on)

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()

    overdue.fget.short_description = _("已逾期")

