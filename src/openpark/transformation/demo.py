"""Demo data of 智改数转, as chengnan-facts.yaml tells it: this year 20 enterprises certified as
三星 or 四星 上云企业 and 3 smart workshops at 泰州市级 or above; a history back to 2022 of a park
that worked at its 2022–2025 plan (21 smart workshops against 20, 74 smart production lines against
80), a few 智能工厂 (one raised a level, the lower one superseded), 专精特新 and 样板工厂;
transformation projects in every state, of varied investment and subsidy rate.

Deterministic (fixed choices, no randomness) relative to the day it is loaded, and no record is
dated after that day; written in bulk, one insert per table."""
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from openpark.core.bulk import insert_instances
from openpark.core.changes import record_created
from openpark.core.demo import ensure_target
from openpark.core.facts import park_facts
from openpark.enterprises.models import AboveScaleYear, Enterprise

from .choices import CertificationKind as K, CertificationLevel as L, IssuingLevel as I, NetworkConnection, ProjectState
from .models import Certification, TransformationProject
from .services import supersede_many

FIRST_YEAR = 2022
PLAN_END = 2025  # the seed's plan: 20 smart workshops and 80 smart lines in 2022–2025
FACTS = park_facts()["smart_transformation"]["this_year"]
CLOUD_THIS_YEAR = FACTS["cloud_enterprises_three_or_four_star"]  # 20, half 三星 and half 四星
WORKSHOPS_THIS_YEAR = FACTS["smart_workshops_taizhou_level_or_above"]  # 3
WORKSHOPS_BEFORE = 21  # certified in the plan's years
LINES_BEFORE = 74
LINES_THIS_YEAR = 6


def _save(model, instances: list) -> list:
    insert_instances(model, instances)
    record_created(instances)
    return instances


def _enterprises(year: int) -> list[Enterprise]:
    """The demo's enterprises, the latest 规上 ones first (they are the ones that transform)."""
    above = set(AboveScaleYear.objects.filter(year__lte=year).values_list("enterprise_id", flat=True))
    enterprises = list(Enterprise.objects.order_by("uscc"))
    return [e for e in enterprises if e.pk in above] + [e for e in enterprises if e.pk not in above]


def _on(year: int, month: int, day: int, today: date) -> date:
    """The day `year`-`month`-`day`, or, were it after `today`, a day of the same year before it."""
    wanted = date(year, month, day)
    if wanted <= today:
        return wanted
    start = date(year, 1, 1)
    return start + timedelta(days=(wanted - start).days % ((today - start).days + 1))


def load(out) -> None:
    _targets(timezone.localdate().year)
    if Certification.all_objects.exists():
        out.write(f"智改数转：已有认定 {Certification.all_objects.count()} 项，未重复生成。")
        return
    today = timezone.localdate()
    year = today.year
    enterprises = _enterprises(year)
    if not enterprises:
        out.write("智改数转：没有企业，未生成。")
        return
    count = len(enterprises)

    def firm(i: int) -> Enterprise:
        return enterprises[i % count]

    this_year = []
    # 20 上云 enterprises this year: the first ten 三星, the next ten 四星.
    for i in range(CLOUD_THIS_YEAR):
        this_year.append(Certification(enterprise=firm(i), kind=K.CLOUD, level=L.THREE_STAR if i < CLOUD_THIS_YEAR // 2 else L.FOUR_STAR,
                                       issuing_level=I.PROVINCE, certified_on=_on(year, 3, 1 + i, today),
                                       expires_on=date(year + 3, 3, 1 + i), document_number=f"苏工信数字〔{year}〕{10 + i}号"))
    # 3 smart workshops this year, at 泰州市级 or above.
    for i in range(WORKSHOPS_THIS_YEAR):
        level = (I.TAIZHOU, I.PROVINCE)[i % 2]
        this_year.append(Certification(enterprise=firm(30 + i), kind=K.SMART_WORKSHOP, issuing_level=level,
                                       certified_on=_on(year, 6, 10 + i, today),
                                       document_number=f"泰工信〔{year}〕{60 + i}号"))
    factory_now = Certification(enterprise=firm(40), kind=K.SMART_FACTORY, level=L.ADVANCED, issuing_level=I.PROVINCE,
                                certified_on=date(year - 1, 9, 1), document_number=f"苏工信〔{year - 1}〕88号")
    this_year.append(factory_now)
    _save(Certification, this_year)

    history = []
    # The 四星 enterprises were 三星 two years before: their 三星 ended when the 四星 came (the rule's
    # own bulk form, `services.supersede_many`, ends them below).
    for certification in this_year[CLOUD_THIS_YEAR // 2:CLOUD_THIS_YEAR]:
        history.append(Certification(enterprise=certification.enterprise, kind=K.CLOUD, level=L.THREE_STAR,
                                     issuing_level=I.PROVINCE, certified_on=certification.certified_on.replace(year=year - 2)))
    history.append(Certification(enterprise=firm(40), kind=K.SMART_FACTORY, level=L.BASIC, issuing_level=I.TAIZHOU,
                                 certified_on=date(year - 3, 9, 1)))
    history.append(Certification(enterprise=firm(41), kind=K.SMART_FACTORY, level=L.BASIC, issuing_level=I.TAIZHOU,
                                 certified_on=date(max(FIRST_YEAR, year - 2), 10, 8)))
    past_years = list(range(FIRST_YEAR, year)) or [year]
    plan_years = list(range(FIRST_YEAR, min(year, PLAN_END + 1))) or [year]  # the same whichever year it loads
    for i in range(WORKSHOPS_BEFORE):
        history.append(Certification(enterprise=firm(50 + i), kind=K.SMART_WORKSHOP,
                                     issuing_level=(I.COUNTY, I.TAIZHOU, I.PROVINCE)[i % 3],
                                     certified_on=_on(plan_years[i % len(plan_years)], 5, 1 + i, today)))
    for i in range(LINES_BEFORE + LINES_THIS_YEAR):
        line_year = plan_years[i % len(plan_years)] if i < LINES_BEFORE else year
        history.append(Certification(enterprise=firm(20 + i), kind=K.SMART_LINE,
                                     issuing_level=(I.COUNTY, I.COUNTY, I.TAIZHOU)[i % 3],
                                     certified_on=_on(line_year, 1 + i % 12, 1 + i % 28, today)))
    for i in range(8):
        history.append(Certification(enterprise=firm(60 + i), kind=K.SPECIALISED,
                                     level=L.LITTLE_GIANT if i < 2 else L.SME,
                                     issuing_level=I.NATION if i < 2 else I.PROVINCE,
                                     certified_on=_on(past_years[i % len(past_years)], 7, 1 + i, today)))
    for i in range(2):
        history.append(Certification(enterprise=firm(70 + i), kind=K.MODEL_FACTORY, issuing_level=I.TAIZHOU,
                                     certified_on=_on(past_years[-1], 11, 1 + i, today)))
    _save(Certification, history)
    supersede_many([*history, *this_year])
    projects = _save(TransformationProject, _projects(today, firm))
    out.write(f"智改数转：认定 {len(this_year) + len(history)} 项，改造项目 {len(projects)} 个。")


PROJECT_NAMES = ("数字化车间改造", "智能生产线建设", "MES 系统上线", "设备联网与数据采集", "5G 全连接工厂",
                 "智能仓储物流", "能源管理系统", "质量追溯系统")


SUBSIDY_RATES = ("0.08", "0.10", "0.12", "0.15", "0.20")  # of the investment, as the schemes differ
EQUIPMENT_SHARES = ("0.45", "0.55", "0.60", "0.65", "0.70")
CENT = Decimal("0.01")


def _projects(today: date, firm) -> list[TransformationProject]:
    """40 projects of 2022 to this year; investments from about 180 to 1,600 万元 (no two alike),
    subsidies at the rate their scheme gives."""
    year = today.year
    projects = []
    for i in range(40):
        project_year = FIRST_YEAR + i % (year - FIRST_YEAR + 1)
        if project_year < year - 1:
            state = ProjectState.TERMINATED if i % 13 == 0 else ProjectState.COMPLETED
        elif project_year == year - 1:
            state = (ProjectState.COMPLETED, ProjectState.IN_PROGRESS)[i % 2]
        else:
            state = (ProjectState.APPROVED, ProjectState.IN_PROGRESS, ProjectState.TERMINATED)[i % 3]
        investment = Decimal(180 + (i * 397) % 1420) + Decimal((i * 37) % 100) / 100
        applied = (investment * Decimal(SUBSIDY_RATES[(i * 3) % len(SUBSIDY_RATES)])).quantize(CENT)
        equipment = (investment * Decimal(EQUIPMENT_SHARES[i % len(EQUIPMENT_SHARES)])).quantize(CENT)
        software = (investment * Decimal(("0.10", "0.15", "0.20", "0.25")[i % 4])).quantize(CENT)
        received = applied if state == ProjectState.COMPLETED else Decimal("0")
        projects.append(TransformationProject(
            enterprise=firm(i), name=f"{firm(i).name}{PROJECT_NAMES[i % len(PROJECT_NAMES)]}项目", year=project_year,
            diagnosed_on=_on(project_year, 2, 1 + i % 20, today) if i % 4 else None, investment=investment,
            equipment_investment=equipment, software_investment=software,
            network=tuple(NetworkConnection.values)[i % 4], subsidy_applied=applied, subsidy_received=received,
            state=state))
    return projects


def figures(year: int) -> dict:
    """The figures the facts file gives, as the platform counts them."""
    cloud = Certification.objects.filter(kind=K.CLOUD, level__in=(L.THREE_STAR, L.FOUR_STAR),
                                         certified_on__year=year).values("enterprise").distinct().count()
    workshops = Certification.objects.filter(kind=K.SMART_WORKSHOP, certified_on__year=year,
                                             issuing_level__in=(I.TAIZHOU, I.PROVINCE, I.NATION)).count()
    return {"cloud_enterprises_three_or_four_star": cloud, "smart_workshops_taizhou_level_or_above": workshops}


def _targets(year: int) -> None:
    """The seed's targets of 智改数转: this year's (20 三星、四星上云, 3 smart workshops at 泰州市级 or
    above) and the plan to 2025 (20 smart workshops, 80 smart lines, every 规上 enterprise)."""
    plan = park_facts()["smart_transformation"]["by_2025"]
    ensure_target(f"{year} 年三星、四星级上云企业", year, "transformation.certified", CLOUD_THIS_YEAR,
                  {"kind": "cloud", "levels": ["three_star", "four_star"]}, owner="工信")
    ensure_target(f"{year} 年泰州市级以上智能车间", year, "transformation.certified", WORKSHOPS_THIS_YEAR,
                  {"kind": "smart_workshop", "issued_at_least": "taizhou"}, owner="工信")
    ensure_target("2022–2025 年智能车间", 2025, "transformation.certified", plan["smart_workshops"],
                  {"kind": "smart_workshop"}, owner="工信", since=2022)
    ensure_target("2022–2025 年智能生产线", 2025, "transformation.certified", plan["smart_production_lines"],
                  {"kind": "smart_line"}, owner="工信", since=2022)
    ensure_target("2025 年规上企业智改数转全覆盖", 2025, "transformation.coverage",
                  plan["above_size_enterprises_transformed_pct"], owner="工信", since=2022)
