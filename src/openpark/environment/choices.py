from django.db import models
from django.utils.translation import gettext_lazy as _


class WaterBodyKind(models.TextChoices):
    YANGTZE = "yangtze", _("长江")
    RIVER = "river", _("河流")
    CANAL = "canal", _("港河（沟渠）")
    LAKE = "lake", _("湖库")
    OTHER = "other", _("其他")


class WaterBodyLevel(models.TextChoices):
    """The river chief level a water body is managed at (河长制)."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")


class WaterClass(models.TextChoices):
    """GB 3838-2002 surface water classes (the target a water body should meet)."""

    I = "I", _("Ⅰ类")  # noqa: E741
    II = "II", _("Ⅱ类")
    III = "III", _("Ⅲ类")
    IV = "IV", _("Ⅳ类")
    V = "V", _("Ⅴ类")
