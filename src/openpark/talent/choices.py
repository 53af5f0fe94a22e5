from django.db import models
from django.utils.translation import gettext_lazy as _


class Education(models.TextChoices):
    ANY = "any", _("不限")
    JUNIOR = "junior", _("初中及以上")
    SECONDARY = "secondary", _("高中/中专/技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士及以上")


class PostingStatus(models.TextChoices):
    OPEN = "open", _("招聘中")
    CLOSED = "closed", _("已结束")


class PartnershipKind(models.TextChoices):
    ORDER_CLASS = "order_class", _("订单班")
    TRAINING_BASE = "training_base", _("实习实训基地")
    JOINT_MAJOR = "joint_major", _("共建专业")
    APPRENTICESHIP = "apprenticeship", _("现代学徒制")
    INDUSTRY_COLLEGE = "industry_college", _("产业学院")
    OTHER = "other", _("其他")


class FairKind(models.TextChoices):
    ONSITE = "onsite", _("线下")
    ONLINE = "online", _("线上")
    LIVE = "live", _("直播带岗")


class ApprenticeshipOutcome(models.TextChoices):
    ONGOING = "ongoing", _("在带")
    GRADUATED = "graduated", _("已出师")
    NOT_GRADUATED = "not_graduated", _("未出师")
    STOPPED = "stopped", _("中止")


class SkillLevel(models.TextChoices):
    JUNIOR = "junior", _("初级工")
    INTERMEDIATE = "intermediate", _("中级工")
    SENIOR = "senior", _("高级工")
    TECHNICIAN = "technician", _("技师")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师")
