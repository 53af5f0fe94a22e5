"""Demo data of the investment app: the demo park's projects since 2017, generated so that the
published totals come out of the platform's own counting (`services.summary(2017)`):
149 projects signed for 532亿元, 112 started for 195亿元, 106 completed for 90亿元. Also the
year's 30 target companies, advisers, leads, visits, problems and 1230 deadlines, some overdue
and some projects stale.
"""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from openpark.core.bulk import insert_instances
from openpark.core.changes import record_created
from openpark.core.demo import ensure_target
from openpark.core.facts import park_facts
from openpark.core.deadlines import started as deadlines_started
from openpark.core.models import Deadline, StateChange
from openpark.core.units import WAN_PER_YI
from openpark.enterprises.models import Chain, ChainLink, Enterprise, Zone

from .choices import STAGE_ORDER, AdviserKind, CompanyType, ContactStatus, LeadSource, Stage, VisitKind
from .models import (
    Adviser, DeadlineRule, Lead, Problem, Project, ProjectDeadline, StageDate, TargetCompany, TargetGoal, Visit,
)
from .services import ship_all

SEED = 20170101
# (how many, total in 亿元, final stages) for the projects that were completed, started only, signed only.
GROUPS = (
    (106, 90, (Stage.PRODUCING,) * 9 + (Stage.COMPLETED,)),
    (6, 105, (Stage.STARTED,)),
    (37, 337, (Stage.SIGNED,) * 3 + (Stage.LAND,)),
)
BIG = (100, 50)  # 亿元: the park's first 百亿 and 五十亿 projects, signed, not yet started
PRODUCTS = ("精密齿轮", "汽车电子控制器", "液压油缸", "高效电机", "储能电池模组", "3D打印设备", "纺机零部件", "机床铸件",
            "复合材料构件", "工业机器人集成", "伺服驱动器", "新能源汽车电驱", "智能包装线", "特种钢结构")
INVESTORS = ("苏州", "无锡", "常州", "扬州", "上海", "南京", "宁波", "深圳")
LEADERS = ("周明", "吴建华", "郑国强", "孙立新")
DEPARTMENTS = ("经发局", "招商局", "规划建设局", "行政审批局")
OFFICERS = ("王磊", "李娜", "张强", "陈静", "刘洋")


def cents(value) -> Decimal:
    return Decimal(value).quantize(Decimal("1"))


def spread(rng: random.Random, count: int, total_wan: int, fixed: tuple = ()) -> list[Decimal]:
    """`count` whole-万元 amounts summing to `total_wan`, the first ones fixed."""
    free = count - len(fixed)
    remaining = total_wan - sum(fixed)
    weights = [rng.lognormvariate(0, 0.8) for _ in range(free)]
    amounts = [cents(remaining * w / sum(weights)) for w in weights]
    amounts[amounts.index(max(amounts))] += remaining - sum(amounts)
    return [Decimal(f) for f in fixed] + amounts


def load(out) -> None:
    ship_all()  # a flushed database (browser tests) has lost the migration's rows
    _goal(timezone.localdate().year)
    _target(timezone.localdate().year)
    if Project.all_objects.exists():
        out.write(f"招商项目：已有 {Project.all_objects.count()} 个，未重复生成。")
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    builder = _Builder(rng, today)
    builder.signed_projects()
    builder.unsigned_projects()
    builder.save()
    targets = _targets(rng, today.year)
    advisers = _advisers()
    leads = _leads(rng, today, advisers, targets)
    visits = _visits(rng, today, leads, targets)
    problems = _problems(rng, today, builder.in_progress())
    deadlines = _deadlines(rng, today, builder.in_progress())
    figures = park_facts()["projects_since_2017"]
    out.write(f"招商项目：新建 {len(builder.projects)} 个（2017 年以来签约 {figures['signed']['count']} 个）；目标企业 "
              f"{len(targets)} 家，线索 {len(leads)} 条，走访 {len(visits)} 次，问题 {len(problems)} 个，"
              f"办理时限 {len(deadlines)} 项。")


class _Builder:
    """The projects with their stage dates and stage histories, built in memory and saved in bulk."""

    def __init__(self, rng: random.Random, today: date):
        self.rng, self.today = rng, today
        self.chains = list(Chain.objects.prefetch_related("links"))
        self.zones = list(Zone.objects.all())
        self.enterprises = list(Enterprise.objects.order_by("uscc")[:60])
        self.projects: list[Project] = []
        self.dates: list[tuple[int, str, date]] = []  # (project index, stage, actual date)
        self.plans: list[tuple[int, str, date]] = []
        self.terminated: set[int] = set()
        self.numbers: dict[int, int] = {}  # project numbers given, by year

    def signed_projects(self) -> None:
        for group, (count, total_yi, finals) in enumerate(GROUPS):
            fixed = tuple(b * WAN_PER_YI for b in BIG) if group == 2 else ()
            for index, amount in enumerate(spread(self.rng, count, total_yi * WAN_PER_YI, fixed)):
                final = finals[index % len(finals)]
                first_year = (2017, 2022, 2023)[group]
                last_year = (2021, 2023, 2026)[group]
                signed = date(self.rng.randint(first_year, last_year), self.rng.randint(1, 12), self.rng.randint(1, 28))
                signed = min(signed, date(2026, 6, 30))
                self._add(amount, final, signed, registered=group == 0 and index < 40)

    def unsigned_projects(self) -> None:
        for index in range(26):
            final = (Stage.LEAD, Stage.NEGOTIATING, Stage.TERMINATED)[index % 3]
            amount = cents(self.rng.lognormvariate(9.5, 0.9))
            self._add(amount, final, None)

    def _add(self, amount: Decimal, final: str, signed: date | None, registered: bool = False) -> None:
        chain = self.rng.choice(self.chains)
        links = list(chain.links.all())
        number = len(self.projects)
        product = PRODUCTS[number % len(PRODUCTS)]
        place = self.rng.choice(INVESTORS)
        project = Project(
            name=f"{product}项目（{number + 1:03d}）", investor=f"{place}某{product[:2]}科技有限公司",
            investor_enterprise=self.enterprises[number] if registered else None, chain=chain,
            link=self.rng.choice(links) if links else None, zone=self.rng.choice(self.zones) if self.zones else None,
            total_investment=amount, fixed_asset_investment=cents(amount * Decimal(self.rng.uniform(0.6, 0.9))),
            land_mu=cents(amount / Decimal(self.rng.uniform(150, 400))), expected_output=cents(amount * Decimal(1.5)),
            expected_tax=cents(amount * Decimal(0.06)), linked_leader=self.rng.choice(LEADERS),
            linked_department=self.rng.choice(DEPARTMENTS), stage=final,
        )
        self.projects.append(project)
        self._history(number, project, final, signed)

    def _history(self, number: int, project: Project, final: str, signed: date | None) -> None:
        """Stage dates from 线索 up to the final stage, then 终止 if that is where it ends."""
        stages = list(STAGE_ORDER[:STAGE_ORDER.index(final) + 1]) if final != Stage.TERMINATED else \
            [Stage.LEAD, Stage.NEGOTIATING]
        day = (signed - timedelta(days=self.rng.randint(90, 300))) if signed else \
            self.today - timedelta(days=self.rng.randint(90, 400))
        reached = {}
        for stage in stages:
            if stage == Stage.SIGNED and signed:
                day = signed
            elif stage == Stage.NEGOTIATING:
                day = day + timedelta(days=self.rng.randint(20, 60))  # before signing: lead is 90+ days earlier
            elif stage != Stage.LEAD:
                day = day + timedelta(days=self.rng.randint(30, 240 if stage == Stage.COMPLETED else 120))
            day = min(day, self.today - timedelta(days=1))
            self.dates.append((number, stage, day))
            reached[stage] = day
        self._facts(number, project, reached)
        if final == Stage.TERMINATED:
            day = min(day + timedelta(days=self.rng.randint(30, 90)), self.today - timedelta(days=1))
            self.terminated.add(number)
        project.stage_changed_on = day
        year = (signed or self.dates[-len(stages)][2]).year
        self.numbers[year] = self.numbers.get(year, 0) + 1
        project.code = f"XM{year}-{self.numbers[year]:04d}"
        # Projects under way have recent progress, some of them more than 30 days ago (stale).
        in_progress = final not in (Stage.PRODUCING, Stage.TERMINATED)
        project.last_progress_on = self.today - timedelta(days=self.rng.randint(1, 55)) if in_progress else day
        next_index = STAGE_ORDER.index(final) + 1 if final in STAGE_ORDER else len(STAGE_ORDER)
        if in_progress and next_index < len(STAGE_ORDER):
            self.plans.append((number, STAGE_ORDER[next_index], self.today + timedelta(days=self.rng.randint(30, 240))))

    @staticmethod
    def _facts(number: int, project: Project, reached: dict) -> None:
        """What each stage reached needs (`stages.STAGE_FACTS`): the contract signed on the day of
        signing for the total investment, the land's certificate, the permit a few days before the
        start (and not before the land). Derived from the dates, not drawn, so that the draws of
        the projects after it stay as they are."""
        if Stage.SIGNED in reached:
            project.contract_signed_on, project.contract_amount = reached[Stage.SIGNED], project.total_investment
        if Stage.LAND in reached:
            year = reached[Stage.LAND].year
            project.land_parcel = f"JJ{year}-{number + 1:03d}"
            project.land_certificate = f"苏({year})靖江市不动产权第{2000000 + number * 53:07d}号"
        if Stage.STARTED in reached:
            started = reached[Stage.STARTED]
            project.permit_issued_on = max(started - timedelta(days=3), reached[Stage.LAND])
            project.permit_number = f"320282{project.permit_issued_on:%Y%m%d}{number + 1:04d}"

    def save(self) -> None:
        insert_instances(Project, self.projects)
        record_created(self.projects)
        stage_dates = [StageDate(project=self.projects[n], stage=stage, actual_on=day) for n, stage, day in self.dates]
        stage_dates += [StageDate(project=self.projects[n], stage=stage, planned_on=day) for n, stage, day in self.plans]
        insert_instances(StageDate, stage_dates)
        content_type = ContentType.objects.get_for_model(Project)
        changes, previous = [], {}
        for number, stage, day in self.dates:
            if number in previous:
                changes.append(StateChange(content_type=content_type, object_id=str(self.projects[number].pk),
                                           transition=f"to_{stage}", from_state=previous[number], to_state=stage,
                                           note="演示数据", username="演示数据",
                                           time=timezone.make_aware(datetime.combine(day, time.min))))
            previous[number] = stage
        for number in sorted(self.terminated):
            changes.append(StateChange(content_type=content_type, object_id=str(self.projects[number].pk),
                                       transition="terminate", from_state=previous[number], to_state=Stage.TERMINATED,
                                       note="投资方调整战略，项目终止", username="演示数据"))
        StateChange.objects.bulk_create(changes)
        self._running_deadlines()

    def _running_deadlines(self) -> None:
        """The deadline each project's last stage change started and it has not met yet (供地 →
        开工 within 30 working days), as the machine starts it when the change is made."""
        entered = {number: (stage, day) for number, stage, day in self.dates}  # the last stage reached
        deadlines = []
        for number, (stage, day) in sorted(entered.items()):
            project = self.projects[number]
            transition = project.machine.transitions.get(f"to_{stage}")
            if number in self.terminated or transition is None or transition.deadline is None:
                continue
            when = timezone.make_aware(datetime.combine(day, time(9)))
            deadlines.append(deadlines_started(project.machine, project, transition, None, when))
        Deadline.objects.bulk_create(deadlines)

    def in_progress(self) -> list[Project]:
        return [p for p in self.projects if p.stage not in (Stage.PRODUCING, Stage.TERMINATED)]


def _goal(year: int) -> None:
    """The year's target-company goal, as published; set once, then it is 招商's to change."""
    if not TargetGoal.all_objects.filter(year=year).exists():
        goal = TargetGoal(year=year, count=park_facts()["investment_attraction"]["target_companies_per_year"],
                          note="链长制：每年梳理目标企业（公开报道数）")
        goal.save()


def _target(year: int) -> None:
    """The year's target of target companies (目标企业), measured from the list itself."""
    count = park_facts()["investment_attraction"]["target_companies_per_year"]
    ensure_target(f"{year} 年梳理目标企业", year, "investment.target_companies", count, owner="招商",
                  note="链长制：每年梳理目标企业（公开报道数）")


def _targets(rng: random.Random, year: int) -> list[TargetCompany]:
    count = park_facts()["investment_attraction"]["target_companies_per_year"]
    links = list(ChainLink.objects.select_related("chain"))
    kinds = (CompanyType.CENTRAL_SOE, CompanyType.NATIONAL, CompanyType.LISTED, CompanyType.FOREIGN, CompanyType.PRIVATE)
    statuses = (ContactStatus.NOT_CONTACTED, ContactStatus.CONTACTED, ContactStatus.VISITED, ContactStatus.NEGOTIATING,
                ContactStatus.SIGNED)
    prefixes = {CompanyType.CENTRAL_SOE: "中国", CompanyType.NATIONAL: "国家", CompanyType.LISTED: "",
                CompanyType.FOREIGN: "", CompanyType.PRIVATE: ""}
    targets = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        link = links[number % len(links)]
        targets.append(TargetCompany(
            year=year, name=f"{prefixes[kind]}{link.name}{('集团', '股份有限公司', '控股有限公司')[number % 3]}{number + 1:02d}",
            company_type=kind, link=link, officer=OFFICERS[number % len(OFFICERS)],
            contact_status=statuses[min(number % 7, 4)],
        ))
    insert_instances(TargetCompany, targets)
    record_created(targets)
    return targets


def _advisers() -> list[Adviser]:
    advisers = [
        Adviser(name="赵志远", kind=AdviserKind.CHIEF, organisation="上海某汽车零部件集团 副总裁"),
        Adviser(name="钱文博", kind=AdviserKind.CHIEF, organisation="某外资工程机械公司 中国区总经理"),
        Adviser(name="孙海燕", kind=AdviserKind.CHIEF, organisation="在苏州工作的靖江籍企业家"),
        Adviser(name="李晓东", kind=AdviserKind.TALENT, organisation="江苏某高校 就业处"),
        Adviser(name="周婷", kind=AdviserKind.TALENT, organisation="某人力资源公司"),
    ]
    insert_instances(Adviser, advisers)
    record_created(advisers)
    return advisers


def _leads(rng, today, advisers, targets) -> list[Lead]:
    sources = list(LeadSource.values)
    leads = []
    for number in range(40):
        source = sources[number % len(sources)]
        leads.append(Lead(
            received_on=today - timedelta(days=rng.randint(5, 400)), source=source,
            investor=f"{rng.choice(INVESTORS)}某{PRODUCTS[number % len(PRODUCTS)][:2]}企业",
            intended_project=f"{PRODUCTS[number % len(PRODUCTS)]}项目", officer=OFFICERS[number % len(OFFICERS)],
            adviser=advisers[number % 3] if source == LeadSource.ADVISER else None,
            target=targets[number % len(targets)] if number % 4 == 0 else None,
        ))
    insert_instances(Lead, leads)
    record_created(leads)
    return leads


def _visits(rng, today, leads, targets) -> list[Visit]:
    visits = []
    for number in range(25):
        kind = (VisitKind.TRIP, VisitKind.ONLINE, VisitKind.RECEPTION)[number % 3]
        place = {VisitKind.TRIP: rng.choice(("苏州", "无锡", "常州", "扬州", "上海")), VisitKind.ONLINE: "线上（远程谈）",
                 VisitKind.RECEPTION: "管委会会议室"}[kind]
        held = today - timedelta(days=rng.randint(3, 300))
        visits.append(Visit(
            held_on=held, kind=kind, place=place, participants="管委会主任、招商局、" + OFFICERS[number % len(OFFICERS)],
            outcome="介绍园区产业链与要素保障，对方有意向考察", next_step="安排来园考察" if number % 2 == 0 else "",
            next_due=held + timedelta(days=30) if number % 2 == 0 else None,
            lead=leads[number] if number < len(leads) else None, target=targets[number % len(targets)] if number % 5 == 0 else None,
        ))
    insert_instances(Visit, visits)
    record_created(visits)
    return visits


def _problems(rng, today, projects) -> list[Problem]:
    texts = ("用电增容未落实", "环评审批排队", "施工许可材料补正", "用地指标待调剂", "融资担保未到位", "道路配套未完成")
    problems = []
    for number, project in enumerate(projects[:12]):
        raised = today - timedelta(days=rng.randint(10, 90))
        resolved = number % 3 == 0
        problems.append(Problem(
            project=project, stage=project.stage, description=texts[number % len(texts)], owner=OFFICERS[number % 5],
            raised_on=raised, deadline=raised + timedelta(days=rng.randint(7, 40)),
            escalated_on=raised + timedelta(days=5) if number % 4 == 1 else None,
            resolution="已协调解决" if resolved else "", resolved_on=raised + timedelta(days=6) if resolved else None,
        ))
    insert_instances(Problem, problems)
    record_created(problems)
    return problems


def _deadlines(rng, today, projects) -> list[ProjectDeadline]:
    rules = list(DeadlineRule.objects.order_by("order"))
    deadlines = []
    for number, project in enumerate(projects[:10]):
        for rule in rules:
            if rule.industrial_only and not project.industrial:
                continue
            applied = today - timedelta(days=rng.randint(1, 50))
            done = applied + timedelta(days=rule.working_days) if number % 3 else None
            deadlines.append(ProjectDeadline(project=project, rule=rule, applied_on=applied,
                                             done_on=min(done, today) if done else None))
    insert_instances(ProjectDeadline, deadlines)
    record_created(deadlines)
    return deadlines
