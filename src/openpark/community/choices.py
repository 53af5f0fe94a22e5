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


class CaseState(models.TextChoices):
    """Where a 随手拍 case stands in the grid workflow (上报 → 核实 → 立案 → 派遣 → 处置 → 反馈 → 核查
    → 结案 → 评价), and where it may end early (撤回, 不予立案, 重复) or wait (挂账)."""

    REPORTED = "reported", _("待核实")
    VERIFIED = "verified", _("待立案")
    REGISTERED = "registered", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    REPLIED = "replied", _("待核查")
    CHECKED = "checked", _("待结案")
    PARKED = "parked", _("挂账")
    CLOSED = "closed", _("已结案")
    EVALUATED = "evaluated", _("已评价")
    WITHDRAWN = "withdrawn", _("已撤回")
    INVALID = "invalid", _("不予立案")
    DUPLICATE = "duplicate", _("重复上报")


class CaseStage(models.TextChoices):
    """The timed stages of a case: each is the wait in one state, for the step that ends it."""

    VERIFY = "verify", _("核实")
    REGISTER = "register", _("立案")
    DISPATCH = "dispatch", _("派遣")
    ACCEPT = "accept", _("签收")
    HANDLE = "handle", _("处置")
    RECHECK = "recheck", _("核查")
    CLOSE = "close", _("结案")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Resolution(models.TextChoices):
    FIXED = "fixed", _("已解决")
    NOT_FIXED = "not_fixed", _("未解决结案")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIR = "fair", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class CaseChannel(models.TextChoices):
    PHONE = "phone", _("随手拍")
    OPEN311 = "open311", _("Open311 接口")
    STAFF = "staff", _("工作人员录入")


class LocationSource(models.TextChoices):
    DEVICE = "device", _("手机定位")
    PHOTO = "photo", _("照片位置信息")
    MAP = "map", _("地图选点")
    ADDRESS = "address", _("地址")


class CaseIcon(models.TextChoices):
    """The large icons a category is picked by on the phone (drawn by the platform's own CSS)."""

    LITTER = "litter", _("垃圾")
    ROAD = "road", _("道路")
    MANHOLE = "manhole", _("井盖")
    LIGHT = "light", _("路灯")
    PARKING = "parking", _("停车")
    WATER = "water", _("水体")
    SMOKE = "smoke", _("烟尘")
    NOISE = "noise", _("噪声")
    SAFETY = "safety", _("安全")
    GREEN = "green", _("绿化")
    SIGN = "sign", _("广告牌")
    OTHER = "other", _("其他")


class DepartmentKind(models.TextChoices):
    FUNCTIONAL = "functional", _("职能部门")
    TERRITORIAL = "territorial", _("属地")
