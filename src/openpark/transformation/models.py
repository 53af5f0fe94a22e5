"""智改数转: the certifications enterprises obtain and their transformation projects.

One rule, one home: a certification's level must fit its kind, and of the kinds held at one level
at a time (星级上云, 智能工厂) an enterprise holds one current certification: saving a new level ends
the one held before (`services.supersede`, run from `save`, so pages, API and demo alike)."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openpark.core.limits import year_validators
from openpark.core.models import DomainModel
from openpark.core.states import StateMachine, Transition
from openpark.enterprises.models import Enterprise

from .choices import (
    LEVELS_OF_KIND, ONE_LEVEL_AT_A_TIME, CertificationKind, CertificationLevel, IssuingLevel, NetworkConnection,
    ProjectState,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Certification(DomainModel):
    """智改数转认定: an enterprise's certification of one kind (and level), by one issuing level."""

    scope_enterprise_field = "enterprise"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="certifications",
                                   verbose_name=_("企业"))
    kind = models.CharField(_("认定类型"), max_length=20, choices=CertificationKind.choices)
    level = models.CharField(_("级别"), max_length=20, choices=CertificationLevel.choices, blank=True)
    issuing_level = models.CharField(_("认定层级"), max_length=10, choices=IssuingLevel.choices)
    certified_on = models.DateField(_("认定日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True, editable=False)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
                                      related_name="superseded", verbose_name=_("被替代为"))

    class Meta:
        verbose_name = _("智改数转认定")
        verbose_name_plural = _("智改数转认定")
        ordering = ["-certified_on", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["enterprise", "kind", "level", "certified_on"], name="unique_transformation_certification",
            violation_error_message=_("该企业当天已有同类型、同级别的认定。"))]

    def __str__(self):
        level = f"（{self.get_level_display()}）" if self.level else ""
        return f"{self.enterprise.name} · {self.get_kind_display()}{level}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None and self.superseded_by_id is None

    def clean(self):
        errors = {}
        levels = LEVELS_OF_KIND.get(self.kind, ())
        if self.kind and levels and not self.level:
            errors["level"] = f"{CertificationKind(self.kind).label}须选择级别（{'、'.join(str(x.label) for x in levels)}）。"
        elif self.kind and self.level and self.level not in levels:
            label = CertificationKind(self.kind).label
            errors["level"] = (f"{label}的级别只能是{'、'.join(str(x.label) for x in levels)}。" if levels
                               else f"{label}不分级别，请留空。")
        if self.expires_on and self.certified_on and self.expires_on <= self.certified_on:
            errors["expires_on"] = "有效期须晚于认定日期。"
        if not errors and self.enterprise_id and self.certified_on:
            later = self.later_current()
            if later is not None:
                errors["certified_on"] = (
                    f"该企业已于 {later.certified_on:%Y-%m-%d} 获得{later.get_kind_display()}（{later.get_level_display()}），"
                    "同一时间只能持有一个级别；新认定的日期须晚于它。")
        if errors:
            raise ValidationError(errors)

    def later_current(self):
        """The current certification of the same one-level-at-a-time kind certified on or after this one, if any."""
        if self.kind not in ONE_LEVEL_AT_A_TIME or not self.is_current:  # a superseded one is history
            return None
        held = getattr(self, "_held_current", None)  # read in bulk by an import (`services.current_by_pair`)
        if held is not None:
            later = [c for c in held if c.pk != self.pk and c.certified_on >= self.certified_on]
            return min(later, key=lambda c: c.certified_on, default=None)
        others = Certification.objects.filter(enterprise_id=self.enterprise_id, kind=self.kind, ended_on__isnull=True,
                                              superseded_by__isnull=True, certified_on__gte=self.certified_on)
        if self.pk:
            others = others.exclude(pk=self.pk)
        return others.order_by("certified_on").first()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if not kwargs.get("update_fields"):
            from .services import supersede

            supersede(self)


def _step(name, label, sources, target, **options) -> Transition:
    return Transition(name, label, tuple(sources), target, "transformation.change_transformationproject", **options)


S = ProjectState
PROJECT_MACHINE = StateMachine("state", dict(ProjectState.choices), (
    _step("start", "开始实施", (S.APPROVED,), S.IN_PROGRESS, done="项目已开始实施"),
    _step("complete", "验收完成", (S.IN_PROGRESS,), S.COMPLETED, needs_note=True, done="项目已验收完成"),
    _step("terminate", "终止", (S.APPROVED, S.IN_PROGRESS), S.TERMINATED, needs_note=True, done="项目已终止",
          confirm="终止后不能恢复，确定终止该项目吗？"),
))


class TransformationProject(DomainModel):
    """智改数转项目: an enterprise's transformation project, from 立项 to 验收 (or 终止)."""

    scope_enterprise_field = "enterprise"
    machine = PROJECT_MACHINE

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="transformation_projects",
                                   verbose_name=_("企业"))
    name = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), validators=year_validators())
    diagnosed_on = models.DateField(_("诊断日期"), null=True, blank=True, help_text=_("完成智能化改造数字化转型诊断的日期"))
    investment = models.DecimalField(_("总投资（万元）"), **MONEY)
    equipment_investment = models.DecimalField(_("设备投资（万元）"), default=Decimal("0"), **MONEY)
    software_investment = models.DecimalField(_("软件投资（万元）"), default=Decimal("0"), **MONEY)
    network = models.CharField(_("网络接入"), max_length=20, choices=NetworkConnection.choices,
                               default=NetworkConnection.NONE)
    subsidy_applied = models.DecimalField(_("申请补助（万元）"), default=Decimal("0"), **MONEY)
    subsidy_received = models.DecimalField(_("到位补助（万元）"), default=Decimal("0"), **MONEY)
    state = models.CharField(_("状态"), max_length=20, choices=ProjectState.choices, default=ProjectState.APPROVED,
                             editable=False)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("智改数转项目")
        verbose_name_plural = _("智改数转项目")
        ordering = ["-year", "-pk"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if (self.subsidy_received is not None and self.subsidy_applied is not None
                and self.subsidy_received > self.subsidy_applied):
            errors["subsidy_received"] = "到位补助不能超过申请补助。"
        if (self.investment is not None and self.equipment_investment is not None
                and self.software_investment is not None
                and self.equipment_investment + self.software_investment > self.investment):
            errors["investment"] = "设备投资与软件投资之和不能超过总投资。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.machine.guard(self)
        super().save(*args, **kwargs)
