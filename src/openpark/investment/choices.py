from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyType(models.TextChoices):
    CENTRAL_SOE = "central_soe", _("央企（中字头）")
    NATIONAL = "national", _("国字号")
    LISTED = "listed", _("上市公司")
    FOREIGN = "foreign", _("外资")
    PRIVATE = "private", _("民营")


class ContactStatus(models.TextChoices):
    NOT_CONTACTED = "none", _("未接触")
    CONTACTED = "contacted", _("已接触")
    VISITED = "visited", _("已拜访")
    NEGOTIATING = "negotiating", _("洽谈中")
    SIGNED = "signed", _("已签约")


class LeadSource(models.TextChoices):
    ADVISER = "adviser", _("招商顾问")
    TRIP = "trip", _("外出招商")
    REFERRAL = "referral", _("以商引商")
    ONLINE = "online", _("线上洽谈")
    VISIT = "visit", _("来访")
    OTHER = "other", _("其他")


class VisitKind(models.TextChoices):
    TRIP = "trip", _("外出拜访")
    ONLINE = "online", _("线上洽谈")
    RECEPTION = "reception", _("来访接待")


class AdviserKind(models.TextChoices):
    CHIEF = "chief", _("首席招商顾问")
    TALENT = "talent", _("招商引才顾问")


class Stage(models.TextChoices):
    LEAD = "lead", _("线索")
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("签约")
    LAND = "land", _("供地")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("竣工")
    PRODUCING = "producing", _("投产")
    TERMINATED = "terminated", _("终止")


# The stages in order; 终止 is reachable from any of them and is not part of the order.
STAGE_ORDER = (Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.LAND, Stage.STARTED, Stage.COMPLETED,
               Stage.PRODUCING)

# 在建: started (开工) and not yet completed (竣工).
UNDER_CONSTRUCTION = (Stage.STARTED,)


class TeamRole(models.TextChoices):
    HEAD = "head", _("专班组长")
    STEWARD = "steward", _("项目管家")
    MEMBER = "member", _("成员")
    ENVIRONMENT = "environment", _("第三方：环保")
    SAFETY = "safety", _("第三方：安全")
    TECHNOLOGY = "technology", _("第三方：技术")


class SupportKind(models.TextChoices):
    NONE = "", _("无")
    INCUBATION = "incubation", _("资产孵化")
    EQUITY = "equity", _("股权投资")


class LandTaskKind(models.TextChoices):
    DEMOLITION = "demolition", _("拆迁")
    ASSESSMENT = "assessment", _("区域评估")
    LEVELLING = "levelling", _("场地平整")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
