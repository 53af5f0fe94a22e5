"""亩均论英雄 in the platform: scheme versions, runs, and each enterprise's result in a run.

A run gathers each enterprise's inputs for its year from the platform (economic facts, land,
规上 and high-tech status), computes them with the engine under one scheme version, takes
manual adjustments (定档调档) with reasons, and is then published: a published run and its
results never change. Results are derived rows: written in bulk by gathering and computing,
and recorded in the change log when adjusted.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openpark.core.columns import count_text, display_value
from openpark.core.limits import in_year_range, year_validators
from openpark.core.models import ChangeLoggedModel, DomainModel, FrozenRecordError
from openpark.core.states import StateMachine, Transition
from openpark.enterprises.models import Enterprise, industry_labels

from . import scheme as schemes
from .scheme import grade_label
from .choices import GROUP_LABELS, DisposalRoute, DisposalState, Grade, RunState

AMOUNT = {"max_digits": 18, "decimal_places": 4, "null": True, "blank": True}


class SchemeVersion(DomainModel):
    """One version of an evaluation scheme: its JSON (see `openpark.evaluation.scheme`). A version
    that a run has used is never changed again; editing it makes the next version."""

    name = models.SlugField(_("方案代码"), max_length=50)
    version = models.PositiveIntegerField(_("版本"), default=1)
    title = models.CharField(_("方案名称"), max_length=200)
    definition = models.JSONField(_("方案内容"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    shipped = models.BooleanField(_("系统预置"), default=False, editable=False)

    class Meta:
        verbose_name = _("评价方案")
        verbose_name_plural = _("评价方案")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_scheme_version",
                                    violation_error_message="该方案代码的这一版本已存在。"),
        ]

    def __str__(self):
        return f"{self.title}（{self.name} 第 {self.version} 版）"

    def parsed(self) -> schemes.Scheme:
        return schemes.parse(self.definition)

    @property
    def in_use(self) -> bool:
        return self.pk is not None and Run.all_objects.filter(scheme=self).exists()

    def clean(self):
        try:
            self.parsed()
        except schemes.SchemeError as exc:
            raise ValidationError({"definition": str(exc)}) from None

    def save(self, *args, **kwargs):
        if self.pk is not None and self.in_use:
            stored = SchemeVersion.all_objects.filter(pk=self.pk).values_list("definition", flat=True).first()
            if stored != self.definition:
                raise ValidationError("该方案版本已被评价批次使用，不能修改；请另存为新版本。")
        super().save(*args, **kwargs)


RUN_MACHINE = StateMachine("state", dict(RunState.choices), (
    # Gathering and computing run in the background; the task makes the transition when done.
    Transition("gather", "采集数据", (RunState.DRAFT, RunState.GATHERED, RunState.COMPUTED), RunState.GATHERED,
               "evaluation.change_run", perform="openpark.evaluation.services.start_gather"),
    Transition("compute", "计算", (RunState.GATHERED, RunState.COMPUTED), RunState.COMPUTED, "evaluation.change_run",
               perform="openpark.evaluation.services.start_compute", deadline=10, deadline_label="审定发布评价结果"),
    Transition("publish", "发布", (RunState.COMPUTED,), RunState.PUBLISHED, "evaluation.publish_run",
               perform="openpark.evaluation.services.publish_transition", confirm="发布后结果不能再修改，确定发布？"),
))


def _counts_text(counts: dict, labels: dict) -> str:
    return "、".join(f"{labels.get(key, key)} {count_text(count)} 家" for key, count in counts.items())


def summary_text(summary) -> str:
    """A run's statistics in words: "企业 296 家；缺少数据：营业收入 173 家；等级：A 类 44 家、…"."""
    if not isinstance(summary, dict):
        return display_value(summary)
    grades = dict(Grade.choices)
    parts = []
    if "enterprises" in summary:
        parts.append(f"企业 {count_text(summary['enterprises'])} 家")
    for key, title, labels in (("missing", "缺少数据", schemes.INPUT_FIELDS), ("grades", "等级", grades),
                               ("published_grades", "发布时等级", grades)):
        if summary.get(key):
            parts.append(f"{title}：{_counts_text(summary[key], labels)}")
    return "；".join(parts)


class Run(DomainModel):
    """One evaluation of a year under one scheme version (评价批次)."""

    recorded_texts = {"summary": summary_text}

    year = models.PositiveSmallIntegerField(
        _("评价年度"), validators=year_validators())
    scheme = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="runs", verbose_name=_("评价方案"))
    title = models.CharField(_("名称"), max_length=200)
    state = models.CharField(_("状态"), max_length=20, choices=RunState.choices, default=RunState.DRAFT,
                             editable=False)
    summary = models.JSONField(_("统计"), default=dict, blank=True, editable=False)
    note = models.TextField(_("说明"), blank=True)

    machine = RUN_MACHINE
    frozen_when = models.Q(state=RunState.PUBLISHED)
    frozen_message = "已发布的评价批次不能{action}。"

    class Meta:
        verbose_name = _("评价批次")
        verbose_name_plural = _("评价批次")
        ordering = ["-year", "-id"]
        permissions = [("publish_run", "发布评价批次")]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == RunState.PUBLISHED

    @property
    def is_frozen(self) -> bool:
        return self.is_published

    def save(self, *args, **kwargs):
        self.machine.guard(self)
        super().save(*args, **kwargs)


class Result(ChangeLoggedModel):
    """One enterprise in one run: the inputs gathered, and what the engine made of them."""

    scope_enterprise_field = "enterprise"
    recorded_texts = {
        "missing": lambda names: "、".join(schemes.INPUT_FIELDS.get(name, name) for name in names or ()),
        "group": lambda group: GROUP_LABELS.get(group, group),
    }
    INPUTS = ("land", "tax", "revenue", "value_added", "energy", "electricity", "emissions", "rd", "employees")

    frozen_when = models.Q(run__state=RunState.PUBLISHED)
    frozen_message = "评价批次已发布，结果不能{action}。"
    record_deletions = False  # rewritten whole by gathering and computing, which the run's state changes record

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="results", verbose_name=_("评价批次"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="evaluation_results",
                                   verbose_name=_("企业"))
    above_scale = models.BooleanField(_("规上"), default=False)
    industry_code = models.CharField(_("行业代码"), max_length=6, blank=True)
    production_started_on = models.DateField(_("投产日期"), null=True, blank=True)
    land = models.DecimalField(_("用地面积（亩）"), **AMOUNT)
    tax = models.DecimalField(_("实缴税收（万元）"), **AMOUNT)
    revenue = models.DecimalField(_("营业收入（万元）"), **AMOUNT)
    value_added = models.DecimalField(_("工业增加值（万元）"), **AMOUNT)
    energy = models.DecimalField(_("综合能耗（吨标准煤）"), **AMOUNT)
    electricity = models.DecimalField(_("用电量（万千瓦时）"), **AMOUNT)
    emissions = models.DecimalField(_("主要污染物排放量（吨）"), **AMOUNT)
    rd = models.DecimalField(_("研发经费（万元）"), **AMOUNT)
    employees = models.DecimalField(_("年平均职工人数"), **AMOUNT)
    flags = models.JSONField(_("加减分项"), default=dict, blank=True)
    exempt = models.BooleanField(_("列为不定等"), default=False)
    exempt_reason = models.CharField(_("不定等原因"), max_length=200, blank=True)
    missing = models.JSONField(_("缺少的数据"), default=list, blank=True)
    group = models.CharField(_("组别"), max_length=20, blank=True)
    values = models.JSONField(_("指标值"), default=dict, blank=True)
    scores = models.JSONField(_("指标得分"), default=dict, blank=True)
    bonus = models.FloatField(_("加分"), null=True, blank=True)
    penalty = models.FloatField(_("减分"), null=True, blank=True)
    total = models.FloatField(_("总分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("组内排名"), null=True, blank=True)
    computed_grade = models.CharField(_("计算等级"), max_length=10, blank=True, choices=Grade.choices)
    grade = models.CharField(_("等级"), max_length=10, blank=True, choices=Grade.choices)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    adjustment_reason = models.TextField(_("调档理由"), blank=True)

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ["run", "group", "rank", "enterprise__uscc"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="unique_result_per_run",
                                    violation_error_message="该企业在此评价批次中已有结果。"),
        ]
        indexes = [models.Index(fields=["run", "grade"], name="result_run_grade")]

    def __str__(self):
        return f"{self.run} · {self.enterprise.name}"

    @property
    def adjusted(self) -> bool:
        return self.grade != self.computed_grade

    @property
    def grade_label(self) -> str:
        """The class as written everywhere ("A 类"); an adjusted class replaces the computed one."""
        return grade_label(self.grade)

    grade_label.fget.short_description = _("等级")

    @property
    def adjustment_text(self) -> str:
        """The one sentence that states a manual adjustment and its reason (empty if none)."""
        if not self.adjusted:
            return ""
        return (f"定档调档：计算所得为 {grade_label(self.computed_grade)}，经定档调档调整为 {grade_label(self.grade)}。"
                f"理由：{self.adjustment_reason}")

    adjustment_text.fget.short_description = _("定档调档")

    @property
    def adjusted_label(self) -> str:
        return "已调档" if self.adjusted else ""

    adjusted_label.fget.short_description = _("定档调档")

    @property
    def group_label(self) -> str:
        return GROUP_LABELS.get(self.group, "未纳入")

    group_label.fget.short_description = _("组别")

    @property
    def industry_label(self) -> str:
        """The industry by its code and name, as the enterprise pages show it."""
        return industry_labels([self.industry_code]).get(self.industry_code, "")

    industry_label.fget.short_description = _("行业")

    @property
    def uscc(self) -> str:
        return self.enterprise.uscc

    uscc.fget.short_description = _("统一社会信用代码")

    @property
    def missing_label(self) -> str:
        return "、".join(schemes.INPUT_FIELDS.get(name, name) for name in self.missing)

    missing_label.fget.short_description = _("缺少的数据")

    @property
    def is_frozen(self) -> bool:
        return self.run.is_published

    def save(self, *args, **kwargs):
        # A stored result is refused by the frozen check of every recorded model; a new one has no
        # stored row to check, so its run is asked here.
        if self._state.adding and Run.all_objects.filter(pk=self.run_id, state=RunState.PUBLISHED).exists():
            raise FrozenRecordError(self.frozen_refusal("修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("评价结果随批次重新采集或计算而更新，不能单独删除。")


class GradePolicy(DomainModel):
    """What a class brings to an enterprise (prices, land, support), printed in its report."""

    grade = models.CharField(_("等级"), max_length=10, choices=Grade.choices, unique=True)
    text = models.TextField(_("政策说明"))

    class Meta:
        verbose_name = _("等级政策")
        verbose_name_plural = _("等级政策")
        ordering = ["grade"]

    def __str__(self):
        return f"{self.get_grade_display()}政策"


class LowEfficiencyRule(ChangeLoggedModel):
    """When land counts as used inefficiently: 亩均税收 under a fixed amount, or under a share of
    its industry's average. One row, edited on its page."""

    tax_per_mu_below = models.DecimalField(_("亩均税收低于（万元/亩）"), max_digits=8, decimal_places=2,
                                           default=5, validators=[MinValueValidator(0)])
    industry_share_below = models.DecimalField(
        _("或低于行业平均的比例"), max_digits=4, decimal_places=2, default=Decimal("0.5"),
        validators=[MinValueValidator(0), MaxValueValidator(1)], help_text=_("0.5 即行业平均亩均税收的 50%。"))
    growth_target_pct = models.DecimalField(_("园区亩均税收增幅目标（%）"), max_digits=5, decimal_places=2, default=15)

    class Meta:
        verbose_name = _("低效用地认定标准")
        verbose_name_plural = _("低效用地认定标准")

    def __str__(self):
        return f"亩均税收低于 {display_value(self.tax_per_mu_below)} 万元/亩，或低于行业平均的 {self.industry_share_below:.0%}"

    @classmethod
    def current(cls) -> "LowEfficiencyRule":
        rule = cls.objects.order_by("pk").first()
        return rule if rule is not None else cls.objects.create()


DISPOSAL_MACHINE = StateMachine("state", dict(DisposalState.choices), (
    Transition("start", "开始处置", (DisposalState.OPEN,), DisposalState.IN_PROGRESS, "evaluation.change_disposalcase"),
    Transition("finish", "完成处置", (DisposalState.IN_PROGRESS,), DisposalState.DONE, "evaluation.change_disposalcase",
               needs_note=True, needs_evidence=True),
    Transition("cancel", "撤销", (DisposalState.OPEN, DisposalState.IN_PROGRESS), DisposalState.CANCELLED,
               "evaluation.change_disposalcase", needs_note=True),
    Transition("reopen", "重新处置", (DisposalState.DONE, DisposalState.CANCELLED), DisposalState.IN_PROGRESS,
               "evaluation.change_disposalcase", needs_note=True),
))


class DisposalCase(DomainModel):
    """The disposal of one low-efficiency enterprise's land (低效用地处置)."""

    scope_enterprise_field = "enterprise"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="disposal_cases",
                                   verbose_name=_("企业"))
    year = models.PositiveSmallIntegerField(_("认定年度"), validators=year_validators())
    route = models.CharField(_("处置方式"), max_length=20, choices=DisposalRoute.choices)
    area_mu = models.DecimalField(_("涉及面积（亩）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    deadline = models.DateField(_("完成期限"))
    officer = models.CharField(_("责任人"), max_length=50)
    state = models.CharField(_("状态"), max_length=20, choices=DisposalState.choices, default=DisposalState.OPEN,
                             editable=False)
    tax_per_mu_before = models.DecimalField(_("处置前亩均税收（万元/亩）"), max_digits=12, decimal_places=2, null=True,
                                            blank=True)
    tax_per_mu_after = models.DecimalField(_("处置后亩均税收（万元/亩）"), max_digits=12, decimal_places=2, null=True,
                                           blank=True)
    note = models.TextField(_("情况说明"), blank=True)

    machine = DISPOSAL_MACHINE

    class Meta:
        verbose_name = _("低效用地处置")
        verbose_name_plural = _("低效用地处置")
        ordering = ["deadline", "pk"]

    def __str__(self):
        return f"{self.enterprise.name} {self.get_route_display()}（{self.year} 年认定）"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.state in (DisposalState.OPEN, DisposalState.IN_PROGRESS) and self.deadline < timezone.localdate()

    overdue.fget.short_description = _("已逾期")

    def clean(self):
        super().clean()
        if self.enterprise_id is None or self.area_mu is None or not in_year_range(self.year or 0):
            return
        from openpark.enterprises.services import land_area

        held = land_area(self.enterprise, self.year)
        if self.area_mu > held:
            raise ValidationError({"area_mu": f"涉及面积不能超过该企业 {self.year} 年的用地面积 {held} 亩。"})

    def save(self, *args, **kwargs):
        self.machine.guard(self)
        super().save(*args, **kwargs)


class DisposalProgress(ChangeLoggedModel):
    """A progress note on a disposal case."""

    case = models.ForeignKey(DisposalCase, on_delete=models.PROTECT, related_name="progress",
                             verbose_name=_("处置案"))
    on = models.DateField(_("日期"))
    text = models.TextField(_("进展"))
    author = models.CharField(_("填写人"), max_length=150, blank=True, editable=False)

    class Meta:
        verbose_name = _("处置进展")
        verbose_name_plural = _("处置进展")
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.on} {self.text[:20]}"
