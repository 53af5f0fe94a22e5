"""经济运行: indicator definitions, enterprise facts by period, and city reference figures.

A fact is one enterprise's value of one indicator for one period. Monthly (and quarterly) data
are cumulative from January: month N holds 1—N月累计. A fact without a month is the annual
figure (年报). Park figures are always computed from facts (see `services`), never stored.

The annual figure and the 1—12月累计 are one number: whichever of the two is written (on a page,
in the API, by an import), the other of the same enterprise, indicator and year, if kept, is
corrected with it (`align_annual_and_december`), so that no two screens disagree.
"""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openpark.core.limits import year_validators
from openpark.core.models import REASON_REQUIRED, DomainModel
from openpark.enterprises.models import Enterprise

from .choices import Frequency, Reporters, Source
from .periods import period_label

VALUE = {"max_digits": 18, "decimal_places": 2}
MONTH = [MinValueValidator(1), MaxValueValidator(12)]
YEAR = year_validators()


class Indicator(DomainModel):
    code = models.SlugField(_("指标代码"), max_length=50, unique=True)
    name = models.CharField(_("指标名称"), max_length=50, unique=True)
    unit = models.CharField(_("计量单位"), max_length=20)
    aliases = models.CharField(
        _("其他名称"), max_length=200, blank=True,
        help_text=_("导入时也认作此指标的列名，用顿号或逗号分隔，如“主营业务收入、销售收入”。"),
    )
    definition = models.TextField(_("指标解释"), blank=True)
    department = models.CharField(_("责任部门"), max_length=50, blank=True)
    frequency = models.CharField(_("频次"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    alarm_threshold = models.DecimalField(
        _("预警阈值（同比增速%）"), max_digits=7, decimal_places=2, null=True, blank=True,
        help_text=_("同比增速越过此值即预警：越高越好的指标低于此值，越低越好的指标高于此值。"),
    )
    excellent_threshold = models.DecimalField(
        _("优秀阈值（同比增速%）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    higher_is_better = models.BooleanField(_("越高越好"), default=True)
    reporters = models.CharField(_("报送范围"), max_length=20, choices=Reporters.choices, default=Reporters.ABOVE_SCALE,
                                 help_text=_("应报送此指标的企业：统计部门的指标为当年规上企业，税务、供电的为全部企业。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("经济指标")
        verbose_name_plural = _("经济指标")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class Fact(DomainModel):
    scope_enterprise_field = "enterprise"
    change_reason = REASON_REQUIRED  # an edited figure is a correction: why is kept with it

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="facts", verbose_name=_("企业"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="facts", verbose_name=_("指标"))
    year = models.PositiveSmallIntegerField(_("年份"), validators=YEAR)
    month = models.PositiveSmallIntegerField(
        _("截至月份"), null=True, blank=True, validators=MONTH, help_text=_("1—N月累计；年度数据留空。")
    )
    value = models.DecimalField(_("数值"), **VALUE)

    class Meta:
        verbose_name = _("企业指标数据")
        verbose_name_plural = _("企业指标数据")
        ordering = ["-year", "-month", "indicator__order", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "indicator", "year", "month"],
                                    condition=Q(month__isnull=False), name="unique_monthly_fact",
                                    violation_error_message="该企业该指标这一年这一截至月份的数据已存在。"),
            models.UniqueConstraint(fields=["enterprise", "indicator", "year"],
                                    condition=Q(month__isnull=True), name="unique_annual_fact",
                                    violation_error_message="该企业该指标这一年的年度数据已存在。"),
        ]
        indexes = [models.Index(fields=["indicator", "year", "month"], name="fact_period")]

    def __str__(self):
        return f"{self.enterprise.name} {self.indicator.name} {period_label(self.year, self.month)}"

    def unit_of(self, name: str) -> str:
        """The unit of a field's figure, as pages show it: the value is in its indicator's unit."""
        return self.indicator.unit if name == "value" else ""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if not self.is_deleted and (fields is None or "value" in fields):
            for other in align_annual_and_december([self]):
                other.save()  # which finds this one agreeing: the correction stops there


# The month whose 1—N月累计 is the annual figure, and back.
SAME_FIGURE = {12: None, None: 12}


def align_annual_and_december(facts) -> list[Fact]:
    """The stored facts that must change for the annual figure and the 1—12月累计 of each
    enterprise, indicator and year of `facts` (just written) to agree: the written one wins. Each
    is returned with its new value and the reason for its change record, unsaved; one query."""
    written = {(f.enterprise_id, f.indicator_id, f.year, f.month): f for f in facts
               if f.month in SAME_FIGURE and not f.is_deleted and f.value is not None}
    if not written:
        return []
    stored = Fact.objects.filter(
        Q(month=12) | Q(month__isnull=True), enterprise_id__in={k[0] for k in written},
        indicator_id__in={k[1] for k in written}, year__in={k[2] for k in written})
    changed = []
    for other in stored:
        key = (other.enterprise_id, other.indicator_id, other.year)
        source = written.get((*key, SAME_FIGURE[other.month]))
        if source is None or (*key, other.month) in written or other.value == source.value:
            continue
        other.value = source.value
        other._change_reason = (f"随{period_label(source.year, source.month)}数据同步更正"
                                "（年度数据与 1—12 月累计数应一致）")
        changed.append(other)
    return changed


class CityFigure(DomainModel):
    """A figure of the whole city, entered by hand, against which the park's share is shown."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="city_figures",
                                  verbose_name=_("指标"))
    year = models.PositiveSmallIntegerField(_("年份"), validators=YEAR)
    month = models.PositiveSmallIntegerField(_("截至月份"), null=True, blank=True, validators=MONTH)
    value = models.DecimalField(_("全市数值"), **VALUE)
    note = models.CharField(_("来源说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("全市参考值")
        verbose_name_plural = _("全市参考值")
        ordering = ["-year", "-month", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "month"], condition=Q(month__isnull=False),
                                    name="unique_monthly_city_figure",
                                    violation_error_message="该指标这一年这一截至月份的全市参考值已存在。"),
            models.UniqueConstraint(fields=["indicator", "year"], condition=Q(month__isnull=True),
                                    name="unique_annual_city_figure",
                                    violation_error_message="该指标这一年的全市年度参考值已存在。"),
        ]

    def __str__(self):
        return f"全市 {self.indicator.name} {period_label(self.year, self.month)}"

    def unit_of(self, name: str) -> str:
        """The unit of a field's figure, as pages show it: the value is in its indicator's unit."""
        return self.indicator.unit if name == "value" else ""

