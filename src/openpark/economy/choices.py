from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("月度")
    QUARTERLY = "quarterly", _("季度")
    ANNUAL = "annual", _("年度")


class Source(models.TextChoices):
    MANUAL = "manual", _("手工填报")
    FEED = "feed", _("数据接口")


class Reporters(models.TextChoices):
    """Which enterprises are expected to report an indicator (the coverage's denominator)."""

    ABOVE_SCALE = "above_scale", _("当年规上企业")
    ALL = "all", _("全部企业")


class GrowthBasis(models.TextChoices):
    """How growth on the same period of the previous year is computed."""

    SAME_ENTERPRISES = "same", _("同口径（两年都有数据的企业）")
    OWN_SETS = "own", _("各年自身范围")


class ScopeKind(models.TextChoices):
    """Which enterprises a park figure sums over."""

    ALL = "all", _("全部企业")
    ABOVE_SCALE = "above_scale", _("当年规上企业")
    ZONE = "zone", _("片区")
    CHAIN = "chain", _("产业链")
    INDUSTRY = "industry", _("行业")
