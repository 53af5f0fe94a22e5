"""人才服务: the park enterprises' job postings, their partnerships with schools, the recruitment
fairs and the enterprises' booths at them, skills training and apprenticeships (名师带高徒).

The rules live here (`clean` and constraints), so pages, API, import and admin all run them.
Apprentices and masters are named, nothing more: no phone, no ID number."""
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openpark.core.models import DomainModel
from openpark.enterprises.models import Enterprise

from .choices import (
    ApprenticeshipOutcome, Education, FairKind, PartnershipKind, PostingStatus, SkillLevel,
)


def _after(errors: dict, later, earlier, field: str, message: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        errors[field] = message


class JobPosting(DomainModel):
    """招聘岗位: a post a park enterprise recruits for."""

    scope_enterprise_field = "enterprise"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="job_postings",
                                   verbose_name=_("企业"))
    title = models.CharField(_("岗位名称"), max_length=100)
    trade = models.CharField(_("工种/职业"), max_length=100, blank=True)
    headcount = models.PositiveIntegerField(_("招聘人数（人）"), validators=[MinValueValidator(1)])
    education = models.CharField(_("学历要求"), max_length=20, choices=Education.choices, default=Education.ANY)
    salary_low = models.PositiveIntegerField(_("月薪下限（元/月）"), null=True, blank=True)
    salary_high = models.PositiveIntegerField(_("月薪上限（元/月）"), null=True, blank=True)
    posted_on = models.DateField(_("发布日期"))
    closes_on = models.DateField(_("截止日期"), null=True, blank=True)
    hired = models.PositiveIntegerField(_("已招人数（人）"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=PostingStatus.choices, default=PostingStatus.OPEN)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        ordering = ["-posted_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(salary_high__isnull=True) | Q(salary_low__isnull=True)
                                   | Q(salary_high__gte=F("salary_low")), name="talent_posting_salary_range",
                                   violation_error_message=_("月薪上限不能低于月薪下限。")),
            models.CheckConstraint(condition=Q(closes_on__isnull=True) | Q(closes_on__gte=F("posted_on")),
                                   name="talent_posting_dates",
                                   violation_error_message=_("截止日期不能早于发布日期。")),
        ]

    def __str__(self):
        return f"{self.enterprise.name} · {self.title}"

    def clean(self):
        errors = {}
        _after(errors, self.salary_high, self.salary_low, "salary_high", "月薪上限不能低于月薪下限。")
        _after(errors, self.closes_on, self.posted_on, "closes_on", "截止日期不能早于发布日期。")
        if errors:
            raise ValidationError(errors)


class SchoolPartnership(DomainModel):
    """校企合作: an enterprise's partnership with a school (订单班, 实训基地, 现代学徒制 …)."""

    scope_enterprise_field = "enterprise"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="school_partnerships",
                                   verbose_name=_("企业"))
    school = models.CharField(_("合作院校"), max_length=200)
    kind = models.CharField(_("合作形式"), max_length=20, choices=PartnershipKind.choices)
    major = models.CharField(_("专业"), max_length=100, blank=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    students_per_year = models.PositiveIntegerField(_("每年学生数（人）"), default=0)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("校企合作")
        verbose_name_plural = _("校企合作")
        ordering = ["-started_on", "-pk"]
        constraints = [models.CheckConstraint(
            condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="talent_partnership_dates",
            violation_error_message=_("结束日期不能早于开始日期。"))]

    def __str__(self):
        return f"{self.enterprise.name} · {self.school}（{self.get_kind_display()}）"

    def clean(self):
        errors = {}
        _after(errors, self.ended_on, self.started_on, "ended_on", "结束日期不能早于开始日期。")
        if errors:
            raise ValidationError(errors)


class RecruitmentFair(DomainModel):
    """招聘会: a fair the park holds; the enterprises taking part are its booths."""

    name = models.CharField(_("招聘会名称"), max_length=200)
    held_on = models.DateField(_("举办日期"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    kind = models.CharField(_("形式"), max_length=10, choices=FairKind.choices, default=FairKind.ONSITE)
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    visitors = models.PositiveIntegerField(_("到场求职人数（人）"), default=0)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")
        ordering = ["-held_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["name", "held_on"], name="unique_talent_fair",
                                               violation_error_message=_("同一天已有同名的招聘会。"))]

    def __str__(self):
        return f"{self.name}（{self.held_on:%Y-%m-%d}）"


class FairBooth(DomainModel):
    """参会企业: an enterprise at a fair, with the posts it offered and whom it hired."""

    scope_enterprise_field = "enterprise"

    fair = models.ForeignKey(RecruitmentFair, on_delete=models.PROTECT, related_name="booths",
                             verbose_name=_("招聘会"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="fair_booths",
                                   verbose_name=_("企业"))
    positions = models.PositiveIntegerField(_("提供岗位数（个）"), default=0)
    resumes = models.PositiveIntegerField(_("收到简历数（份）"), default=0)
    hires = models.PositiveIntegerField(_("达成就业意向（人）"), default=0)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("参会企业")
        verbose_name_plural = _("参会企业")
        ordering = ["-fair__held_on", "enterprise__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["fair", "enterprise"], name="unique_talent_booth",
                                               violation_error_message=_("该企业已登记参加这场招聘会。"))]

    def __str__(self):
        return f"{self.fair.name} · {self.enterprise.name}"


class SkillsTraining(DomainModel):
    """技能培训: a training class, held for one enterprise or open to the park."""

    scope_enterprise_field = "enterprise"

    name = models.CharField(_("培训名称"), max_length=200)
    trade = models.CharField(_("工种/职业"), max_length=100, blank=True)
    organiser = models.CharField(_("承办单位"), max_length=200, blank=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="skills_trainings", verbose_name=_("企业"),
                                   help_text=_("为一家企业举办的培训填写该企业；面向园区的留空"))
    started_on = models.DateField(_("开班日期"))
    ended_on = models.DateField(_("结业日期"), null=True, blank=True)
    trainees = models.PositiveIntegerField(_("培训人数（人）"), default=0)
    certified = models.PositiveIntegerField(_("取证人数（人）"), default=0)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("技能培训")
        verbose_name_plural = _("技能培训")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(certified__lte=F("trainees")), name="talent_training_certified",
                                   violation_error_message=_("取证人数不能超过培训人数。")),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="talent_training_dates",
                                   violation_error_message=_("结业日期不能早于开班日期。")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        _after(errors, self.trainees, self.certified, "certified", "取证人数不能超过培训人数。")
        _after(errors, self.ended_on, self.started_on, "ended_on", "结业日期不能早于开班日期。")
        if errors:
            raise ValidationError(errors)


class Apprenticeship(DomainModel):
    """名师带高徒: a master and an apprentice of an enterprise in one trade, and how it ended."""

    scope_enterprise_field = "enterprise"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="apprenticeships",
                                   verbose_name=_("企业"))
    master = models.CharField(_("师傅"), max_length=50)
    apprentice = models.CharField(_("徒弟"), max_length=50)
    trade = models.CharField(_("工种"), max_length=100)
    started_on = models.DateField(_("开始日期"))
    planned_end_on = models.DateField(_("计划结束日期"))
    outcome = models.CharField(_("带徒结果"), max_length=20, choices=ApprenticeshipOutcome.choices,
                               default=ApprenticeshipOutcome.ONGOING)
    finished_on = models.DateField(_("实际结束日期"), null=True, blank=True,
                                   help_text=_("出师、未出师或中止的日期；在带的留空"))
    skill_level = models.CharField(_("达到技能等级"), max_length=20, choices=SkillLevel.choices, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("名师带高徒")
        verbose_name_plural = _("名师带高徒")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end_on__gte=F("started_on")),
                                   name="talent_apprenticeship_period",
                                   violation_error_message=_("计划结束日期不能早于开始日期。")),
            models.CheckConstraint(condition=Q(outcome=ApprenticeshipOutcome.ONGOING, finished_on__isnull=True)
                                   | (~Q(outcome=ApprenticeshipOutcome.ONGOING) & Q(finished_on__isnull=False)),
                                   name="talent_apprenticeship_finished",
                                   violation_error_message=_("在带的不填实际结束日期，已结束的须填写。")),
        ]

    def __str__(self):
        return f"{self.master} 带 {self.apprentice}（{self.trade}）"

    def clean(self):
        errors = {}
        _after(errors, self.planned_end_on, self.started_on, "planned_end_on", "计划结束日期不能早于开始日期。")
        ongoing = self.outcome == ApprenticeshipOutcome.ONGOING
        if ongoing and self.finished_on:
            errors["finished_on"] = "仍在带徒的，不填实际结束日期。"
        elif self.outcome and not ongoing and not self.finished_on:
            errors["finished_on"] = f"带徒结果为“{self.get_outcome_display()}”的，须填写实际结束日期。"
        else:
            _after(errors, self.finished_on, self.started_on, "finished_on", "实际结束日期不能早于开始日期。")
        if errors:
            raise ValidationError(errors)
