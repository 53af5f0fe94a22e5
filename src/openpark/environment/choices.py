from django.db import models
from django.utils.translation import gettext_lazy as _

from . import water_quality


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

    I = "I", _("I类")  # noqa: E741
    II = "II", _("II类")
    III = "III", _("III类")
    IV = "IV", _("IV类")
    V = "V", _("V类")


class OutletForm(models.TextChoices):
    OPEN_PIPE = "open_pipe", _("明管")
    CULVERT = "culvert", _("暗管")
    PUMP = "pump", _("泵站")
    SLUICE = "sluice", _("涵闸")
    OTHER = "other", _("其他")


class DischargeMode(models.TextChoices):
    CONTINUOUS = "continuous", _("连续")
    INTERMITTENT = "intermittent", _("间歇")
    SEASONAL = "seasonal", _("季节性")


class ApprovalType(models.TextChoices):
    APPROVED = "approved", _("审批")
    FILED = "filed", _("备案")
    UNAPPROVED = "unapproved", _("未审批")
    NOT_REQUIRED = "not_required", _("无需审批")


class UsageStatus(models.TextChoices):
    IN_USE = "in_use", _("在用")
    OUT_OF_USE = "out_of_use", _("停用")


class OutfallStage(models.TextChoices):
    """The outfall's life cycle (查、测、溯、治 and close-out, as practised in Jiangsu)."""

    SUSPECTED = "suspected", _("疑似")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("排除")
    MONITORED = "monitored", _("已监测")
    TRACED = "traced", _("已溯源")
    PLAN_APPROVED = "plan_approved", _("方案已批")
    IN_REMEDIATION = "in_remediation", _("整治中")
    PENDING_CLOSEOUT = "pending_closeout", _("待销号")
    COUNTY_PRECLOSED = "county_preclosed", _("县级预销号")
    CLOSED = "closed", _("已销号")
    ABOLISHED = "abolished", _("已取缔")
    MERGED = "merged", _("已合并")


# The stages in the order an outfall goes through them; 排除, 已取缔 and 已合并 end it elsewhere.
STAGE_ORDER = (OutfallStage.SUSPECTED, OutfallStage.VERIFIED, OutfallStage.MONITORED, OutfallStage.TRACED,
               OutfallStage.PLAN_APPROVED, OutfallStage.IN_REMEDIATION, OutfallStage.PENDING_CLOSEOUT,
               OutfallStage.COUNTY_PRECLOSED, OutfallStage.CLOSED)
ALL_STAGES = (*STAGE_ORDER, OutfallStage.REJECTED, OutfallStage.ABOLISHED, OutfallStage.MERGED)
# Where an outfall's remediation is over (销号, 取缔, 合并) or was never needed (排除).
FINISHED_STAGES = (OutfallStage.CLOSED, OutfallStage.ABOLISHED, OutfallStage.MERGED, OutfallStage.REJECTED)


class SampleKind(models.TextChoices):
    MONITORING = "monitoring", _("监测")
    RETEST = "retest", _("销号复测")


class PlanType(models.TextChoices):
    """一口一策: what is done with the outfall (国办函〔2022〕17号)."""

    ABOLISH = "abolish", _("取缔")
    MERGE = "merge", _("合并")
    REGULARISE = "regularise", _("规范整治")
    KEEP = "keep", _("保留规范化")


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class SourceCategory(models.TextChoices):
    """第二次全国污染源普查 (国办发〔2017〕82号)."""

    INDUSTRIAL = "industrial", _("工业源")
    AGRICULTURAL = "agricultural", _("农业源")
    DOMESTIC = "domestic", _("生活源")
    CENTRALISED = "centralised", _("集中式污染治理设施")
    MOBILE = "mobile", _("移动源及其他")


class TracingMethod(models.TextChoices):
    SITE_SURVEY = "site_survey", _("现场排查")
    QUALITY_COMPARISON = "quality_comparison", _("水质比对")
    NETWORK_SURVEY = "network_survey", _("管网排查")
    MONITORING = "monitoring", _("溯源监测")
    OTHER = "other", _("其他")


# River chiefs, patrols and problems (河长制), the steward's inspections (环保管家) -----------------


class ChiefLevel(models.TextChoices):
    """The level of a river chief (河长制): a 总河长 at the top of each level."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")


class PatrolPeriod(models.TextChoices):
    WEEK = "week", _("每周")
    MONTH = "month", _("每月")


class ProblemSource(models.TextChoices):
    PATROL = "patrol", _("巡河")
    STEWARD = "steward", _("管家检查")
    OTHER = "other", _("其他")


class ProblemCategory(models.TextChoices):
    WATER_BODY = "water_body", _("水体")
    WATER_SURFACE = "water_surface", _("水面")
    BANK = "bank", _("岸线")
    ACTIVITIES = "activities", _("涉水活动")
    OUTFALL = "outfall", _("排口")
    SIGNBOARD = "signboard", _("标识牌")
    STRUCTURES = "structures", _("水工设施")
    ENTERPRISE = "enterprise", _("企业环境管理")
    OTHER = "other", _("其他")


class ProblemState(models.TextChoices):
    """A problem's way from its report to its close-out (核查销号)."""

    REPORTED = "reported", _("已上报")
    ASSIGNED = "assigned", _("已交办")
    ESCALATED = "escalated", _("已上报上级")
    IN_PROGRESS = "in_progress", _("整改中")
    RECTIFIED = "rectified", _("已整改")
    CLOSED = "closed", _("已销号")


# Problems whose rectification is done (awaiting verification) or closed: never overdue.
PROBLEM_DONE_STATES = (ProblemState.RECTIFIED, ProblemState.CLOSED)


class Quarter(models.IntegerChoices):
    Q1 = 1, _("第一季度")
    Q2 = 2, _("第二季度")
    Q3 = 3, _("第三季度")
    Q4 = 4, _("第四季度")


# Water-quality monitoring (水质监测) ----------------------------------------------------------------


class SiteKind(models.TextChoices):
    """Who set a monitoring site up (断面/点位的管理级别)."""

    NATIONAL = "national", _("国控")
    PROVINCIAL = "provincial", _("省控")
    MUNICIPAL = "municipal", _("市控")
    PARK = "park", _("园区自设")


# Classes as the grader numbers them (1–6, 6 is 劣V) and names them ("III", "劣V"): a site's target
# is one of I–V, a sample's class any of the six.
SAMPLE_CLASS_CHOICES = [(number, f"{label}类") for number, label in enumerate(water_quality.CLASS_LABELS) if number]
TARGET_CLASS_CHOICES = SAMPLE_CLASS_CHOICES[:5]
# GB 3838-2002 Table 1, by key, under its names there.
PARAMETER_CHOICES = [(parameter.key, parameter.name) for parameter in water_quality.PARAMETERS]


# The enterprise environmental file (一企一档, environmental part) ---------------------------------


class PermitCategory(models.TextChoices):
    """排污许可分类管理 (固定污染源排污许可分类管理名录)."""

    KEY = "key", _("重点管理")
    SIMPLIFIED = "simplified", _("简化管理")
    REGISTRATION = "registration_only", _("登记管理")


class PermitStatus(models.TextChoices):
    """Where a discharge permit stands today (`enterprise_file.permit_status`, the one rule)."""

    VALID = "valid", _("有效")
    EXPIRING = "expiring", _("即将到期")
    RENEWAL_LATE = "renewal_late", _("已过延续申请期限")
    EXPIRED = "expired", _("已过期")


class EiaCategory(models.TextChoices):
    """建设项目环境影响评价分类管理: the document the project needs."""

    REPORT = "report", _("报告书")
    REPORT_FORM = "report_form", _("报告表")
    REGISTRATION_FORM = "registration_form", _("登记表")


class AcceptanceKind(models.TextChoices):
    SELF = "self", _("自主验收")
    AUTHORITY = "authority", _("环保部门验收")
    PHASED = "phased", _("分期验收")


class FacilityKind(models.TextChoices):
    WASTEWATER = "wastewater", _("废水")
    EXHAUST = "exhaust", _("废气")
    NOISE = "noise", _("噪声")
    SOLID_WASTE = "solid_waste", _("固废")


class FacilityStatus(models.TextChoices):
    RUNNING = "running", _("运行")
    STOPPED = "stopped", _("停运")
    DISMANTLED = "dismantled", _("拆除")


class RiskLevel(models.TextChoices):
    """企业突发环境事件风险等级."""

    GENERAL = "general", _("一般")
    LARGER = "larger", _("较大")
    MAJOR = "major", _("重大")


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    RANDOM = "random", _("双随机抽查")
    SPECIAL = "special", _("专项检查")
    COMPLAINT = "complaint", _("信访核查")


class InspectionResult(models.TextChoices):
    NO_PROBLEM = "no_problem", _("未发现问题")
    PROBLEM = "problem", _("发现问题")


class PenaltyStatus(models.TextChoices):
    FULFILLED = "fulfilled", _("已履行")
    UNFULFILLED = "unfulfilled", _("未履行")


class CreditRatingLevel(models.TextChoices):
    """企业环境信用评价: green (诚信) to red (失信); some provinces add black (严重失信)."""

    GREEN = "green", _("绿色")
    BLUE = "blue", _("蓝色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")
    BLACK = "black", _("黑色")


# The scheduled alerts of the environment office (环保提醒) -------------------------------------------


class AlertCondition(models.TextChoices):
    """What an alert tells the environment office about: each condition is one list's filter."""

    PERMIT_EXPIRING = "permit_expiring", _("排污许可证即将到期")
    PERMIT_EXPIRED = "permit_expired", _("排污许可证已过期")
    MEASURE_OVERDUE = "measure_overdue", _("整治措施逾期")
    PROBLEM_OVERDUE = "problem_overdue", _("环境问题逾期")
    CHIEF_BEHIND = "chief_behind", _("河长巡河未达要求")
    SAMPLE_WORSE = "sample_worse", _("水质劣于目标")
    PERMIT_RENEWAL_LATE = "permit_renewal_late", _("排污许可证已过延续申请期限")
    OUTFALL_OVERDUE = "outfall_overdue", _("排口整治逾期")
    OUTFALL_SIGN_OFF = "outfall_sign_off", _("排口待销号审核")
