from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("在营")
    HALTED = "halted", _("停产")
    RELOCATED = "relocated", _("搬迁")
    DEREGISTERED = "deregistered", _("注销")


class LandRight(models.TextChoices):
    GRANTED = "granted", _("出让")
    ALLOCATED = "allocated", _("划拨")
    LEASED = "leased", _("租赁")


class LandUse(models.TextChoices):
    """Main classes of GB/T 21010-2017 that a park's parcels fall in."""

    INDUSTRIAL = "industrial", _("工业用地")
    WAREHOUSE = "warehouse", _("仓储用地")
    COMMERCIAL = "commercial", _("商服用地")
    RESEARCH = "research", _("科研用地")
    UTILITY = "utility", _("公用设施用地")
    OTHER = "other", _("其他用地")


class TagKind(models.TextChoices):
    SRDI = "srdi", _("专精特新")
    OTHER = "other", _("其他")


class LinkStatus(models.TextChoices):
    """What a link of an industry chain needs: 补链, 强链, 延链, or nothing."""

    MISSING = "missing", _("缺失（补链）")
    WEAK = "weak", _("薄弱（强链）")
    EXTEND = "extend", _("待延伸（扩链）")
    STRONG = "strong", _("完整")
