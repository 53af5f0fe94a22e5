"""Demo data of 智慧环保: the park's water bodies (长江（靖江段）, the model river 七圩港 and other
港), the 8 inland outfalls into the Yangtze remediated by category (分类整治) with their 71
remediation measures, and the pollution-source list they were traced to (as the seed article
reports). Three outfalls are closed (销号), one waits for close-out, two are in remediation, one
was merged into another and one abolished; a few measures are past their deadline.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from openpark.core.bulk import insert_instances
from openpark.core.changes import record_created
from openpark.core.deadlines import started as deadlines_started
from openpark.core.models import Deadline, StateChange
from openpark.enterprises.models import Enterprise

from .choices import (
    STAGE_ORDER, ApprovalType, DischargeMode, MeasureStatus, OutfallStage, OutletForm, PlanType, SampleKind,
    SourceCategory, TracingMethod, UsageStatus, WaterBodyKind, WaterBodyLevel, WaterClass,
)
from .models import (
    Measure, Outfall, OutfallClass, OutfallSample, PollutionSource, RemediationPlan, RiverSegment, Tracing, WaterBody,
)
from .shipped import ship_classes

S = OutfallStage
YANGTZE = "长江（靖江段）"
WATER_BODIES = (
    # name, kind, level, length km, target class, note
    (YANGTZE, WaterBodyKind.YANGTZE, WaterBodyLevel.PROVINCE, "52.3", WaterClass.II, "长江干流靖江段，岸线缓冲区排口全面体检"),
    ("七圩港", WaterBodyKind.CANAL, WaterBodyLevel.COUNTY, "9.8", WaterClass.III, "样板河道（河长制示范）"),
    ("夹港", WaterBodyKind.CANAL, WaterBodyLevel.COUNTY, "12.6", WaterClass.III, ""),
    ("十圩港", WaterBodyKind.CANAL, WaterBodyLevel.COUNTY, "10.4", WaterClass.III, ""),
    ("罗家桥港", WaterBodyKind.CANAL, WaterBodyLevel.TOWNSHIP, "6.2", WaterClass.IV, ""),
    ("城南河", WaterBodyKind.RIVER, WaterBodyLevel.TOWNSHIP, "4.5", WaterClass.IV, ""),
)
SEGMENTS = (
    (YANGTZE, "城南段", "七圩港口门上游 2 千米", "夹港口门下游 1 千米", "8.5"),
    ("七圩港", "入江段", "新港大道", "长江口门", "2.1"),
    ("七圩港", "城区段", "城南大道", "新港大道", "3.6"),
    ("七圩港", "上游段", "源头", "城南大道", "4.1"),
    ("夹港", "入江段", "江平公路", "长江口门", "3.0"),
)
LONGITUDE, LATITUDE = Decimal("120.2650"), Decimal("31.9800")
# code, name, class, outlet form, final stage, plan type, measures, responsible (enterprise index | organisation | None)
OUTFALLS = (
    ("CN001", "七圩港口门排口", "其他排口", OutletForm.SLUICE, S.CLOSED, PlanType.KEEP, 10, 0),
    ("CN002", "城南污水处理厂尾水排口", "城镇污水处理厂排污口", OutletForm.OPEN_PIPE, S.CLOSED, PlanType.REGULARISE, 9,
     "靖江城南污水处理有限公司"),
    ("CN003", "夹港口门排口", "其他排口", OutletForm.SLUICE, S.CLOSED, PlanType.REGULARISE, 9, None),
    ("CN004", "港区雨水排口", "工业雨水排口", OutletForm.CULVERT, S.PENDING_CLOSEOUT, PlanType.REGULARISE, 9, 1),
    ("CN005", "十圩港口门排口", "其他排口", OutletForm.PUMP, S.IN_REMEDIATION, PlanType.REGULARISE, 11, None),
    ("CN006", "罗家桥港口门排口", "工业排污口", OutletForm.SLUICE, S.IN_REMEDIATION, PlanType.KEEP, 10, 2),
    ("CN007", "城南河入江暗管", "其他排口", OutletForm.CULVERT, S.MERGED, PlanType.MERGE, 6, None),
    ("CN008", "码头散排口", "其他排口", OutletForm.OPEN_PIPE, S.ABOLISHED, PlanType.ABOLISH, 7, "靖江港城南码头"),
)
MERGED_INTO = {"CN007": "CN005"}
MEASURE_TEXTS = (
    "清理排口周边垃圾和淤积", "设置排口标志牌（含二维码）", "建设规范化采样点", "新建检查井", "安装视频监控",
    "接入在线监测", "排查上游雨污混接点", "封堵雨污混接管", "修复破损管网", "建立排口档案", "落实日常巡查责任人",
    "开展整治后水质复测",
)
# name, category, enterprise index or None, responsible party, location, pollutants
SOURCES = (
    ("机械加工废水", SourceCategory.INDUSTRIAL, 0, "", "城南工业集中区", "化学需氧量、石油类"),
    ("表面处理废水", SourceCategory.INDUSTRIAL, 1, "", "城南工业集中区", "化学需氧量、总磷、重金属"),
    ("喷涂车间废水", SourceCategory.INDUSTRIAL, 2, "", "城南工业集中区", "化学需氧量、悬浮物"),
    ("食品加工废水", SourceCategory.INDUSTRIAL, 3, "", "新港大道北侧", "化学需氧量、氨氮、动植物油"),
    ("纺织印染废水", SourceCategory.INDUSTRIAL, 4, "", "罗家桥港东侧", "化学需氧量、色度"),
    ("电子元件清洗废水", SourceCategory.INDUSTRIAL, 5, "", "城南大道南侧", "化学需氧量、氟化物"),
    ("厂区初期雨水", SourceCategory.INDUSTRIAL, 1, "", "港区", "悬浮物、石油类"),
    ("小作坊散排", SourceCategory.INDUSTRIAL, None, "城南办事处", "十圩港沿线", "化学需氧量"),
    ("七圩港沿线农田退水", SourceCategory.AGRICULTURAL, None, "七圩村村委会", "七圩港上游", "总氮、总磷"),
    ("十圩港水产养殖尾水", SourceCategory.AGRICULTURAL, None, "十圩村村委会", "十圩港中段", "总磷、氨氮"),
    ("罗家桥生猪养殖场", SourceCategory.AGRICULTURAL, None, "罗家桥养殖专业合作社", "罗家桥港上游", "氨氮、总磷"),
    ("城南社区生活污水", SourceCategory.DOMESTIC, None, "城南社区居委会", "城南社区", "化学需氧量、氨氮"),
    ("七圩集镇生活污水", SourceCategory.DOMESTIC, None, "七圩集镇", "七圩港城区段", "化学需氧量、氨氮、总磷"),
    ("农村生活污水散排", SourceCategory.DOMESTIC, None, "十圩村村委会", "十圩港沿线", "氨氮、总磷"),
    ("沿河餐饮废水", SourceCategory.DOMESTIC, None, "城南办事处", "城南河沿线", "动植物油、化学需氧量"),
    ("城南污水处理厂", SourceCategory.CENTRALISED, None, "靖江城南污水处理有限公司", "城南污水处理厂", "化学需氧量、氨氮、总氮"),
    ("农村污水处理站", SourceCategory.CENTRALISED, None, "罗家桥村村委会", "罗家桥村", "氨氮、总磷"),
    ("城南码头装卸区", SourceCategory.MOBILE, None, "靖江港城南码头", "长江岸线城南段", "悬浮物、石油类"),
    ("船舶生活污水", SourceCategory.MOBILE, None, "靖江港城南码头", "长江岸线城南段", "化学需氧量、氨氮"),
    ("沿江道路初期雨水", SourceCategory.MOBILE, None, "城南办事处", "沿江公路", "悬浮物"),
)
# Outfall code -> the indexes of its sources (溯源).
TRACED = {
    "CN001": (8, 12, 0), "CN002": (15,), "CN003": (2, 3, 14), "CN004": (1, 6, 19), "CN005": (7, 9, 13),
    "CN006": (4, 10, 16), "CN007": (11, 14), "CN008": (17, 18, 5),
}
METHODS = (TracingMethod.SITE_SURVEY, TracingMethod.NETWORK_SURVEY, TracingMethod.QUALITY_COMPARISON,
           TracingMethod.MONITORING)
# The path to each final stage, and where measures stand in an outfall still in remediation.
PATHS = {
    S.CLOSED: STAGE_ORDER,
    S.PENDING_CLOSEOUT: STAGE_ORDER[:STAGE_ORDER.index(S.PENDING_CLOSEOUT) + 1],
    S.IN_REMEDIATION: STAGE_ORDER[:STAGE_ORDER.index(S.IN_REMEDIATION) + 1],
    S.MERGED: (*STAGE_ORDER[:STAGE_ORDER.index(S.IN_REMEDIATION) + 1], S.MERGED),
    S.ABOLISHED: (*STAGE_ORDER[:STAGE_ORDER.index(S.PLAN_APPROVED) + 1], S.ABOLISHED),
}
TRANSITION_INTO = {S.VERIFIED: "verify", S.MONITORED: "monitor", S.TRACED: "trace", S.PLAN_APPROVED: "approve_plan",
                   S.IN_REMEDIATION: "start_remediation", S.PENDING_CLOSEOUT: "submit_closeout",
                   S.COUNTY_PRECLOSED: "county_preclose", S.CLOSED: "close", S.ABOLISHED: "abolish", S.MERGED: "merge"}
# (done, in progress, of which overdue, not started) of the measures of the outfalls in remediation.
OPEN_MEASURES = {"CN005": (5, 4, 2, 2), "CN006": (6, 3, 1, 1)}
APPROVER = "靖江市生态环境局"
# Days since the survey found each outfall: closed ones went through in 2024–2025, the others later;
# CN005 is past its 60 working days in remediation, CN006 well within them.
FOUND_DAYS_AGO = {S.CLOSED: 720, S.IN_REMEDIATION: 420}
RECENT = {"CN006": 200}
LOCAL_OWNER = "城南办事处"  # who carries out the measures of an outfall the local government answers for


def load(out) -> None:
    ship_classes(OutfallClass)  # a flushed database (browser tests) has lost the migration's rows
    if Outfall.all_objects.exists():
        out.write(f"入河排污口：已有 {Outfall.all_objects.count()} 个，未重复生成。")
        return
    today = timezone.localdate()
    bodies, segments = _water_bodies()
    enterprises = list(Enterprise.objects.order_by("uscc")[:6])
    outfalls, days = _outfalls(today, bodies, segments, enterprises)
    samples = _samples(outfalls, days)
    plans = _plans(outfalls, days)
    measures = _measures(today, outfalls, plans, days)
    sources = _sources(enterprises)
    tracings = _tracings(outfalls, sources, days)
    _histories(outfalls, days)
    out.write(f"智慧环保：水体 {len(bodies)} 条，入河排污口 {len(outfalls)} 个，整治措施 {len(measures)} 项，"
              f"污染源 {len(sources)} 个，溯源 {len(tracings)} 条，监测记录 {len(samples)} 条。")


def _save(model, instances: list) -> list:
    insert_instances(model, instances)
    record_created(instances)
    return instances


def _water_bodies():
    bodies = _save(WaterBody, [WaterBody(name=name, kind=kind, level=level, length_km=Decimal(length),
                                         target_class=target, note=note)
                               for name, kind, level, length, target, note in WATER_BODIES])
    by_name = {body.name: body for body in bodies}
    segments = _save(RiverSegment, [RiverSegment(water_body=by_name[body], name=name, start_description=start,
                                                 end_description=end, length_km=Decimal(length))
                                    for body, name, start, end, length in SEGMENTS])
    return by_name, segments


def _outfalls(today: date, bodies, segments, enterprises):
    """The outfalls at their final stages, and the day each entered each stage of its path."""
    classes = dict(OutfallClass.objects.values_list("name", "pk"))
    yangtze_segment = next(s for s in segments if s.water_body.name == YANGTZE)
    outfalls, days = [], {}
    for number, (code, name, class_name, form, final, _plan, _count, responsible) in enumerate(OUTFALLS):
        enterprise = enterprises[responsible] if isinstance(responsible, int) and responsible < len(enterprises) \
            else None
        finished = final in (S.CLOSED, S.PENDING_CLOSEOUT)
        outfalls.append(Outfall(
            code=code, name=name, outfall_class_id=classes[class_name], water_body=bodies[YANGTZE],
            segment=yangtze_segment, longitude=LONGITUDE + Decimal(number) * Decimal("0.0125"),
            latitude=LATITUDE - Decimal(number % 3) * Decimal("0.0040"), outlet_form=form,
            discharge_mode=DischargeMode.INTERMITTENT if form == OutletForm.SLUICE else DischargeMode.CONTINUOUS,
            approval_type=ApprovalType.APPROVED if class_name == "城镇污水处理厂排污口" else
            ApprovalType.FILED if finished else ApprovalType.UNAPPROVED,
            enterprise=enterprise, responsible_organisation=responsible if isinstance(responsible, str) else "",
            usage_status=UsageStatus.OUT_OF_USE if final in (S.MERGED, S.ABOLISHED) else UsageStatus.IN_USE,
            signboard_text=f"入河排污口：{name}\n编码：{code}\n受纳水体：{YANGTZE}" if finished else "",
            qr_data=f"OUTFALL:{code}" if finished else "",
            has_sampling_point=finished or final == S.IN_REMEDIATION, has_inspection_well=finished,
            has_signboard=finished, has_video=final == S.CLOSED, has_online_monitoring=class_name == "城镇污水处理厂排污口",
            stage=final,
        ))
        start = today - timedelta(days=RECENT.get(code, FOUND_DAYS_AGO.get(final, 420)) + number * 9)
        path = PATHS[final]
        step = max(14, (today - start).days // (len(path) + 1))
        days[code] = {stage: start + timedelta(days=index * step) for index, stage in enumerate(path)}
    insert_instances(Outfall, outfalls)
    by_code = {outfall.code: outfall for outfall in outfalls}
    for code, target in MERGED_INTO.items():  # once the outfall it joined has its id
        by_code[code].merged_into = by_code[target]
        Outfall.all_objects.filter(pk=by_code[code].pk).update(merged_into=by_code[target])
    record_created(outfalls)
    return outfalls, days


def _samples(outfalls, days):
    samples = []
    for outfall in outfalls:
        reached = days[outfall.code]
        if S.MONITORED in reached:
            samples.append(OutfallSample(outfall=outfall, kind=SampleKind.MONITORING, sampled_on=reached[S.MONITORED],
                                         agency="靖江市环境监测站", cod=Decimal("48.5"), ammonia=Decimal("3.2"),
                                         total_phosphorus=Decimal("0.52"), compliant=False, note="整治前监测"))
        if S.PENDING_CLOSEOUT in reached:
            samples.append(OutfallSample(outfall=outfall, kind=SampleKind.RETEST,
                                         sampled_on=reached[S.PENDING_CLOSEOUT] - timedelta(days=3),
                                         agency="靖江市环境监测站", cod=Decimal("18.0"), ammonia=Decimal("0.8"),
                                         total_phosphorus=Decimal("0.15"), compliant=True, note="销号复测"))
    return _save(OutfallSample, samples)


def _plans(outfalls, days):
    types = {code: plan for code, _n, _c, _f, _s, plan, _m, _r in OUTFALLS}
    return _save(RemediationPlan, [
        RemediationPlan(outfall=outfall, plan_type=types[outfall.code], approved_on=days[outfall.code][S.PLAN_APPROVED],
                        approved_by=APPROVER, summary=f"{outfall.name}一口一策：{PlanType(types[outfall.code]).label}")
        for outfall in outfalls])


def _measures(today: date, outfalls, plans, days):
    counts = {code: count for code, _n, _c, _f, _s, _p, count, _r in OUTFALLS}
    measures = []
    for outfall, plan in zip(outfalls, plans):
        began = days[outfall.code][S.PLAN_APPROVED]
        count = counts[outfall.code]
        done, progressing, overdue, _waiting = OPEN_MEASURES.get(outfall.code, (count, 0, 0, 0))
        for index in range(count):
            text = MEASURE_TEXTS[index % len(MEASURE_TEXTS)]
            deadline = began + timedelta(days=30 + index * 7)
            status, progress, completed = MeasureStatus.DONE, 100, min(deadline - timedelta(days=2), today)
            if index >= done:
                completed = None
                if index < done + progressing:
                    status, progress = MeasureStatus.IN_PROGRESS, 40 + (index % 3) * 15
                    late = index < done + overdue
                    deadline = today - timedelta(days=10 + index) if late else today + timedelta(days=20 + index * 3)
                else:
                    status, progress, deadline = MeasureStatus.NOT_STARTED, 0, today + timedelta(days=45 + index * 5)
            owner = outfall.responsible_party if outfall.enterprise_id or outfall.responsible_organisation else \
                LOCAL_OWNER
            measures.append(Measure(plan=plan, content=text, owner=owner, deadline=deadline,
                                    progress=progress, status=status, completed_on=completed))
    return _save(Measure, measures)


def _sources(enterprises):
    sources = []
    for name, category, index, responsible, location, pollutants in SOURCES:
        enterprise = enterprises[index] if index is not None and index < len(enterprises) else None
        sources.append(PollutionSource(name=name, category=category, enterprise=enterprise,
                                       responsible_party=responsible or ("" if enterprise else "城南办事处"),
                                       location=location, pollutants=pollutants))
    return _save(PollutionSource, sources)


def _tracings(outfalls, sources, days):
    tracings = []
    for outfall in outfalls:
        for number, index in enumerate(TRACED[outfall.code]):
            tracings.append(Tracing(outfall=outfall, source=sources[index], method=METHODS[number % len(METHODS)],
                                    traced_on=days[outfall.code][S.TRACED] - timedelta(days=number)))
    return _save(Tracing, tracings)


def _histories(outfalls, days) -> None:
    """Each outfall's way to its stage as state changes, and the deadline of those in remediation."""
    content_type = ContentType.objects.get_for_model(Outfall)
    changes, deadlines = [], []
    for outfall in outfalls:
        reached = list(days[outfall.code].items())
        for (before, _), (stage, day) in zip(reached, reached[1:]):
            changes.append(StateChange(content_type=content_type, object_id=str(outfall.pk),
                                       transition=TRANSITION_INTO[stage], from_state=before, to_state=stage,
                                       note="演示数据", username="演示数据", time=_at(day)))
        if outfall.stage == S.IN_REMEDIATION:
            transition = outfall.machine.transitions["start_remediation"]
            deadlines.append(deadlines_started(outfall.machine, outfall, transition, None,
                                               _at(days[outfall.code][S.IN_REMEDIATION])))
    StateChange.objects.bulk_create(changes)
    Deadline.objects.bulk_create(deadlines)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


# The enterprise environmental file (一企一档, environmental part) ---------------------------------
# The files of 40 industrial enterprises: the first ten by code (those the demo enterprise user and
# the demo 环保管家 see) and thirty more, the trades that discharge most first. Each holds a
# discharge permit (four due for renewal within 60 days, one expired), its EIA approvals and their
# acceptances, treatment facilities, online monitors where it is under key management, the year's
# hazardous-waste manifests, an emergency plan, and credit ratings of the last two years; a few
# inspections found problems, two of which ended in a penalty. Dates run back from the day of loading.

import random  # noqa: E402

from . import enterprise_file as file_rules  # noqa: E402
from .choices import (  # noqa: E402
    AcceptanceKind, CreditRatingLevel, EiaCategory, FacilityKind, FacilityStatus, InspectionKind, InspectionResult,
    PenaltyStatus, PermitCategory, RiskLevel,
)
from .models import (  # noqa: E402
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    HazardousWasteManifest, OnlineMonitor, Penalty, TreatmentFacility,
)

FILE_SEED = 20261201
REGION_CODE = "321282"  # 靖江市
FILE_ENTERPRISES = 40
# The industry classes (GB/T 4754) whose enterprises come first, the heaviest dischargers first:
# chemicals, surface treatment, utilities, materials, metal products, plastics, packaging.
DISCHARGING = ("2614", "3360", "4411", "4610", "3985", "3399", "2926", "2231", "3099")
KEY_MANAGED = {"2614", "3360", "4411", "4610", "3985"}
# Days from the day of loading to the expiry of the permits due for renewal (negative: expired).
DUE_IN_DAYS = (45, 12, 30, 58, -20)
EIA_AUTHORITIES = ("泰州市生态环境局", "靖江市行政审批局", "靖江市环境保护局")
WASTES = (  # HW category, name, tonnes per transfer (low, high)
    ("HW08", "废矿物油", 0.5, 6), ("HW17", "表面处理废物（含镍污泥）", 2, 20), ("HW49", "废包装桶及沾染物", 0.2, 3),
    ("HW12", "废油漆渣", 0.3, 4), ("HW06", "废有机溶剂", 0.5, 5), ("HW34", "废酸", 1, 12), ("HW13", "废树脂", 0.2, 2),
)
RECEIVERS = ("靖江市危废处置中心", "泰州清源环保科技有限公司", "江苏苏北固废处置有限公司", "泰兴绿源再生资源有限公司")
FACILITIES = (  # kind, name, capacity
    (FacilityKind.WASTEWATER, "污水处理站", "{n} 吨/日"), (FacilityKind.EXHAUST, "废气处理设施（RTO）", "{n}0 立方米/小时"),
    (FacilityKind.EXHAUST, "布袋除尘器", "{n}0 立方米/小时"), (FacilityKind.NOISE, "隔声降噪设施", "厂界达标"),
    (FacilityKind.SOLID_WASTE, "危废暂存库", "{n} 平方米"),
)
INSPECTION_FINDINGS = ("危废暂存库标识不规范，台账记录不全", "废气收集设施未正常运行，车间无组织排放明显",
                       "雨污分流不到位，雨水排口有生产废水混入")


def load_enterprise_files(out) -> None:
    if DischargePermit.all_objects.exists():
        out.write(f"企业环境档案：已有排污许可证 {DischargePermit.all_objects.count()} 张，未重复生成。")
        return
    enterprises = _file_enterprises()
    if not enterprises:
        return
    rng = random.Random(FILE_SEED)
    today = timezone.localdate()
    permits = _save(DischargePermit, _permits(rng, today, enterprises))
    approvals = _save(EiaApproval, _eia_approvals(rng, today, enterprises))
    acceptances = _save(CompletionAcceptance, _acceptances(rng, today, approvals))
    facilities = _save(TreatmentFacility, _facilities(rng, today, enterprises))
    monitors = _save(OnlineMonitor, _monitors(rng, today, enterprises))
    manifests = _save(HazardousWasteManifest, _manifests(rng, today, enterprises))
    plans = _save(EmergencyPlan, _emergency_plans(rng, today, enterprises))
    inspections = _save(EnvironmentalInspection, _inspections(rng, today, enterprises))
    penalties = _save(Penalty, _penalties(inspections))
    ratings = _save(CreditRating, _ratings(rng, today, enterprises, penalties))
    due = sum(1 for p in permits if p.expires_on <= file_rules.expiring_until(today))
    out.write(f"企业环境档案：{len(enterprises)} 家企业，排污许可证 {len(permits)} 张（须办理延续 {due} 张），"
              f"环评批复 {len(approvals)} 件，竣工验收 {len(acceptances)} 件，治理设施 {len(facilities)} 套，"
              f"在线监测 {len(monitors)} 套，危废转移联单 {len(manifests)} 张，应急预案 {len(plans)} 份，"
              f"执法检查 {len(inspections)} 次，行政处罚 {len(penalties)} 件，信用评价 {len(ratings)} 条。")


def _file_enterprises() -> list:
    """The first ten enterprises by code (the demo enterprise user's and the demo steward's), then
    thirty more operating ones, dischargers first."""
    first = list(Enterprise.objects.order_by("uscc")[:10])
    chosen = {e.pk for e in first}
    operating = [e for e in Enterprise.objects.filter(status="operating").order_by("uscc") if e.pk not in chosen]
    rank = {code: i for i, code in enumerate(DISCHARGING)}
    rest = sorted(operating, key=lambda e: (rank.get(e.industry_id, len(rank)), e.uscc))
    return first + rest[:FILE_ENTERPRISES - len(first)]


def _key_managed(enterprise) -> bool:
    return enterprise.industry_id in KEY_MANAGED


def _permits(rng, today, enterprises) -> list:
    permits = []
    for index, enterprise in enumerate(enterprises):
        if index < len(DUE_IN_DAYS):
            expires = today + timedelta(days=DUE_IN_DAYS[index])
        else:
            expires = today + timedelta(days=rng.randint(120, 4 * 365))
        issued = file_rules.add_years(expires, -file_rules.PERMIT_YEARS)
        category = (PermitCategory.KEY if _key_managed(enterprise) else
                    PermitCategory.SIMPLIFIED if rng.random() < 0.7 else PermitCategory.REGISTRATION)
        letter = "W" if category == PermitCategory.REGISTRATION else "P"
        permits.append(DischargePermit(enterprise=enterprise, number=f"{enterprise.uscc}001{letter}",
                                       category=category, issued_on=issued, expires_on=expires))
    return permits


def _eia_approvals(rng, today, enterprises) -> list:
    approvals = []
    for index, enterprise in enumerate(enterprises):
        for number in range(1 + (index % 3 == 0)):
            approved = today - timedelta(days=rng.randint(400, 12 * 365))
            category = (EiaCategory.REPORT if _key_managed(enterprise) and number == 0 else
                        EiaCategory.REPORT_FORM if rng.random() < 0.8 else EiaCategory.REGISTRATION_FORM)
            project = "年产{}万件{}项目".format(rng.randint(5, 200), "技改扩建" if number else "新建")
            approvals.append(EiaApproval(
                enterprise=enterprise, project_name=project, authority=rng.choice(EIA_AUTHORITIES),
                document_number=f"靖环审〔{approved.year}〕{index * 2 + number + 1:03d}号",
                approved_on=approved, category=category))
    return approvals


def _acceptances(rng, today, approvals) -> list:
    acceptances = []
    for approval in approvals:
        if approval.category == EiaCategory.REGISTRATION_FORM or rng.random() < 0.15:
            continue  # a 登记表 needs no acceptance; a few projects are still being built
        accepted = min(approval.approved_on + timedelta(days=rng.randint(200, 700)), today)
        acceptances.append(CompletionAcceptance(
            enterprise=approval.enterprise, eia_approval=approval, accepted_on=accepted,
            kind=AcceptanceKind.SELF if rng.random() < 0.85 else AcceptanceKind.PHASED))
    return acceptances


def _facilities(rng, today, enterprises) -> list:
    facilities = []
    for enterprise in enterprises:
        for kind, name, capacity in rng.sample(FACILITIES, rng.randint(2, 3)):
            status = FacilityStatus.RUNNING if rng.random() < 0.92 else FacilityStatus.STOPPED
            facilities.append(TreatmentFacility(
                enterprise=enterprise, name=name, kind=kind, capacity=capacity.format(n=rng.randint(5, 300)),
                commissioned_on=today - timedelta(days=rng.randint(200, 10 * 365)), status=status))
    return facilities


def _monitors(rng, today, enterprises) -> list:
    monitors = []
    for enterprise in enterprises:
        if not _key_managed(enterprise) and rng.random() < 0.7:
            continue
        installed = today - timedelta(days=rng.randint(100, 6 * 365))
        monitors.append(OnlineMonitor(enterprise=enterprise, outlet_code="DW001", installed_on=installed,
                                      parameters="化学需氧量、氨氮、总磷、pH、流量", connected=True))
        if _key_managed(enterprise):
            monitors.append(OnlineMonitor(enterprise=enterprise, outlet_code="DA001", installed_on=installed,
                                          parameters="颗粒物、二氧化硫、氮氧化物、非甲烷总烃", connected=rng.random() < 0.9))
    return monitors


def _manifests(rng, today, enterprises) -> list:
    """About 300 transfers over the last twelve months, most by the key-managed enterprises."""
    manifests, serial = [], 0
    for enterprise in enterprises:
        wastes = rng.sample(WASTES, 2)
        for _ in range(rng.randint(6, 10) if _key_managed(enterprise) else rng.randint(2, 6)):
            code, name, low, high = rng.choice(wastes)
            serial += 1
            manifests.append(HazardousWasteManifest(
                enterprise=enterprise, number=f"{REGION_CODE}{today.year}{serial:06d}", waste_code=code,
                waste_name=name, quantity=Decimal(f"{rng.uniform(low, high):.3f}"), receiver=rng.choice(RECEIVERS),
                transferred_on=today - timedelta(days=rng.randint(0, 364))))
    return manifests



def _emergency_plans(rng, today, enterprises) -> list:
    plans = []
    for index, enterprise in enumerate(enterprises):
        if not _key_managed(enterprise) and rng.random() < 0.4:
            continue
        filed = today - timedelta(days=rng.randint(60, 3 * 365 + 120))  # a few are past their 3-year review
        level = RiskLevel.LARGER if _key_managed(enterprise) else RiskLevel.GENERAL
        plans.append(EmergencyPlan(enterprise=enterprise, filing_number=f"{REGION_CODE}-{filed.year}-{index + 1:03d}-"
                                   f"{'M' if level == RiskLevel.LARGER else 'L'}", filed_on=filed, risk_level=level))
    return plans


def _inspections(rng, today, enterprises) -> list:
    inspections = []
    for number in range(10):
        enterprise = enterprises[(number * 7 + 3) % len(enterprises)]
        problem = number < len(INSPECTION_FINDINGS)
        inspections.append(EnvironmentalInspection(
            enterprise=enterprise, inspected_on=today - timedelta(days=20 + number * 31),
            kind=(InspectionKind.RANDOM, InspectionKind.ROUTINE, InspectionKind.SPECIAL)[number % 3],
            agency="泰州市靖江生态环境局", result=InspectionResult.PROBLEM if problem else InspectionResult.NO_PROBLEM,
            findings=INSPECTION_FINDINGS[number] if problem else "现场检查未发现环境违法行为"))
    return inspections


def _penalties(inspections) -> list:
    found = [i for i in inspections if i.result == InspectionResult.PROBLEM][1:3]
    return [Penalty(enterprise=inspection.enterprise, inspection=inspection,
                    decision_number=f"泰环罚〔{inspection.inspected_on.year}〕{number + 21}号",
                    decided_on=inspection.inspected_on + timedelta(days=15), amount=Decimal(amount),
                    reason=inspection.findings, status=status)
            for number, (inspection, amount, status) in enumerate(zip(
                found, ("12.50", "4.80"), (PenaltyStatus.FULFILLED, PenaltyStatus.UNFULFILLED)))]


def _ratings(rng, today, enterprises, penalties) -> list:
    """The ratings of the last two years; an enterprise penalised is rated yellow or worse."""
    penalised = {p.enterprise_id for p in penalties}
    ratings = []
    for year in (today.year - 2, today.year - 1):
        for enterprise in enterprises:
            roll = rng.random()
            rating = (CreditRatingLevel.GREEN if roll < 0.35 else CreditRatingLevel.BLUE if roll < 0.9
                      else CreditRatingLevel.YELLOW)
            if enterprise.pk in penalised and year == today.year - 1:
                rating = CreditRatingLevel.RED if rating == CreditRatingLevel.YELLOW else CreditRatingLevel.YELLOW
            ratings.append(CreditRating(enterprise=enterprise, year=year, rating=rating))
    return ratings


_load_outfalls = load


def load(out) -> None:
    """智慧环保's demo: the outfalls and their remediation, then the enterprises' files."""
    _load_outfalls(out)
    load_enterprise_files(out)
