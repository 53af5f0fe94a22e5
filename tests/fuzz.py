"""Shared parts of the fuzz tests (tests/core/test_fuzz_*.py): a park with a record of every model,
the hostile values sent into forms and the API, and the settings that keep runs short and
repeatable."""
import os
from datetime import date, datetime, timedelta
from decimal import Decimal as D

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openpark.core import accounts, progress, tokens, workflows
from openpark.core.attachments import attach
from openpark.core.notifications import notify
from openpark.core.models import CalendarDay, CalendarYear, Grid, ImportJob, TaskRun
from openpark.core.registry import declared
from openpark.core.tasks import check_import
from openpark.economy.models import CityFigure, Fact, Indicator
from openpark.enterprises.models import (
    AboveScaleYear, Chain, ChainLink, ChainMembership, Contact, HighTechCertificate, LandParcel, ParcelUse,
    ServiceContract, SubPark, Tag, Zone,
)
from openpark.environment.models import (
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    EnvironmentProblem, HazardousWasteManifest, Measure, Measurement, MonitoringSite, OnlineMonitor, Outfall,
    OutfallClass, OutfallSample, Patrol, Penalty, PollutionSource, RemediationPlan, RiverChief, RiverSegment,
    StewardAssessment, StewardInspection, Tracing, TreatmentFacility, WaterBody, WaterSample,
)
from openpark.evaluation import services as evaluation
from openpark.evaluation.models import DisposalCase, LowEfficiencyRule, Run, SchemeVersion
from openpark.investment import services as investment
from openpark.investment.models import (
    Adviser, DeadlineRule, LandTask, Lead, Project, ProjectDeadline, StageDate, TargetCompany, TargetGoal,
    TeamMember, Visit,
)

from .images import png_bytes
from .factories import EnterpriseFactory, UserFactory, _uscc


def fuzz_settings(examples: int) -> settings:
    """Bounded and repeatable: the same examples on every run, none remembered between runs.
    FUZZ_EXAMPLES multiplies the number of examples for a longer search by hand."""
    return settings(
        max_examples=examples * int(os.environ.get("FUZZ_EXAMPLES", "1")), derandomize=True, database=None,
        deadline=None, suppress_health_check=list(HealthCheck), print_blob=False,
    )


# Text a person could not type but a client can send.
NASTY_TEXT = [
    "", " ", "\x00", "企业\x00名称", "\x01\x02\x1b\x7f", "\u202e反向", "\ufeff", "😀" * 3, "ﷺ" * 20,
    "<script>alert(1)</script>", "' OR 1=1 --", "x" * 5000, "９９９", "Ⅻ", "١٢٣",
]
NASTY_NUMBERS = [
    "0", "-1", "1.5", "-0", "99999999999999999999", "-99999999999999999999", "9223372036854775808",
    "9" * 400, "1" + "0" * 5000, "1e400", "-1e400", "1E+999999", "1e-999999", "NaN", "Infinity", "-Infinity",
    "0x10", "1_000", "１２", "2021.0",
]
NASTY_DATES = [
    "99999-01-01", "9999-12-31", "0001-01-01", "0000-00-00", "2021-02-30", "1899-12-31", "2101-01-01",
    "-2021-01-01", "2021-13-01", "20222",
]
HUGE_WEIGHT = '{"groups": [{"indicators": [{"weight": ' + "9" * 400 + "}]}]}"
WRONG_SHAPES = '{"undetermined": [1], "classification": "x", "bonus": 5}'
NASTY_JSON = [
    "[" * 5000 + "]" * 5000, '{"a": NaN}', "Infinity", "1e400", "[1e400, 2]", '"\\u0000"', '{"\\u0000": 1}',
    '{"type": "Polygon", "coordinates": [[[1e400, 32], [120, 32], [120, 33], [1e400, 32]]]}',
    '{"type": "Point", "coordinates": [120.1, 32.0]}', '{"type": "Point", "coordinates": "x"}',
    '{"type": "FeatureCollection", "features": [1]}', "null", "[]", "{}", "{", "1" * 5000,
    HUGE_WEIGHT,
    '{"groups": [{"indicators": [{"weight": 1e308, "method": {"kind": "fixed", "value": 1e-308}}]}]}',
    WRONG_SHAPES,
]
FORM_VALUES = NASTY_TEXT + NASTY_NUMBERS + NASTY_DATES + NASTY_JSON

# For each kind of form field, the values that most often break a server: every field of every
# form receives each of these once, besides the random examples.
SWEEP = {
    "choice": ["99999999999999999999", "-1", "\x00"],  # an id, a choice: select, checkbox, radio
    "number": ["99999999999999999999", "1E+999999", "-1e400", "20222"],
    "date": ["99999-01-01", "9999-12-31", "0001-01-01"],
    "textarea": ["[" * 5000 + "]" * 5000, '{"a": NaN}', "[1e400]", HUGE_WEIGHT, WRONG_SHAPES, "a\x00b"],
    "text": ["a\x00b", "x" * 5000, "99999999999999999999", "9999-12-31"],
}
SWEEP["hidden"] = SWEEP["search"] = SWEEP["email"] = SWEEP["tel"] = SWEEP["text"]
SWEEP["select"] = SWEEP["checkbox"] = SWEEP["radio"] = SWEEP["choice"]

printable = st.characters(exclude_categories=("Cs",))
form_text = st.one_of(
    st.sampled_from(FORM_VALUES),
    st.text(printable, max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)

# JSON values for API bodies: wrong types, extremes, and structures where scalars are expected.
json_scalars = st.one_of(
    st.sampled_from(NASTY_TEXT + NASTY_NUMBERS + NASTY_DATES),
    st.none(), st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([2**63, -(2**63) - 1, 10**400, 1e308, -1e308, 5e-324, -0.0]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(printable, max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(printable, max_size=5), children,
                                                                       max_size=3),
    max_leaves=8,
)
# Raw bodies that are not JSON, or JSON that Python reads but the platform must refuse.
RAW_BODIES = ["[" * 100000, '{"a": NaN}', "{\x00", '{"year": ' + "9" * 5000 + "}", "[1e400]"]


def build_park(user=None) -> dict:
    """One record of every model that has pages or an API, linked as in a real park (with the
    rows the migrations ship: indicators, schemes, chains, deadline rules, grade policies)."""
    enterprises = [EnterpriseFactory(industry_id="3670", longitude=D("120.1"), latitude=D("32.0")) for _ in range(3)]
    first, second, _ = enterprises
    zone = Zone.objects.create(name="城南片区", boundary={
        "type": "Polygon", "coordinates": [[[120, 32], [120.2, 32], [120.2, 32.2], [120, 32]]]})
    subpark = SubPark.objects.create(name="智能制造园", zone=zone)
    tag = Tag.objects.create(name="专精特新")
    first.zone, first.subpark = zone, subpark
    first.save()
    first.tags.add(tag)
    parcel = LandParcel.objects.create(certificate_no="苏(2020)靖江市不动产权第0000001号", area_mu=D("30"), holder=first,
                                       acquired_on=date(2015, 5, 1))
    for enterprise in enterprises[1:]:
        LandParcel.objects.create(certificate_no=f"苏(2020)靖江市不动产权第{enterprise.pk:07d}号", area_mu=D("10"),
                                  holder=enterprise)
    ParcelUse.objects.create(parcel=parcel, enterprise=second, area_mu=D("5"), started_on=date(2019, 1, 1))
    Contact.objects.create(enterprise=first, name="张三", title="总经理", phone="13800138000")
    HighTechCertificate.objects.create(enterprise=first, number="GR202032000001", issued_on=date(2020, 12, 2))
    for enterprise in enterprises:
        AboveScaleYear.objects.create(enterprise=enterprise, year=2021)
        for code, value in (("tax_paid", 100), ("main_business_revenue", 1000), ("gross_industrial_output", 1200),
                            ("energy_consumption", 50), ("average_employees", 30)):
            Fact.objects.create(enterprise=enterprise, indicator=Indicator.objects.get(code=code), year=2021,
                                value=D(value))
    Fact.objects.create(enterprise=first, indicator=Indicator.objects.get(code="gross_industrial_output"), year=2021,
                        month=6, value=D("500"))
    CityFigure.objects.create(indicator=Indicator.objects.get(code="tax_paid"), year=2021, value=D("100000"))
    Grid.objects.create(code="G-001", name="城南一网格")
    today = timezone.localdate()
    contract = ServiceContract.objects.create(number="HBGJ-001", contractor="某环保科技有限公司", service="环保管家",
                                              starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=335))
    contract.enterprises.add(first)
    CalendarYear.objects.get_or_create(year=2030, defaults={"note": "测试"})
    CalendarDay.objects.get_or_create(day=date(2030, 1, 1), defaults={"name": "元旦"})

    scheme = SchemeVersion.objects.order_by("pk").first()
    runs = [Run.objects.create(year=2021, scheme=scheme, title=f"2021 年度亩均评价 {n}") for n in (1, 2)]
    for run in runs:
        evaluation.gather(run)
        evaluation.compute(run)
    Run.objects.create(year=2021, scheme=scheme, title="草稿批次")
    LowEfficiencyRule.current()
    case = DisposalCase.objects.create(enterprise=first, year=2021, route="redevelop",
                                       area_mu=D("5"), deadline=date(2026, 12, 31), officer="李四")
    evaluation.add_progress(case, date(2022, 3, 1), "已约谈企业负责人。", user)

    chain = Chain.objects.order_by("pk").first()  # the shipped chains and their links
    link = ChainLink.objects.filter(chain=chain).first()
    ChainMembership.objects.create(enterprise=first, chain=chain, link=link)
    ChainMembership.objects.create(enterprise=second, chain=chain)
    TargetGoal.objects.create(year=2026, count=30, note="链长制")
    adviser = Adviser.objects.create(name="王五", organisation="某研究院")
    target = TargetCompany.objects.create(year=2026, name="某新能源公司", company_type="private", link=link, officer="赵六")
    lead = Lead.objects.create(source="adviser", investor="某集团", intended_project="电池项目", officer="赵六",
                               adviser=adviser, target=target)
    Visit.objects.create(held_on=date(2026, 3, 1), kind="trip", place="上海", participants="赵六", outcome="达成意向",
                         lead=lead, target=target)
    project = Project.objects.create(name="电池项目", investor="某集团", investor_enterprise=first, chain=chain, link=link,
                                     zone=zone, lead=lead, total_investment=D("50000"), linked_leader="钱七")
    StageDate.objects.create(project=project, stage="signed", planned_on=date(2026, 6, 1))
    TeamMember.objects.create(project=project, name="孙八")
    LandTask.objects.create(project=project, kind="demolition")
    investment.raise_problem(project, "拆迁进度慢", "周九", date(2026, 12, 1), raised_on=date(2026, 1, 1))
    if user is not None:  # something in the user's 待办, with its 批示 form
        workflows.escalate(project, declared(Project), UserFactory(roles=["investment"]), user, "请协调拆迁")
    rule = DeadlineRule.objects.order_by("pk").first()
    ProjectDeadline.objects.create(project=project, rule=rule, applied_on=date(2026, 4, 1))
    river = WaterBody.objects.create(name="七圩港", kind="canal", level="township", length_km=D("6.5"),
                                     target_class="III")
    segment = RiverSegment.objects.create(water_body=river, name="入江段", start_description="新港大道",
                                          end_description="长江口门", length_km=D("1.2"))
    # A water body and a segment nothing uses yet, which may be deleted (one in use may not).
    WaterBody.objects.create(name="规划河道", kind="canal", level="township")
    RiverSegment.objects.create(water_body=river, name="上游段", length_km=D("2.0"))
    outfall = Outfall.objects.create(code="CN001", name="某企业污水排口", outfall_class=OutfallClass.objects.first(),
                                     longitude=D("120.25"), latitude=D("32.0"), water_body=river, segment=segment,
                                     enterprise=first)
    OutfallSample.objects.create(outfall=outfall, sampled_on=date(2026, 3, 1), cod=D("25"), compliant=True)
    plan = RemediationPlan.objects.create(outfall=outfall, plan_type="regularise", approved_on=date(2026, 4, 1),
                                          approved_by="靖江市生态环境局")
    Measure.objects.create(plan=plan, content="设置标志牌和采样井", owner="企业", deadline=date(2026, 6, 30),
                           progress=50, status="in_progress")
    source = PollutionSource.objects.create(name="某企业生产废水", category="industrial", enterprise=first,
                                            pollutants="化学需氧量、氨氮")
    Tracing.objects.create(outfall=outfall, source=source, traced_on=date(2026, 3, 15))
    chief = RiverChief.objects.create(name="周河长", level="township", title="副镇长", phone="13800000001")
    chief.water_bodies.add(river)
    patrol = Patrol.objects.create(chief=chief, water_body=river, segment=segment,
                                   started_at=timezone.make_aware(datetime(2026, 3, 2, 9, 0)),
                                   ended_at=timezone.make_aware(datetime(2026, 3, 2, 9, 45)),
                                   track={"type": "LineString", "coordinates": [[120.25, 32.0], [120.25, 32.02]]})
    EnvironmentProblem.objects.create(source="patrol", patrol=patrol, water_body=river, category="bank",
                                      description="岸线堆放杂物", found_on=date(2026, 3, 2), deadline=date(2026, 3, 20))
    inspection = StewardInspection.objects.create(contract=contract, enterprise=first, inspected_on=today - timedelta(days=5),
                                                  inspectors="李工、王工", summary="危废仓库标识不全")
    EnvironmentProblem.objects.create(source="steward", inspection=inspection, enterprise=first, category="enterprise",
                                      description="危废仓库标识不全", found_on=today - timedelta(days=5))
    StewardAssessment.objects.create(contract=contract, year=today.year, quarter=(today.month - 1) // 3 + 1,
                                     score=D("88.5"), assessed_by="园区环保局")
    site = MonitoringSite.objects.create(code="QW01", name="七圩港入江口", water_body=river, segment=segment,
                                         longitude=D("120.27"), latitude=D("31.97"))
    water_sample = WaterSample.objects.create(site=site, sampled_at=timezone.make_aware(datetime(2026, 3, 10, 9, 30)),
                                              agency="靖江市环境监测站")
    Measurement.objects.create(sample=water_sample, parameter="ammonia_nitrogen", value=D("1.2"))
    build_environment_file(first)
    task = TaskRun.objects.create(name="test", label="测试任务", user=user)
    sheet = f"统一社会信用代码,企业名称,备注\n{_uscc(999999)},靖江新企业有限公司,新设\n".encode()
    job = ImportJob.objects.create(importer="enterprises.enterprise", user=user, filename="企业.csv",
                                   file=SimpleUploadedFile("企业.csv", sheet))
    progress.start(check_import, "检查导入文件", user, str(job.pk))  # ready to confirm, 备注 unread
    staff = UserFactory(username="fuzz_staff")
    UserFactory(username="fuzz_retired", is_active=False, is_locked=True)  # its page offers 启用 and 解锁
    accounts.request_grant(UserFactory(roles=["admin"]), staff, "leader", "grant", "待审批的授权")
    photo = attach(project, SimpleUploadedFile("现场.png", png_bytes((60, 40), "RGB", (30, 90, 200))), user, purpose="现场照片")
    if user is not None:
        tokens.issue(user, "对接")
        notify([user], kind="dispatch", title="新派单", body="请处理", obj=project)
    build_community(first, user)
    build_transformation(first)
    build_talent(first)
    build_cases(user)
    build_target()
    return {"enterprises": enterprises, "project": project, "runs": runs, "case": case, "task": task, "job": job,
            "photo": photo}


def build_environment_file(enterprise) -> None:
    """One record of each kind of the enterprise's environmental file (一企一档)."""
    DischargePermit.objects.create(enterprise=enterprise, number=f"{enterprise.uscc}001P", category="key",
                                   issued_on=date(2024, 5, 1))
    approval = EiaApproval.objects.create(enterprise=enterprise, project_name="年产 10 万件汽车零部件项目",
                                          document_number="靖环审〔2020〕8号", authority="泰州市生态环境局",
                                          approved_on=date(2020, 3, 1), category="report_form")
    CompletionAcceptance.objects.create(enterprise=enterprise, eia_approval=approval, accepted_on=date(2021, 6, 1))
    TreatmentFacility.objects.create(enterprise=enterprise, name="污水处理站", kind="wastewater", capacity="200 吨/日",
                                     commissioned_on=date(2021, 1, 1))
    OnlineMonitor.objects.create(enterprise=enterprise, outlet_code="DW001", parameters="化学需氧量、氨氮",
                                 connected=True, installed_on=date(2021, 1, 1))
    HazardousWasteManifest.objects.create(enterprise=enterprise, number="3212822026000001", waste_code="HW08",
                                          waste_name="废矿物油", quantity=D("1.250"), receiver="靖江市危废处置中心",
                                          transferred_on=date(2026, 2, 1))
    EmergencyPlan.objects.create(enterprise=enterprise, filing_number="321282-2025-001-L", filed_on=date(2025, 1, 1),
                                 risk_level="general")
    inspection = EnvironmentalInspection.objects.create(enterprise=enterprise, inspected_on=date(2026, 1, 10),
                                                        agency="泰州市靖江生态环境局", result="problem",
                                                        findings="危废台账不全")
    Penalty.objects.create(enterprise=enterprise, inspection=inspection, decision_number="泰环罚〔2026〕1号",
                           decided_on=date(2026, 1, 20), amount=D("2.50"), reason="危废台账不全")
    CreditRating.objects.create(enterprise=enterprise, year=2025, rating="blue")


def build_community(enterprise, user=None) -> None:
    """One record of each kind of 新就业群体: an organisation covering the enterprise, a station and
    an inspection of it, a team, a worker with points (the user's own, for 我的积分's 兑换 and 撤回), an activity they came
    to, a reward and a redemption."""
    from openpark.community import services as community
    from openpark.community.models import (
        Activity, Organisation, Participation, Redemption, Reward, Station, StationInspection, VolunteerTeam, Worker,
    )

    organisation = Organisation.objects.create(name="外卖配送行业党委", kind="party_committee", officers="陈书记")
    organisation.covered_enterprises.add(enterprise)
    station = Station.objects.create(name="城南小哥驿站", tier="post", kind="xiaoge", longitude=D("120.26"),
                                     latitude=D("31.96"), opens_at=datetime(2026, 1, 1, 8).time(),
                                     closes_at=datetime(2026, 1, 1, 22).time(), facilities=["water", "charging"])
    from openpark.community.standards import CHECKLIST_FIELDS

    StationInspection.objects.create(station=station, inspected_on=date(2026, 3, 2), inspector="周丽",
                                     **{**dict.fromkeys(CHECKLIST_FIELDS, True), "fire_equipment": False},
                                     rectify_by=date(2026, 4, 1), note="灭火器过期")
    team = VolunteerTeam.objects.create(name="蜂骑士团", organisation=organisation, leader="刘队长")
    worker = Worker.objects.create(name="王骑手", employer=enterprise, job_type="takeaway", party_member=True,
                                   station=station, phone="13900139000", consent_on=date(2026, 1, 1),
                                   user=user if getattr(user, "pk", None) else None)
    worker.teams.add(team)
    activity = Activity.objects.create(title="消防安全培训", kind="fire_safety", held_on=timezone.localdate(),
                                       station=station, organiser=organisation, hours=D("2"), points=20)
    Participation.objects.create(activity=activity, worker=worker, attended=True)
    # coming activities on the worker's own page: one to sign up for, one signed up for (and cancelled)
    soon = timezone.localdate() + timedelta(days=7)
    Activity.objects.create(title="技能比武", kind="skills_contest", held_on=soon, organiser=organisation, points=10)
    Participation.objects.create(worker=worker, activity=Activity.objects.create(
        title="主题党日", kind="party_day", held_on=soon, organiser=organisation, points=5))
    community.grant_activity(activity)
    reward = Reward.objects.create(name="骑行雨衣", points=10, stock=5, limit_per_person=2)
    Redemption.objects.create(worker=worker, reward=reward)


def build_cases(user=None) -> None:
    """随手拍: a department, a category with its own time limit, an Open311 key, and a case waiting at
    each step of the workflow (the user's own among them, for 撤回 and 评价), so that every step's form
    is offered somewhere."""
    from openpark.community import casework
    from openpark.community.models import (
        Case, CaseCategory, CaseTimeLimit, Department, DepartmentBinding, Open311Key,
    )
    from openpark.core.models import Grid

    department = Department.objects.create(name="城市管理办公室", phone="0523-84000000")
    if getattr(user, "pk", None):
        DepartmentBinding.objects.create(user=user, department=department)
    category = CaseCategory.objects.create(code="litter", name="乱扔垃圾", group="市容环境", icon="litter",
                                           department=department, points=5, anonymous_allowed=True)
    CaseTimeLimit.objects.create(category=category, stage="handle", urgency="urgent", amount=120,
                                 unit="natural_minutes")
    Open311Key.objects.create(name="市民热线对接", prefix="abcd1234", digest="0" * 64)
    grid = Grid.objects.order_by("pk").first()
    actor = user if getattr(user, "pk", None) else None

    def filed(description, reporter=None):
        return casework.submit(Case(category=category, description=description, longitude=D("120.26"),
                                    latitude=D("31.96"), location_source="device", grid=grid), reporter)

    def made(case, *steps):
        for name, given in steps:
            transition, fields = case.machine.transitions[name], dict(given)
            note = fields.pop("note", "说明")
            if transition.needs_evidence:
                photo = SimpleUploadedFile("处置后.png", png_bytes((60, 40), "RGB", (30, 160, 90)))
                fields["evidence"] = [attach(case, photo, actor, purpose="处置后照片", evidence=True)]
            if transition.perform:
                from django.utils.module_loading import import_string

                import_string(transition.perform)(case, name, None, note, **fields)
            else:
                case.machine.apply(case, name, None, note)
            case.refresh_from_db()
        return case

    verified = [("verify", {})]
    registered = [*verified, ("register", {})]
    dispatched = [*registered, ("dispatch", {"department": department})]
    handling = [*dispatched, ("accept", {})]
    replied = [*handling, ("reply", {})]
    checked = [*replied, ("recheck_pass", {})]
    own = filed("路边垃圾堆放", actor)  # 待核实, the user's own: 撤回, 补充照片, its photo
    attach(own, SimpleUploadedFile("现场.png", png_bytes((60, 40), "RGB", (30, 90, 200))), actor, purpose="上报照片")
    made(filed("绿化带垃圾"), *registered)  # 待派遣
    made(filed("人行道垃圾"), *dispatched)  # 待签收
    made(filed("河边垃圾"), *handling)  # 处置中
    made(filed("桥下垃圾"), *handling, ("request_extension", {"days": 2}))  # 延期待批
    made(filed("广场垃圾"), *replied)  # 待核查
    made(filed("车站垃圾"), *checked)  # 待结案
    made(filed("公园垃圾"), *handling, ("park", {}))  # 挂账
    made(filed("小区垃圾", actor), *checked, ("close", {"resolution": "fixed"}))  # 已结案, the user's own: 评价
    made(filed("码头垃圾"), ("reject", {}))  # 不予立案


def build_target() -> None:
    """A target of the year, measured by 招商's metric of the projects that reached 签约."""
    from openpark.core.models import Target

    Target.objects.create(name="年度签约项目", year=2021, start=date(2021, 1, 1), end=date(2021, 12, 31),
                          metric="investment.projects_reaching", params={"stage": "signed"}, target_value=D(10),
                          owner="招商")


def build_transformation(enterprise) -> None:
    """One record of each 智改数转 model: a certification and a project."""
    from openpark.transformation.models import Certification, TransformationProject

    Certification.objects.create(enterprise=enterprise, kind="cloud", level="three_star", issuing_level="province",
                                 certified_on=date(2026, 3, 1), document_number="苏工信数字〔2026〕10号")
    TransformationProject.objects.create(enterprise=enterprise, name="数字化车间改造", year=2026,
                                         investment=D("500"), equipment_investment=D("300"),
                                         subsidy_applied=D("50"), subsidy_received=D("20"))


def build_talent(enterprise) -> None:
    """One record of each 人才服务 model."""
    from openpark.talent.models import (
        Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining,
    )

    JobPosting.objects.create(enterprise=enterprise, title="数控车工", trade="数控车工", headcount=5, salary_low=5000,
                              salary_high=7000, posted_on=date(2026, 3, 1), closes_on=date(2026, 4, 30))
    SchoolPartnership.objects.create(enterprise=enterprise, school="泰州职业技术学院", kind="order_class",
                                     major="机电一体化技术", started_on=date(2025, 9, 1), students_per_year=30)
    fair = RecruitmentFair.objects.create(name="春风行动专场招聘会", held_on=date(2026, 2, 18), visitors=800)
    FairBooth.objects.create(fair=fair, enterprise=enterprise, positions=10, resumes=40, hires=6)
    SkillsTraining.objects.create(name="焊工职业技能提升培训", trade="焊工", enterprise=enterprise,
                                  started_on=date(2026, 5, 6), trainees=40, certified=35)
    Apprenticeship.objects.create(enterprise=enterprise, master="王建国", apprentice="李浩", trade="焊工",
                                  started_on=date(2025, 3, 1), planned_end_on=date(2026, 3, 1), outcome="graduated",
                                  finished_on=date(2026, 2, 20), skill_level="senior")
