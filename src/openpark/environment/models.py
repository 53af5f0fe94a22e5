"""智慧环保: water bodies and their segments, outfalls into them (入河排污口) with their life cycle
(查、测、溯、治), one remediation plan per outfall with its measures, and the pollution sources
an outfall is traced to."""
import re
from datetime import datetime, time, timezone as dt_timezone

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openpark.core import geo
from openpark.core.context import current_actor
from openpark.core.codes import normalise_code
from openpark.core.limits import FIRST_DATE
from openpark.core.models import ActiveManager, ChangeLoggedModel, DomainModel, DomainQuerySet
from openpark.core.scoping import is_park_wide, scope_queryset
from openpark.core.states import StateMachine, Transition
from openpark.enterprises.models import Enterprise

from . import water_quality
from .choices import (
    PARAMETER_CHOICES, SAMPLE_CLASS_CHOICES, TARGET_CLASS_CHOICES, ApprovalType, DischargeMode, MeasureStatus,
    OutfallStage, OutletForm, PlanType, SampleKind, SiteKind, SourceCategory, TracingMethod, UsageStatus,
    WaterBodyKind, WaterBodyLevel, WaterClass,
)

LENGTH = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


def park_time(naive: datetime) -> datetime:
    """A written time in the park's time zone, at the zone's standard offset where its history
    starts with local mean time (Asia/Shanghai before 1901 reads +08:05:43, no clock's time)."""
    aware = timezone.make_aware(naive)
    if aware.tzname() == "LMT":
        aware = naive.replace(tzinfo=dt_timezone(timezone.make_aware(datetime(2000, 1, 1)).utcoffset()))
    return aware


MAX_GEOMETRY_POINTS = geo.MAX_GEOMETRY_POINTS


def normalise_geometry(value) -> dict:
    """A GeoJSON geometry of a water body or segment: a line (LineString, MultiLineString) for a
    river, a Point, or a Polygon / MultiPolygon for a lake, of at most MAX_GEOMETRY_POINTS points;
    ValueError in Chinese otherwise."""
    geo.check_point_count(value)
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


def outlines_of(*links: str) -> list[str]:
    """The outline (geometry) columns of the water bodies and segments reached by `links`, for
    `defer`: a list or panel that names a water body reads its name, never its outline (up to
    MAX_GEOMETRY_POINTS points, decoded on every row)."""
    return [f"{link}__geometry" for link in links]


def clean_geometry(instance, field: str = "geometry") -> None:
    value = getattr(instance, field)
    if not value:
        return
    try:
        setattr(instance, field, normalise_geometry(value))
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from exc


class InUseRefusesDeletion:
    """Reference data (a water body, a segment, a class of outfall) that live records use is not
    deleted: a deletion would leave them pointing at a deleted record. Refused in Chinese, naming
    what uses it."""

    def delete(self, *args, **kwargs):
        references = self.live_references()
        if references:
            uses = "、".join(f"{count} 条{kind}" for kind, count in references)
            raise ValidationError(f"“{self}”仍被{uses}使用，不能删除。")
        return super().delete(*args, **kwargs)


class WaterBody(InUseRefusesDeletion, DomainModel):
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


class RiverSegment(InUseRefusesDeletion, DomainModel):
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


class OutfallClass(InUseRefusesDeletion, DomainModel):
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
MODELS = "openpark.environment.models"
S = OutfallStage


# The government's sign-offs each have a permission of their own (a contracted steward does the
# field work, `EDIT_OUTFALL`, and none of these).
OUTFALL_SIGN_OFFS = {
    "reject": "排除疑似排口", "approve_plan": "批复排口整治方案", "county_preclose": "排口县级预销号",
    "close": "排口市级审核销号", "abolish": "取缔排口", "merge": "合并排口", "reopen": "回头看重新打开排口",
}


def _step(name, label, sources, target, **options) -> Transition:
    permission = f"environment.{name}_outfall" if name in OUTFALL_SIGN_OFFS else EDIT_OUTFALL
    return Transition(name, label, tuple(sources), target, permission, **options)


OUTFALL_MACHINE = StateMachine("stage", dict(OutfallStage.choices), (
    _step("verify", "核实（现场确认）", (S.SUSPECTED,), S.VERIFIED, needs_evidence=True, done="排口已核实"),
    _step("reject", "排除", (S.SUSPECTED,), S.REJECTED, needs_note=True, done="已排除该疑似排口"),
    _step("monitor", "登记监测", (S.VERIFIED,), S.MONITORED, perform=f"{SERVICES}.monitor",
          form=f"{FORMS}.MonitorForm", done="监测已登记"),
    _step("trace", "完成溯源", (S.MONITORED,), S.TRACED, perform=f"{SERVICES}.trace", done="溯源已完成"),
    _step("approve_plan", "整治方案批复", (S.TRACED,), S.PLAN_APPROVED, perform=f"{SERVICES}.approve_plan",
          done="整治方案已批复"),
    _step("start_remediation", "开始整治", (S.PLAN_APPROVED,), S.IN_REMEDIATION, deadline=REMEDIATION_DAYS,
          deadline_label="完成整治并申请销号", done="整治已开始"),
    _step("submit_closeout", "申请销号", (S.IN_REMEDIATION,), S.PENDING_CLOSEOUT, needs_evidence=True,
          perform=f"{SERVICES}.submit_closeout", form=f"{FORMS}.CloseoutForm",
          condition=f"{MODELS}.closeout_refusal", done="销号申请已提交"),
    _step("county_preclose", "县级预销号", (S.PENDING_CLOSEOUT,), S.COUNTY_PRECLOSED, needs_note=True,
          needs_evidence=True, done="已完成县级预销号", awaited=True),
    _step("close", "市级审核销号", (S.COUNTY_PRECLOSED,), S.CLOSED, needs_note=True, needs_evidence=True,
          done="已完成市级审核销号", awaited=True),
    _step("abolish", "取缔", (S.PLAN_APPROVED, S.IN_REMEDIATION), S.ABOLISHED, needs_note=True,
          perform=f"{SERVICES}.abolish", confirm="取缔后该排口不再使用，确定取缔？",
          condition=f"{MODELS}.abolish_refusal", done="排口已取缔"),
    _step("merge", "合并到其他排口", (S.PLAN_APPROVED, S.IN_REMEDIATION), S.MERGED, perform=f"{SERVICES}.merge",
          form=f"{FORMS}.MergeForm", condition=f"{MODELS}.merge_refusal", done="排口已合并到其他排口"),
    _step("reopen", "回头看重新打开", (S.CLOSED,), S.IN_REMEDIATION, needs_note=True, deadline=REMEDIATION_DAYS,
          deadline_label="回头看问题整改并重新销号", done="回头看：已重新打开"),
))


OPEN_MEASURES_NAMED = 3  # how many unfinished measures the refusal of 申请销号 names


def closeout_refusal(outfall) -> str:
    """Why the outfall may not apply for close-out now ("" when it may): every measure of its plan
    (一口一策) must be done first. The condition of 申请销号: whether the page offers it, and why the
    page and the API refuse it."""
    open_measures = list(Measure.objects.filter(plan__outfall_id=outfall.pk).exclude(status=MeasureStatus.DONE)
                         .order_by("deadline", "pk").values_list("content", flat=True))
    if not open_measures:
        return ""
    named = "、".join(content[:30] for content in open_measures[:OPEN_MEASURES_NAMED])
    more = "等" if len(open_measures) > OPEN_MEASURES_NAMED else ""
    return f"尚有 {len(open_measures)} 项整治措施未完成：{named}{more}。请完成全部整治措施后再申请销号。"


def plan_type_refusal(outfall, plan_type: str, action: str) -> str:
    """Why an outfall may not end as its plan did not decide ("" when it may): 取缔 and 合并 are
    what the plan (一口一策) decides, so they are open only to an outfall whose plan's type says so.
    The transitions' `condition`: whether the page and the API offer them, and why they refuse."""
    current = RemediationPlan.objects.filter(outfall_id=outfall.pk).values_list("plan_type", flat=True).first()
    if current == plan_type:
        return ""
    now = (f"该排口的整治方案类型为“{PlanType(current).label}”" if current in PlanType.values
           else "该排口尚无整治方案")
    return f"只有整治方案类型为“{PlanType(plan_type).label}”的排口才能{action}，{now}。"


def abolish_refusal(outfall) -> str:
    return plan_type_refusal(outfall, PlanType.ABOLISH, "取缔")


def merge_refusal(outfall) -> str:
    return plan_type_refusal(outfall, PlanType.MERGE, "合并到其他排口")


def acting_user():
    """The signed-in user the current request (or import, or task) acts for; None for a command."""
    return current_actor().resolved_user()


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
        permissions = [(f"{name}_outfall", label) for name, label in OUTFALL_SIGN_OFFS.items()]

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
        self.code = normalise_code(self.code)  # "cn 001" and "ｃｎ００１" are CN001
        pattern, description = code_pattern()
        if self.code and not re.fullmatch(pattern, self.code):
            errors["code"] = f"排口编码“{self.code}”不符合本园区规则：{description}（字母不分大小写，保存为大写）。"
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

    # Two conditions the office is reminded of (home page, daily alerts) and the list filters by.
    @staticmethod
    def remediation_overdue_q(today=None) -> Q:
        """In remediation past its time limit (the deadline 开始整治 or 回头看 started)."""
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import CharField, Exists, OuterRef
        from django.db.models.functions import Cast

        from openpark.core.deadlines import overdue_q as deadline_overdue_q
        from openpark.core.models import Deadline

        return Q(stage=OutfallStage.IN_REMEDIATION) & Q(Exists(Deadline.objects.filter(
            deadline_overdue_q(today), content_type=ContentType.objects.get_for_model(Outfall),
            state=OutfallStage.IN_REMEDIATION, object_id=Cast(OuterRef("pk"), CharField()))))

    @staticmethod
    def awaiting_sign_off_q() -> Q:
        """Waiting for the government's sign-off: 县级预销号 or 市级审核销号."""
        return Q(stage__in=(OutfallStage.PENDING_CLOSEOUT, OutfallStage.COUNTY_PRECLOSED))

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
    exact_decimals = ("cod", "ammonia", "total_phosphorus")  # as the lab wrote them (0.125 mg/L, not 0.13)

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


APPROVE_PLAN = "environment.approve_plan_outfall"
PLAN_DECISION_FIELDS = ("plan_type", "approved_on", "approved_by")
PLAN_APPROVAL_FIELDS = ("approved_on", "approved_by")
# The outfall's stages once its plan is approved: the plan is decided.
PLAN_DECIDED_STAGES = frozenset((S.PLAN_APPROVED, S.IN_REMEDIATION, S.PENDING_CLOSEOUT, S.COUNTY_PRECLOSED, S.CLOSED,
                                 S.ABOLISHED, S.MERGED))


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
        errors = {}
        stored = self.stored_decision()
        for name, reason in self.fixed_fields(acting_user()).items():
            if getattr(self, name) != stored[name]:
                errors[name] = reason
        if errors:
            raise ValidationError(errors)
        if self.approved_on and not self.approved_by.strip():
            raise ValidationError({"approved_by": "填写了批复日期，请同时填写批复单位。"})
        if self.approved_on and self.approved_on > timezone.localdate():
            raise ValidationError({"approved_on": "批复日期不能晚于今天。"})

    def stored_decision(self) -> dict:
        """The plan's type and approval as stored (empty for a new plan)."""
        stored = None
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values(*PLAN_DECISION_FIELDS).first()
        return stored or {"plan_type": "", "approved_on": None, "approved_by": ""}

    def fixed_fields(self, user) -> dict[str, str]:
        """{field: why} of the plan's decision (its type, the approval date and authority) that `user`
        may not set, the one rule of the form, the API and the admin:
        - once the outfall is past plan approval, the approved plan is what the government decided
          and what 取缔/合并 follow: its type and approval change for nobody (a plan recorded only
          then is recorded by whoever may approve plans);
        - the approval itself (批复日期, 批复单位, what the 整治方案批复 step checks) is recorded by
          those who may make that step (the 环保 office), never by a steward or an enterprise.
        `user` None (a command, a migration) is bound by the first rule only."""
        fixed = {}
        may_approve = user is None or user.has_perm(APPROVE_PLAN)
        stage = self.outfall.stage if self.outfall_id else None
        if stage in PLAN_DECIDED_STAGES and (self.pk is not None or not may_approve):
            label = OutfallStage(stage).label
            reason = (f"该排口的整治方案已批复（排口状态：{label}），整治类型和批复信息不能再修改。"
                      if self.pk is not None else f"该排口已过整治方案批复（排口状态：{label}），整治方案由环保部门登记。")
            fixed = dict.fromkeys(PLAN_DECISION_FIELDS, reason)
        if not may_approve:
            for name in PLAN_APPROVAL_FIELDS:
                fixed.setdefault(name, "批复日期和批复单位由环保部门在整治方案批复时登记，您不能填写或修改。")
        return fixed


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
        verbose_name_plural = _("污染源清单")
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


# River chiefs, patrols and problems (河长制); the steward's inspections (环保管家) ------------------

from datetime import date  # noqa: E402
from decimal import Decimal  # noqa: E402

from openpark.core.limits import year_validators  # noqa: E402
from openpark.enterprises.models import ServiceContract  # noqa: E402

from . import patrols as patrol_math  # noqa: E402
from .choices import (  # noqa: E402
    PROBLEM_DONE_STATES, ChiefLevel, PatrolPeriod, ProblemCategory, ProblemSource, ProblemState, Quarter,
)

VIEW_CHIEF_PHONE = "environment.view_riverchief_phone"


class RiverChief(DomainModel):
    """A river chief (河长) at a level, with the segments and water bodies they answer for."""

    sensitive_fields = {"phone": VIEW_CHIEF_PHONE}

    name = models.CharField(_("姓名"), max_length=50)
    level = models.CharField(_("河长级别"), max_length=10, choices=ChiefLevel.choices)
    is_general = models.BooleanField(_("总河长"), default=False)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="river_chiefs", verbose_name=_("平台账号"))
    water_bodies = models.ManyToManyField(WaterBody, blank=True, related_name="chiefs", verbose_name=_("负责水体"))
    segments = models.ManyToManyField(RiverSegment, blank=True, related_name="chiefs", verbose_name=_("负责河段"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("河长")
        verbose_name_plural = _("河长")
        ordering = ["level", "name"]
        permissions = [("view_riverchief_phone", _("查看河长完整电话"))]
        constraints = [
            models.UniqueConstraint(fields=["name", "level"], name="unique_river_chief",
                                    violation_error_message="该级别已有同名河长。"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}{'总河长' if self.is_general else '河长'}）"

    def clean(self):
        self.name = (self.name or "").strip()
        if self.phone and not re.fullmatch(r"[0-9+\-() ]{5,30}", self.phone.strip()):
            raise ValidationError({"phone": "联系电话只能包含数字、空格和 + - ( )。"})

    def responsibility(self) -> tuple[set[int], set[int]]:
        """(ids of the water bodies, ids of the segments) the chief answers for; an importer may
        have read them for many chiefs at once (`_responsibility`)."""
        cached = getattr(self, "_responsibility", None)
        if cached is None:
            if self.pk is None:
                return set(), set()
            cached = (set(self.water_bodies.values_list("pk", flat=True)),
                      set(self.segments.values_list("pk", flat=True)))
            self._responsibility = cached
        return cached

    def covers(self, water_body_id, segment_id) -> bool:
        """Whether the chief answers for this water body (or segment of it)."""
        bodies, segments = self.responsibility()
        if segment_id is not None and segment_id in segments:
            return True
        return water_body_id in bodies


def _months_validator(value):
    try:
        patrol_math.parse_months(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class PatrolRule(DomainModel):
    """How often chiefs of a level patrol, and what a patrol must be to count (巡河规定)."""

    level = models.CharField(_("河长级别"), max_length=10, choices=ChiefLevel.choices, unique=True,
                             error_messages={"unique": _("该级别已有巡河规定。")})
    times = models.PositiveSmallIntegerField(_("巡河次数"), default=1, validators=[MinValueValidator(1),
                                                                                MaxValueValidator(31)])
    period = models.CharField(_("周期"), max_length=10, choices=PatrolPeriod.choices, default=PatrolPeriod.MONTH)
    min_minutes = models.PositiveSmallIntegerField(_("最短时长（分钟）"), default=30,
                                                   validators=[MaxValueValidator(24 * 60)])
    min_km = models.DecimalField(_("最短距离（千米）"), max_digits=6, decimal_places=2, default=Decimal("2"),
                                 validators=[MinValueValidator(0)])
    active_months = models.JSONField(_("适用月份"), default=list, validators=[_months_validator],
                                     help_text=_("如“1-12”（全年）、“3-11”或“1,3,5-7”。"))
    note = models.TextField(_("说明"), blank=True)

    recorded_texts = {"active_months": patrol_math.months_text}

    class Meta:
        verbose_name = _("巡河规定")
        verbose_name_plural = _("巡河规定")
        ordering = ["level"]

    def __str__(self):
        return f"{self.get_level_display()}河长{self.get_period_display()} {self.times} 次"

    def clean(self):
        try:
            self.active_months = patrol_math.parse_months(self.active_months)
        except ValueError as exc:
            raise ValidationError({"active_months": str(exc)}) from exc

    @property
    def months(self) -> str:
        return patrol_math.months_text(self.active_months)

    months.fget.short_description = _("适用月份")

    def counts(self, minutes, km, month: int) -> bool:
        return not self.not_counted_reason(minutes, km, month)

    def not_counted_reason(self, minutes, km, month: int) -> str:
        """Why a patrol of this level does not count ("" when it does): `patrols.not_counted_reason`."""
        return patrol_math.not_counted_reason(minutes, km, month, self.min_minutes, self.min_km, self.active_months)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from .services import recount_patrols

        recount_patrols(self.level)


def normalise_track(value) -> dict:
    """A patrol's track: a GeoJSON LineString or MultiLineString of WGS-84 points, each line of 2
    points or more; ValueError in Chinese otherwise."""
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValueError("巡河轨迹不是有效的 GeoJSON。") from exc
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry") or {}
    if not isinstance(value, dict) or value.get("type") not in ("LineString", "MultiLineString"):
        raise ValueError("巡河轨迹应为 GeoJSON 的线（LineString 或 MultiLineString）。")
    patrol_math.check_track_size(value)
    return normalise_geometry(value)


def _patrol_month(started_at) -> int:
    return timezone.localtime(started_at).month if timezone.is_aware(started_at) else started_at.month


class Patrol(DomainModel):
    """A chief's patrol of a water body or segment (巡河记录): when, the track walked, and whether it
    counts under the chief's level's rule. Duration, distance (from the track) and whether it counts
    are computed whenever it is checked and saved."""

    clean_links = ("chief", "water_body", "segment")

    chief = models.ForeignKey(RiverChief, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("河长"))
    water_body = models.ForeignKey(WaterBody, on_delete=models.PROTECT, related_name="patrols",
                                   verbose_name=_("巡查水体"))
    segment = models.ForeignKey(RiverSegment, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="patrols", verbose_name=_("巡查河段"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    track = models.JSONField(_("巡河轨迹（GeoJSON）"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("时长（分钟）"), default=0, editable=False)
    distance_km = models.DecimalField(_("距离（千米）"), max_digits=8, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0)],
                                      help_text=_("有轨迹时按轨迹计算；无轨迹时可填写。"))
    counts = models.BooleanField(_("计入履职"), default=False, editable=False)
    not_counted_reason = models.CharField(_("不计入原因"), max_length=300, blank=True, editable=False)
    note = models.TextField(_("巡河情况"), blank=True)

    class Meta:
        verbose_name = _("巡河记录")
        verbose_name_plural = _("巡河记录")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["chief", "started_at"], name="patrol_chief_started")]

    def __str__(self):
        when = timezone.localtime(self.started_at) if self.started_at and timezone.is_aware(self.started_at) \
            else self.started_at
        return f"{self.chief.name} {when:%Y-%m-%d} {self.water_body.name}" if when else self.chief.name

    def clean(self):
        errors = {}
        if self.track:
            try:
                self.track = normalise_track(self.track)
            except ValueError as exc:
                errors["track"] = str(exc)
        errors.update(patrol_math.time_errors(self.started_at, self.ended_at, timezone.now()))
        if self.segment_id and self.water_body_id and self.segment.water_body_id != self.water_body_id:
            errors["segment"] = "所选河段不属于所选水体。"
        if self.chief_id and self.water_body_id and "segment" not in errors and not self._chief_covers():
            errors["water_body"] = f"{self.chief.name}不负责该水体（河段），请选择其负责的水体或河段。"
        if errors:
            raise ValidationError(errors)
        self.compute()
        too_fast = patrol_math.implausible_speed(self.distance_km, self.duration_minutes) \
            if self.started_at and self.ended_at else None
        if too_fast:
            raise ValidationError({"track" if self.track else "distance_km": too_fast})

    def _chief_covers(self) -> bool:
        """Whether the chief answers for the water body (or segment); an import reads every
        chief's responsibilities once (`_responsibilities`)."""
        known = getattr(self, "_responsibilities", None)
        if known is None:
            return self.chief.covers(self.water_body_id, self.segment_id)
        bodies, segments = known.get(self.chief_id, ((), ()))
        return self.water_body_id in bodies or self.segment_id is not None and self.segment_id in segments

    def compute(self, rule=None) -> None:
        """Duration, distance from the track, and whether it counts under the level's rule, and if
        not why (the rule read once, or given; no rule for the level means every patrol counts)."""
        if self.started_at and self.ended_at:
            self.duration_minutes = patrol_math.duration_minutes(self.started_at, self.ended_at)
        if self.track:
            self.distance_km = patrol_math.rounded_km(patrol_math.track_km(self.track))
        else:
            self.track = None
            if self._distance_from_cleared_track():
                self.distance_km = None
        if not self.started_at or not self.chief_id:
            return
        if rule is None:
            rules = getattr(self, "_rules", None)
            rule = rules.get(self.chief.level) if rules is not None else \
                PatrolRule.objects.filter(level=self.chief.level).first()
        self.not_counted_reason = "" if rule is None else rule.not_counted_reason(
            self.duration_minutes, self.distance_km, _patrol_month(self.started_at))
        self.counts = not self.not_counted_reason

    def _distance_from_cleared_track(self) -> bool:
        """Whether the distance is the one the stored track gave and the track has been cleared
        (the distance then goes with it, unless a new one is written)."""
        stored = getattr(self, "_loaded_values", {})
        return bool(stored.get("track")) and self.distance_km is not None \
            and self.distance_km == stored.get("distance_km")

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None:
            try:
                self.track = normalise_track(self.track) if self.track else self.track
            except ValueError as exc:
                raise ValidationError({"track": str(exc)}) from exc
            self.compute()
        super().save(*args, **kwargs)


# The environment problem's workflow: found (on a patrol, by the steward), handed to whoever
# rectifies it or put before the level above, rectified with a photo, verified and closed.
EDIT_PROBLEM = "environment.change_environmentproblem"
VERIFY_DAYS = 5  # working days to verify a rectification (核查) once it is reported done
P = ProblemState


# Each step of a problem has its permission: whoever rectifies (an enterprise, the steward) starts
# and rectifies; the government assigns, refers, closes and sends back.
PROBLEM_STEPS = {
    "assign": ("assign", "交办环境问题"), "refer": ("refer", "上报环境问题"), "start": ("rectify", "整改环境问题"),
    "rectify": ("rectify", "整改环境问题"), "close": ("close", "核查销号环境问题"),
    "send_back": ("send_back", "退回重新整改环境问题"),
}


def _problem_step(name, label, sources, target, **options) -> Transition:
    permission = f"environment.{PROBLEM_STEPS[name][0]}_environmentproblem"
    return Transition(name, label, tuple(sources), target, permission, **options)


PROBLEM_MACHINE = StateMachine("state", dict(ProblemState.choices), (
    _problem_step("assign", "交办", (P.REPORTED,), P.ASSIGNED, perform=f"{SERVICES}.assign_problem",
                  form=f"{FORMS}.AssignProblemForm", done="问题已交办", awaited=True),
    _problem_step("refer", "上报上级", (P.REPORTED,), P.ESCALATED, needs_note=True, done="问题已上报上级"),
    _problem_step("start", "开始整改", (P.ASSIGNED, P.ESCALATED), P.IN_PROGRESS, done="整改已开始"),
    _problem_step("rectify", "整改完成", (P.IN_PROGRESS,), P.RECTIFIED, needs_evidence=True,
                  deadline=VERIFY_DAYS, deadline_label="核查销号", done="整改已完成"),
    _problem_step("close", "核查销号", (P.RECTIFIED,), P.CLOSED, needs_note=True, done="问题已核查销号",
                  awaited=True),
    _problem_step("send_back", "退回重新整改", (P.RECTIFIED,), P.IN_PROGRESS, needs_note=True,
                  done="已退回重新整改"),
))


NO_ENTERPRISE_FILED = "请选择涉及企业：您只能为服务或绑定范围内的企业登记环境问题。"


class ProblemQuerySet(DomainQuerySet):
    def overdue(self, today=None):
        return self.filter(EnvironmentProblem.overdue_q(today))

    def not_overdue(self, today=None):
        return self.exclude(EnvironmentProblem.overdue_q(today))


class EnvironmentProblem(DomainModel):
    """A problem found on a patrol, by the steward's inspection or otherwise, and its rectification
    until it is verified and closed (核查销号)."""

    scope_enterprise_field = "enterprise"
    clean_links = ("patrol", "inspection", "water_body", "segment")

    source = models.CharField(_("来源"), max_length=10, choices=ProblemSource.choices, default=ProblemSource.OTHER)
    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, null=True, blank=True, related_name="problems",
                               verbose_name=_("巡河记录"))
    inspection = models.ForeignKey("StewardInspection", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="problems", verbose_name=_("管家检查"))
    water_body = models.ForeignKey(WaterBody, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="problems", verbose_name=_("水体"))
    segment = models.ForeignKey(RiverSegment, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="problems", verbose_name=_("河段"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="environment_problems", verbose_name=_("涉及企业"))
    category = models.CharField(_("问题类别"), max_length=20, choices=ProblemCategory.choices)
    description = models.TextField(_("问题描述"))
    found_on = models.DateField(_("发现日期"), default=timezone.localdate)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    advice = models.TextField(_("整改建议"), blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=ProblemState.choices, default=ProblemState.REPORTED,
                             editable=False)

    machine = PROBLEM_MACHINE
    all_objects = models.Manager.from_queryset(ProblemQuerySet)()
    objects = ActiveManager.from_queryset(ProblemQuerySet)()

    class Meta:
        verbose_name = _("环境问题")
        verbose_name_plural = _("环境问题")
        ordering = ["-found_on", "-pk"]
        permissions = sorted({(f"{code}_environmentproblem", label) for code, label in PROBLEM_STEPS.values()})

    def __str__(self):
        return f"{self.get_category_display()}：{self.description[:30]}"

    # Overdue: not rectified past its deadline (整改期限), or rectified and not verified past the
    # verification's time limit (核查销号, the deadline the 整改完成 transition starts). The one rule,
    # as a filter (lists, counts, the list's and the page's 逾期 badge) and on a row (the column, the API).
    @staticmethod
    def overdue_q(today=None) -> Q:
        return ((Q(deadline__lt=today or timezone.localdate()) & ~Q(state__in=PROBLEM_DONE_STATES))
                | (Q(state=P.RECTIFIED) & Q(EnvironmentProblem._verification_overdue(today))))

    @staticmethod
    def _verification_overdue(today=None):
        from openpark.core import deadlines

        return deadlines.held_by_rows(EnvironmentProblem, deadlines.overdue_q(today) & Q(state=P.RECTIFIED))

    @property
    def overdue(self) -> bool:
        known = self.__dict__.get("overdue_now")  # as a list page found it for its rows, by this rule
        if known is not None:
            return known
        if self.state == P.RECTIFIED and self.pk is not None:
            return type(self).all_objects.filter(pk=self.pk).filter(self.overdue_q()).exists()
        return bool(self.deadline) and self.state not in PROBLEM_DONE_STATES and \
            self.deadline < timezone.localdate()

    overdue.fget.short_description = _("逾期")

    @staticmethod
    def taken_from_patrol(patrol) -> dict:
        """What a problem found on a patrol takes from it: its source, water body, segment and the
        day it was found (the patrol's); the add form fills them in, `clean` keeps them."""
        return {"source": ProblemSource.PATROL, "water_body": patrol.water_body_id, "segment": patrol.segment_id,
                "found_on": timezone.localtime(patrol.started_at).date() if patrol.started_at else None}

    def clean(self):
        errors = {}
        if self.patrol_id:
            self.source = ProblemSource.PATROL
            if not self.water_body_id:
                self.water_body_id = self.patrol.water_body_id
            if not self.segment_id and self.patrol.segment_id and self.water_body_id == self.patrol.water_body_id:
                self.segment_id = self.patrol.segment_id
        if self.inspection_id:
            self.source = ProblemSource.STEWARD
            if self.enterprise_id and self.enterprise_id != self.inspection.enterprise_id:
                errors["enterprise"] = "管家检查发现的问题，涉及企业应为被检查企业。"
            self.enterprise_id = self.inspection.enterprise_id
        if self.patrol_id and self.inspection_id:
            errors["inspection"] = "一个问题只能来自一次巡河或一次管家检查。"
        if self.source == ProblemSource.PATROL and not self.patrol_id:
            errors["patrol"] = "来源为巡河的问题须关联巡河记录。"
        if self.source == ProblemSource.STEWARD and not self.inspection_id:
            errors["inspection"] = "来源为管家检查的问题须关联管家检查记录。"
        if self.segment_id and self.water_body_id and self.segment.water_body_id != self.water_body_id:
            errors["segment"] = "所选河段不属于所选水体。"
        if self.segment_id and not self.water_body_id:
            self.water_body_id = self.segment.water_body_id
        if self.found_on and self.found_on > timezone.localdate():
            errors["found_on"] = "发现日期不能晚于今天。"
        if self.deadline and self.found_on and self.deadline < self.found_on:
            errors["deadline"] = "整改期限不能早于发现日期。"
        if self.pk is None and "enterprise" not in errors:
            refusal = self.filer_refusal(acting_user())
            if refusal:
                errors["enterprise"] = refusal
        if errors:
            raise ValidationError(errors)

    def filer_refusal(self, user) -> str:
        """Why `user` may not file this new problem ("" when it may): a user whose scope is limited
        (an enterprise user, a steward) files problems of an enterprise within its scope only, so
        that it can follow them up; park staff may file any, with or without an enterprise."""
        if user is None or is_park_wide(user):
            return ""
        if not self.enterprise_id:
            return NO_ENTERPRISE_FILED
        if not scope_queryset(Enterprise.objects.filter(pk=self.enterprise_id), user).exists():
            return "所选企业不在您的服务或绑定范围内，请选择您范围内的企业。"
        return ""

    def save(self, *args, **kwargs):
        self.machine.guard(self)
        super().save(*args, **kwargs)


class StewardInspection(DomainModel):
    """An inspection of an enterprise by the environmental steward (环保管家), under its contract."""

    scope_enterprise_field = "enterprise"
    clean_links = ("contract", "enterprise")

    contract = models.ForeignKey(ServiceContract, on_delete=models.PROTECT, related_name="inspections",
                                 verbose_name=_("服务合同"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="steward_inspections",
                                   verbose_name=_("被检查企业"))
    inspected_on = models.DateField(_("检查日期"), default=timezone.localdate)
    inspectors = models.CharField(_("检查人员"), max_length=200)
    summary = models.TextField(_("检查情况"), blank=True)

    class Meta:
        verbose_name = _("管家检查")
        verbose_name_plural = _("管家检查")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.enterprise.name} {self.inspected_on} 管家检查"

    def clean(self):
        errors = {}
        if self.inspected_on and self.inspected_on > timezone.localdate():
            errors["inspected_on"] = "检查日期不能晚于今天。"
        if self.contract_id and self.inspected_on:
            contract = self.contract
            if not contract.starts_on <= self.inspected_on <= contract.ends_on:
                errors["inspected_on"] = (f"检查日期不在服务合同的服务期内（{contract.starts_on} 至 "
                                          f"{contract.ends_on}）。")
        if self.contract_id and self.enterprise_id and "inspected_on" not in errors and \
                not contract.enterprises.filter(pk=self.enterprise_id).exists():
            errors["enterprise"] = "该企业不在服务合同覆盖的企业中。"
        if errors:
            raise ValidationError(errors)


class StewardAssessment(DomainModel):
    """The park's assessment of the steward's service under a contract, for a quarter of a year."""

    clean_links = ("contract",)

    contract = models.ForeignKey(ServiceContract, on_delete=models.PROTECT, related_name="assessments",
                                 verbose_name=_("服务合同"))
    year = models.PositiveSmallIntegerField(_("年度"), validators=year_validators())
    quarter = models.PositiveSmallIntegerField(_("季度"), choices=Quarter.choices)
    score = models.DecimalField(_("考核得分"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    comments = models.TextField(_("考核意见"), blank=True)
    assessed_by = models.CharField(_("考核人"), max_length=100)

    class Meta:
        verbose_name = _("管家服务考核")
        verbose_name_plural = _("管家服务考核")
        ordering = ["-year", "-quarter", "contract"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year", "quarter"], name="unique_steward_assessment",
                                    violation_error_message="该服务合同这一季度已有考核。"),
        ]

    def __str__(self):
        return f"{self.contract.contractor} {self.year} 年{self.get_quarter_display()}考核"

    def clean(self):
        if self.contract_id and self.year and self.quarter in Quarter.values:
            last_month = 3 * self.quarter
            if date(self.year, last_month - 2, 1) > self.contract.ends_on or \
                    date(self.year, last_month, 28) < self.contract.starts_on:
                raise ValidationError({"quarter": "考核季度不在服务合同的服务期内。"})


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
        verbose_name = _("水质监测断面")
        verbose_name_plural = _("水质监测断面")
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
    exceedances = models.CharField(
        _("超Ⅲ类项目"), max_length=500, blank=True, editable=False,
        help_text=_("劣于地表水 Ⅲ 类标准的项目及其超标倍数（环办〔2011〕22号），与断面的水质目标无关："
                    "目标为 Ⅳ 类的断面可以有超Ⅲ类项目而不劣于目标，是否劣于目标见“劣于目标”。"))

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
    worse_than_target.fget.help_text = _("采样的水质类别劣于所在断面的水质目标类别。")

    def clean(self):
        if self.sampled_at and self.sampled_at > timezone.now():
            raise ValidationError({"sampled_at": "采样时间不能晚于现在。"})
        if self.sampled_at and self.sampled_at < park_time(datetime.combine(FIRST_DATE, time())):
            raise ValidationError({"sampled_at": f"采样时间不能早于 {FIRST_DATE:%Y-%m-%d}（平台可记录的最早日期）。"})

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
    exact_decimals = ("value", "detection_limit")  # shown as the lab wrote them (0.0004, not 0.00)

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


# The enterprise environmental file (一企一档, environmental part) ---------------------------------
# Each record belongs to one enterprise, which sees its own file and nobody else's; documents (the
# permit's copy and its execution reports, the EIA reply, the acceptance report …) are attached to
# the records. The rules without the database live in `enterprise_file`.


from openpark.core.fields import CodeField  # noqa: E402
from openpark.core.limits import year_validators  # noqa: E402

from . import enterprise_file as rules  # noqa: E402
from .choices import (  # noqa: E402
    AcceptanceKind, CreditRatingLevel, EiaCategory, FacilityKind, FacilityStatus, InspectionKind, InspectionResult,
    PenaltyStatus, PermitCategory, PermitStatus, RiskLevel,
)

WAN_YUAN = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}


def _enterprise(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name=related_name, verbose_name=_("企业"))


def _not_after_today(errors: dict, field: str, value, label: str) -> None:
    if value and value > timezone.localdate():
        errors[field] = f"{label}不能晚于今天。"


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


class DischargePermitQuerySet(DomainQuerySet):
    def with_status(self, status: str, today=None):
        return self.filter(DischargePermit.status_q(status, today))

    def expiring(self, today=None):
        """即将到期, 已过延续申请期限 or 已过期 on `today`, and no renewal applied for: the permits
        whose renewal is due (须办理延续)."""
        return self.filter(expires_on__lte=rules.expiring_until(today or timezone.localdate())).exclude(
            DischargePermit.renewal_applied_q())

    def renewal_applied(self):
        return self.filter(DischargePermit.renewal_applied_q())

    def standing(self, value: str, today=None):
        """Where the permits stand, as the list's 状态 filter, the reminders' counts and the
        dashboard read it: 有效 by date; 即将到期, 已过延续申请期限 and 已过期 those not applied
        for (an applied one is 已申请延续, `renewal_applied`); 须办理延续 all three (`expiring`)."""
        if value == "renewal_due":
            return self.expiring(today)
        if value == "renewal_applied":
            return self.renewal_applied()
        found = self.with_status(value, today)
        return found if value == PermitStatus.VALID else found.exclude(DischargePermit.renewal_applied_q())


class DischargePermit(DomainModel):
    """排污许可证: valid five years; renewal is applied for 60 days before expiry. Its execution
    reports (执行报告) are attached to it as documents."""

    scope_enterprise_field = "enterprise"
    clean_links = ("enterprise",)

    enterprise = _enterprise("discharge_permits")
    number = CodeField(_("许可证编号"), max_length=22, unique=True, help_text=rules.PERMIT_NUMBER_HELP,
                       error_messages={"unique": _("已有相同编号的排污许可证。")})
    category = models.CharField(_("管理类别"), max_length=20, choices=PermitCategory.choices)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), blank=True,
                                  help_text=_("留空则为发证日期起 5 年。"))
    renewal_applied_on = models.DateField(_("已申请延续日期"), null=True, blank=True,
                                          help_text=_("企业已向审批部门申请延续的日期；登记后不再提醒办理延续。"))
    note = models.TextField(_("说明"), blank=True)

    all_objects = models.Manager.from_queryset(DischargePermitQuerySet)()
    objects = ActiveManager.from_queryset(DischargePermitQuerySet)()

    class Meta:
        verbose_name = _("排污许可证")
        verbose_name_plural = _("排污许可证")
        ordering = ["expires_on", "number"]

    def __str__(self):
        return f"{self.enterprise.name} · {self.number}"

    # The status, one rule (enterprise_file.permit_status) as a filter and on a row.
    @staticmethod
    def status_q(status: str, today=None) -> Q:
        first, last = rules.status_bounds(status, today or timezone.localdate())
        return Q(**({"expires_on__gte": first} if first else {}), **({"expires_on__lte": last} if last else {}))

    def status_on(self, today) -> str:
        return rules.permit_status(self.expires_on, today)

    # Renewal applied for (已申请延续): a date on or after this permit's issue, so that a permit
    # renewed (issued again) is reminded of again. The one rule, as a filter and on a row.
    @staticmethod
    def renewal_applied_q() -> Q:
        from django.db.models import F

        return Q(renewal_applied_on__isnull=False, renewal_applied_on__gte=F("issued_on"))

    @property
    def renewal_applied(self) -> bool:
        return bool(self.renewal_applied_on and self.issued_on and self.renewal_applied_on >= self.issued_on)

    @property
    def status(self) -> str:
        """有效, 即将到期（N 天后需申请延续）, 已过延续申请期限（N 天后到期） or 已过期, today; and
        whether its renewal was applied for."""
        if not self.expires_on:
            return ""
        text = rules.permit_status_text(self.expires_on, timezone.localdate())
        return f"{text}（已于 {self.renewal_applied_on:%Y-%m-%d} 申请延续）" if self.renewal_applied else text

    status.fget.short_description = _("状态")

    @property
    def renewal_due_on(self) -> date | None:
        return rules.renewal_due(self.expires_on) if self.expires_on else None

    renewal_due_on.fget.short_description = _("延续申请截止日期")

    def clean(self):
        errors = {}
        if self.number:
            try:
                self.number = rules.check_permit_number(self.number)
            except ValueError as exc:
                errors["number"] = str(exc)
            else:
                if self.enterprise_id and rules.permit_holder_code(self.number) != self.enterprise.uscc:
                    errors["number"] = (f"排污许可证编号的前 18 位应为该企业的统一社会信用代码"
                                        f"（{self.enterprise.uscc}）。")
        _not_after_today(errors, "issued_on", self.issued_on, "发证日期")
        _not_after_today(errors, "renewal_applied_on", self.renewal_applied_on, "已申请延续日期")
        if self.renewal_applied_on and self.issued_on and self.renewal_applied_on < self.issued_on:
            errors["renewal_applied_on"] = "已申请延续日期不能早于发证日期。"
        if self.issued_on and not self.expires_on:
            self.expires_on = rules.default_expiry(self.issued_on)
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            errors["expires_on"] = "有效期至须晚于发证日期。"
        elif self.issued_on and self.expires_on and "issued_on" not in errors:
            refusal = self.term_refusal()
            if refusal:
                errors["expires_on"] = refusal
        _raise(errors)

    def term_refusal(self) -> str:
        """Why the permit's term is not five years from its issue (`rules.term_refusal`; "" when it
        is). A term stored and left as it is, is not judged again; a new issue date within the
        stored term is a renewal (延续), whose five years run on from the stored expiry."""
        stored = None
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values("issued_on", "expires_on").first()
        if stored and (stored["issued_on"], stored["expires_on"]) == (self.issued_on, self.expires_on):
            return ""
        renewed_from = None
        if stored and stored["issued_on"] < self.issued_on <= stored["expires_on"]:
            renewed_from = stored["expires_on"]
        return rules.term_refusal(self.issued_on, self.expires_on, renewed_from)

    def save(self, *args, **kwargs):
        if self.issued_on and not self.expires_on:
            self.expires_on = rules.default_expiry(self.issued_on)
        super().save(*args, **kwargs)


class EiaApproval(DomainModel):
    """环评批复: the authority's reply to a construction project's environmental impact assessment."""

    scope_enterprise_field = "enterprise"

    enterprise = _enterprise("eia_approvals")
    project_name = models.CharField(_("建设项目名称"), max_length=200)
    document_number = models.CharField(_("批复文号"), max_length=100, unique=True,
                                       error_messages={"unique": _("已有相同文号的环评批复。")})
    authority = models.CharField(_("审批部门"), max_length=100)
    approved_on = models.DateField(_("批复日期"))
    category = models.CharField(_("环评类别"), max_length=20, choices=EiaCategory.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("环评批复")
        verbose_name_plural = _("环评批复")
        ordering = ["-approved_on", "document_number"]

    def __str__(self):
        return f"{self.project_name}（{self.document_number}）"

    def clean(self):
        self.project_name = (self.project_name or "").strip()
        self.document_number = (self.document_number or "").strip()
        errors = {}
        _not_after_today(errors, "approved_on", self.approved_on, "批复日期")
        _raise(errors)


class CompletionAcceptance(DomainModel):
    """竣工环保验收 of a project, after its EIA approval."""

    scope_enterprise_field = "enterprise"
    clean_links = ("eia_approval",)

    enterprise = _enterprise("completion_acceptances")
    eia_approval = models.ForeignKey(EiaApproval, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="acceptances", verbose_name=_("对应环评批复"))
    accepted_on = models.DateField(_("验收日期"))
    kind = models.CharField(_("验收方式"), max_length=20, choices=AcceptanceKind.choices, default=AcceptanceKind.SELF)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("竣工环保验收")
        verbose_name_plural = _("竣工环保验收")
        ordering = ["-accepted_on", "pk"]

    def __str__(self):
        project = self.eia_approval.project_name if self.eia_approval_id else self.get_kind_display()
        return f"{project} 验收（{self.accepted_on}）"

    def clean(self):
        errors = {}
        _not_after_today(errors, "accepted_on", self.accepted_on, "验收日期")
        if self.eia_approval_id:
            approval = self.eia_approval
            if self.enterprise_id and approval.enterprise_id != self.enterprise_id:
                errors["eia_approval"] = "所选环评批复不属于该企业。"
            elif self.accepted_on and self.accepted_on < approval.approved_on:
                errors["accepted_on"] = "验收日期不能早于环评批复日期。"
        _raise(errors)


class TreatmentFacility(DomainModel):
    """治理设施: wastewater, exhaust, noise or solid-waste treatment, and whether it runs."""

    scope_enterprise_field = "enterprise"

    enterprise = _enterprise("treatment_facilities")
    name = models.CharField(_("设施名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=FacilityKind.choices)
    capacity = models.CharField(_("处理能力"), max_length=100, blank=True,
                                help_text=_("连同单位填写，如“500 吨/日”“20000 立方米/小时”。"))
    commissioned_on = models.DateField(_("投运日期"), null=True, blank=True)
    status = models.CharField(_("运行状态"), max_length=20, choices=FacilityStatus.choices,
                              default=FacilityStatus.RUNNING)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("治理设施")
        verbose_name_plural = _("治理设施")
        ordering = ["enterprise__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="unique_treatment_facility",
                                    violation_error_message="该企业已有同名治理设施。"),
        ]

    def __str__(self):
        return f"{self.enterprise.name} · {self.name}"

    def clean(self):
        self.name = (self.name or "").strip()
        errors = {}
        _not_after_today(errors, "commissioned_on", self.commissioned_on, "投运日期")
        _raise(errors)


class OnlineMonitor(DomainModel):
    """在线监测 at an outlet coded per HJ 608-2017 (DW001 water, DA001 air)."""

    scope_enterprise_field = "enterprise"

    enterprise = _enterprise("online_monitors")
    outlet_code = models.CharField(_("排放口编码"), max_length=5, help_text=rules.OUTLET_CODE_HELP)
    parameters = models.CharField(_("监测因子"), max_length=300, help_text=_("如“化学需氧量、氨氮、pH、流量”。"))
    connected = models.BooleanField(_("已联网（生态环境部门平台）"), default=False)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("在线监测")
        verbose_name_plural = _("在线监测")
        ordering = ["enterprise__name", "outlet_code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "outlet_code"], name="unique_online_monitor",
                                    violation_error_message="该企业的这一排放口已登记在线监测。"),
        ]

    def __str__(self):
        return f"{self.enterprise.name} · {self.outlet_code}"

    def clean(self):
        errors = {}
        if self.outlet_code:
            try:
                self.outlet_code = rules.check_outlet_code(self.outlet_code)
            except ValueError as exc:
                errors["outlet_code"] = str(exc)
        _not_after_today(errors, "installed_on", self.installed_on, "安装日期")
        _raise(errors)


class HazardousWasteManifest(DomainModel):
    """危险废物转移联单: one transfer of a hazardous waste to a licensed receiver."""

    scope_enterprise_field = "enterprise"

    enterprise = _enterprise("waste_manifests")
    number = CodeField(_("联单编号"), max_length=40, unique=True,
                       error_messages={"unique": _("已有相同编号的转移联单。")})
    waste_code = models.CharField(_("废物类别"), max_length=4, help_text=rules.WASTE_CODE_HELP)
    waste_name = models.CharField(_("废物名称"), max_length=100)
    quantity = models.DecimalField(_("转移量（吨）"), max_digits=12, decimal_places=3,
                                   validators=[MinValueValidator(0)])
    receiver = models.CharField(_("接收单位"), max_length=200)
    transferred_on = models.DateField(_("转移日期"))

    class Meta:
        verbose_name = _("危险废物转移联单")
        verbose_name_plural = _("危险废物转移联单")
        ordering = ["-transferred_on", "-number"]

    def __str__(self):
        return f"{self.number} {self.waste_name}"

    def clean(self):
        errors = {}
        if self.waste_code:
            try:
                self.waste_code = rules.check_waste_code(self.waste_code)
            except ValueError as exc:
                errors["waste_code"] = str(exc)
        _not_after_today(errors, "transferred_on", self.transferred_on, "转移日期")
        _raise(errors)


class EmergencyPlan(DomainModel):
    """突发环境事件应急预案, filed with the environment authority; reviewed at least every 3 years."""

    scope_enterprise_field = "enterprise"

    enterprise = _enterprise("emergency_plans")
    filing_number = models.CharField(_("备案编号"), max_length=60, unique=True,
                                     error_messages={"unique": _("已有相同备案编号的应急预案。")})
    filed_on = models.DateField(_("备案日期"))
    risk_level = models.CharField(_("环境风险等级"), max_length=20, choices=RiskLevel.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("突发环境事件应急预案")
        verbose_name_plural = _("突发环境事件应急预案")
        ordering = ["-filed_on", "filing_number"]

    def __str__(self):
        return f"{self.enterprise.name} 应急预案（{self.filing_number}）"

    @property
    def revision_due_on(self) -> date | None:
        return rules.plan_revision_due(self.filed_on) if self.filed_on else None

    revision_due_on.fget.short_description = _("修订期限")

    def clean(self):
        self.filing_number = (self.filing_number or "").strip()
        errors = {}
        _not_after_today(errors, "filed_on", self.filed_on, "备案日期")
        _raise(errors)


class EnvironmentalInspection(DomainModel):
    """执法检查 of an enterprise by the environment authority."""

    scope_enterprise_field = "enterprise"

    enterprise = _enterprise("environmental_inspections")
    inspected_on = models.DateField(_("检查日期"))
    kind = models.CharField(_("检查类型"), max_length=20, choices=InspectionKind.choices,
                            default=InspectionKind.ROUTINE)
    agency = models.CharField(_("检查单位"), max_length=100)
    result = models.CharField(_("检查结果"), max_length=20, choices=InspectionResult.choices,
                              default=InspectionResult.NO_PROBLEM)
    findings = models.TextField(_("检查情况"), blank=True)

    class Meta:
        verbose_name = _("执法检查")
        verbose_name_plural = _("执法检查")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.enterprise.name} {self.inspected_on} {self.get_kind_display()}"

    def clean(self):
        errors = {}
        _not_after_today(errors, "inspected_on", self.inspected_on, "检查日期")
        if self.result == InspectionResult.PROBLEM and not (self.findings or "").strip():
            errors["findings"] = "发现问题的检查须填写检查情况。"
        _raise(errors)


class Penalty(DomainModel):
    """行政处罚: a decision against the enterprise, perhaps after an inspection, and whether it was carried out."""

    scope_enterprise_field = "enterprise"
    clean_links = ("inspection",)

    enterprise = _enterprise("environmental_penalties")
    inspection = models.ForeignKey(EnvironmentalInspection, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="penalties", verbose_name=_("对应执法检查"))
    decision_number = models.CharField(_("处罚决定书文号"), max_length=100, unique=True,
                                       error_messages={"unique": _("已有相同文号的处罚决定。")})
    decided_on = models.DateField(_("处罚日期"))
    amount = models.DecimalField(_("罚款金额（万元）"), **WAN_YUAN)
    reason = models.TextField(_("违法事实"))
    status = models.CharField(_("履行情况"), max_length=20, choices=PenaltyStatus.choices,
                              default=PenaltyStatus.UNFULFILLED)

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on", "decision_number"]

    def __str__(self):
        return f"{self.enterprise.name}（{self.decision_number}）"

    def clean(self):
        self.decision_number = (self.decision_number or "").strip()
        errors = {}
        _not_after_today(errors, "decided_on", self.decided_on, "处罚日期")
        if self.inspection_id:
            if self.enterprise_id and self.inspection.enterprise_id != self.enterprise_id:
                errors["inspection"] = "所选执法检查不属于该企业。"
            elif self.decided_on and self.decided_on < self.inspection.inspected_on:
                errors["decided_on"] = "处罚日期不能早于执法检查日期。"
        _raise(errors)


class CreditRating(DomainModel):
    """企业环境信用评价: one rating per enterprise and year."""

    scope_enterprise_field = "enterprise"

    enterprise = _enterprise("credit_ratings")
    year = models.PositiveSmallIntegerField(_("评价年度"), validators=year_validators())
    rating = models.CharField(_("信用等级"), max_length=10, choices=CreditRatingLevel.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("环境信用评价")
        verbose_name_plural = _("环境信用评价")
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="unique_credit_rating",
                                    violation_error_message="该企业这一年度已有环境信用评价。"),
        ]

    def __str__(self):
        return f"{self.enterprise.name} {self.year} 年 {self.get_rating_display()}"


# The scheduled alerts of the environment office (环保提醒) -------------------------------------------

from django.contrib.contenttypes.models import ContentType  # noqa: E402

from .choices import AlertCondition  # noqa: E402


class EnvironmentAlert(models.Model):
    """That the environment office was told once about an object in a condition (`alerts.check`):
    a permit expiring, a measure or problem overdue, a chief behind in a period, a sample worse than
    its target. `key` tells apart a new occurrence of the same condition (a new deadline, expiry
    date or patrol period), which is told again."""

    condition = models.CharField(_("提醒类别"), max_length=20, choices=AlertCondition.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    key = models.CharField(_("条件标识"), max_length=20, blank=True)
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)
    sent_at = models.DateTimeField(_("提醒时间"), default=timezone.now)

    class Meta:
        verbose_name = _("环保提醒记录")
        verbose_name_plural = _("环保提醒记录")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "content_type", "object_id", "key"],
                                    name="unique_environment_alert",
                                    violation_error_message="该对象的这一提醒已经发出。"),
        ]

    def __str__(self):
        return f"{self.get_condition_display()} #{self.object_id}"
