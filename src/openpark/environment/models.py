"""智慧环保: water bodies and their segments, outfalls into them (入河排污口) with their life cycle
(查、测、溯、治), one remediation plan per outfall with its measures, and the pollution sources
an outfall is traced to."""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openpark.core import geo
from openpark.core.models import ActiveManager, ChangeLoggedModel, DomainModel, DomainQuerySet
from openpark.core.states import StateMachine, Transition
from openpark.enterprises.models import Enterprise

from . import water_quality
from .choices import (
    PARAMETER_CHOICES, SAMPLE_CLASS_CHOICES, TARGET_CLASS_CHOICES, ApprovalType, DischargeMode, MeasureStatus,
    OutfallStage, OutletForm, PlanType, SampleKind, SiteKind, SourceCategory, TracingMethod, UsageStatus,
    WaterBodyKind, WaterBodyLevel, WaterClass,
)

LENGTH = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


def normalise_geometry(value) -> dict:
    """A GeoJSON geometry of a water body or segment: a line (LineString, MultiLineString) for a
    river, a Point, or a Polygon / MultiPolygon for a lake; ValueError in Chinese otherwise."""
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind = value.get("type") if isinstance(value, dict) else None
    coordinates = value.get("coordinates") if isinstance(value, dict) else None
    if kind == "LineString":
        if not isinstance(coordinates, (list, tuple)) or len(coordinates) < 2:
            raise ValueError("线至少需要 2 个坐标点。")
        return {"type": "LineString", "coordinates": [geo.check_position(p) for p in coordinates]}
    if kind == "MultiLineString":
        if not isinstance(coordinates, (list, tuple)) or not coordinates:
            raise ValueError("多线缺少坐标。")
        return {"type": "MultiLineString",
                "coordinates": [normalise_geometry({"type": "LineString", "coordinates": line})["coordinates"]
                                for line in coordinates]}
    if kind in ("Point", "Polygon", "MultiPolygon", "FeatureCollection"):
        return geo.normalise_geometry(value)
    raise ValueError("空间范围应为 GeoJSON 的线（LineString）、点或面。")


def clean_geometry(instance, field: str = "geometry") -> None:
    value = getattr(instance, field)
    if not value:
        return
    try:
        setattr(instance, field, normalise_geometry(value))
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from exc


class WaterBody(DomainModel):
    """A river, canal (港), lake or reservoir, the Yangtze included, with the water class it should meet."""

    name = models.CharField(_("名称"), max_length=100, unique=True,
                            error_messages={"unique": _("已有同名水体。")})
    kind = models.CharField(_("类型"), max_length=10, choices=WaterBodyKind.choices, default=WaterBodyKind.RIVER)
    level = models.CharField(_("管理级别"), max_length=10, choices=WaterBodyLevel.choices, blank=True)
    length_km = models.DecimalField(_("长度（千米）"), **LENGTH)
    target_class = models.CharField(_("水质目标"), max_length=3, choices=WaterClass.choices, blank=True)
    geometry = models.JSONField(_("空间范围（GeoJSON）"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("水体")
        verbose_name_plural = _("水体")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = (self.name or "").strip()
        clean_geometry(self)


class RiverSegment(DomainModel):
    """A stretch of a water body (河段), from one point to another."""

    clean_links = ("water_body",)

    water_body = models.ForeignKey(WaterBody, on_delete=models.PROTECT, related_name="segments",
                                   verbose_name=_("水体"))
    name = models.CharField(_("河段名称"), max_length=100)
    start_description = models.CharField(_("起点"), max_length=200, blank=True)
    end_description = models.CharField(_("终点"), max_length=200, blank=True)
    length_km = models.DecimalField(_("长度（千米）"), **LENGTH)
    geometry = models.JSONField(_("空间范围（GeoJSON）"), null=True, blank=True)

    class Meta:
        verbose_name = _("河段")
        verbose_name_plural = _("河段")
        ordering = ["water_body__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["water_body", "name"], name="unique_segment_name",
                                    violation_error_message="该水体已有同名河段。"),
        ]

    def __str__(self):
        return f"{self.water_body.name} · {self.name}"

    def clean(self):
        self.name = (self.name or "").strip()
        clean_geometry(self)
        if self.length_km is not None and self.water_body_id and self.water_body.length_km is not None \
                and self.length_km > self.water_body.length_km:
            raise ValidationError({"length_km": "河段长度不能超过所在水体的长度。"})


class OutfallClass(DomainModel):
    """A class of outfall (HJ 1312-2023 by default; a park may keep its own grouping, such as 五类排口)."""

    name = models.CharField(_("名称"), max_length=50, unique=True, error_messages={"unique": _("已有同名排口类别。")})
    is_storm_water = models.BooleanField(_("雨水排口"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("排口类别")
        verbose_name_plural = _("排口类别")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


EDIT_OUTFALL = "environment.change_outfall"
GOVERNMENT = "属地政府"  # who answers for an outfall nobody else does (谁污染谁治理, the government as fallback)
# From plan approval to close-out: the measures done and the outfall regularised, in working days.
REMEDIATION_DAYS = 60
SERVICES = "openpark.environment.services"
FORMS = "openpark.environment.forms"
S = OutfallStage


def _step(name, label, sources, target, **options) -> Transition:
    return Transition(name, label, tuple(sources), target, EDIT_OUTFALL, **options)


OUTFALL_MACHINE = StateMachine("stage", dict(OutfallStage.choices), (
    _step("verify", "核实（现场确认）", (S.SUSPECTED,), S.VERIFIED, needs_evidence=True),
    _step("reject", "排除", (S.SUSPECTED,), S.REJECTED, needs_note=True),
    _step("monitor", "登记监测", (S.VERIFIED,), S.MONITORED, perform=f"{SERVICES}.monitor",
          form=f"{FORMS}.MonitorForm"),
    _step("trace", "完成溯源", (S.MONITORED,), S.TRACED, perform=f"{SERVICES}.trace"),
    _step("approve_plan", "整治方案批复", (S.TRACED,), S.PLAN_APPROVED, perform=f"{SERVICES}.approve_plan"),
    _step("start_remediation", "开始整治", (S.PLAN_APPROVED,), S.IN_REMEDIATION, deadline=REMEDIATION_DAYS,
          deadline_label=f"完成整治并申请销号（{REMEDIATION_DAYS} 个工作日）"),
    _step("submit_closeout", "申请销号", (S.IN_REMEDIATION,), S.PENDING_CLOSEOUT, needs_evidence=True,
          perform=f"{SERVICES}.submit_closeout", form=f"{FORMS}.CloseoutForm"),
    _step("county_preclose", "县级预销号", (S.PENDING_CLOSEOUT,), S.COUNTY_PRECLOSED, needs_note=True,
          needs_evidence=True),
    _step("close", "市级审核销号", (S.COUNTY_PRECLOSED,), S.CLOSED, needs_note=True, needs_evidence=True),
    _step("abolish", "取缔", (S.PLAN_APPROVED, S.IN_REMEDIATION), S.ABOLISHED, needs_note=True,
          perform=f"{SERVICES}.abolish", confirm="取缔后该排口不再使用，确定取缔？"),
    _step("merge", "合并到其他排口", (S.PLAN_APPROVED, S.IN_REMEDIATION), S.MERGED, perform=f"{SERVICES}.merge",
          form=f"{FORMS}.MergeForm"),
    _step("reopen", "回头看重新打开", (S.CLOSED,), S.IN_REMEDIATION, needs_note=True, deadline=REMEDIATION_DAYS,
          deadline_label=f"回头看问题整改并重新销号（{REMEDIATION_DAYS} 个工作日）"),
))


def code_pattern() -> tuple[str, str]:
    """The park's outfall numbering scheme: (regular expression, its description in words)."""
    return settings.OPENPARK_OUTFALL_CODE_PATTERN, settings.OPENPARK_OUTFALL_CODE_DESCRIPTION


class Outfall(DomainModel):
    """An outfall into a river or the Yangtze (入河排污口), from the survey that finds it to its close-out."""

    scope_enterprise_field = "enterprise"
    clean_links = ("water_body", "segment", "merged_into")

    code = models.CharField(_("排口编码"), max_length=30, unique=True, error_messages={"unique": _("已有相同编码的排口。")})
    name = models.CharField(_("排口名称"), max_length=100)
    outfall_class = models.ForeignKey(OutfallClass, on_delete=models.PROTECT, related_name="outfalls",
                                      verbose_name=_("排口类别"))
    longitude = models.DecimalField(_("经度"), max_digits=10, decimal_places=6)
    latitude = models.DecimalField(_("纬度"), max_digits=10, decimal_places=6)
    water_body = models.ForeignKey(WaterBody, on_delete=models.PROTECT, related_name="outfalls",
                                   verbose_name=_("受纳水体"))
    segment = models.ForeignKey(RiverSegment, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="outfalls", verbose_name=_("所在河段"))
    outlet_form = models.CharField(_("排放口形式"), max_length=20, choices=OutletForm.choices, default=OutletForm.OPEN_PIPE)
    discharge_mode = models.CharField(_("排放方式"), max_length=20, choices=DischargeMode.choices,
                                      default=DischargeMode.CONTINUOUS)
    approval_type = models.CharField(_("设置审批"), max_length=20, choices=ApprovalType.choices,
                                     default=ApprovalType.UNAPPROVED)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="outfalls", verbose_name=_("责任企业"))
    responsible_organisation = models.CharField(_("其他责任单位"), max_length=200, blank=True,
                                                help_text=_("无责任企业时填写；都不填则由属地政府负责。"))
    usage_status = models.CharField(_("使用状态"), max_length=20, choices=UsageStatus.choices, default=UsageStatus.IN_USE)
    signboard_text = models.TextField(_("标志牌内容"), blank=True)
    qr_data = models.CharField(_("二维码信息"), max_length=500, blank=True)
    has_sampling_point = models.BooleanField(_("采样点"), default=False)
    has_inspection_well = models.BooleanField(_("检查井"), default=False)
    has_signboard = models.BooleanField(_("标志牌"), default=False)
    has_video = models.BooleanField(_("视频监控"), default=False)
    has_online_monitoring = models.BooleanField(_("在线监测"), default=False)
    stage = models.CharField(_("状态"), max_length=20, choices=OutfallStage.choices, default=OutfallStage.SUSPECTED,
                             editable=False)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, editable=False,
                                    related_name="merged_outfalls", verbose_name=_("并入排口"))
    note = models.TextField(_("说明"), blank=True)

    machine = OUTFALL_MACHINE

    class Meta:
        verbose_name = _("入河排污口")
        verbose_name_plural = _("入河排污口")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def responsible_party(self) -> str:
        """Who answers for the outfall: its enterprise, else the organisation named, else the local government."""
        if self.enterprise_id:
            return self.enterprise.name
        return self.responsible_organisation.strip() or GOVERNMENT

    responsible_party.fget.short_description = _("责任主体")

    def clean(self):
        errors = {}
        self.code = (self.code or "").strip().upper()
        pattern, description = code_pattern()
        if self.code and not re.fullmatch(pattern, self.code):
            errors["code"] = f"排口编码格式不符合本园区规则：{description}。"
        try:
            geo.check_position([self.longitude, self.latitude])
        except ValueError as exc:
            errors["longitude"] = str(exc)
        except TypeError:
            pass  # a missing coordinate is the field's own error
        if self.segment_id and self.water_body_id and self.segment.water_body_id != self.water_body_id:
            errors["segment"] = "所选河段不属于所选受纳水体。"
        if self.merged_into_id or self.stage == OutfallStage.MERGED:
            message = self.merge_target_error(self.merged_into if self.merged_into_id else None)
            if message:
                errors["merged_into"] = message
        if errors:
            raise ValidationError(errors)

    def merge_target_error(self, target) -> str:
        """Why the outfall cannot be merged into `target` ("" when it can): the rule of the merge
        transition and of the model alike."""
        if target is None:
            return "已合并的排口须指明并入的排口。"
        if self.pk is not None and target.pk == self.pk:
            return "排口不能并入自身。"
        if target.stage in (OutfallStage.MERGED, OutfallStage.ABOLISHED, OutfallStage.REJECTED):
            return f"不能并入状态为“{target.get_stage_display()}”的排口。"
        if self.pk is not None and target.merged_into_id == self.pk:
            return "两个排口不能互相并入。"
        return ""

    def save(self, *args, **kwargs):
        self.machine.guard(self)
        super().save(*args, **kwargs)


class OutfallSample(DomainModel):
    """A sample taken at an outfall: monitoring (测) or the re-test before close-out (销号复测)."""

    scope_enterprise_field = "outfall__enterprise"
    clean_links = ("outfall",)

    outfall = models.ForeignKey(Outfall, on_delete=models.PROTECT, related_name="samples", verbose_name=_("排口"))
    kind = models.CharField(_("类型"), max_length=20, choices=SampleKind.choices, default=SampleKind.MONITORING)
    sampled_on = models.DateField(_("采样日期"))
    agency = models.CharField(_("监测单位"), max_length=200, blank=True)
    cod = models.DecimalField(_("化学需氧量（mg/L）"), max_digits=10, decimal_places=3, null=True, blank=True,
                              validators=[MinValueValidator(0)])
    ammonia = models.DecimalField(_("氨氮（mg/L）"), max_digits=10, decimal_places=3, null=True, blank=True,
                                  validators=[MinValueValidator(0)])
    total_phosphorus = models.DecimalField(_("总磷（mg/L）"), max_digits=10, decimal_places=3, null=True, blank=True,
                                           validators=[MinValueValidator(0)])
    compliant = models.BooleanField(_("达标"), default=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("排口监测记录")
        verbose_name_plural = _("排口监测记录")
        ordering = ["-sampled_on", "-pk"]

    def __str__(self):
        return f"{self.outfall.code} {self.sampled_on} {self.get_kind_display()}"

    def clean(self):
        if self.sampled_on and self.sampled_on > timezone.localdate():
            raise ValidationError({"sampled_on": "采样日期不能晚于今天。"})


class RemediationPlan(DomainModel):
    """一口一策: the one remediation plan of an outfall."""

    scope_enterprise_field = "outfall__enterprise"
    clean_links = ("outfall",)

    outfall = models.OneToOneField(Outfall, on_delete=models.PROTECT, related_name="plan", verbose_name=_("排口"),
                                   error_messages={"unique": _("该排口已有整治方案（一口一策）。")})
    plan_type = models.CharField(_("整治类型"), max_length=20, choices=PlanType.choices)
    approved_on = models.DateField(_("批复日期"), null=True, blank=True)
    approved_by = models.CharField(_("批复单位"), max_length=100, blank=True)
    summary = models.TextField(_("方案概要"), blank=True)

    class Meta:
        verbose_name = _("整治方案")
        verbose_name_plural = _("整治方案")
        ordering = ["outfall__code"]

    def __str__(self):
        return f"{self.outfall.code} {self.get_plan_type_display()}方案"

    def clean(self):
        if self.approved_on and not self.approved_by.strip():
            raise ValidationError({"approved_by": "填写了批复日期，请同时填写批复单位。"})
        if self.approved_on and self.approved_on > timezone.localdate():
            raise ValidationError({"approved_on": "批复日期不能晚于今天。"})


class MeasureQuerySet(DomainQuerySet):
    def overdue(self, today=None):
        return self.filter(Measure.overdue_q(today))

    def not_overdue(self, today=None):
        return self.exclude(Measure.overdue_q(today))


class Measure(DomainModel):
    """One remediation measure of a plan (整治措施): who does what by when, and how far it has got."""

    scope_enterprise_field = "plan__outfall__enterprise"
    clean_links = ("plan",)

    plan = models.ForeignKey(RemediationPlan, on_delete=models.PROTECT, related_name="measures",
                             verbose_name=_("整治方案"))
    content = models.TextField(_("措施内容"))
    owner = models.CharField(_("责任单位（人）"), max_length=100)
    deadline = models.DateField(_("完成时限"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0,
                                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    status = models.CharField(_("状态"), max_length=20, choices=MeasureStatus.choices,
                              default=MeasureStatus.NOT_STARTED)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    all_objects = models.Manager.from_queryset(MeasureQuerySet)()
    objects = ActiveManager.from_queryset(MeasureQuerySet)()

    class Meta:
        verbose_name = _("整治措施")
        verbose_name_plural = _("整治措施")
        ordering = ["plan__outfall__code", "deadline", "pk"]

    def __str__(self):
        return f"{self.plan.outfall.code}：{self.content[:30]}"

    # Overdue: not done and past its deadline. The one rule, as a filter (lists, counts) and on a row.
    @staticmethod
    def overdue_q(today=None) -> Q:
        return ~Q(status=MeasureStatus.DONE) & Q(deadline__lt=today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.status != MeasureStatus.DONE and self.deadline < timezone.localdate()

    overdue.fget.short_description = _("逾期")

    def clean(self):
        errors = {}
        if self.status == MeasureStatus.DONE:
            if not self.completed_on:
                errors["completed_on"] = "已完成的措施须填写完成日期。"
            if self.progress != 100:
                errors["progress"] = "已完成的措施进度应为 100%。"
        elif self.completed_on:
            errors["status"] = "填写了完成日期，状态应为“已完成”。"
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "完成日期不能晚于今天。"
        if self.status == MeasureStatus.NOT_STARTED and self.progress:
            errors["progress"] = "未开始的措施进度应为 0。"
        if errors:
            raise ValidationError(errors)


class PollutionSource(DomainModel):
    """A pollution source (污染源清单), by the categories of the second national census."""

    scope_enterprise_field = "enterprise"

    name = models.CharField(_("污染源名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=SourceCategory.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="pollution_sources", verbose_name=_("所属企业"))
    responsible_party = models.CharField(_("责任主体"), max_length=200, blank=True)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    pollutants = models.CharField(_("主要污染物"), max_length=300, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("污染源")
        verbose_name_plural = _("污染源")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "category"], name="unique_pollution_source",
                                    violation_error_message="已有同名同类别的污染源。"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = (self.name or "").strip()
        if self.category == SourceCategory.INDUSTRIAL and not self.enterprise_id and not self.responsible_party.strip():
            raise ValidationError({"enterprise": "工业源须关联所属企业或填写责任主体。"})


class Tracing(DomainModel):
    """溯: an outfall traced to one of its pollution sources, how and when."""

    scope_enterprise_field = "outfall__enterprise"
    clean_links = ("outfall", "source")

    outfall = models.ForeignKey(Outfall, on_delete=models.PROTECT, related_name="tracings", verbose_name=_("排口"))
    source = models.ForeignKey(PollutionSource, on_delete=models.PROTECT, related_name="tracings",
                               verbose_name=_("污染源"))
    method = models.CharField(_("溯源方法"), max_length=30, choices=TracingMethod.choices,
                              default=TracingMethod.SITE_SURVEY)
    traced_on = models.DateField(_("溯源日期"), default=timezone.localdate)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("排口溯源")
        verbose_name_plural = _("排口溯源")
        ordering = ["outfall__code", "source__name"]
        constraints = [
            models.UniqueConstraint(fields=["outfall", "source"], name="unique_tracing",
                                    violation_error_message="该排口已溯源到这一污染源。"),
        ]

    def __str__(self):
        return f"{self.outfall.code} → {self.source.name}"

    def clean(self):
        if self.traced_on and self.traced_on > timezone.localdate():
            raise ValidationError({"traced_on": "溯源日期不能晚于今天。"})


# Water-quality monitoring (水质监测) ----------------------------------------------------------------


class MonitoringSite(DomainModel):
    """A monitoring section or point (监测断面/点位) on a water body, with the class it should meet."""

    clean_links = ("water_body", "segment")

    code = models.CharField(_("断面编码"), max_length=30, unique=True,
                            error_messages={"unique": _("已有相同编码的监测断面。")})
    name = models.CharField(_("断面名称"), max_length=100)
    water_body = models.ForeignKey(WaterBody, on_delete=models.PROTECT, related_name="monitoring_sites",
                                   verbose_name=_("所在水体"))
    segment = models.ForeignKey(RiverSegment, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="monitoring_sites", verbose_name=_("所在河段"))
    longitude = models.DecimalField(_("经度"), max_digits=10, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=10, decimal_places=6, null=True, blank=True)
    kind = models.CharField(_("断面类型"), max_length=20, choices=SiteKind.choices, default=SiteKind.PARK)
    target_class = models.PositiveSmallIntegerField(_("水质目标"), choices=TARGET_CLASS_CHOICES, null=True, blank=True,
                                                    help_text=_("不填则取所在水体的水质目标。"))
    is_active = models.BooleanField(_("在用"), default=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("监测断面")
        verbose_name_plural = _("监测断面")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def water_type(self) -> water_quality.WaterType:
        """湖库 limits (total phosphorus) for a site on a lake or reservoir, river limits otherwise."""
        lake = self.water_body.kind == WaterBodyKind.LAKE
        return water_quality.WaterType.LAKE if lake else water_quality.WaterType.RIVER

    def clean(self):
        errors = {}
        self.code = (self.code or "").strip().upper()
        self.name = (self.name or "").strip()
        if (self.longitude is None) != (self.latitude is None):
            errors["longitude"] = "经度和纬度须同时填写或同时不填。"
        elif self.longitude is not None:
            try:
                geo.check_position([self.longitude, self.latitude])
            except ValueError as exc:
                errors["longitude"] = str(exc)
        if self.segment_id and self.water_body_id and self.segment.water_body_id != self.water_body_id:
            errors["segment"] = "所选河段不属于所选水体。"
        if self.target_class is None and self.water_body_id:
            self.target_class = target_of(self.water_body)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.target_class is None and self.water_body_id:
            self.target_class = target_of(self.water_body)
        super().save(*args, **kwargs)


def target_of(water_body: WaterBody) -> int | None:
    """A water body's target class as a class number (1–5), None when it has none."""
    labels = [choice for choice, _ in WaterClass.choices]
    return labels.index(water_body.target_class) + 1 if water_body.target_class in labels else None


class WaterSampleQuerySet(DomainQuerySet):
    def worse_than_target(self):
        return self.filter(WaterSample.worse_than_target_q())

    def not_worse_than_target(self):
        return self.exclude(WaterSample.worse_than_target_q())


class WaterSample(DomainModel):
    """A water sample taken at a monitoring site (水质采样), graded by GB 3838-2002 from its
    measurements (`services.grade_samples`): the class, 水质状况 and 超标项目 are kept on the sample."""

    clean_links = ("site",)

    site = models.ForeignKey(MonitoringSite, on_delete=models.PROTECT, related_name="samples",
                             verbose_name=_("监测断面"))
    sampled_at = models.DateTimeField(_("采样时间"))
    agency = models.CharField(_("监测单位"), max_length=200, blank=True)
    sampler = models.CharField(_("采样人"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    water_class = models.PositiveSmallIntegerField(_("水质类别"), choices=SAMPLE_CLASS_CHOICES, null=True, blank=True,
                                                   editable=False)
    quality_grade = models.CharField(_("水质状况"), max_length=10, blank=True, editable=False)
    exceedances = models.CharField(_("超标项目"), max_length=500, blank=True, editable=False)

    all_objects = models.Manager.from_queryset(WaterSampleQuerySet)()
    objects = ActiveManager.from_queryset(WaterSampleQuerySet)()

    class Meta:
        verbose_name = _("水质采样")
        verbose_name_plural = _("水质采样")
        ordering = ["-sampled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "sampled_at"], name="unique_water_sample",
                                    violation_error_message="该断面在这一采样时间已有采样记录。"),
        ]

    def __str__(self):
        return f"{self.site.code} {timezone.localtime(self.sampled_at):%Y-%m-%d %H:%M}"

    # Worse than the site's target class: the one rule, as a filter (lists, counts, alerts) and on a row.
    @staticmethod
    def worse_than_target_q() -> Q:
        return Q(water_class__isnull=False, site__target_class__isnull=False,
                 water_class__gt=models.F("site__target_class"))

    @property
    def worse_than_target(self) -> bool:
        return bool(self.water_class and self.site.target_class and self.water_class > self.site.target_class)

    worse_than_target.fget.short_description = _("劣于目标")

    def clean(self):
        if self.sampled_at and self.sampled_at > timezone.now():
            raise ValidationError({"sampled_at": "采样时间不能晚于现在。"})

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_values", None) or {}
        moved = self.pk is not None and loaded.get("site_id") not in (None, self.site_id)
        super().save(*args, **kwargs)
        if moved:  # another site may be on a lake: its results are graded again
            from .services import grade_samples_by_id

            grade_samples_by_id([self.pk])


class Measurement(ChangeLoggedModel):
    """One parameter's result in a sample, in the unit of GB 3838-2002 (mg/L; 个/L for faecal
    coliform; pH without a unit). A value below the detection limit is recorded as such, with the
    limit when the lab gives it. Saving or deleting one grades its sample again."""

    clean_links = ("sample",)

    sample = models.ForeignKey(WaterSample, on_delete=models.CASCADE, related_name="measurements",
                               verbose_name=_("水质采样"))
    parameter = models.CharField(_("监测项目"), max_length=30, choices=PARAMETER_CHOICES)
    value = models.DecimalField(_("监测值"), max_digits=18, decimal_places=8, null=True, blank=True)
    below_detection = models.BooleanField(_("低于检出限"), default=False)
    detection_limit = models.DecimalField(_("检出限"), max_digits=18, decimal_places=8, null=True, blank=True,
                                          validators=[MinValueValidator(0)])
    unit = models.CharField(_("单位"), max_length=10, blank=True, editable=False)

    class Meta:
        verbose_name = _("监测结果")
        verbose_name_plural = _("监测结果")
        ordering = ["sample", "parameter"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "parameter"], name="unique_measurement",
                                    violation_error_message="该采样已有这一项目的监测结果。"),
        ]

    def __str__(self):
        parameter = water_quality.PARAMETER.get(self.parameter)
        if parameter is None:
            return f"{self.parameter} {self.reading}"
        unit = self.unit or unit_of_parameter(self.parameter)
        return f"{parameter.name} {self.reading}{f' {unit}' if unit else ''}"

    @property
    def reading(self) -> str:
        """The result as a lab writes it: "0.85", "<0.01" (below the limit), "未检出"."""
        if self.below_detection:
            return f"<{plain_number(self.detection_limit)}" if self.detection_limit is not None else "未检出"
        return plain_number(self.value)

    def as_measurement(self) -> water_quality.Measurement | None:
        """The grader's reading of this result."""
        if self.below_detection:
            limit = None if self.detection_limit is None else float(self.detection_limit)
            return water_quality.Measurement(limit, below_detection=True)
        return None if self.value is None else water_quality.Measurement(float(self.value))

    def clean(self):
        errors = {}
        parameter = water_quality.PARAMETER.get(self.parameter)
        if parameter is None:
            raise ValidationError({"parameter": "不是 GB 3838-2002 表 1 的监测项目。"})
        self.unit = unit_of_parameter(self.parameter)
        if self.below_detection:
            if self.value is not None:
                errors["value"] = "低于检出限时不填监测值（可填写检出限）。"
            try:
                water_quality.measurement(parameter, "ND")
            except ValueError as exc:
                errors["below_detection"] = f"{exc}。"
        else:
            if self.detection_limit is not None:
                errors["detection_limit"] = "只有低于检出限的结果才填写检出限。"
            if self.value is None:
                errors["value"] = "请填写监测值，或勾选“低于检出限”。"
            else:
                try:  # the grader's own checks: not negative, pH between 0 and 14
                    water_quality.measurement(parameter, str(self.value))
                except ValueError as exc:
                    errors["value"] = f"{exc}。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.parameter in water_quality.PARAMETER:
            self.unit = unit_of_parameter(self.parameter)
        super().save(*args, **kwargs)
        if not getattr(self, "_grading_later", False):
            from .services import grade_samples_by_id

            grade_samples_by_id([self.sample_id])

    def delete(self, *args, **kwargs):
        sample_id = self.sample_id
        result = super().delete(*args, **kwargs)
        if not getattr(self, "_grading_later", False):
            from .services import grade_samples_by_id

            grade_samples_by_id([sample_id])
        return result


def plain_number(value) -> str:
    """A measured value as written, without trailing zeros: Decimal("0.05000000") is "0.05"."""
    if value is None:
        return ""
    text = format(value.normalize() if hasattr(value, "normalize") else value, "f")
    return text


def unit_of_parameter(key: str) -> str:
    """The unit a parameter's results are kept in: GB 3838-2002's (mg/L; 个/L; none for pH)."""
    unit = water_quality.PARAMETER[key].unit
    return "" if unit == "无量纲" else unit
