"""新就业群体: the organisations that reach delivery riders, couriers and live streamers, the
workers themselves, the "1+N" service stations, volunteer teams, activities, and the points
ledger with its reward catalogue and redemptions.

A worker's points are the entries of the ledger (`LedgerEntry`, append-only); the rules of the
ledger are the pure `openpark.community.ledger`, which `services` runs before anything is written.
"""
import re
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from openpark.core import crypto, geo
from openpark.core.fields import EncryptedCharField
from openpark.core.models import ChangeLoggedModel, DomainModel, DomainQuerySet, FrozenRecordError
from openpark.core.states import StateMachine, Transition
from openpark.enterprises.models import Enterprise

from . import standards
from . import cases
from .choices import (
    ActivityKind, CaseChannel, CaseIcon, CaseStage, CaseState, DepartmentKind, EntryKind, JobType, LocationSource,
    OrganisationKind, RedemptionState, Resolution, Satisfaction, StationKind, StationTier, Urgency,
)

VIEW_IDENTITY = "community.view_worker_identity"
MOBILE = re.compile(r"1[3-9]\d{9}")


def normalise_phone(value: str) -> str:
    """A mobile number as stored and looked up: digits only, without a leading +86 or 86."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def phone_digest(phone: str) -> str:
    """The keyed digest a worker is found by (the phone itself is stored encrypted)."""
    return crypto.lookup_digest(normalise_phone(phone)) if phone else ""


def rider_accounts():
    """The accounts a worker's record may be linked to: active ones that may see their own points
    (网格员), never a superuser, so that no officer's or administrator's account becomes a rider's."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(content_type__app_label="community", codename="view_own_points")
    holders = get_user_model()._default_manager.filter(
        Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)).values("pk")
    return get_user_model()._default_manager.filter(pk__in=holders, is_active=True, is_superuser=False)


class Organisation(DomainModel):
    """A party or union organisation, or an alliance, and the enterprises it covers."""

    name = models.CharField(_("组织名称"), max_length=100, unique=True,
                            error_messages={"unique": _("已有同名组织。")})
    kind = models.CharField(_("组织类型"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级组织"))
    covered_enterprises = models.ManyToManyField(Enterprise, blank=True, related_name="community_organisations",
                                                 verbose_name=_("覆盖企业"))
    officers = models.CharField(_("负责人"), max_length=200, blank=True, help_text=_("多人以“、”分隔。"))
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = (self.name or "").strip()
        if self.parent_id and self.pk:
            seen, parent = {self.pk}, self.parent
            while parent is not None:
                if parent.pk in seen:
                    raise ValidationError({"parent": "上级组织不能是本组织或其下级组织。"})
                seen.add(parent.pk)
                parent = parent.parent


class Station(DomainModel):
    """A station of the "1+N" service platform: the guidance centre, the industry centre, and the
    service posts (小哥驿站, 靖小蜂) where riders rest, drink and charge."""

    name = models.CharField(_("名称"), max_length=100, unique=True, error_messages={"unique": _("已有同名站点。")})
    tier = models.CharField(_("层级"), max_length=20, choices=StationTier.choices)
    kind = models.CharField(_("驿站类型"), max_length=20, choices=StationKind.choices, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="stations", verbose_name=_("主管组织"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=10, decimal_places=6)
    latitude = models.DecimalField(_("纬度"), max_digits=10, decimal_places=6)
    opens_at = models.TimeField(_("开放时间"), null=True, blank=True, help_text=_("与关闭时间都不填为 24 小时开放。"))
    closes_at = models.TimeField(_("关闭时间"), null=True, blank=True, help_text=_("早于开放时间表示次日关闭。"))
    facilities = models.JSONField(_("设施"), default=list, blank=True,
                                  help_text=_("从设施清单中选择，如饮水、充电、休息、卫生间。"))
    note = models.TextField(_("说明"), blank=True)

    recorded_texts = {"facilities": standards.facilities_text}

    class Meta:
        verbose_name = _("服务站点")
        verbose_name_plural = _("服务站点")
        ordering = ["tier", "name"]

    def __str__(self):
        return self.name

    @property
    def hours(self) -> str:
        if self.opens_at is None or self.closes_at is None or self.opens_at == self.closes_at:
            return "24 小时"
        closing = self.closes_at.strftime("%H:%M")
        return f"{self.opens_at.strftime('%H:%M')}–{'次日 ' if self.closes_at < self.opens_at else ''}{closing}"

    hours.fget.short_description = _("开放时段")

    @property
    def facility_names(self) -> str:
        return standards.facilities_text(self.facilities)

    facility_names.fget.short_description = _("设施")

    def has_facility(self, code: str) -> bool:
        return code in (self.facilities or ())

    def clean(self):
        errors = {}
        self.name = (self.name or "").strip()
        try:
            self.facilities = standards.normalise_facilities(self.facilities)
        except ValueError as exc:
            errors["facilities"] = str(exc)
        try:
            geo.check_position([self.longitude, self.latitude])
        except ValueError as exc:
            errors["longitude"] = str(exc)
        except TypeError:
            pass  # a missing coordinate is the field's own error
        if (self.opens_at is None) != (self.closes_at is None):
            errors["closes_at"] = "开放时间和关闭时间须同时填写，或都不填（24 小时开放）。"
        if self.tier == StationTier.POST and not self.kind:
            errors["kind"] = "服务驿站须选择驿站类型。"
        if self.tier != StationTier.POST and self.kind:
            errors["kind"] = "只有服务驿站有驿站类型。"
        if errors:
            raise ValidationError(errors)


def with_facility(queryset, code: str):
    """The stations of `queryset` that offer the facility `code`. The facilities are a JSON list
    of codes; its text holds the code in quotes (the same on SQLite and PostgreSQL)."""
    return queryset.filter(facilities__icontains=f'"{code}"')


def failing() -> Q:
    """The inspections not up to standard (an item of the checklist not met), as a filter: the
    database's form of `standards.inspection_result`."""
    condition = Q()
    for name in standards.CHECKLIST_FIELDS:
        condition |= Q(**{name: False})
    return condition


class StationInspection(DomainModel):
    """An inspection of a station against the standard checklist (`standards.CHECKLIST`, one
    是/否 field per item): 达标 when every item is met; otherwise the failed items must be put right
    by a deadline."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="inspections",
                                verbose_name=_("站点"))
    inspected_on = models.DateField(_("检查日期"))
    inspector = models.CharField(_("检查人"), max_length=100)
    # the checklist's fields are added below, from `standards.CHECKLIST`
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True, help_text=_("不达标时必填。"))
    note = models.TextField(_("说明"), blank=True)

    clean_links = ("station",)

    class Meta:
        verbose_name = _("驿站检查")
        verbose_name_plural = _("驿站检查")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.station} {self.inspected_on:%Y-%m-%d} 检查"

    @property
    def marks(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in standards.CHECKLIST_FIELDS}

    @property
    def result(self) -> standards.Result:
        return standards.inspection_result(self.marks)

    @property
    def result_text(self) -> str:
        return self.result.text

    result_text.fget.short_description = _("检查结果")

    @property
    def failed_items(self) -> list[str]:
        return list(self.result.failed)

    def clean(self):
        errors = {}
        self.inspector = (self.inspector or "").strip()
        today = timezone.localdate()
        if self.inspected_on is not None and self.inspected_on > today:
            errors["inspected_on"] = f"检查日期不能晚于今天（{today:%Y-%m-%d}）。"
        if self.result.passed:
            if self.rectify_by is not None:
                errors["rectify_by"] = "检查达标，不需要整改期限。"
        elif self.rectify_by is None:
            errors["rectify_by"] = f"检查不达标（{'、'.join(self.result.failed)}），须填写整改期限。"
        elif self.inspected_on is not None and self.rectify_by < self.inspected_on:
            errors["rectify_by"] = "整改期限不能早于检查日期。"
        if errors:
            raise ValidationError(errors)


for _item in standards.CHECKLIST:
    StationInspection.add_to_class(_item.field, models.BooleanField(_item.label, default=False))
del _item


class VolunteerTeam(DomainModel):
    name = models.CharField(_("队伍名称"), max_length=100, unique=True, error_messages={"unique": _("已有同名队伍。")})
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="teams", verbose_name=_("所属组织"))
    leader = models.CharField(_("队长"), max_length=50, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("志愿队伍")
        verbose_name_plural = _("志愿队伍")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Worker(DomainModel):
    """A worker of the new employment forms (新就业形态劳动者): who employs them, what they do, and
    their points. The phone and ID number are personal information: kept only with the worker's
    recorded consent, stored encrypted (the change record keeps them masked), masked for roles without
    `view_worker_identity`, never listed or searched by part; a worker is found by the exact phone
    number through its digest."""

    sensitive_fields = {"phone": VIEW_IDENTITY, "id_number": VIEW_IDENTITY}
    change_log_exclude = frozenset({"updated_at", "phone_digest", "points", "hours"})

    name = models.CharField(_("姓名"), max_length=50)
    employer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="community_workers", verbose_name=_("所属企业"))
    job_type = models.CharField(_("从业类型"), max_length=20, choices=JobType.choices)
    party_member = models.BooleanField(_("党员"), default=False)
    union_member = models.BooleanField(_("工会会员"), default=False)
    grid_worker = models.BooleanField(_("兼职网格员"), default=False)
    station = models.ForeignKey(Station, on_delete=models.SET_NULL, null=True, blank=True, related_name="workers",
                                verbose_name=_("常驻驿站"))
    teams = models.ManyToManyField(VolunteerTeam, blank=True, related_name="members", verbose_name=_("志愿队伍"))
    grid = models.ForeignKey("core.Grid", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="community_workers", verbose_name=_("所在网格"),
                             help_text=_("兼职网格员履职的网格，或人员主要活动的网格。"))
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True)
    phone_digest = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    id_number = EncryptedCharField(_("身份证号"), max_length=18, blank=True)
    consent_on = models.DateField(_("个人信息同意日期"), null=True, blank=True,
                                  help_text=_("本人同意登记手机号和身份证号的日期；未同意不得登记。"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="community_worker", verbose_name=_("平台账号"))
    points = models.IntegerField(_("积分余额"), default=0, editable=False)
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=8, decimal_places=1, default=Decimal(0), editable=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        ordering = ["name", "pk"]
        permissions = [("view_worker_identity", _("查看从业人员完整手机号和身份证号")),
                       ("view_own_points", _("查看本人积分")),
                       ("redeem_own_points", _("用本人积分兑换、撤回本人的兑换申请")),
                       ("sign_up_own", _("本人报名、取消报名活动"))]

    def __str__(self):
        return self.name

    # Where a worker is chosen (a sign-up, a redemption), namesakes are told apart by employer and
    # the phone's last four digits, which the masked number shows to everyone anyway.
    choice_related = ("employer",)

    def choice_label(self) -> str:
        employer = self.employer.name if self.employer_id else "无所属企业"
        tail = f" · 尾号{self.phone[-4:]}" if self.phone else ""
        return f"{self.name}（{employer}{tail}）"

    def clean(self):
        errors = {}
        self.name = (self.name or "").strip()
        self.phone = normalise_phone(self.phone)
        self.id_number = (self.id_number or "").strip().upper()
        if self.phone and not MOBILE.fullmatch(self.phone):
            errors["phone"] = "手机号应为 11 位数字，以 1 开头。"
        if self.id_number:
            try:
                ric.validate(self.id_number)
            except Exception:  # stdnum raises its own ValidationError subclasses
                errors["id_number"] = "身份证号无效（应为 18 位，末位校验码须正确）。"
        if (self.phone or self.id_number) and self.consent_on is None:
            errors["consent_on"] = "登记手机号或身份证号须先记录本人同意的日期。"
        elif self.consent_on is not None and self.consent_on > timezone.localdate():
            errors["consent_on"] = "本人同意的日期不能晚于今天。"
        if self.user_id and self.user_id != getattr(self, "_stored_user_id", None) \
                and not rider_accounts().filter(pk=self.user_id).exists():
            errors["user"] = "平台账号须为可查看本人积分的网格员账号。"
        if errors:
            raise ValidationError(errors)
        self.phone_digest = phone_digest(self.phone)  # for a path that writes without `save` (an import)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # the account as stored: only a new link is checked (an import, which never links one,
        # checks nothing per row)
        instance._stored_user_id = instance.__dict__.get("user_id")
        return instance

    def validate_unique(self, exclude=None):
        """One worker per phone (deleted workers included, as an import matches them by it), under
        any digest algorithm the platform has used. An import matches its rows by the phone
        instead, so it never comes here."""
        super().validate_unique(exclude=exclude)
        phone = normalise_phone(self.phone)
        if not phone or "phone" in (exclude or ()):
            return
        holders = type(self).all_objects.filter(phone_digest__in=crypto.lookup_candidates(phone)).exclude(pk=self.pk)
        deleted = holders.values_list("is_deleted", flat=True).first()
        if deleted is not None:
            raise ValidationError({"phone": "该手机号已登记为已删除的从业人员，请在已删除的人员中恢复该人员。" if deleted
                                   else "该手机号已登记为其他从业人员。"})

    def refresh_from_db(self, using=None, fields=None, **kwargs):
        super().refresh_from_db(using=using, fields=fields, **kwargs)
        if fields is None or {"user", "user_id"} & set(fields):
            self._stored_user_id = self.__dict__.get("user_id")

    def save(self, *args, **kwargs):
        self.phone_digest = phone_digest(self.phone)
        super().save(*args, **kwargs)
        self._stored_user_id = self.user_id


class Activity(DomainModel):
    """A forum, a training, a contest, a service fair: who organised it, where, and the points and
    hours each attendee earns."""

    title = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True, related_name="activities",
                                verbose_name=_("举办站点"))
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="activities", verbose_name=_("主办组织"))
    team = models.ForeignKey(VolunteerTeam, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="activities", verbose_name=_("志愿队伍"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=4, decimal_places=1, default=Decimal(0),
                                validators=[MinValueValidator(0), MaxValueValidator(24)])
    points = models.PositiveIntegerField(_("每人积分"), default=0, validators=[MaxValueValidator(1000)])
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-held_on", "title"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    GRANTED_FIELDS = ("held_on", "hours", "points")
    GRANTED_REFUSAL = "已为签到人员发放本次活动的积分，不能{action}；如有差错请冲正。"

    def has_grants(self) -> bool:
        return self.pk is not None and LedgerEntry.objects.filter(
            source__startswith=f"activity:{self.pk}:worker:").exists()

    def clean(self):
        if self.pk is None:
            return
        stored = type(self)._base_manager.filter(pk=self.pk).values(*self.GRANTED_FIELDS).first()
        changed = [name for name in self.GRANTED_FIELDS if stored and stored[name] != getattr(self, name)]
        if changed and self.has_grants():
            labels = "、".join(str(self._meta.get_field(name).verbose_name) for name in changed)
            raise ValidationError({changed[0]: self.GRANTED_REFUSAL.format(action=f"再修改{labels}")})

    def delete(self, *args, **kwargs):
        if self.has_grants():
            raise ValidationError(self.GRANTED_REFUSAL.format(action="删除"))
        return super().delete(*args, **kwargs)


class Participation(DomainModel):
    """A worker signed up for an activity, and whether they came."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participations",
                                 verbose_name=_("活动"))
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="participations",
                               verbose_name=_("从业人员"))
    attended = models.BooleanField(_("已签到"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["activity", "worker"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "worker"], name="unique_participation",
                                    violation_error_message="该人员已报名此活动。"),
        ]

    def __str__(self):
        return f"{self.worker} · {self.activity}"

    def clean(self):
        if self.pk is None or self.attended:
            return
        stored = type(self)._base_manager.filter(pk=self.pk).values("attended", "activity_id", "worker_id").first()
        if stored and stored["attended"] and LedgerEntry.objects.filter(
                worker_id=stored["worker_id"], source=activity_source(stored["activity_id"], stored["worker_id"])).exists():
            raise ValidationError({"attended": "已为该人员发放本次活动的积分和时长，不能取消签到。"})


def activity_source(activity_id: int, worker_id: int) -> str:
    """The ledger source of an attendee's grant for an activity: one grant per attendee."""
    return f"activity:{activity_id}:worker:{worker_id}"


class LedgerEntry(ChangeLoggedModel):
    """One entry of a worker's points ledger. Entries are only ever added (by
    `services.post`, which runs the ledger's rules first): a stored entry is never changed or
    deleted, and a mistake is undone by a reversal."""

    frozen_when = Q(pk__isnull=False)
    frozen_message = "积分流水只能追加，不能{action}；如有差错请冲正。"

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="ledger_entries",
                               verbose_name=_("从业人员"))
    kind = models.CharField(_("类别"), max_length=20, choices=EntryKind.choices)
    points = models.IntegerField(_("积分"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=6, decimal_places=1, default=Decimal(0))
    on = models.DateField(_("记账日期"))
    expires_on = models.DateField(_("到期日"), null=True, blank=True)
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=100)
    ref = models.CharField(_("关联来源"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        ordering = ["worker", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "source"], name="unique_ledger_source",
                                    violation_error_message="同一来源只记一笔账。"),
        ]

    def __str__(self):
        return f"{self.worker} {self.get_kind_display()} {self.points:+d}"


class Reward(DomainModel):
    """An item of the points catalogue (积分兑换), with its stock and how many one person may take."""

    name = models.CharField(_("名称"), max_length=100, unique=True, error_messages={"unique": _("已有同名兑换品。")})
    points = models.PositiveIntegerField(_("所需积分"), validators=[MinValueValidator(1), MaxValueValidator(100000)])
    stock = models.PositiveIntegerField(_("库存"), default=0, validators=[MaxValueValidator(1000000)])
    limit_per_person = models.PositiveIntegerField(_("每人限兑"), null=True, blank=True,
                                                   validators=[MinValueValidator(1), MaxValueValidator(1000)],
                                                   help_text=_("不填为不限。"))
    is_active = models.BooleanField(_("上架"), default=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("兑换品")
        verbose_name_plural = _("兑换品")
        ordering = ["points", "name"]

    def __str__(self):
        return self.name


def _redemption_step(name, label, sources, target, **options) -> Transition:
    return Transition(name, label, tuple(sources), target, "community.change_redemption", **options)


REDEEM_OWN = "community.redeem_own_points"
NOT_YOURS = "只能撤回本人的兑换申请。"


def is_own(redemption, user) -> bool:
    """Whether the redemption is the user's own (their worker record's)."""
    return bool(user is not None and user.pk and redemption.worker_id
                and Worker._base_manager.filter(pk=redemption.worker_id, user_id=user.pk).exists())


class RedemptionMachine(StateMachine):
    """The redemption's steps; 撤回 is the worker's own, so it is offered to and made by them alone."""

    def available(self, obj, user):
        return [t for t in super().available(obj, user) if t.name != "withdraw" or is_own(obj, user)]

    def check(self, obj, name, user, note="", evidence=None):
        transition = super().check(obj, name, user, note, evidence)
        if name == "withdraw" and not is_own(obj, user):
            raise PermissionDenied(NOT_YOURS)
        return transition


R = RedemptionState
REDEMPTION_MACHINE = RedemptionMachine("state", dict(RedemptionState.choices), (
    _redemption_step("approve", "批准", (R.REQUESTED,), R.APPROVED, awaited=True, done="已批准，待本人领取"),
    _redemption_step("hand_over", "确认领取", (R.APPROVED,), R.HANDED_OVER, awaited=True, done="已确认领取"),
    _redemption_step("refuse", "驳回并退回积分", (R.REQUESTED, R.APPROVED), R.REFUSED, needs_note=True,
                     perform="openpark.community.services.refuse_redemption"),
    Transition("withdraw", "撤回", (R.REQUESTED,), R.WITHDRAWN, REDEEM_OWN, done="已撤回，积分已退回",
               perform="openpark.community.services.withdraw_redemption", turns_back=True),
))


REDEMPTION_KEPT = "兑换记录不能删除；如需取消，请驳回申请，积分将退回。"


class RedemptionQuerySet(DomainQuerySet):
    def delete(self):
        raise FrozenRecordError(REDEMPTION_KEPT)

    delete.alters_data = True


class RedemptionManager(models.Manager.from_queryset(RedemptionQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class Redemption(DomainModel):
    """A worker's request to exchange points for a reward: the points are taken (and the stock
    held) when it is made; it is approved and handed over, or refused with the points returned, or
    withdrawn by the worker while still requested, with the points returned as well.
    The points it took stay in the ledger, so a redemption is never deleted, and once handed over
    or refused it is not changed either."""

    frozen_when = Q(state__in=[RedemptionState.HANDED_OVER, RedemptionState.REFUSED, RedemptionState.WITHDRAWN])
    frozen_message = "已领取、已驳回或已撤回的兑换不能{action}。"
    objects = RedemptionManager()
    all_objects = models.Manager.from_queryset(RedemptionQuerySet)()

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="redemptions",
                               verbose_name=_("从业人员"))
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions",
                               verbose_name=_("兑换品"))
    quantity = models.PositiveIntegerField(_("数量"), default=1, validators=[MinValueValidator(1),
                                                                            MaxValueValidator(100)])
    points = models.PositiveIntegerField(_("所用积分"), default=0, editable=False)
    requested_on = models.DateField(_("申请日期"), editable=False, null=True)
    state = models.CharField(_("状态"), max_length=20, choices=RedemptionState.choices, default=R.REQUESTED,
                             editable=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The one-time key of the rider's own request form: the same form sent twice redeems once.
    request_key = models.CharField(max_length=40, blank=True, editable=False)

    machine = REDEMPTION_MACHINE
    clean_links = ("worker", "reward")

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "request_key"], condition=~Q(request_key=""),
                                    name="unique_redemption_request",
                                    violation_error_message="这次兑换已提交过，未重复兑换。"),
        ]

    def __str__(self):
        return f"{self.worker} 兑换 {self.reward} × {self.quantity}"

    @property
    def source(self) -> str:
        return f"redemption:{self.pk}"

    def told_of_steps(self) -> list:
        """The worker hears of each step on their request (批准, 驳回), on their own account."""
        return list(get_user_model().objects.filter(community_worker__pk=self.worker_id, is_active=True))

    @property
    def told_url(self) -> str:
        return reverse("community:my_points")  # the worker's own page (the redemption's is the staff's)

    def clean(self):
        if self.pk is None and self.worker_id and self.reward_id and self.quantity:
            from . import services

            message = services.redemption_refusal(self.worker, self.reward, self.quantity)
            if message:
                raise ValidationError(message)
        elif self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values("worker_id", "reward_id", "quantity").first()
            if stored and (stored["worker_id"], stored["reward_id"], stored["quantity"]) != (
                    self.worker_id, self.reward_id, self.quantity):
                raise ValidationError("兑换申请提交后不能更改人员、兑换品和数量；如有差错请驳回后重新申请。")

    def save(self, *args, **kwargs):
        self.machine.guard(self)
        if self.pk is None:
            from . import services

            services.take_points(self, lambda: super(Redemption, self).save(*args, **kwargs))
            return
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenRecordError(REDEMPTION_KEPT)



# 随手拍 and grid cases -------------------------------------------------------------------------

class Department(DomainModel):
    """A body cases are dispatched to (处置部门): an office of the committee or the territorial
    government (属地) that owns what has no other owner. Its handlers are the accounts bound to it
    (`DepartmentBinding`): they see and work the cases dispatched to it."""

    scope_department_field = "pk"

    name = models.CharField(_("部门名称"), max_length=100, unique=True, error_messages={"unique": _("已有同名部门。")})
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.FUNCTIONAL)
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    grids = models.ManyToManyField("core.Grid", blank=True, related_name="territorial_departments",
                                   verbose_name=_("属地网格"),
                                   help_text=_("属地部门负责的网格：没有职能部门的问题派往问题所在网格的属地部门。"))
    is_active = models.BooleanField(_("在用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("处置部门")
        verbose_name_plural = _("处置部门")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class DepartmentBinding(ChangeLoggedModel):
    """A handler works the cases of the departments bound to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_bindings",
                             verbose_name=_("用户"))
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="user_bindings",
                                   verbose_name=_("处置部门"))

    class Meta:
        verbose_name = _("处置部门绑定")
        verbose_name_plural = _("处置部门绑定")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="unique_department_binding",
                                    violation_error_message="该用户已绑定此部门。"),
        ]

    def __str__(self):
        return f"{self.user} → {self.department}"


CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


class CaseCategory(DomainModel):
    """A kind of problem people report (问题类别): the department it goes to, the points a true report
    earns, whether it may be reported without an account, and the icon it is picked by. Its code is
    the Open311 service_code."""

    code = models.CharField(_("类别编码"), max_length=32, unique=True, error_messages={"unique": _("已有该编码的类别。")},
                            help_text=_("小写字母、数字、下划线或连字符，如 litter；Open311 的 service_code。"))
    name = models.CharField(_("类别名称"), max_length=50, unique=True, error_messages={"unique": _("已有同名类别。")})
    group = models.CharField(_("大类"), max_length=50, blank=True, help_text=_("如 市容环境、公共设施、安全隐患。"))
    icon = models.CharField(_("图标"), max_length=20, choices=CaseIcon.choices, default=CaseIcon.OTHER)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="categories", verbose_name=_("默认处置部门"))
    urgency = models.CharField(_("默认紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    points = models.PositiveIntegerField(_("核实属实积分"), default=0, validators=[MaxValueValidator(1000)])
    anonymous_allowed = models.BooleanField(_("允许匿名上报"), default=False,
                                            help_text=_("允许不登录的群众上报此类问题。"))
    is_active = models.BooleanField(_("在用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("以逗号分隔，Open311 的 keywords。"))

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip().lower()
        if self.code and not CODE.fullmatch(self.code):
            raise ValidationError({"code": "类别编码只能用小写字母、数字、下划线和连字符，以字母或数字开头，不超过 32 位。"})


class CaseTimeLimit(DomainModel):
    """A time limit of one stage of the cases of one urgency: a category's own, or the park's for
    every category (no category). Where none is set, the defaults of `cases.DEFAULT_LIMITS` apply."""

    category = models.ForeignKey(CaseCategory, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="time_limits", verbose_name=_("问题类别"),
                                 help_text=_("不填为全园区各类别通用。"))
    stage = models.CharField(_("环节"), max_length=20, choices=CaseStage.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    amount = models.IntegerField(_("时限"), validators=[MinValueValidator(1), MaxValueValidator(100000)])
    unit = models.CharField(_("单位"), max_length=20, choices=[
        (cases.WORKING_MINUTES, _("分钟（工作时间）")), (cases.NATURAL_MINUTES, _("分钟（自然时间）")),
        (cases.WORKING_DAYS, _("工作日"))])

    class Meta:
        verbose_name = _("处置时限")
        verbose_name_plural = _("处置时限")
        ordering = ["category", "stage", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["category", "stage", "urgency"], name="unique_case_time_limit",
                                    violation_error_message="该类别的这一环节和紧急程度已设时限。"),
            models.UniqueConstraint(fields=["stage", "urgency"], condition=Q(category__isnull=True),
                                    name="unique_park_case_time_limit",
                                    violation_error_message="全园区这一环节和紧急程度已设时限。"),
        ]

    def __str__(self):
        return f"{self.applies_to} · {self.get_stage_display()} · {self.get_urgency_display()}"

    @property
    def applies_to(self) -> str:
        """The category the limit is for, or 全园区 (every category)."""
        return self.category.name if self.category_id else "全园区"

    applies_to.fget.short_description = _("适用类别")

    def clean(self):
        super().clean()
        if self.unit == cases.WORKING_DAYS and self.amount and self.amount > 365:
            raise ValidationError({"amount": "以工作日计的时限不能超过 365 个工作日。"})


CASE_STEPS = {
    "verify": ("verify_case", "核实随手拍案件"), "register": ("register_case", "立案随手拍案件"),
    "dispatch": ("dispatch_case", "派遣随手拍案件"), "handle": ("handle_case", "处置随手拍案件"),
    "recheck": ("recheck_case", "核查随手拍案件"), "close": ("close_case", "结案随手拍案件"),
    "report": ("report_case", "上报、撤回和评价本人的随手拍"),
}
REPORT_OWN = "community.report_case"
CASE_SERVICES = "openpark.community.casework"
CASE_FORMS = "openpark.community.forms"
STAGE_LIMIT = f"{CASE_SERVICES}.stage_deadline"


def _case_step(name, label, sources, target, step, **options) -> Transition:
    return Transition(name, label, tuple(sources), target, f"community.{CASE_STEPS[step][0]}", **options)


def is_reporter(case, user) -> bool:
    return bool(user is not None and user.pk and case.reporter_id == user.pk)


def _pending_extension(case) -> str:
    return "" if case.extension_days else "没有待审批的延期申请。"


def _no_pending_extension(case) -> str:
    return "已有待审批的延期申请。" if case.extension_days else ""


class CaseMachine(StateMachine):
    """The case's steps. 撤回 and 评价 are the reporter's own; 核查 is made by someone other than
    whoever handled the case (反馈)."""

    OWN = frozenset({"withdraw", "evaluate"})
    RECHECK = frozenset({"recheck_pass", "recheck_fail"})

    def refusal_for(self, obj, name, user) -> str:
        if user is None:  # the system, or a reporter proven by the case's tracking key
            return ""
        if name in self.OWN and not is_reporter(obj, user):
            return "只有上报人本人可以撤回或评价。"
        if name in self.RECHECK and obj.handled_by_id and obj.handled_by_id == user.pk:
            return "核查须由处置人以外的人员进行。"
        return ""

    def available(self, obj, user):
        return [t for t in super().available(obj, user) if not self.refusal_for(obj, t.name, user)]

    def check(self, obj, name, user, note="", evidence=None):
        transition = super().check(obj, name, user, note, evidence)
        refusal = self.refusal_for(obj, name, user)
        if refusal:
            raise PermissionDenied(refusal)
        return transition


CASE_KEPT = "随手拍案件不能删除；不属实的标记为不属实，重复的标记为重复上报，上报人可在派遣前撤回。"

C = CaseState
CASE_MACHINE = CaseMachine("state", dict(CaseState.choices), (
    _case_step("verify", "核实属实", (C.REPORTED,), C.VERIFIED, "verify", awaited=True, deadline_for=STAGE_LIMIT,
               deadline_label="立案", perform=f"{CASE_SERVICES}.verify", done="已核实属实"),
    _case_step("reject", "不属实", (C.REPORTED,), C.INVALID, "verify", needs_note=True, turns_back=True,
               done="已核实不属实，不予立案"),
    _case_step("mark_duplicate", "重复上报", (C.REPORTED, C.VERIFIED, C.REGISTERED), C.DUPLICATE, "verify",
               form=f"{CASE_FORMS}.DuplicateForm", perform=f"{CASE_SERVICES}.mark_duplicate", turns_back=True,
               done="已标记为重复上报"),
    _case_step("register", "立案", (C.VERIFIED,), C.REGISTERED, "register", awaited=True, deadline_for=STAGE_LIMIT,
               deadline_label="派遣"),
    _case_step("dispatch", "派遣", (C.REGISTERED,), C.DISPATCHED, "dispatch", awaited=True, deadline_for=STAGE_LIMIT,
               deadline_label="签收", form=f"{CASE_FORMS}.DispatchForm", perform=f"{CASE_SERVICES}.dispatch"),
    _case_step("accept", "签收", (C.DISPATCHED,), C.HANDLING, "handle", awaited=True, deadline_for=STAGE_LIMIT,
               deadline_label="处置", perform=f"{CASE_SERVICES}.accept", done="已签收，开始处置"),
    _case_step("send_back", "退回", (C.DISPATCHED, C.HANDLING), C.REGISTERED, "handle", needs_note=True,
               deadline_for=STAGE_LIMIT, deadline_label="派遣", perform=f"{CASE_SERVICES}.send_back", done="已退回，待重新派遣"),
    _case_step("request_extension", "申请延期", (C.HANDLING,), C.HANDLING, "handle", needs_note=True,
               form=f"{CASE_FORMS}.ExtensionForm", perform=f"{CASE_SERVICES}.request_extension",
               condition=f"{__name__}._no_pending_extension", done="已申请延期，待审批"),
    _case_step("approve_extension", "批准延期", (C.HANDLING,), C.HANDLING, "dispatch", awaited=True,
               condition=f"{__name__}._pending_extension", perform=f"{CASE_SERVICES}.approve_extension",
               done="已批准延期"),
    _case_step("refuse_extension", "不批准延期", (C.HANDLING,), C.HANDLING, "dispatch", needs_note=True,
               condition=f"{__name__}._pending_extension", perform=f"{CASE_SERVICES}.refuse_extension",
               done="已不批准延期"),
    _case_step("reply", "反馈处置结果", (C.HANDLING,), C.REPLIED, "handle", needs_note=True, needs_evidence=True,
               awaited=True, deadline_for=STAGE_LIMIT, deadline_label="核查", perform=f"{CASE_SERVICES}.reply", done="已反馈，待核查"),
    _case_step("recheck_pass", "核查通过", (C.REPLIED,), C.CHECKED, "recheck", awaited=True, deadline_for=STAGE_LIMIT,
               deadline_label="结案", done="核查通过，待结案"),
    _case_step("recheck_fail", "核查未通过（返工）", (C.REPLIED,), C.HANDLING, "recheck", needs_note=True,
               deadline_for=STAGE_LIMIT, deadline_label="处置", perform=f"{CASE_SERVICES}.rework", turns_back=True, done="已退回返工"),
    _case_step("park", "挂账", (C.DISPATCHED, C.HANDLING), C.PARKED, "dispatch", needs_note=True,
               done="已挂账"),
    _case_step("unpark", "恢复办理", (C.PARKED,), C.HANDLING, "dispatch", deadline_for=STAGE_LIMIT,
               deadline_label="处置", done="已恢复办理"),
    _case_step("close", "结案", (C.CHECKED, C.PARKED), C.CLOSED, "close", awaited=True,
               form=f"{CASE_FORMS}.CloseForm", perform=f"{CASE_SERVICES}.close", done="已结案"),
    _case_step("evaluate", "评价", (C.CLOSED,), C.EVALUATED, "report", form=f"{CASE_FORMS}.EvaluateForm",
               perform=f"{CASE_SERVICES}.evaluate", done="已评价，谢谢"),
    _case_step("withdraw", "撤回", tuple(cases.WITHDRAWABLE_STATES), C.WITHDRAWN, "report", turns_back=True,
               perform=f"{CASE_SERVICES}.withdraw", condition=f"{CASE_SERVICES}.withdrawal_refusal",
               done="已撤回"),
), records={"submit": "上报"})


class Case(DomainModel):
    """A problem reported by a rider, a resident or a grid worker (随手拍), and its way through the
    grid workflow until it is closed, fixed or not, and evaluated. Grid workers see the cases of
    their grids, a department's handlers those dispatched to it; reporters follow their own on
    their own page (or, without an account, by the case's tracking key)."""

    scope_grid_field = "grid"
    scope_department_field = "department"
    # Who reported the case, by any of the fields that tell it: masked in the change record, and no
    # filter by them narrows anything, for a role that may not know it.
    sensitive_fields = dict.fromkeys(("reporter", "reporter_worker", "reporter_name", "reporter_phone",
                                      "reporter_email"), "community.view_reporter_identity")
    change_log_exclude = frozenset({"updated_at", "track_digest"})
    clean_links = ("category",)
    frozen_when = Q(state__in=[*cases.DONE_STATES, *cases.ENDED_STATES])
    frozen_message = "已结案、已撤回或不予立案的案件不能{action}。"

    number = models.CharField(_("案件编号"), max_length=20, unique=True, editable=False)
    category = models.ForeignKey(CaseCategory, on_delete=models.PROTECT, related_name="cases",
                                 verbose_name=_("问题类别"))
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("问题描述"), max_length=1000, blank=True)
    # A photo's address an Open311 client gave with the report: kept and passed on, never fetched.
    media_url = models.URLField(_("照片链接"), max_length=500, blank=True, editable=False,
                                validators=[URLValidator(schemes=["http", "https"])])
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_source = models.CharField(_("位置来源"), max_length=10, choices=LocationSource.choices, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey("core.Grid", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases",
                             verbose_name=_("所在网格"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name=_("处置部门"))
    channel = models.CharField(_("来源渠道"), max_length=10, choices=CaseChannel.choices, default=CaseChannel.PHONE)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="reported_cases", verbose_name=_("上报账号"))
    reporter_worker = models.ForeignKey(Worker, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="reported_cases", verbose_name=_("上报人员"))
    reporter_name = models.CharField(_("上报人姓名"), max_length=50, blank=True)
    reporter_phone = EncryptedCharField(_("上报人电话"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("上报人邮箱"), blank=True)
    anonymous = models.BooleanField(_("匿名上报"), default=False)
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now, editable=False)
    state = models.CharField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.REPORTED,
                             editable=False)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="duplicates", verbose_name=_("重复于"), editable=False)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="handled_cases", verbose_name=_("处置人"), editable=False)
    resolution = models.CharField(_("结案结果"), max_length=10, choices=Resolution.choices, blank=True, editable=False)
    resolution_note = models.CharField(_("结案说明"), max_length=500, blank=True, editable=False)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True, editable=False)
    satisfaction = models.CharField(_("评价"), max_length=15, choices=Satisfaction.choices, blank=True, editable=False)
    evaluation_note = models.CharField(_("评价说明"), max_length=500, blank=True, editable=False)
    returns = models.PositiveSmallIntegerField(_("退回次数"), default=0, editable=False)
    reworks = models.PositiveSmallIntegerField(_("返工次数"), default=0, editable=False)
    extensions = models.PositiveSmallIntegerField(_("延期次数"), default=0, editable=False)
    extension_days = models.PositiveSmallIntegerField(_("申请延期（工作日）"), default=0, editable=False)
    # The key an account-less reporter follows the case by (kept as a digest), the Open311 token a
    # client asked for, the client that filed it, and the one-time key of the phone form.
    track_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    open311_token = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    open311_client = models.ForeignKey("Open311Key", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="cases", verbose_name=_("接口客户端"), editable=False)
    request_key = models.CharField(max_length=40, blank=True, editable=False)

    machine = CASE_MACHINE

    class Meta:
        verbose_name = _("随手拍案件")
        verbose_name_plural = _("随手拍案件")
        ordering = ["-reported_at", "-pk"]
        permissions = [*sorted({(code, label) for code, label in CASE_STEPS.values()}),
                       ("view_reporter_identity", _("查看随手拍上报人姓名和联系方式"))]
        indexes = [models.Index(fields=["state", "reported_at"]), models.Index(fields=["category", "reported_at"])]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "request_key"], condition=~Q(request_key=""),
                                    name="unique_case_request",
                                    violation_error_message="这次上报已提交过，未重复上报。"),
        ]

    def __str__(self):
        return f"{self.number} {self.category.name}" if self.category_id else self.number

    @property
    def is_open(self) -> bool:
        return self.state in cases.OPEN_STATES

    # Overdue: a stage's time limit passed while the case still waits in it (a parked case has no
    # running limit). The one rule, as a filter (queues, statistics, the 逾期 filter) and on a row.
    @staticmethod
    def overdue_q(today=None) -> Q:
        from openpark.core import deadlines

        return Q(state__in=list(cases.STAGE_OF_STATE)) & Q(deadlines.held_by_rows(Case, deadlines.overdue_q(today)))

    @staticmethod
    def late_q() -> Q:
        """Cases a stage of which was done after its limit, or still waits past it: the cases not
        counted in 按期结案率 (`case_stats.deadline_met` is the same rule, on rows read once)."""
        from django.db.models import F

        from openpark.core import deadlines

        met_late = Q(met_at__isnull=False) & (Q(due_at__isnull=False, met_at__gt=F("due_at"))
                                              | Q(due_at__isnull=True, met_at__date__gt=F("due_on")))
        return Q(deadlines.held_by_rows(Case, met_late | deadlines.overdue_q()))

    @property
    def overdue(self) -> bool:
        known = self.__dict__.get("overdue_now")  # as a list page found it for its rows, by this rule
        if known is not None:
            return known
        return self.pk is not None and type(self).all_objects.filter(pk=self.pk).filter(self.overdue_q()).exists()

    overdue.fget.short_description = _("逾期")

    def told_of_steps(self) -> list:
        """The reporter hears of each step on their case, on their own account."""
        return [self.reporter] if self.reporter_id and self.reporter.is_active else []

    @property
    def told_url(self) -> str:
        return reverse("community:my_case", args=[self.pk])

    @staticmethod
    def note_for_watchers(transition: str, note: str) -> str:
        """The reporter hears the notes written for them, not the staff's own (`cases.NOTES_FOR_REPORTER`)."""
        return cases.note_for_reporter(transition, note)

    def clean(self):
        errors = {}
        self.description = (self.description or "").strip()
        limit = self._meta.get_field("description").max_length
        if len(self.description) > limit:
            errors["description"] = f"问题描述不能超过 {limit} 字（现有 {len(self.description)} 字）。"
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "经度和纬度须同时填写。"
        elif self.latitude is not None:
            try:
                geo.check_position([self.longitude, self.latitude])
            except ValueError as exc:
                errors["longitude"] = str(exc)
        if self.latitude is None and not (self.address or "").strip():
            errors["address"] = "请在地图上选点、允许手机定位或填写地址。"
        if self.category_id and self.pk is None and not self.category.is_active:
            errors["category"] = "该问题类别已停用。"
        if errors:
            raise ValidationError(errors)

    def refuse_if_frozen(self, action: str) -> None:
        """A closed case takes one more step, its reporter's evaluation; nothing else changes it."""
        if getattr(self, "_state_transition", None) == "evaluate":
            return
        super().refuse_if_frozen(action)

    def delete(self, *args, **kwargs):
        """A report is answered, never made to disappear: its pages offer no 删除, nor does the API."""
        raise FrozenRecordError(CASE_KEPT)

    def save(self, *args, **kwargs):
        self.machine.guard(self)
        if self.pk is None and not self.number:
            from . import casework

            casework.save_new(self, lambda: super(Case, self).save(*args, **kwargs))
            return
        super().save(*args, **kwargs)


class Open311Key(DomainModel):
    """A key an Open311 client files cases with (api_key). Only its digest is kept; the key is shown
    once, when it is issued."""

    name = models.CharField(_("客户端名称"), max_length=100)
    prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("签发人"), editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    change_log_exclude = frozenset({"updated_at", "digest", "last_used_at"})

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"
