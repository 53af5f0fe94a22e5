from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificationKind(models.TextChoices):
    CLOUD = "cloud", _("星级上云企业")
    SMART_WORKSHOP = "smart_workshop", _("智能车间")
    SMART_FACTORY = "smart_factory", _("智能制造示范工厂/智能工厂")
    SMART_LINE = "smart_line", _("智能生产线")
    MODEL_FACTORY = "model_factory", _("样板工厂")
    SPECIALISED = "specialised", _("专精特新")


class CertificationLevel(models.TextChoices):
    THREE_STAR = "three_star", _("三星")
    FOUR_STAR = "four_star", _("四星")
    FIVE_STAR = "five_star", _("五星")
    BASIC = "basic", _("基础级")
    ADVANCED = "advanced", _("先进级")
    EXCELLENT = "excellent", _("卓越级")
    LEADING = "leading", _("领航级")
    SME = "sme", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("“小巨人”")


L = CertificationLevel
# Which levels each kind has (a kind not named has none).
LEVELS_OF_KIND = {
    CertificationKind.CLOUD: (L.THREE_STAR, L.FOUR_STAR, L.FIVE_STAR),
    CertificationKind.SMART_FACTORY: (L.BASIC, L.ADVANCED, L.EXCELLENT, L.LEADING),
    CertificationKind.SPECIALISED: (L.SME, L.LITTLE_GIANT),
}
# Kinds an enterprise holds at one level at a time: a new level ends the one held before.
ONE_LEVEL_AT_A_TIME = (CertificationKind.CLOUD, CertificationKind.SMART_FACTORY)
# Kinds that say an enterprise has completed its transformation (with a completed project).
TRANSFORMING_KINDS = (CertificationKind.SMART_WORKSHOP, CertificationKind.SMART_FACTORY, CertificationKind.SMART_LINE)


class IssuingLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TAIZHOU = "taizhou", _("泰州市级")
    PROVINCE = "province", _("省级")
    NATION = "nation", _("国家级")


class ProjectState(models.TextChoices):
    APPROVED = "approved", _("立项")
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完成（验收）")
    TERMINATED = "terminated", _("终止")


class NetworkConnection(models.TextChoices):
    NONE = "none", _("未接入")
    INDUSTRIAL_INTERNET = "industrial_internet", _("工业互联网")
    FIVE_G = "5g", _("5G")
    BOTH = "both", _("工业互联网和5G")
