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
        load_rivers(out)
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
    load_rivers(out)


def _save(model, instances: list) -> list:
    insert_instances(model, instances)
    record_created(instances)
    return instances


def _water_bodies():
    bodies = _save(WaterBody, [WaterBody(name=name, kind=kind, level=level, length_km=Decimal(length),
                                         target_class=target, note=note, geometry=river_line(name))
                               for name, kind, level, length, target, note in WATER_BODIES])
    by_name = {body.name: body for body in bodies}
    segments = _save(RiverSegment, [RiverSegment(water_body=by_name[body], name=name, start_description=start,
                                                 end_description=end, length_km=Decimal(length),
                                                 geometry=river_line(body, SEGMENT_SPANS.get((body, name))))
                                    for body, name, start, end, length in SEGMENTS])
    return by_name, segments


def _outfalls(today: date, bodies, segments, enterprises):
    """The outfalls at their final stages, and the day each entered each stage of its path."""
    classes = dict(OutfallClass.objects.values_list("name", "pk"))
    yangtze_segment = next(s for s in segments if s.water_body.name == YANGTZE)
    outfalls, days = [], {}
    for number, (code, name, class_name, form, final, _plan, count, responsible) in enumerate(OUTFALLS):
        enterprise = enterprises[responsible] if isinstance(responsible, int) and responsible < len(enterprises) \
            else None
        finished = final in (S.CLOSED, S.PENDING_CLOSEOUT)
        outfalls.append(Outfall(
            code=code, name=name, outfall_class_id=classes[class_name], water_body=bodies[YANGTZE],
            segment=yangtze_segment, longitude=Decimal(OUTFALL_POSITIONS[code][0]),
            latitude=Decimal(OUTFALL_POSITIONS[code][1]), outlet_form=form,
            discharge_mode=DischargeMode.INTERMITTENT if form == OutletForm.SLUICE else DischargeMode.CONTINUOUS,
            approval_type=ApprovalType.APPROVED if class_name == "城镇污水处理厂排污口" else
            ApprovalType.FILED if finished else ApprovalType.UNAPPROVED,
            enterprise=enterprise, responsible_organisation=responsible if isinstance(responsible, str) else "",
            usage_status=UsageStatus.OUT_OF_USE if final in (S.MERGED, S.ABOLISHED) else UsageStatus.IN_USE,
            signboard_text=f"入河排污口：{name}\n编码：{code}\n受纳水体：{YANGTZE}" if finished else "",
            qr_data=f"OUTFALL:{code}" if finished else "",
            has_sampling_point=finished or final == S.IN_REMEDIATION, has_inspection_well=finished,
            has_signboard=_signboard_done(code, count), has_video=final == S.CLOSED, has_online_monitoring=class_name == "城镇污水处理厂排污口",
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


SIGNBOARD_MEASURE = 1  # the index in MEASURE_TEXTS of 设置排口标志牌


def _measures_done(code: str, count: int) -> int:
    """How many of the outfall's measures (the first ones) are done."""
    return OPEN_MEASURES.get(code, (count, 0, 0, 0))[0]


def _signboard_done(code: str, count: int) -> bool:
    """Whether the outfall's 设置排口标志牌 measure is done: its 标志牌 flag says the same."""
    return any(index % len(MEASURE_TEXTS) == SIGNBOARD_MEASURE for index in range(_measures_done(code, count)))


def _measures(today: date, outfalls, plans, days):
    """The measures of each plan: set and done while the outfall is in remediation (from its start to
    its close-out, or to its remediation deadline), none due after that deadline."""
    from openpark.core.calendars import calendar

    from .models import REMEDIATION_DAYS

    counts = {code: count for code, _n, _c, _f, _s, _p, count, _r in OUTFALLS}
    measures = []
    for outfall, plan in zip(outfalls, plans):
        reached = days[outfall.code]
        began = reached.get(S.IN_REMEDIATION, reached[S.PLAN_APPROVED])
        due = calendar().add_working_days(began, REMEDIATION_DAYS).day
        end = min(due, reached.get(S.PENDING_CLOSEOUT, due), *[day for stage, day in reached.items()
                                                               if stage in (S.MERGED, S.ABOLISHED)])
        count = counts[outfall.code]
        done, progressing, overdue, _waiting = OPEN_MEASURES.get(outfall.code, (count, 0, 0, 0))
        for index in range(count):
            text = MEASURE_TEXTS[index % len(MEASURE_TEXTS)]
            deadline = began + timedelta(days=max(2, (end - began).days * (index + 1) // (count + 1)))
            status, progress, completed = MeasureStatus.DONE, 100, min(deadline - timedelta(days=1), today)
            if index >= done:
                completed = None
                if index < done + progressing:
                    status, progress = MeasureStatus.IN_PROGRESS, 40 + (index % 3) * 15
                    late = index < done + overdue
                    deadline = today - timedelta(days=10 + index) if late else today + timedelta(days=20 + index * 3)
                else:
                    status, progress, deadline = MeasureStatus.NOT_STARTED, 0, today + timedelta(days=45 + index * 5)
                deadline = max(min(deadline, due), began + timedelta(days=1))
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
                                       note="", username="演示数据", time=_at(day)))
        if outfall.stage == S.IN_REMEDIATION:
            transition = outfall.machine.transitions["start_remediation"]
            deadlines.append(deadlines_started(outfall.machine, outfall, transition, None,
                                               _at(days[outfall.code][S.IN_REMEDIATION])))
    StateChange.objects.bulk_create(changes)
    Deadline.objects.bulk_create(deadlines)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


# River chiefs, their patrols and the problems found; the steward's inspections ------------------
# Chiefs at county, township and village level for the demo water bodies (fictional names), a year
# of patrols walked along each water body (a few too short to count, some chiefs behind this
# period), about fifteen problems in every state (some past their deadline), two inspections by
# the steward with their problems, and one quarterly assessment of its service.

import bisect  # noqa: E402
import random  # noqa: E402

from openpark.enterprises.scopes import demo_contract  # noqa: E402

from . import patrols as patrol_math  # noqa: E402
from .choices import ChiefLevel, ProblemCategory, ProblemSource, ProblemState  # noqa: E402
from .models import (  # noqa: E402
    EnvironmentProblem, Patrol, PatrolRule, RiverChief, StewardAssessment, StewardInspection,
)

# Where each water body runs ([longitude, latitude] from its head to its mouth), and its segments
# as fractions of that line: the tracks are walked along them.
RIVER_PATHS = {
    YANGTZE: ((120.215, 31.976), (120.245, 31.978), (120.268, 31.979), (120.292, 31.981), (120.322, 31.983),
              (120.345, 31.985)),
    "七圩港": ((120.259, 32.046), (120.261, 32.031), (120.263, 32.018), (120.264, 32.004), (120.266, 31.982)),
    "夹港": ((120.296, 32.058), (120.298, 32.040), (120.299, 32.019), (120.301, 31.999), (120.303, 31.984)),
    "十圩港": ((120.227, 32.049), (120.229, 32.030), (120.231, 32.008), (120.233, 31.984)),
    "罗家桥港": ((120.331, 32.036), (120.332, 32.020), (120.334, 32.002), (120.335, 31.989)),
    "城南河": ((120.238, 32.011), (120.252, 32.010), (120.268, 32.009), (120.284, 32.011)),
}
SEGMENT_SPANS = {(YANGTZE, "城南段"): (0.0, 1.0), ("七圩港", "上游段"): (0.0, 0.4), ("七圩港", "城区段"): (0.4, 0.75),
                 ("七圩港", "入江段"): (0.75, 1.0), ("夹港", "入江段"): (0.7, 1.0)}
# name, level, 总河长, title, phone, water bodies, segments (water body, segment)
CHIEFS = (
    ("陈立明", ChiefLevel.COUNTY, True, "靖江市市长", "13905230001", (YANGTZE,), ()),
    ("沈国华", ChiefLevel.COUNTY, False, "靖江市副市长", "13905230002", ("七圩港", "夹港"), ()),
    ("顾建平", ChiefLevel.TOWNSHIP, True, "城南办事处主任", "13905230011", ("七圩港", "十圩港", "城南河"), ()),
    ("朱晓东", ChiefLevel.TOWNSHIP, False, "城南办事处副主任", "13905230012", ("夹港", "罗家桥港"), ()),
    ("徐海燕", ChiefLevel.TOWNSHIP, False, "城南办事处副主任", "13905230013", (), ((YANGTZE, "城南段"),)),
    ("钱永刚", ChiefLevel.VILLAGE, False, "七圩村党总支书记", "13905230021", (), (("七圩港", "上游段"),)),
    ("孙丽萍", ChiefLevel.VILLAGE, False, "七圩社区居委会主任", "13905230022", (), (("七圩港", "城区段"),)),
    ("周志强", ChiefLevel.VILLAGE, False, "新港社区居委会主任", "13905230023", (), (("七圩港", "入江段"),)),
    ("吴春生", ChiefLevel.VILLAGE, False, "夹港村党总支书记", "13905230024", ("夹港",), ()),
    ("郑美华", ChiefLevel.VILLAGE, False, "十圩村村委会主任", "13905230025", ("十圩港",), ()),
    ("王德福", ChiefLevel.VILLAGE, False, "罗家桥村党总支书记", "13905230026", ("罗家桥港",), ()),
    ("李秀英", ChiefLevel.VILLAGE, False, "城南社区居委会主任", "13905230027", ("城南河",), ()),
)
# Chiefs who have not patrolled since the period before this one began (so the 巡河履职 page has
# some behind: the last period ended short).
BEHIND_NOW = ("朱晓东", "吴春生", "王德福")
SHORT_EVERY = 17  # about one patrol in 17 is too short (minutes or kilometres) to count
# category, description, advice, state, days since found, deadline in days from found (None: none)
PATROL_PROBLEMS = (
    (ProblemCategory.WATER_SURFACE, "河面漂浮垃圾和水草约 50 平方米", "组织保洁船打捞，落实河道保洁长效管护",
     ProblemState.CLOSED, 300, 7),
    (ProblemCategory.BANK, "岸坡堆放建筑垃圾", "督促施工单位清运，恢复岸坡绿化", ProblemState.CLOSED, 240, 15),
    (ProblemCategory.OUTFALL, "排口有黄色浑浊水排出", "立即溯源排查上游企业和管网，采样监测", ProblemState.CLOSED, 200, 10),
    (ProblemCategory.SIGNBOARD, "河长公示牌字迹褪色，电话无法接通", "更新公示牌内容，核实监督电话", ProblemState.CLOSED, 150, 20),
    (ProblemCategory.ACTIVITIES, "河道内有人设置地笼捕鱼", "联系渔政部门清理地笼，加强宣传", ProblemState.RECTIFIED, 20, 10),
    (ProblemCategory.STRUCTURES, "节制闸启闭机锈蚀，闸门漏水", "由水利站维修启闭机、更换止水", ProblemState.RECTIFIED, 30, 25),
    (ProblemCategory.BANK, "沿河违章搭建简易棚", "报城管部门依法拆除", ProblemState.IN_PROGRESS, 60, 20),
    (ProblemCategory.WATER_BODY, "局部水体发黑发臭", "排查沿线排口和雨污混接，实施清淤", ProblemState.IN_PROGRESS, 45, 30),
    (ProblemCategory.WATER_SURFACE, "水葫芦大面积滋生", "组织打捞，设置拦截设施", ProblemState.IN_PROGRESS, 12, 30),
    (ProblemCategory.OUTFALL, "雨天排口溢流", "核查雨污分流，封堵混接点", ProblemState.ESCALATED, 8, 30),
    (ProblemCategory.BANK, "护坡局部坍塌", "水利站评估后修复护坡", ProblemState.ASSIGNED, 6, 20),
    (ProblemCategory.ACTIVITIES, "岸边有人洗涤衣物、倾倒生活污水", "村（社区）入户宣传劝导", ProblemState.REPORTED, 2, None),
)
# Problems found by the steward (the first inspection's, then the second's).
STEWARD_PROBLEMS = (
    ((ProblemCategory.ENTERPRISE, "危险废物贮存库标识不全，台账记录不完整", "按 HJ 1276 设置标识，完善危废台账",
      ProblemState.CLOSED, 15),
     (ProblemCategory.ENTERPRISE, "雨水排口未设置截止阀", "加装截止阀并纳入应急预案", ProblemState.IN_PROGRESS, 20)),
    ((ProblemCategory.ENTERPRISE, "废气处理设施运行记录缺失", "建立治理设施运行台账，每日记录", ProblemState.REPORTED, 10),),
)
PATHS_TO = {
    ProblemState.REPORTED: (),
    ProblemState.ASSIGNED: ("assign",),
    ProblemState.ESCALATED: ("refer",),
    ProblemState.IN_PROGRESS: ("assign", "start"),
    ProblemState.RECTIFIED: ("assign", "start", "rectify"),
    ProblemState.CLOSED: ("assign", "start", "rectify", "close"),
}
PATROL_NOTES = ("河面整洁，岸线无异常", "水质清澈，无漂浮物", "排口无异常排放", "沿线无违章搭建", "公示牌完好")


def load_rivers(out) -> None:
    if RiverChief.all_objects.exists():
        out.write(f"河长：已有 {RiverChief.all_objects.count()} 名，未重复生成。")
        return
    bodies = {body.name: body for body in WaterBody.objects.filter(name__in=RIVER_PATHS)}
    segments = {(s.water_body.name, s.name): s for s in RiverSegment.objects.select_related("water_body")}
    now = timezone.now()
    chiefs = _chiefs(bodies, segments)
    patrols = _patrols(now, chiefs, bodies, segments)
    problems = _patrol_problems(now, patrols)
    inspections, steward_problems = _inspections(now)
    _assessment()
    _problem_histories([*problems, *steward_problems])
    out.write(f"河长制：河长 {len(chiefs)} 名，巡河记录 {len(patrols)} 条，环境问题 {len(problems) + len(steward_problems)} 个，"
              f"管家检查 {len(inspections)} 次。")


def _chiefs(bodies, segments) -> list:
    chiefs = _save(RiverChief, [RiverChief(name=name, level=level, is_general=general, title=title, phone=phone)
                                for name, level, general, title, phone, _b, _s in CHIEFS])
    body_links = RiverChief.water_bodies.through
    segment_links = RiverChief.segments.through
    body_links.objects.bulk_create([body_links(riverchief=chief, waterbody=bodies[name])
                                    for chief, row in zip(chiefs, CHIEFS) for name in row[5] if name in bodies])
    segment_links.objects.bulk_create([segment_links(riverchief=chief, riversegment=segments[key])
                                       for chief, row in zip(chiefs, CHIEFS) for key in row[6] if key in segments])
    return chiefs


def _patrols(now, chiefs, bodies, segments) -> list:
    """A year of each chief's patrols: weekly for village chiefs, monthly (and now and then twice)
    for township chiefs, each quarter for county chiefs; walked along the water body."""
    rng = random.Random(20261201)
    rules = {rule.level: rule for rule in PatrolRule.objects.all()}
    today = timezone.localdate(now)
    patrols = []
    for chief, row in zip(chiefs, CHIEFS):
        places = [(bodies[name], None, (0.0, 1.0)) for name in row[5] if name in bodies]
        places += [(segments[key].water_body, segments[key], SEGMENT_SPANS.get(key, (0.0, 1.0)))
                   for key in row[6] if key in segments]
        if not places:
            continue
        for number, day in enumerate(_patrol_days(chief, today, rules, rng)):
            body, segment, span = places[number % len(places)]
            start = timezone.make_aware(datetime.combine(day, time(8 + rng.randrange(0, 8), rng.choice((0, 15, 30, 45)))))
            if start >= now:
                continue
            short = number % SHORT_EVERY == SHORT_EVERY - 1
            km = rng.uniform(1.2, 1.8) if short and number % 2 else rng.uniform(2.3, 4.5)
            minutes = rng.randint(18, 28) if short and not number % 2 else int(km * 16 + rng.randint(0, 15))
            patrol = Patrol(chief=chief, water_body=body, segment=segment, started_at=start,
                            ended_at=start + timedelta(minutes=minutes, seconds=rng.randint(0, 50)),
                            track=_track(RIVER_PATHS[body.name], span, km, rng), note=rng.choice(PATROL_NOTES))
            patrol._rules = rules
            patrol.compute()
            patrols.append(patrol)
    return _save(Patrol, patrols)


def _patrol_days(chief, today: date, rules, rng) -> list[date]:
    """The days a chief patrols over the past year, and none in the last period or this one for those
    behind."""
    rule = rules.get(chief.level)
    period = rule.period if rule else "quarter"
    first = today - timedelta(days=365)
    days = []
    if period == "week":
        monday = first - timedelta(days=first.weekday())
        while monday <= today:
            if rng.random() > 0.06:
                days.append(monday + timedelta(days=rng.randrange(0, 5)))
            monday += timedelta(days=7)
    elif period == "month":
        month = first.replace(day=1)
        while month <= today:
            days += [month + timedelta(days=rng.randrange(0, 25)) for _ in range(2 if rng.random() < 0.2 else 1)]
            month = (month + timedelta(days=32)).replace(day=1)
    else:
        days = [first + timedelta(days=offset) for offset in range(20, 365, 90)]
    start = patrol_math.period_start(period, today) if rule else today
    if chief.name in BEHIND_NOW:
        before = patrol_math.previous_period_start(period, today) if rule else start
        return [day for day in days if day < before]
    # Everyone else has patrolled this period already: on its first day, or the day before today.
    days = [day for day in days if day < start] + ([start] if rule else [])
    return sorted(day for day in days if day <= today)


def _track(path, span, km: float, rng) -> dict:
    """A walk of about `km` along the part `span` of the path (there and back when it is shorter),
    from a random point of it, with the small wanderings of a walker, as a GeoJSON LineString."""
    legs = [patrol_math.haversine_km(a, b) for a, b in zip(path, path[1:])]
    total = sum(legs)
    low, length = span[0] * total, (span[1] - span[0]) * total
    offset = rng.uniform(0, length)
    points, steps = [], max(8, int(km / 0.15))
    for step in range(steps + 1):
        walked = (offset + km * step / steps) % (2 * length)
        lon, lat = _point_at(path, legs, low + (walked if walked <= length else 2 * length - walked))
        points.append([round(lon + rng.uniform(-0.00015, 0.00015), 6), round(lat + rng.uniform(-0.00015, 0.00015), 6)])
    return {"type": "LineString", "coordinates": points}


def _point_at(path, legs, distance: float):
    for (a, b), length in zip(zip(path, path[1:]), legs):
        if distance <= length or length == 0:
            share = distance / length if length else 0
            return a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share
        distance -= length
    return path[-1]


def _patrol_problems(now, patrols) -> list:
    """Problems found on patrols some time ago, on the patrol nearest before that day."""
    today = timezone.localdate(now)
    ordered = sorted(patrols, key=lambda patrol: patrol.started_at)
    days = [timezone.localdate(patrol.started_at) for patrol in ordered]
    problems = []
    for number, (category, description, advice, state, ago, deadline_days) in enumerate(PATROL_PROBLEMS):
        index = max(0, bisect.bisect_right(days, today - timedelta(days=ago)) - 1 - number % 4)
        patrol, found = ordered[index], days[index]
        problems.append(EnvironmentProblem(
            source=ProblemSource.PATROL, patrol=patrol, water_body=patrol.water_body, segment=patrol.segment,
            category=category, description=description, advice=advice, found_on=found, state=state,
            deadline=found + timedelta(days=deadline_days) if deadline_days else None,
            responsible_unit="" if state in (ProblemState.REPORTED, ProblemState.ESCALATED) else "城南办事处"))
    return _save(EnvironmentProblem, problems)


def _inspections(now):
    today = timezone.localdate(now)
    contract = demo_contract()
    enterprises = list(contract.enterprises.order_by("uscc")[:2])
    if not enterprises:
        return [], []
    inspections = _save(StewardInspection, [
        StewardInspection(contract=contract, enterprise=enterprise, inspected_on=max(contract.starts_on, today - timedelta(days=ago)),
                          inspectors="演示环保科技有限公司 李工、王工", summary=summary)
        for enterprise, ago, summary in zip(enterprises, (40, 9), ("危废贮存和雨水排口专项检查", "废气治理设施运行检查"))])
    problems = []
    for inspection, found in zip(inspections, STEWARD_PROBLEMS):
        for category, description, advice, state, days in found:
            problems.append(EnvironmentProblem(
                source=ProblemSource.STEWARD, inspection=inspection, enterprise=inspection.enterprise,
                category=category, description=description, advice=advice, found_on=inspection.inspected_on,
                deadline=inspection.inspected_on + timedelta(days=days), state=state,
                responsible_unit=inspection.enterprise.name if state != ProblemState.REPORTED else ""))
    return inspections, _save(EnvironmentProblem, problems)


def _assessment() -> None:
    contract = demo_contract()
    today = timezone.localdate()
    quarter = (today.month - 1) // 3  # the last quarter that has ended
    year = today.year if quarter else today.year - 1
    if quarter == 0 or not contract.starts_on <= date(year, 3 * quarter, 28):
        return
    _save(StewardAssessment, [StewardAssessment(contract=contract, year=year, quarter=quarter, score=Decimal("86.50"),
                                                comments="检查覆盖全部服务企业，问题清单清晰；部分问题整改跟踪不及时。",
                                                assessed_by="园区生态环境局")])


def _problem_histories(problems) -> None:
    """Each problem's way to its state, a few days a step from when it was found, and the running
    verification deadline of those rectified."""
    content_type = ContentType.objects.get_for_model(EnvironmentProblem)
    machine = EnvironmentProblem.machine
    changes, deadlines = [], []
    for problem in problems:
        state, day = ProblemState.REPORTED, problem.found_on
        for name in PATHS_TO[problem.state]:
            transition = machine.transitions[name]
            day = min(day + timedelta(days=2), timezone.localdate())
            changes.append(StateChange(content_type=content_type, object_id=str(problem.pk), transition=name,
                                       from_state=state, to_state=transition.target, note="",
                                       username="演示数据", time=_at(day)))
            state = transition.target
            if transition.deadline and problem.state == transition.target:
                deadlines.append(deadlines_started(machine, problem, transition, None, _at(day)))
    StateChange.objects.bulk_create(changes)
    Deadline.objects.bulk_create(deadlines)


# The enterprise environmental file (一企一档, environmental part) ---------------------------------
# The files of 40 industrial enterprises: the first ten by code (those the demo enterprise user and
# the demo 环保管家 see) and thirty more, the trades that discharge most first. Each holds a
# discharge permit (four due for renewal within 60 days, one expired), its EIA approvals and their
# acceptances, treatment facilities, online monitors where it is under key management, the year's
# hazardous-waste manifests, an emergency plan, and credit ratings of the last two years; a few
# inspections found problems, two of which ended in a penalty. Dates run back from the day of loading.


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
DUE_IN_DAYS = (75, 12, 30, 88, -20)  # 即将到期 twice, 已过延续申请期限 twice, 已过期 once
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
    inspections = _save(EnvironmentalInspection, _file_inspections(rng, today, enterprises))
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


def _file_inspections(rng, today, enterprises) -> list:
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
    """The outfalls' demo, the water-quality monitoring's (on the water bodies made here), then the
    enterprises' environmental files."""
    from .monitoring_demo import load_monitoring

    _load_outfalls(out)
    load_monitoring(out)
    load_enterprise_files(out)
    tell_demo_office()


def tell_demo_office(user=None) -> None:
    """Run the office's daily alert check once (`alerts.check`), as the morning's would, so that the
    demo's 环保 users have their notices: at load, and when the demo account of the role is made
    (the demo binding of the 环保 role; `user` is that account). Each object is told of once."""
    from .alerts import check

    check()


# Where the water bodies and outfalls lie on the map (环保地图) ------------------------------------
# Each water body is drawn along its path (RIVER_PATHS), a segment along its part of it
# (SEGMENT_SPANS); each outfall sits on the Yangtze's bank at the mouth of what it drains.
OUTFALL_POSITIONS = {
    "CN001": ("120.266000", "31.980500"), "CN002": ("120.250000", "31.977500"), "CN003": ("120.303000", "31.982500"),
    "CN004": ("120.285000", "31.979500"), "CN005": ("120.233000", "31.978000"), "CN006": ("120.335000", "31.985500"),
    "CN007": ("120.278000", "31.980000"), "CN008": ("120.295000", "31.980500"),
}


def river_line(name: str, span: tuple[float, float] | None = None) -> dict | None:
    """The water body's line as GeoJSON, or the part `span` (fractions of its length) of it; None
    for a water body the demo does not place."""
    path = RIVER_PATHS.get(name)
    if path is None:
        return None
    if span is None or span == (0.0, 1.0):
        return {"type": "LineString", "coordinates": [list(point) for point in path]}
    legs = [patrol_math.haversine_km(a, b) for a, b in zip(path, path[1:])]
    total = sum(legs)
    low, high = span[0] * total, span[1] * total
    points, walked = [_point_at(path, legs, low)], 0.0
    for point, length in zip(path[1:], legs):
        walked += length
        if low < walked < high:
            points.append(point)
    points.append(_point_at(path, legs, high))
    return {"type": "LineString", "coordinates": [[round(lon, 6), round(lat, 6)] for lon, lat in points]}
