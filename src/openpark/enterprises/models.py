"""一企一档: the enterprise record, its zones, land, contacts and tags, and the industry chains
(产业链) with their links (环节), which every app reads: an enterprise is a member of a chain,
optionally at one of its links."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openpark.core.columns import display_value
from openpark.core import geo
from openpark.core.fields import CodeField, USCCField
from openpark.core.limits import year_validators
from openpark.core.models import ActiveManager, ChangeLoggedModel, DomainModel, DomainQuerySet

from .choices import EnterpriseStatus, LandRight, LandUse, LinkStatus, TagKind
from .industry import normalise_industry_code

AREA = {"max_digits": 14, "decimal_places": 4}
COORDINATE = {"max_digits": 10, "decimal_places": 6, "null": True, "blank": True}


def _clean_boundary(instance, field="boundary", point_allowed=False):
    value = getattr(instance, field)
    if not value:
        return
    try:
        normalised = geo.normalise_geometry(value) if point_allowed else geo.normalise_polygon(value)
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from exc
    setattr(instance, field, normalised)


class Industry(models.Model):
    """GB/T 4754-2017 国民经济行业分类: sections (A–T), divisions, groups and classes."""

    code = models.CharField(_("行业代码"), max_length=5, primary_key=True)
    level = models.PositiveSmallIntegerField(_("层级"))
    name = models.CharField(_("行业名称"), max_length=100)
    section = models.CharField(_("门类"), max_length=1, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("上级"),
    )

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def display_code(self) -> str:
        """Codes below the section are shown with the section letter, as "C3670"."""
        return self.code if self.level == 1 else f"{self.section}{self.code}"


class BoundedArea(DomainModel):
    """An area of the park drawn on the map: a zone or a park within the park."""

    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        _clean_boundary(self)


class Zone(BoundedArea):
    """A zone of the park (工业集中区, 经济区 …)."""

    name = models.CharField(_("片区名称"), max_length=100, unique=True)

    class Meta(BoundedArea.Meta):
        verbose_name = _("片区")
        verbose_name_plural = _("片区")


class SubPark(BoundedArea):
    """A park within the park (园中园)."""

    name = models.CharField(_("园中园名称"), max_length=100, unique=True)
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="subparks",
        verbose_name=_("所在片区"),
    )

    class Meta(BoundedArea.Meta):
        verbose_name = _("园中园")
        verbose_name_plural = _("园中园")


class Tag(DomainModel):
    """A label on enterprises: 专精特新, 绿色工厂 and so on (industry chains are `Chain`s)."""

    name = models.CharField(_("标签"), max_length=50, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=TagKind.choices, default=TagKind.OTHER)

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class EnterpriseQuerySet(DomainQuerySet):
    def above_scale_in(self, year: int):
        return self.filter(above_scale_years__year=year)

    def high_tech_in(self, year: int):
        """Enterprises holding a high-tech certificate valid in `year` (see HighTechCertificate)."""
        return self.filter(
            high_tech_certificates__issued_on__year__gte=year - HighTechCertificate.VALID_YEARS + 1,
            high_tech_certificates__issued_on__year__lte=year,
        ).distinct()


class Enterprise(DomainModel):
    """An enterprise of the park, identified by its 统一社会信用代码: names change, the code does not."""

    scope_enterprise_field = "pk"
    clean_links = ("subpark",)
    # Which chains an enterprise is in is 招商's planning: roles without the memberships see no
    # chain on its page, in its API record, among its filters or in its sheet.
    restricted_fields = {"chains": "enterprises.view_chainmembership"}

    uscc = USCCField(_("统一社会信用代码"), unique=True)
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    registered_on = models.DateField(_("成立日期"), null=True, blank=True)
    status = models.CharField(
        _("经营状态"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING,
        db_index=True,
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises",
        verbose_name=_("国民经济行业"),
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises",
        verbose_name=_("所在片区"),
    )
    subpark = models.ForeignKey(
        SubPark, on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises",
        verbose_name=_("所在园中园"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    longitude = models.DecimalField(_("经度"), **COORDINATE)
    latitude = models.DecimalField(_("纬度"), **COORDINATE)
    production_started_on = models.DateField(_("投产日期"), null=True, blank=True)
    linked_leader = models.CharField(_("挂钩领导"), max_length=50, blank=True)
    linked_department = models.CharField(_("挂钩部门"), max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="enterprises", verbose_name=_("标签"))
    chains = models.ManyToManyField("Chain", through="ChainMembership", blank=True, related_name="enterprises",
                                    verbose_name=_("产业链"))

    objects = ActiveManager.from_queryset(EnterpriseQuerySet)()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.name = (self.name or "").strip()
        if (self.longitude is None) != (self.latitude is None):
            raise ValidationError("经度和纬度须同时填写或同时留空。")
        if self.longitude is not None:
            try:
                geo.check_position([self.longitude, self.latitude])
            except ValueError as exc:
                raise ValidationError({"longitude": str(exc)}) from exc
        if self.subpark_id and self.zone_id and self.subpark.zone_id not in (None, self.zone_id):
            raise ValidationError({"subpark": "园中园不在所选片区内。"})

    def save(self, *args, **kwargs):
        """A renamed enterprise keeps its old name as a former name, used until today."""
        old_name = (getattr(self, "_loaded_values", None) or {}).get("name")
        super().save(*args, **kwargs)
        if old_name and old_name != self.name:
            FormerName.objects.create(enterprise=self, name=old_name, used_until=timezone.localdate())

    def is_above_scale(self, year: int) -> bool:
        return self.above_scale_years.filter(year=year).exists()

    def is_high_tech(self, year: int) -> bool:
        return any(c.valid_in(year) for c in self.high_tech_certificates.all())


class Chain(DomainModel):
    """An industry chain (产业链) of the park, with its 链长."""

    name = models.CharField(_("产业链"), max_length=50, unique=True)
    leader = models.CharField(_("链长"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ChainLink(DomainModel):
    """A link of a chain (环节), ordered upstream to downstream."""

    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="links", verbose_name=_("产业链"))
    name = models.CharField(_("环节"), max_length=50)
    order = models.PositiveSmallIntegerField(_("上下游顺序"), default=0, help_text=_("从上游到下游递增"))
    status = models.CharField(_("状态"), max_length=10, choices=LinkStatus.choices, default=LinkStatus.WEAK)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["chain__order", "chain__name", "order"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "name"], name="unique_link_name_per_chain",
                                    violation_error_message="该产业链已有同名环节。"),
        ]

    def __str__(self):
        return f"{self.chain.name} · {self.name}"


class ChainMembership(ChangeLoggedModel):
    """An enterprise is in a chain, at one of its links or at none yet (未分环节). An enterprise may
    sit at several links of a chain, once at each; without a link it is in the chain once, and then
    at no link of it."""

    scope_enterprise_field = "enterprise"
    UNPLACED = "未分环节"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="chain_memberships",
                                   verbose_name=_("企业"))
    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("产业链"))
    link = models.ForeignKey(ChainLink, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships",
                             verbose_name=_("环节"), help_text=_("不选为未分环节"))

    class Meta:
        verbose_name = _("产业链企业")
        verbose_name_plural = _("产业链企业")
        ordering = ["chain__order", "chain__name", "link__order", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "chain"], condition=models.Q(link__isnull=True),
                                    name="unique_unplaced_chain_member",
                                    violation_error_message="该企业已在这条产业链中（未分环节）。"),
            models.UniqueConstraint(fields=["enterprise", "link"], condition=models.Q(link__isnull=False),
                                    name="unique_link_member", violation_error_message="该企业已在这个环节中。"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.link or f'{self.chain.name} · {self.UNPLACED}'}"

    def clean(self):
        super().clean()
        if self.link_id and self.chain_id and self.link.chain_id != self.chain_id:
            raise ValidationError({"link": "所选环节不属于所选产业链。"})
        self._clean_placed_and_unplaced()

    def _clean_placed_and_unplaced(self):
        """An enterprise is in a chain either 未分环节 or at its links, never both, so that the
        chain's count and its links' counts agree."""
        if not (self.enterprise_id and self.chain_id):
            return
        others = ChainMembership.objects.filter(enterprise_id=self.enterprise_id, chain_id=self.chain_id).exclude(
            pk=self.pk)
        if self.link_id is None and others.filter(link__isnull=False).exists():
            raise ValidationError({"link": "该企业已在这条产业链的环节中，不能再列为未分环节。"})
        if self.link_id is not None and others.filter(link__isnull=True).exists():
            raise ValidationError({"link": "该企业在这条产业链中为未分环节：请修改那条记录的环节，而不是另加一条。"})


class FormerName(ChangeLoggedModel):
    """A name the enterprise was known by, and when."""

    scope_enterprise_field = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="former_names", verbose_name=_("企业")
    )
    name = models.CharField(_("曾用名"), max_length=200)
    used_from = models.DateField(_("启用日期"), null=True, blank=True)
    used_until = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("曾用名")
        verbose_name_plural = _("曾用名")
        ordering = ["-used_until", "name"]

    def __str__(self):
        return self.name


class AboveScaleYear(ChangeLoggedModel):
    """The enterprise was 规模以上 (规上) in this year."""

    scope_enterprise_field = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="above_scale_years", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年份"), validators=year_validators())

    class Meta:
        verbose_name = _("规上年份")
        verbose_name_plural = _("规上年份")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="unique_above_scale_year",
                                    violation_error_message="该企业这一年已登记为规上。"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year}年规上"


class HighTechCertificate(ChangeLoggedModel):
    """高新技术企业证书. Valid for three years: issued in Y, the enterprise is high-tech in Y, Y+1, Y+2."""

    scope_enterprise_field = "enterprise"

    VALID_YEARS = 3

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="high_tech_certificates", verbose_name=_("企业")
    )
    number = CodeField(_("高新技术企业证书编号"), max_length=40, unique=True)
    issued_on = models.DateField(_("发证日期"))

    class Meta:
        verbose_name = _("高新技术企业证书")
        verbose_name_plural = _("高新技术企业证书")
        ordering = ["-issued_on"]

    def __str__(self):
        return self.number

    def valid_in(self, year: int) -> bool:
        return self.issued_on.year <= year < self.issued_on.year + self.VALID_YEARS


class Contact(ChangeLoggedModel):
    """A contact person of the enterprise; the phone is shown masked to roles without
    the permission `enterprises.view_contact_phone`."""

    scope_enterprise_field = "enterprise"
    sensitive_fields = {"phone": "enterprises.view_contact_phone"}

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("企业")
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["pk"]
        permissions = [("view_contact_phone", _("查看联系人完整电话"))]

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class LandParcel(DomainModel):
    """A land parcel with its certificate: who holds it, and which enterprises use how much of it."""

    scope_enterprise_field = "holder"

    certificate_no = CodeField(_("不动产权证号"), max_length=60, unique=True)
    area_mu = models.DecimalField(_("面积（亩）"), **AREA, validators=[MinValueValidator(0)])
    land_use = models.CharField(_("土地用途"), max_length=16, choices=LandUse.choices, default=LandUse.INDUSTRIAL)
    right_type = models.CharField(_("权利类型"), max_length=16, choices=LandRight.choices, default=LandRight.GRANTED)
    holder = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="held_parcels",
        verbose_name=_("权利人（园区企业）"),
    )
    holder_name = models.CharField(
        _("权利人名称"), max_length=200, blank=True, help_text=_("权利人不是园区企业时填写，如平台公司。")
    )
    acquired_on = models.DateField(_("取得日期"), null=True, blank=True)
    released_on = models.DateField(_("注销或收回日期"), null=True, blank=True)
    address = models.CharField(_("坐落"), max_length=200, blank=True)
    geometry = models.JSONField(_("图形（GeoJSON）"), null=True, blank=True)

    class Meta:
        verbose_name = _("地块")
        verbose_name_plural = _("地块")
        ordering = ["certificate_no"]

    def __str__(self):
        return self.certificate_no

    def clean(self):
        super().clean()
        _clean_boundary(self, "geometry", point_allowed=True)
        if self.holder_id is None and not self.holder_name.strip():
            raise ValidationError({"holder": "请选择权利人企业，或填写权利人名称。"})
        if self.released_on and self.acquired_on and self.released_on < self.acquired_on:
            raise ValidationError({"released_on": "注销或收回日期不能早于取得日期。"})

    @property
    def landholder(self) -> str:
        return self.holder.name if self.holder_id else self.holder_name


class ParcelUse(ChangeLoggedModel):
    """An enterprise using part of a parcel it does not hold (a lease), with the area it uses."""

    scope_enterprise_field = "enterprise"
    clean_links = ("parcel",)

    parcel = models.ForeignKey(LandParcel, on_delete=models.CASCADE, related_name="uses", verbose_name=_("地块"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="parcel_uses", verbose_name=_("使用企业")
    )
    area_mu = models.DecimalField(_("使用面积（亩）"), **AREA, validators=[MinValueValidator(0)])
    started_on = models.DateField(_("起租日期"), null=True, blank=True)
    ended_on = models.DateField(_("止租日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("地块使用")
        verbose_name_plural = _("地块使用")
        ordering = ["parcel", "enterprise"]

    def __str__(self):
        return f"{self.enterprise} 使用 {self.parcel} {display_value(self.area_mu)} 亩"

    def clean(self):
        super().clean()
        if self.parcel_id and self.enterprise_id and self.parcel.holder_id == self.enterprise_id:
            raise ValidationError({"enterprise": "权利人使用自有地块无需登记为租用。"})
        if self.parcel_id and self.area_mu is not None and self.area_mu > self.parcel.area_mu:
            raise ValidationError({"area_mu": f"使用面积不能超过地块面积 {self.parcel.area_mu} 亩。"})
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "止租日期不能早于起租日期。"})


def industry_labels(codes) -> dict[str, str]:
    """Industries by code as the pages name them (an `Industry`'s own label, "3514 …制造"), read
    in one query; a code the table does not hold is named by itself."""
    codes = {code for code in codes if code}
    found = {industry.code: str(industry) for industry in Industry.objects.filter(code__in=codes)}
    return {code: found.get(code, code) for code in codes}


def industry_for(value) -> Industry | None:
    """The industry of a code as people type it ("C3670", "3670", "c 3670"); None for anything
    that cannot be a GB/T 4754 code (which also keeps NUL characters away from PostgreSQL).
    ValueError (with the message to show) for a section letter that is not the code's ("Z3670")."""
    code = normalise_industry_code(value)
    if not (code.isascii() and code.isalnum() and len(code) <= Industry._meta.pk.max_length):
        return None
    return Industry.objects.filter(pk=code).first()


class EnterpriseBinding(ChangeLoggedModel):
    """An enterprise user may see the records of the enterprises bound to them (the enterprise
    scope). The table keeps the name it had when core held the model, so that upgrading an
    installation moves no data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_bindings",
        verbose_name=_("用户"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="user_bindings", verbose_name=_("企业"),
    )

    class Meta:
        db_table = "core_enterprisebinding"
        verbose_name = _("企业账号绑定")
        verbose_name_plural = _("企业账号绑定")
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="unique_enterprise_binding",
                                    violation_error_message="该用户已绑定此企业。")
        ]

    def __str__(self):
        return f"{self.user} → {self.enterprise}"


class ServiceContract(DomainModel):
    """A contract under which a third party serves the park's enterprises (a 环保管家 company, say):
    the accounts bound to it see the enterprises it covers, and their records, while it runs."""

    number = models.CharField(_("合同编号"), max_length=50, unique=True)
    contractor = models.CharField(_("服务单位"), max_length=200)
    service = models.CharField(_("服务内容"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    enterprises = models.ManyToManyField(
        Enterprise, blank=True, related_name="service_contracts", verbose_name=_("覆盖企业"),
    )

    class Meta:
        verbose_name = _("服务合同")
        verbose_name_plural = _("服务合同")
        ordering = ["-starts_on", "number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start",
                                   violation_error_message="结束日期不能早于开始日期。"),
        ]

    def __str__(self):
        return f"{self.contractor} · {self.service}（{self.number}）"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})

    def covered_enterprises(self) -> str:
        return "、".join(enterprise.name for enterprise in self.enterprises.all())

    covered_enterprises.short_description = _("覆盖企业")


class ContractBinding(ChangeLoggedModel):
    """An account of a contracted third party, bound to its contract (the contract scope)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contract_bindings",
        verbose_name=_("用户"),
    )
    contract = models.ForeignKey(
        ServiceContract, on_delete=models.CASCADE, related_name="user_bindings", verbose_name=_("服务合同"),
    )

    class Meta:
        verbose_name = _("服务合同账号绑定")
        verbose_name_plural = _("服务合同账号绑定")
        constraints = [
            models.UniqueConstraint(fields=["user", "contract"], name="unique_contract_binding",
                                    violation_error_message="该用户已绑定此服务合同。")
        ]

    def __str__(self):
        return f"{self.user} → {self.contract}"
