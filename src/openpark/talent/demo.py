"""Demo data of 人才服务 for the demo park's enterprises over this year and the two before (the years
the 年度统计 shows): 60 job postings, each asking the education its trade asks, 8 partnerships with
Taizhou and Jiangsu vocational schools, 9 recruitment fairs with the enterprises' booths, 10 skills
trainings and 25 名师带高徒 pairs in every outcome.

Deterministic (a seeded random) relative to the day it is loaded, no event dated after that day,
and written in bulk, one insert per table."""
import random
from datetime import date, timedelta

from django.utils import timezone

from openpark.core.bulk import insert_instances
from openpark.core.changes import record_created
from openpark.enterprises.models import Enterprise

from .choices import ApprenticeshipOutcome as O, Education, FairKind, PartnershipKind as P, PostingStatus, SkillLevel
from .models import Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining

SEED = 20261201
POSTINGS = 60
YEARS = 3  # this year and the two before
TRADES = ("数控车工", "焊工", "电工", "钳工", "机修工", "质检员", "化工操作工", "装配工", "叉车司机", "仓库管理员",
          "工艺工程师", "设备工程师", "电气工程师", "销售代表", "会计")
E = Education
WORKER = (E.ANY, E.JUNIOR, E.SECONDARY)
# The education each trade's postings ask: 不限 to 中专 on the shop floor, 大专 to 硕士 for engineers.
EDUCATION_OF_TRADE = {
    "数控车工": WORKER, "焊工": (E.ANY, E.JUNIOR), "电工": (E.SECONDARY, E.COLLEGE), "钳工": WORKER,
    "机修工": (E.JUNIOR, E.SECONDARY, E.COLLEGE), "质检员": (E.SECONDARY, E.COLLEGE), "化工操作工": (E.SECONDARY, E.COLLEGE),
    "装配工": (E.ANY, E.JUNIOR), "叉车司机": (E.ANY, E.JUNIOR), "仓库管理员": (E.JUNIOR, E.SECONDARY),
    "工艺工程师": (E.BACHELOR, E.MASTER), "设备工程师": (E.COLLEGE, E.BACHELOR), "电气工程师": (E.BACHELOR, E.MASTER),
    "销售代表": (E.COLLEGE, E.BACHELOR), "会计": (E.COLLEGE, E.BACHELOR),
}
SCHOOLS = (
    ("泰州职业技术学院", P.ORDER_CLASS, "机电一体化技术"),
    ("靖江中等专业学校", P.TRAINING_BASE, "数控技术应用"),
    ("江苏联合职业技术学院靖江办学点", P.APPRENTICESHIP, "电气自动化技术"),
    ("泰州机电高等职业技术学校", P.JOINT_MAJOR, "工业机器人技术"),
    ("江苏农牧科技职业学院", P.TRAINING_BASE, "食品检验检测技术"),
    ("泰州技师学院", P.APPRENTICESHIP, "焊接加工"),
    ("靖江中等专业学校", P.ORDER_CLASS, "化工工艺"),
    ("泰州职业技术学院", P.INDUSTRY_COLLEGE, "智能制造"),
)
FAIRS = (
    ("春风行动专场招聘会", 2, 18, FairKind.ONSITE, "城南园区人力资源服务中心"),
    ("高校毕业生就业服务季招聘会", 6, 20, FairKind.ONSITE, "靖江市人力资源和社会保障局"),
    ("金秋招聘月直播带岗", 9, 25, FairKind.LIVE, "城南园区人力资源服务中心"),
)
TRAININGS = (
    ("焊工职业技能提升培训", "焊工", True), ("电工上岗证培训", "电工", False), ("数控车工技能培训", "数控车工", True),
    ("化工总控工培训", "化工操作工", False), ("叉车司机安全操作培训", "叉车司机", False),
    ("工业机器人运维培训", "设备工程师", True), ("钳工技能等级认定培训", "钳工", True),
    ("质量管理体系内审员培训", "质检员", False), ("安全生产管理人员培训", "安全员", False),
    ("新型学徒制企业培训", "装配工", True),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许"
GIVEN = ("建国", "志强", "海峰", "明", "伟", "俊", "磊", "婷", "静", "晨", "浩", "宇", "杰", "敏", "华", "军", "鹏",
         "亮", "芳", "涛")


def _save(model, instances: list) -> list:
    insert_instances(model, instances)
    record_created(instances)
    return instances


def load(out) -> None:
    if JobPosting.all_objects.exists():
        out.write(f"人才服务：已有招聘岗位 {JobPosting.all_objects.count()} 个，未重复生成。")
        return
    enterprises = list(Enterprise.objects.order_by("uscc")[:40])
    if not enterprises:
        out.write("人才服务：没有企业，未生成。")
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    year = today.year

    def firm(i: int) -> Enterprise:
        return enterprises[i % len(enterprises)]

    def day(of_year: int, latest: date | None = None) -> date:
        start = date(of_year, 1, 1)
        end = min(latest or date(of_year, 12, 31), date(of_year, 12, 31))
        return start + timedelta(days=rng.randrange((end - start).days + 1))

    def held(of_year: int, month: int, d: int) -> date:
        """That day, or, were it after today, a day of the same year before it."""
        wanted, start = date(of_year, month, d), date(of_year, 1, 1)
        return wanted if wanted <= today else start + timedelta(days=(wanted - start).days % ((today - start).days + 1))

    postings = []
    for i in range(POSTINGS):
        posted_on = day(year - (i % YEARS), today)
        low = rng.choice((3500, 4000, 4500, 5000, 6000, 7000))
        headcount = rng.randint(1, 15)
        closed = posted_on + timedelta(days=60) < today
        postings.append(JobPosting(
            enterprise=firm(i), title=f"{TRADES[i % len(TRADES)]}", trade=TRADES[i % len(TRADES)],
            headcount=headcount, education=rng.choice(EDUCATION_OF_TRADE[TRADES[i % len(TRADES)]]), salary_low=low,
            salary_high=low + rng.choice((1000, 2000, 3000)), posted_on=posted_on,
            closes_on=posted_on + timedelta(days=60), hired=rng.randint(0, headcount) if closed else 0,
            status=PostingStatus.CLOSED if closed else PostingStatus.OPEN))
    _save(JobPosting, postings)

    partnerships = [SchoolPartnership(
        enterprise=firm(3 * i), school=school, kind=kind, major=major, started_on=date(year - 3 + i % 3, 9, 1),
        ended_on=date(year - 1, 7, 1) if i == 3 else None, students_per_year=rng.randint(10, 60))
        for i, (school, kind, major) in enumerate(SCHOOLS)]
    _save(SchoolPartnership, partnerships)

    fairs = [RecruitmentFair(name=f"{of_year}年{name}", held_on=held(of_year, month, d), kind=kind,
                             venue="城南园区人力资源市场" if kind == FairKind.ONSITE else "靖江人才网直播间",
                             organiser=organiser, visitors=rng.randint(300, 1500))
             for of_year in range(year - YEARS + 1, year + 1) for name, month, d, kind, organiser in FAIRS]
    _save(RecruitmentFair, fairs)
    booths = []
    for fair in fairs:
        for enterprise in rng.sample(enterprises, min(len(enterprises), rng.randint(8, 15))):
            positions = rng.randint(2, 20)
            resumes = rng.randint(positions, positions * 4)
            booths.append(FairBooth(fair=fair, enterprise=enterprise, positions=positions, resumes=resumes,
                                    hires=rng.randint(0, positions)))
    _save(FairBooth, booths)

    trainings = []
    for i, (name, trade, for_one) in enumerate(TRAININGS):
        started = day(year - (i % YEARS), today)
        ended = started + timedelta(days=20)
        trainees = rng.randint(20, 80)
        trainings.append(SkillsTraining(
            name=name, trade=trade, organiser="靖江市职业技能培训中心" if not for_one else "企业自主培训",
            enterprise=firm(5 * i) if for_one else None, started_on=started, ended_on=ended if ended <= today else None,
            trainees=trainees, certified=rng.randint(trainees // 2, trainees) if ended <= today else 0))
    _save(SkillsTraining, trainings)

    outcomes = [O.ONGOING] * 10 + [O.GRADUATED] * 10 + [O.NOT_GRADUATED] * 3 + [O.STOPPED] * 2
    levels = (SkillLevel.INTERMEDIATE, SkillLevel.SENIOR, SkillLevel.TECHNICIAN)
    pairs = []
    for i, outcome in enumerate(outcomes):
        started = day(year - 2 + (i % 3) if outcome == O.ONGOING else year - 2 + (i % 2), today)
        finished = None if outcome == O.ONGOING else min(started + timedelta(days=rng.randint(150, 365)), today)
        pairs.append(Apprenticeship(
            enterprise=firm(2 * i), master=rng.choice(SURNAMES) + rng.choice(GIVEN[:8]),
            apprentice=rng.choice(SURNAMES) + rng.choice(GIVEN[8:]), trade=TRADES[i % 8], started_on=started,
            planned_end_on=started + timedelta(days=365), outcome=outcome, finished_on=finished,
            skill_level=rng.choice(levels) if outcome == O.GRADUATED else ""))
    _save(Apprenticeship, pairs)
    out.write(f"人才服务：招聘岗位 {len(postings)} 个，校企合作 {len(partnerships)} 项，招聘会 {len(fairs)} 场"
              f"（参会企业 {len(booths)} 家次），技能培训 {len(trainings)} 期，名师带高徒 {len(pairs)} 对。")
