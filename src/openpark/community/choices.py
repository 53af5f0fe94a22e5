from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("党委")
    PARTY_BRANCH = "party_branch", _("党支部")
    UNION = "union", _("工会")
    ALLIANCE = "alliance", _("联盟")
    OTHER = "other", _("其他")


class JobType(models.TextChoices):
    TAKEAWAY = "takeaway", _("外卖")
    EXPRESS = "express", _("快递")
    RIDE_DELIVERY = "ride_delivery", _("网约配送")
    LIVE_STREAMING = "live_streaming", _("直播")
    ECOMMERCE = "ecommerce", _("电商")
    OTHER = "other", _("其他")


class StationTier(models.TextChoices):
    GUIDANCE_CENTRE = "guidance_centre", _("党建指导中心")
    SERVICE_CENTRE = "service_centre", _("行业党群服务中心")
    POST = "post", _("服务驿站")


class StationKind(models.TextChoices):
    XIAOGE = "xiaoge", _("小哥驿站")
    JINGXIAOFENG = "jingxiaofeng", _("靖小蜂")


class ActivityKind(models.TextChoices):
    FORUM = "forum", _("座谈论坛")
    PARTY_TRAINING = "party_training", _("党员培训")
    PAIRING = "pairing", _("结对共建")
    SKILLS_CONTEST = "skills_contest", _("技能比武")
    UNION_FAIR = "union_fair", _("工会服务集市")
    FIRE_SAFETY = "fire_safety", _("消防安全培训")
    LEGAL_AID = "legal_aid", _("法律援助")
    PARTY_DAY = "party_day", _("主题党日")
    SOCIAL = "social", _("联谊活动")
    VOLUNTEER = "volunteer", _("志愿服务")


class EntryKind(models.TextChoices):
    GRANT = "grant", _("发放")
    REDEMPTION = "redemption", _("兑换")
    EXPIRY = "expiry", _("过期")
    REVERSAL = "reversal", _("冲正")


class RedemptionState(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    APPROVED = "approved", _("已批准")
    HANDED_OVER = "handed_over", _("已领取")
    REFUSED = "refused", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Facility(models.TextChoices):
    """What a service station offers riders: the fixed list its facilities are chosen from."""

    WATER = "water", _("饮水")
    CHARGING = "charging", _("充电")
    REST = "rest", _("休息")
    FIRST_AID = "first_aid", _("急救药箱")
    TOILET = "toilet", _("卫生间")
    HOT_MEAL = "hot_meal", _("热饭/微波炉")
    CLIMATE = "climate", _("空调/避暑取暖")
    RAIN_GEAR = "rain_gear", _("雨具")
    READING = "reading", _("图书/学习")
    REPAIR_TOOLS = "repair_tools", _("维修工具")
