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
from django.core.validators import MaxValueValidator, MinValueValidator
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
from .choices import ActivityKind, EntryKind, JobType, OrganisationKind, RedemptionState, StationKind, StationTier

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
