"""Demo data of 新就业群体, as the seed article tells it: the 4 organisations (外卖配送行业党委,
网约配送行业工会联合会, 电商创业中心党支部, 交通安全联盟) covering 200+ partner, franchise and branch
enterprises; 2,000+ workers (fictional names and numbers), 32 of them party members found among
the riders; the industry centre, 2 小哥驿站 and 66 靖小蜂 stations inside the park; 8 volunteer
teams; and a year of activities with their sign-ups, the points they earned and the rewards
redeemed with them.

Everything is generated from a fixed seed and written in bulk (one insert per table); the points
are run through the pure ledger, worker by worker in date order, before any entry is written.
"""
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from openpark.core.bulk import insert_instances
from openpark.core.changes import record_created
from openpark.core.demo import CELL_LAT, CELL_LON, ORIGIN_LAT, ORIGIN_LON
from openpark.core.models import Grid
from openpark.enterprises.models import Enterprise

from . import ledger as pure
from . import standards
from .choices import ActivityKind, Facility as F, JobType, OrganisationKind, RedemptionState, StationKind, StationTier
from .models import (
    Activity, LedgerEntry, Organisation, Participation, Redemption, Reward, Station, StationInspection, VolunteerTeam,
    Worker, phone_digest,
)
from .services import ENTRY_FIELDS, activity_source, validity_days

SEED = 20261201
WORKER_COUNT = 2160
PARTY_MEMBERS = 32
COVERED_ENTERPRISES = 210
POSTS = 66
ACTIVITY_COUNT = 120
HISTORY_DAYS = 395  # a year of activities, and the month before, whose points have begun to expire
# The park's area, as the demo grids cover it (3 × 2 cells from the south-west corner).
WEST, SOUTH = ORIGIN_LON, ORIGIN_LAT
EAST, NORTH = ORIGIN_LON + 3 * CELL_LON, ORIGIN_LAT + 2 * CELL_LAT

ORGANISATIONS = (
    ("外卖配送行业党委", OrganisationKind.PARTY_COMMITTEE, None, "陈建国、周丽"),
    ("网约配送行业工会联合会", OrganisationKind.UNION, None, "吴海燕"),
    ("电商创业中心党支部", OrganisationKind.PARTY_BRANCH, "外卖配送行业党委", "孙志强"),
    ("交通安全联盟", OrganisationKind.ALLIANCE, None, "钱永明"),
)
TEAMS = ("先锋队", "蜂骑士团", "平安骑士队", "暖心送餐队", "文明劝导队", "应急救援队", "反诈宣传队", "助老服务队")
REWARDS = (
    # name, points, stock, limit per person
    ("骑行雨衣", 30, 300, 2), ("电动车头盔", 80, 150, 1), ("手机支架", 20, 400, 2), ("保温餐箱", 120, 80, 1),
    ("防晒冰袖", 15, 500, 4), ("免费体检一次", 150, 60, 1), ("电动车免费保养", 60, 200, 2), ("充电宝", 100, 100, 1),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ("伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "亮", "平", "刚", "辉", "鹏", "华", "飞", "斌",
         "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳", "敏", "静", "丽", "燕", "艳", "娟")
ACTIVITY_TITLES = {
    ActivityKind.FORUM: "新就业群体座谈会", ActivityKind.PARTY_TRAINING: "骑手党员轮训", ActivityKind.PAIRING: "结对共建活动",
    ActivityKind.SKILLS_CONTEST: "配送技能比武", ActivityKind.UNION_FAIR: "工会服务集市",
    ActivityKind.FIRE_SAFETY: "电动车消防安全培训", ActivityKind.LEGAL_AID: "法律援助进驿站",
    ActivityKind.PARTY_DAY: "主题党日", ActivityKind.SOCIAL: "骑手联谊会", ActivityKind.VOLUNTEER: "文明交通志愿服务",
}
POST_FACILITIES = ((F.WATER, F.CHARGING), (F.WATER, F.CHARGING, F.REST), (F.WATER, F.REST, F.TOILET),
                   (F.WATER, F.CHARGING, F.RAIN_GEAR))
INSPECTORS = ("周丽", "吴海燕", "孙志强")
FAILING_STATIONS = 6  # stations whose latest inspection is not up to standard
STREETS = ("园区路", "新港大道", "城南大道", "江平路", "澄江路", "八圩路", "六圩港路", "汽贸城路")


def load(out) -> None:
    if Organisation.all_objects.exists():
        out.write(f"新就业群体：已有组织 {Organisation.all_objects.count()} 个，未重复生成。")
        load_cases(out)
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    organisations = _organisations()
    covered = _cover(organisations)
    stations = _stations(rng, organisations)
    inspections = _inspections(today, stations)
    teams = _teams(organisations)
    rewards = _save(Reward, [Reward(name=name, points=points, stock=stock, limit_per_person=limit)
                             for name, points, stock, limit in REWARDS])
    workers = _workers(rng, today, covered, stations)  # not saved yet: their points come first
    activities, signups = _activities(rng, today, organisations, stations, teams, workers)
    books, plans = _points(rng, today, workers, signups, rewards)
    _save(Worker, workers)
    members = _team_members(rng, workers, teams)
    participations = _save(Participation, [Participation(activity=activity, worker=workers[index], attended=attended)
                                           for activity, index, attended in signups])
    entries, redemptions = _entries(workers, books, plans, rewards)
    out.write(f"新就业群体：组织 {len(organisations)} 个（覆盖企业 {len(covered)} 家），从业人员 {len(workers)} 名"
              f"（党员 {sum(w.party_member for w in workers)} 名），站点 {len(stations)} 个（检查 {len(inspections)} 次），志愿队伍 {len(teams)} 支"
              f"（队员 {members} 人次），活动 {len(activities)} 场（报名 {len(participations)} 人次），"
              f"积分流水 {len(entries)} 条，兑换 {len(redemptions)} 次。")
    load_cases(out)


def _save(model, instances: list) -> list:
    insert_instances(model, instances)
    record_created(instances)
    return instances


def _organisations() -> list[Organisation]:
    rows = _save(Organisation, [Organisation(name=name, kind=kind, officers=officers, founded_on=date(2021, 7, 1))
                                for name, kind, _, officers in ORGANISATIONS])
    by_name = {row.name: row for row in rows}
    children = []
    for name, _, parent, _ in ORGANISATIONS:
        if parent:
            by_name[name].parent = by_name[parent]
            children.append(by_name[name])
    Organisation.objects.bulk_update(children, ["parent"])
    return rows


def _cover(organisations) -> list[int]:
    """The partner, franchise and branch enterprises: each organisation covers its share of them,
    the party committee and the union federation all of them."""
    ids = list(Enterprise.objects.order_by("uscc").values_list("pk", flat=True)[:COVERED_ENTERPRISES])
    through = Organisation.covered_enterprises.through
    links = []
    for index, organisation in enumerate(organisations):
        chosen = ids if index in (0, 1) else ids[index::3]
        links += [through(organisation_id=organisation.pk, enterprise_id=pk) for pk in chosen]
    through.objects.bulk_create(links)
    return ids


def _point(rng) -> tuple[Decimal, Decimal]:
    lon = WEST + rng.random() * (EAST - WEST)
    lat = SOUTH + rng.random() * (NORTH - SOUTH)
    return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")


def _stations(rng, organisations) -> list[Station]:
    committee = organisations[0]
    centre_lon, centre_lat = Decimal(f"{(WEST + EAST) / 2:.6f}"), Decimal(f"{(SOUTH + NORTH) / 2:.6f}")
    rows = [Station(name="城南新就业群体党群服务中心", tier=StationTier.SERVICE_CENTRE, organisation=committee,
                    address="靖江市城南园区城南大道 88 号", longitude=centre_lon, latitude=centre_lat,
                    opens_at=time(8, 30), closes_at=time(17, 30), facilities=[F.WATER, F.REST, F.FIRST_AID, F.TOILET, F.CLIMATE, F.READING],
                    note="另设党员活动室、培训教室、法律援助和心理咨询。")]
    for n in (1, 2):
        lon, lat = _point(rng)
        rows.append(Station(name=f"小哥驿站（{'汽贸城' if n == 1 else '六圩港'}）", tier=StationTier.POST,
                            kind=StationKind.XIAOGE, organisation=committee, address=f"靖江市城南园区{STREETS[n]}{n * 12}号",
                            longitude=lon, latitude=lat,
                            facilities=[F.WATER, F.CHARGING, F.REST, F.FIRST_AID, F.TOILET, F.HOT_MEAL]))
    for n in range(1, POSTS + 1):
        lon, lat = _point(rng)
        hours = (None, None) if n % 5 == 0 else (time(7, 0), time(22, 0)) if n % 2 else (time(9, 0), time(21, 0))
        rows.append(Station(name=f"靖小蜂驿站 {n:02d} 号", tier=StationTier.POST, kind=StationKind.JINGXIAOFENG,
                            organisation=committee, address=f"靖江市城南园区{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                            longitude=lon, latitude=lat, opens_at=hours[0], closes_at=hours[1],
                            facilities=list(rng.choice(POST_FACILITIES))))
    return _save(Station, rows)


def _inspections(today, stations) -> list[StationInspection]:
    """Each station inspected once or twice in the past year against the standard checklist: one
    station in three twice (the first half a year ago). A few stations' latest inspection fails
    one or two items, with a month to put them right; an earlier failure was put right since.
    Drawn from a generator of its own, so that the rest of the demo stays as it was."""
    rng = random.Random(SEED + 1)
    failing = set(rng.sample(range(len(stations)), FAILING_STATIONS))
    fields = standards.CHECKLIST_FIELDS
    rows = []
    for index, station in enumerate(stations):
        latest = today - timedelta(days=rng.randint(7, 150))
        visits = [(latest - timedelta(days=rng.randint(170, 200)), index % 6 == 1)] if index % 3 == 1 else []
        visits.append((latest, index in failing))
        for on, fails in visits:
            missed = set(rng.sample(fields, rng.choice((1, 1, 2)))) if fails else set()
            rows.append(StationInspection(
                station=station, inspected_on=on, inspector=INSPECTORS[index % len(INSPECTORS)],
                rectify_by=on + timedelta(days=30) if missed else None,
                note="已通知站点负责人限期整改。" if missed else "",
                **{name: name not in missed for name in fields}))
    return _save(StationInspection, rows)


def _teams(organisations) -> list[VolunteerTeam]:
    return _save(VolunteerTeam, [
        VolunteerTeam(name=name, organisation=organisations[index % 2 * 3], leader=f"{SURNAMES[index]}队长",
                      founded_on=date(2022, 3, 5)) for index, name in enumerate(TEAMS)])


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _workers(rng, today, covered, stations) -> list[Worker]:
    jobs = [(JobType.TAKEAWAY, 45), (JobType.EXPRESS, 30), (JobType.RIDE_DELIVERY, 12), (JobType.LIVE_STREAMING, 6),
            (JobType.ECOMMERCE, 5), (JobType.OTHER, 2)]
    kinds, weights = zip(*jobs)
    party = set(rng.sample(range(WORKER_COUNT), PARTY_MEMBERS))
    posts = [s for s in stations if s.tier == StationTier.POST]
    rows = []
    for n in range(WORKER_COUNT):
        job = rng.choices(kinds, weights)[0]
        phone = f"199{n + 10000000:08d}"  # fictional numbers
        rows.append(Worker(
            name=_name(rng), employer_id=rng.choice(covered), job_type=job,
            party_member=n in party or n == 0, union_member=rng.random() < 0.6, grid_worker=rng.random() < 0.15,
            station=rng.choice(posts), phone=phone, phone_digest=phone_digest(phone),
            consent_on=today - timedelta(days=rng.randint(30, 700)),
            note="演示骑手（平台账号 demo_grid）" if n == 0 else ""))
    grids = list(Grid.objects.order_by("code"))
    for n, worker in enumerate(rows):  # each worker in a grid of the park, in turn
        worker.grid = grids[n % len(grids)] if grids else None
    if 0 not in party:  # the demo rider is one of the 32
        rows[0].party_member = True
        rows[next(iter(party))].party_member = False
    return rows


def _team_members(rng, workers, teams) -> int:
    through = Worker.teams.through
    links = [through(worker_id=worker.pk, volunteerteam_id=team.pk)
             for worker in workers if worker.party_member or rng.random() < 0.25
             for team in rng.sample(teams, rng.choice((1, 1, 2)))]
    through.objects.bulk_create(links)
    return len(links)


def _activities(rng, today, organisations, stations, teams, workers):
    kinds = list(ActivityKind)
    rows = []
    for n in range(ACTIVITY_COUNT):
        kind = kinds[n % len(kinds)]
        held_on = today - timedelta(days=HISTORY_DAYS - n * HISTORY_DAYS // ACTIVITY_COUNT)
        station = rng.choice(stations[:3]) if kind in (ActivityKind.FORUM, ActivityKind.PARTY_TRAINING) \
            else rng.choice(stations)
        hours = Decimal(rng.choice(("1.5", "2", "2", "3", "4")))
        rows.append(Activity(
            title=f"{ACTIVITY_TITLES[kind]}（第 {n // len(kinds) + 1} 期）", kind=kind, held_on=held_on,
            place=station.name, station=station, organiser=organisations[n % len(organisations)],
            team=teams[n % len(teams)] if kind == ActivityKind.VOLUNTEER else None,
            hours=hours, points=int(hours * 5)))
    activities = _save(Activity, rows)
    party = [n for n, w in enumerate(workers) if w.party_member]
    everyone = range(len(workers))
    signups = []
    for activity in activities:
        pool = party if activity.kind in (ActivityKind.PARTY_TRAINING, ActivityKind.PARTY_DAY) else everyone
        chosen = rng.sample(pool, min(len(pool), rng.randint(15, 45)))
        if 0 not in chosen and activity.pk % 4 == 0:
            chosen.append(0)  # the demo rider comes to one activity in four
        signups += [(activity, index, rng.random() < 0.9) for index in chosen]
    return activities, signups


def _points(rng, today, workers, signups, rewards):
    """Each worker's year, in date order: the activities attended, and now and then a
    redemption of what they can afford; one in ten redemptions is refused and its points come
    back; requests of the last fortnight wait for approval. Sources name the activity (the worker
    has no key yet) and the planned redemption, and are made final by `_entries`."""
    days = validity_days()
    by_worker = defaultdict(list)
    for activity, index, attended in signups:
        if attended:
            by_worker[index].append(activity)
    plans, books = [], {}
    for index, attended in sorted(by_worker.items()):
        book, kept = pure.Ledger(validity_days=days), defaultdict(int)
        for activity in sorted(attended, key=lambda a: (a.held_on, a.pk)):
            on = activity.held_on
            book.grant(f"activity:{activity.pk}", on, activity.points, f"参加活动：{activity.title}"[:200],
                       hours=activity.hours)
            affordable = [r for r in rewards if r.points <= book.available(on)
                          and (r.limit_per_person is None or kept[r.pk] < r.limit_per_person)]
            if affordable and rng.random() < 0.35:
                reward = rng.choice(affordable)
                temporary = f"plan:{len(plans)}"
                book.redeem(temporary, on, reward.points, f"兑换：{reward.name} × 1")
                refused = rng.random() < 0.1
                if refused:
                    book.reverse(f"{temporary}:refused", on, temporary, "驳回兑换：库存盘点有误")
                else:
                    kept[reward.pk] += 1
                state = RedemptionState.REFUSED if refused else (
                    RedemptionState.REQUESTED if on > today - timedelta(days=14) else RedemptionState.HANDED_OVER)
                plans.append((index, reward, on, state))
        book.expire(today)
        books[index] = book
        workers[index].points, workers[index].hours = book.balance, book.hours
    return books, plans


def _entries(workers, books, plans, rewards):
    redemptions = _save(Redemption, [
        Redemption(worker=workers[index], reward=reward, quantity=1, points=reward.points, requested_on=on, state=state)
        for index, reward, on, state in plans])
    real = {f"plan:{n}": redemption.source for n, redemption in enumerate(redemptions)}
    real.update({f"plan:{n}:refused": f"refusal:{redemption.pk}" for n, redemption in enumerate(redemptions)})
    entries = []
    for index, book in books.items():
        worker = workers[index]
        for entry in book.entries:
            values = {name: getattr(entry, name) for name in ENTRY_FIELDS}
            for name in ("source", "ref"):
                values[name] = _final(values[name], worker, real)
            entries.append(LedgerEntry(worker=worker, **values))
    _save(LedgerEntry, entries)
    taken = defaultdict(int)
    for redemption in redemptions:
        if redemption.state != RedemptionState.REFUSED:
            taken[redemption.reward.pk] += redemption.quantity
    for reward in rewards:
        reward.stock = max(0, reward.stock - taken[reward.pk])
    Reward.objects.bulk_update(rewards, ["stock"])
    return entries, redemptions


def _final(source: str, worker, real: dict) -> str:
    """A source as stored: "activity:<id>" and "expiry:activity:<id>:<n>" name the worker, a
    planned redemption its record."""
    parts = source.split(":")
    if parts[0] == "activity":
        return activity_source(int(parts[1]), worker.pk)
    if parts[:2] == ["expiry", "activity"]:
        return f"expiry:{activity_source(int(parts[2]), worker.pk)}:{parts[3]}"
    return real.get(source, source)


def link_demo_rider(user) -> None:
    """The demo grid worker's account is the demo rider's (the first worker), for 我的积分."""
    rider = Worker.objects.filter(user__isnull=True, note__startswith="演示骑手").order_by("pk").first()
    if rider is not None and not Worker.objects.filter(user=user).exists():
        rider.user = user
        rider.save()
        _link_rider_cases(rider, user)


def _link_rider_cases(rider, user) -> None:
    """The demo rider's cases are his account's from now on: his own page lists them and he hears of
    their steps (the demo wrote his own steps under the demo account's name already)."""
    from .models import Case

    Case.all_objects.filter(reporter_worker=rider, reporter__isnull=True).update_unguarded(reporter=user)


# 随手拍 cases -------------------------------------------------------------------------------------
# The departments cases go to, the categories riders pick from, a few time limits of the park's own,
# and a year of cases up to today, each with its whole history: every step as the workflow makes it
# (`Case.machine`), the deadlines its stages started, and the points its reporter earned when it was
# found true. A case's plan is drawn first (how it should end, with the detours of real work:
# 退回, 延期, 返工, 挂账), then its steps are timed from the moment it was reported; steps that would
# come after now have not happened yet, so the year's last cases are still open at every stage.
# Everything is written in bulk: the cases, their state changes, their deadlines, their change
# records, and their points through the ledger's bulk path.

CASE_SEED = SEED + 2
CASE_COUNT = 960
# The demo accounts of the grid centre, the first department's handler and the demo rider (made by
# `create_demo_users`, usually after the demo): the steps they make are written under their names.
DEMO_CENTRE, DEMO_HANDLER, DEMO_RIDER = "demo_community", "demo_department", "demo_grid"
DEPARTMENTS = (
    # name, kind, duty phone, what it owns
    ("城市管理办公室", "functional", "0523-84110001", "市容环境、停车秩序、绿化"),
    ("生态环境分局", "functional", "0523-84110002", "河道、油烟、噪声"),
    ("建设交通局", "functional", "0523-84110003", "道路、井盖、路灯"),
    ("市场监管分局", "functional", "0523-84110004", "户外广告、经营秩序"),
    ("城南社区", "territorial", "0523-84110005", "属地：六圩港、道口网格"),
    ("新港社区", "territorial", "0523-84110006", "属地：汽贸城网格"),
)
TERRITORY = {"CN-01": "城南社区", "CN-02": "城南社区", "CN-03": "城南社区", "CN-04": "城南社区",
             "CN-05": "新港社区", "CN-06": "新港社区"}
CATEGORIES = (
    # code, name, group, icon, department (None: the grid's 属地), urgency, points, anonymous, keywords, weight
    ("street_litter", "乱扔垃圾", "市容环境", "litter", "城市管理办公室", "normal", 3, True, "垃圾,暴露垃圾,垃圾桶满溢", 16),
    ("road_damage", "道路破损", "公共设施", "road", "建设交通局", "normal", 5, True, "坑洼,路面塌陷,人行道破损", 10),
    ("missing_manhole", "井盖缺失", "公共设施", "manhole", "建设交通局", "urgent", 10, True, "井盖,窨井,雨水篦子", 5),
    ("streetlight", "路灯不亮", "公共设施", "light", "建设交通局", "normal", 3, True, "路灯,照明", 8),
    ("illegal_parking", "违章停车", "交通秩序", "parking", "城市管理办公室", "normal", 2, False,
     "乱停车,占用盲道,非机动车", 14),
    ("street_vending", "占道经营", "市容环境", "other", None, "normal", 3, False, "流动摊贩,出店经营", 9),
    ("river_debris", "河道漂浮物", "生态环境", "water", "生态环境分局", "normal", 5, True, "河道,漂浮垃圾,水面", 6),
    ("cooking_fumes", "油烟扰民", "生态环境", "smoke", "生态环境分局", "normal", 4, False, "油烟,餐饮", 6),
    ("noise_nuisance", "噪声扰民", "生态环境", "noise", "生态环境分局", "normal", 4, True, "噪声,夜间施工", 6),
    ("fire_lane", "消防通道堵塞", "安全隐患", "safety", None, "normal", 8, False, "消防通道,堆物,占用", 6),
    ("greenery", "绿化损毁", "市容环境", "green", "城市管理办公室", "normal", 3, True, "绿化带,树木,草坪", 5),
    ("billboard", "违规广告牌", "市容环境", "sign", "市场监管分局", "normal", 4, False, "广告牌,招牌,横幅", 5),
)
CASE_TIME_LIMITS = (
    # category code (None: the park's own), stage, urgency, amount, unit
    ("missing_manhole", "handle", "urgent", 120, "natural_minutes"),
    ("missing_manhole", "accept", "urgent", 15, "natural_minutes"),
    ("river_debris", "handle", "normal", 3, "working_days"),
    ("cooking_fumes", "handle", "normal", 5, "working_days"),
    (None, "close", "normal", 2, "working_days"),
)
DESCRIPTIONS = {
    "street_litter": ("路边垃圾堆放，无人清理", "垃圾桶满溢，周边散落垃圾", "绿化带里有建筑垃圾"),
    "road_damage": ("路面有大坑，电动车容易摔倒", "人行道地砖松动翘起", "路面塌陷一处"),
    "missing_manhole": ("井盖缺失，路口有危险", "雨水篦子丢失", "井盖破裂下沉"),
    "streetlight": ("一排路灯晚上不亮", "路灯忽明忽暗", "路灯杆倾斜"),
    "illegal_parking": ("机动车占用非机动车道", "车辆占用盲道停放", "小区门口乱停车堵路"),
    "street_vending": ("流动摊贩占道经营", "店家出店经营占用人行道", "早市摊位占用车道"),
    "river_debris": ("河面漂浮大量垃圾", "河道里有死鱼和泡沫", "水面漂浮油污"),
    "cooking_fumes": ("餐馆油烟直排，熏到居民", "烧烤店油烟很大", "油烟净化器没开"),
    "noise_nuisance": ("夜间施工噪声扰民", "商铺外放音响声音太大", "工地凌晨还在作业"),
    "fire_lane": ("消防通道被电动车堵塞", "消防通道堆放杂物", "车辆长时间占用消防通道"),
    "greenery": ("行道树被撞断", "草坪被车辆碾压", "绿化带被人挖走苗木"),
    "billboard": ("违规设置大型广告牌", "广告横幅破损悬挂危险", "店招松动摇晃"),
}
REPLIES = {
    "street_litter": "已安排保洁清运完毕", "road_damage": "已修补路面", "missing_manhole": "已补装井盖",
    "streetlight": "已更换灯具，恢复照明", "illegal_parking": "已劝离车辆并张贴告知单", "street_vending": "已劝导摊贩入场经营",
    "river_debris": "已组织打捞清理", "cooking_fumes": "已责令安装并运行油烟净化设施", "noise_nuisance": "已责令停止夜间施工",
    "fire_lane": "已清理通道并告知物业加强管理", "greenery": "已补种苗木", "billboard": "已拆除违规广告牌",
}
REJECTIONS = ("现场核实无此问题", "照片与所报位置不符，现场无该问题", "问题已由产权单位自行处理，不予立案")
RETURNS = ("不属于本部门职责，请改派", "位置描述不清，请核实后重新派遣", "属地问题，请派属地社区")
EXTENSIONS = ("需协调产权单位，申请延期", "材料采购中，申请延期")
PARKING_NOTES = ("涉及道路改造规划，暂缓处置，挂账", "产权不清，正在协调，挂账")
NOT_FIXED = ("已纳入明年改造计划，暂无法解决", "产权单位不同意整改，已移交执法")
SATISFACTIONS = (("satisfied", 70, ""), ("fair", 22, "处理有点慢"), ("dissatisfied", 8, "问题反复出现"))
# How the plans are shared out among ordinary cases (the rest end 已结案 or 已评价, 已解决).
PLANS = (("fixed", 738), ("not_fixed", 30), ("parked", 15), ("resumed", 20), ("invalid", 60),
         ("duplicate", 50), ("withdrawn", 40), ("stuck", 47))
STUCK_STATES = ("reported", "verified", "registered", "dispatched", "handling", "replied", "checked")
# Minutes each step takes after the one before it (working time for the staff's steps on a case of
# normal urgency, the clock for an urgent case and for the reporter's own steps).
STEP_MINUTES = {
    "verify": (5, 90), "reject": (10, 120), "mark_duplicate": (5, 90), "withdraw": (3, 60), "register": (5, 60),
    "dispatch": (5, 60), "accept": (10, 150), "send_back": (30, 300), "request_extension": (120, 900),
    "approve_extension": (30, 300), "refuse_extension": (30, 300), "reply": (120, 1500),
    "recheck_pass": (20, 180), "recheck_fail": (20, 180), "park": (300, 2000), "unpark": (7200, 36000),
    "close": (30, 600), "evaluate": (60, 2880),
}
REPORTERS_OWN = frozenset({"withdraw", "evaluate"})
# Steps that keep the case where it is (its stage's clock runs on), and how the other steps' times
# compare with the limit of the stage they end: most within it, a few (LATE_SHARE) after it.
STAYS = frozenset({"request_extension", "approve_extension", "refuse_extension"})
IN_TIME, LATE, LATE_SHARE = (0.1, 0.7), (1.1, 2.5), 0.02
HANDLERS_OWN = frozenset({"accept", "send_back", "request_extension", "reply"})


def load_cases(out) -> None:
    from .models import Department

    if Department.all_objects.exists():
        out.write(f"随手拍：已有处置部门 {Department.all_objects.count()} 个，未重复生成。")
        return
    rng = random.Random(CASE_SEED)
    departments = _departments()
    categories = _case_categories(departments)
    limits = _case_time_limits(categories)
    grids = list(Grid.objects.exclude(boundary__isnull=True).order_by("code"))
    if not grids:
        out.write("随手拍：没有网格，未生成案件。")
        return
    _territories(departments, grids)
    made = _case_year(rng, timezone.now(), departments, categories, limits, grids)
    counts = defaultdict(int)
    for case in made.cases:
        counts[case.state] += 1
    from .choices import CaseState

    states = "，".join(f"{label} {counts[value]}" for value, label in CaseState.choices if counts[value])
    out.write(f"随手拍：处置部门 {len(departments)} 个，问题类别 {len(categories)} 个，处置时限 {len(limits)} 条；"
              f"案件 {len(made.cases)} 件（{states}），状态记录 {made.changes} 条，办理时限 {made.deadlines} 条，"
              f"核实积分 {made.grants} 笔。")


def _departments() -> list:
    from .models import Department

    return _save(Department, [Department(name=name, kind=kind, phone=phone, note=note)
                              for name, kind, phone, note in DEPARTMENTS])


def _territories(departments, grids) -> None:
    """The grids each 属地 department owns (TERRITORY), one write per department."""
    by_name = {department.name: department for department in departments}
    for name in sorted(set(TERRITORY.values())):
        by_name[name].grids.set([grid for grid in grids if TERRITORY.get(grid.code) == name])


def _case_categories(departments) -> list:
    from .models import CaseCategory

    by_name = {department.name: department for department in departments}
    return _save(CaseCategory, [
        CaseCategory(code=code, name=name, group=group, icon=icon, department=by_name.get(department),
                     urgency=urgency, points=points, anonymous_allowed=anonymous, order=10 * (n + 1),
                     keywords=keywords, description=f"{name}（{group}）" + ("，属地处置" if department is None else ""))
        for n, (code, name, group, icon, department, urgency, points, anonymous, keywords, _) in enumerate(CATEGORIES)])


def _case_time_limits(categories) -> list:
    from .models import CaseTimeLimit

    by_code = {category.code: category for category in categories}
    return _save(CaseTimeLimit, [
        CaseTimeLimit(category=by_code.get(code), stage=stage, urgency=urgency, amount=amount, unit=unit)
        for code, stage, urgency, amount, unit in CASE_TIME_LIMITS])


class _Made:
    def __init__(self, cases, changes, deadlines, grants):
        self.cases, self.changes, self.deadlines, self.grants = cases, changes, deadlines, grants


def _later(cal, start: datetime, minutes: float, working: bool) -> datetime:
    """`minutes` after `start` (local, naive): on the clock, or in working time (the working hours of
    working days, `OPENPARK_WORKING_HOURS`; a step begun out of hours starts with the next period)."""
    if not working:
        return start + timedelta(minutes=minutes)
    from openpark.core.calendars import working_hours

    return cal.add_working_minutes(start, int(minutes), working_hours()).at + timedelta(seconds=round(minutes % 1 * 60))


def _plan_steps(rng, plan: str, returned: bool, evaluates: bool) -> list[str]:
    """The steps of a case's plan, in order, from 待核实 (the first, 上报, is not among them)."""
    if plan == "invalid":
        return ["reject"]
    if plan in ("duplicate", "withdrawn"):
        before = rng.choices(((), ("verify",), ("verify", "register")), (6, 3, 1))[0]
        return [*before, "mark_duplicate" if plan == "duplicate" else "withdraw"]
    steps = ["verify", "register", "dispatch"]
    if returned:
        steps += ["send_back", "dispatch"]
    if plan in ("not_fixed", "parked"):
        steps += ["accept", "park"] if rng.random() < 0.5 else ["park"]
        return steps + ["close"] if plan == "not_fixed" else steps
    steps.append("accept")
    if plan == "resumed":
        steps += ["park", "unpark"]
    if rng.random() < 0.08:
        steps += ["request_extension", "approve_extension" if rng.random() < 0.75 else "refuse_extension"]
    steps.append("reply")
    if rng.random() < 0.08:
        steps += ["recheck_fail", "reply"]
    steps += ["recheck_pass", "close"]
    return steps + ["evaluate"] if evaluates else steps


def _cut_at(steps: list[str], state: str) -> list[str]:
    """The steps up to the first that leaves the case in `state` (none for 待核实)."""
    from .models import CASE_MACHINE

    if state == "reported":
        return []
    for n, name in enumerate(steps):
        if CASE_MACHINE.transitions[name].target == state:
            return steps[:n + 1]
    return steps


def _inside(rng, grid, near=None) -> tuple[Decimal, Decimal]:
    """A point well inside the grid's boundary (near another point, for a repeated report)."""
    ring = grid.boundary["coordinates"][0]
    west, east = min(p[0] for p in ring), max(p[0] for p in ring)
    south, north = min(p[1] for p in ring), max(p[1] for p in ring)
    margin_lon, margin_lat = (east - west) * 0.05, (north - south) * 0.05
    if near is None:
        lon, lat = rng.uniform(west + margin_lon, east - margin_lon), rng.uniform(south + margin_lat, north - margin_lat)
    else:
        lon = min(max(float(near[0]) + rng.uniform(-0.0003, 0.0003), west + margin_lon), east - margin_lon)
        lat = min(max(float(near[1]) + rng.uniform(-0.0003, 0.0003), south + margin_lat), north - margin_lat)
    return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")


def _case_specs(rng, local_now, cal, categories, grids, workers, rider) -> list[dict]:
    """What each case is to be: its plan, category, reporter, place and the moment it was reported;
    the demo handler's department and the demo rider get cases of their own at several stages."""
    by_code = {category.code: category for category in categories}
    weights = [row[-1] for row in CATEGORIES]
    # the year so far (in its first two months, the last two months of the year before as well)
    start = min(date(local_now.year, 1, 1), local_now.date() - timedelta(days=60))
    span = (local_now.date() - start).days
    plans = [plan for plan, weight in PLANS for _ in range(weight)]
    rng.shuffle(plans)
    frequent = workers[:60]

    def moment(days_ago_low, days_ago_high):
        """A moment of a day that many days ago (fewer reports on days off), before now."""
        while True:
            day = max(start, local_now.date() - timedelta(days=rng.randint(days_ago_low, days_ago_high)))
            if days_ago_low < days_ago_high and not cal.is_workday(day) and rng.random() < 0.3:
                continue
            found = datetime.combine(day, time(rng.choice((7, 8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 18, 20)),
                                               rng.randrange(60), rng.randrange(60)))
            if found < local_now - timedelta(minutes=20):
                return found

    def reporter(category, worker=None):
        draw = rng.random()
        if worker is not None:
            return {"worker": worker}
        if category.anonymous_allowed and draw < 0.12:
            return {"anonymous": True}
        if draw < 0.2:
            return {"resident": True}
        return {"worker": rng.choice(frequent) if rng.random() < 0.4 else rng.choice(workers)}

    specs, stuck = [], 0
    for plan in plans[:CASE_COUNT]:
        category = rng.choices(categories, weights)[0]
        spec = {"plan": plan, "category": category, "cut": None, **reporter(category)}
        if plan == "stuck":
            spec["cut"] = STUCK_STATES[stuck % len(STUCK_STATES)]
            stuck += 1
            spec["at"] = moment(4, 40)
        else:
            spec["at"] = moment(0, span)
        specs.append(spec)
    last_workday = next(local_now.date() - timedelta(days=n) for n in range(1, 15)
                        if cal.is_workday(local_now.date() - timedelta(days=n)))
    own = [by_code[row[0]] for row in CATEGORIES if row[4] == DEPARTMENTS[0][0]]  # the demo handler's
    for n, cut in enumerate(("dispatched", "dispatched", "dispatched", "handling", "handling", "handling", "replied")):
        at = datetime.combine(last_workday, time(15, 20 + n * 3)) if n != 5 else moment(6, 12)
        specs.append({"plan": "stuck", "cut": cut, "category": own[n % len(own)], "at": at, "forced": True, "brisk": True,
                      **reporter(own[n % len(own)], rng.choice(workers))})
    if rider is not None:
        for plan, cut, days, evaluates in (("fixed", None, 200, True), ("fixed", None, 120, True), ("fixed", None, 60, True),
                                           ("fixed", None, 30, False), ("fixed", None, 15, False),
                                           ("stuck", "handling", 3, False), ("stuck", "reported", 0, False),
                                           ("withdrawn", None, 90, False), ("invalid", None, 45, False),
                                           ("stuck", "dispatched", 1, False)):
            category = own[len(specs) % len(own)] if cut == "dispatched" else rng.choice(categories)
            at = datetime.combine(last_workday, time(15, 50)) if cut == "dispatched" else (
                local_now - timedelta(hours=2) if days == 0 else moment(days, days))
            specs.append({"plan": plan, "cut": cut, "category": category, "at": at, "worker": rider,
                          "evaluates": evaluates, "forced": True, "brisk": days < 5})
    for spec in specs:
        worker = spec.get("worker")
        home = next((g for g in grids if worker and g.pk == worker[3]), None)
        spec["grid"] = home if home is not None and (spec.get("forced") or rng.random() < 0.6) else rng.choice(grids)
        spec["urgency"] = spec["category"].urgency if rng.random() > 0.04 else "urgent"
        if spec["plan"] == "withdrawn" and not worker:  # only a reporter withdraws
            spec["plan"] = "fixed"
        spec.setdefault("evaluates", bool(worker) and rng.random() < 0.6)
        spec["returned"] = spec["plan"] not in ("invalid", "duplicate", "withdrawn") and rng.random() < 0.1 \
            and not spec.get("forced")
    specs.sort(key=lambda spec: spec["at"])
    for n, spec in enumerate(specs):
        spec["position"] = _inside(rng, spec["grid"])
        if spec["plan"] != "duplicate":
            continue
        earlier = [other for other in specs[max(0, n - 30):n] if other["plan"] != "duplicate"
                   and spec["at"] - other["at"] < timedelta(days=5)]
        if not earlier:
            spec["plan"] = "invalid"
            continue
        original = rng.choice(earlier)
        spec.update(original_spec=original, category=original["category"], grid=original["grid"],
                    urgency=original["urgency"], position=_inside(rng, original["grid"], original["position"]))
    return specs


def _case_year(rng, now, departments, categories, limits, grids) -> _Made:
    """Draw the cases, walk each through the workflow up to now, and write them all in bulk."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from openpark.core.calendars import calendar, working_hours
    from openpark.core.deadlines import Limit

    from .choices import CaseStage
    from openpark.core.models import Deadline, StateChange

    from . import cases as rules
    from .models import CASE_MACHINE, Case

    cal = calendar()
    local_now = timezone.localtime(now).replace(tzinfo=None)
    configured = {(row.category_id, row.stage, row.urgency): rules.StageLimit(row.amount, row.unit) for row in limits}
    by_name = {department.name: department for department in departments}
    workers = list(Worker.objects.order_by("pk").values_list("pk", "name", "user_id", "grid_id", "note"))
    rider = next((w for w in workers if w[4].startswith("演示骑手")), None)
    usernames = dict(get_user_model().objects.filter(pk__in={w[2] for w in workers if w[2]})
                     .values_list("pk", "username"))
    by_pk = {department.pk: department for department in departments}
    accounts = dict(get_user_model().objects.filter(username__in=[DEMO_CENTRE, DEMO_HANDLER])
                    .values_list("username", "pk"))

    def reporter_name(worker, case):  # the reporter's account, or the demo rider's to come
        return usernames.get(case.reporter_id) or (DEMO_RIDER if worker is not None and worker is rider else "")

    specs = _case_specs(rng, local_now, cal, categories, grids, workers, rider)
    waits_for = {state: str(CaseStage(stage).label) for state, stage in rules.STAGE_OF_STATE.items()}
    minutes_per_day = working_hours().minutes_per_day

    def aware(moment):
        return timezone.make_aware(moment)

    def deadline(case, state, transition, started):  # as `deadlines.started` makes it, with the stage's limit
        stage = rules.stage_limit(rules.STAGE_OF_STATE[state], case.urgency, configured, case.category_id)
        limit = Limit(stage.amount, stage.unit)
        due = limit.due(started)
        return Deadline(transition=transition, state=state, label=waits_for[state],
                        working_days=0 if limit.in_minutes else limit.amount, unit=limit.unit, amount=limit.amount,
                        started_at=aware(started), due_on=due.due_on, due_at=due.due_at, provisional=due.provisional)

    def extend(deadline, days, moment):  # as `deadlines.extend` pushes it on by working days
        if deadline.due_at is not None:
            local = timezone.localtime(deadline.due_at)
            found = cal.add_working_days(local.date(), days)
            deadline.due_at = aware(datetime.combine(found.day, local.time().replace(tzinfo=None)))
        else:
            found = cal.add_working_days(deadline.due_on, days)
        deadline.due_on, deadline.provisional = found.day, deadline.provisional or found.provisional
        deadline.extended, deadline.extended_at = deadline.extended + 1, aware(moment)

    made, histories, timers, sequence = [], [], [], defaultdict(int)
    for spec in specs:
        category, worker, at = spec["category"], spec.get("worker"), spec["at"]
        sequence[at.date()] += 1
        case = Case(number=rules.case_number(at.date(), sequence[at.date()]), category=category,
                    urgency=spec["urgency"], description=rng.choice(DESCRIPTIONS[category.code]),
                    longitude=spec["position"][0], latitude=spec["position"][1],
                    location_source=rng.choices(("device", "photo", "map"), (7, 2, 1))[0],
                    address=f"靖江市城南园区{rng.choice(STREETS)}{rng.randint(1, 300)}号附近", grid=spec["grid"],
                    reported_at=aware(at), state="reported")
        if worker:
            case.reporter_worker_id, case.reporter_id, case.reporter_name = worker[0], worker[2], worker[1]
        elif spec.get("anonymous"):
            case.anonymous = True
        else:  # a resident who called in: entered by the grid centre
            case.channel, case.reporter_name = "staff", _name(rng)
            case.reporter_phone = f"198{rng.randrange(10 ** 8):08d}"  # fictional numbers
        spec["case"] = case
        steps = _plan_steps(rng, spec["plan"], spec["returned"], spec["evaluates"] and bool(case.reporter_worker_id))
        if spec["cut"]:
            steps = _cut_at(steps, spec["cut"])
        urgent = case.urgency == "urgent"
        own_department = category.department or by_name[TERRITORY.get(spec["grid"].code, DEPARTMENTS[4][0])]
        history = [StateChange(time=aware(at), user_id=case.reporter_id, username=reporter_name(worker, case),
                               transition="submit", from_state="", to_state="reported")]
        running = {"reported": deadline(case, "reported", "submit", at)}
        ended, moment, wrong_sent = [], at, False
        for name in steps:
            transition = CASE_MACHINE.transitions[name]
            assert case.state in transition.sources, (case.state, name)
            reporters = name in REPORTERS_OWN
            stage_limit = None if reporters or name in STAYS or spec.get("brisk") else \
                rules.stage_limit(rules.STAGE_OF_STATE.get(case.state), case.urgency, configured, case.category_id) \
                if case.state in rules.STAGE_OF_STATE else None
            if stage_limit is not None:  # most stages end within their limit, a few after it
                limit_minutes = stage_limit.amount * (minutes_per_day if stage_limit.unit == rules.WORKING_DAYS else 1)
                share = rng.uniform(*IN_TIME) if rng.random() >= LATE_SHARE else rng.uniform(*LATE)
                minutes, working = limit_minutes * share, stage_limit.unit != rules.NATURAL_MINUTES
            else:
                low, high = (5, 15) if spec.get("brisk") else STEP_MINUTES[name]  # the last day's forced cases
                minutes = rng.uniform(low, high) / (4 if urgent and not reporters else 1)
                working = not (urgent or reporters or name == "unpark")
            following = _later(cal, moment, minutes, working)
            following = max(following, moment + timedelta(minutes=1))
            if following > local_now - timedelta(minutes=5):
                break  # not made yet: the case waits here now
            moment, note, before, acting = following, "", case.state, case.department_id
            if name == "dispatch":
                wrong = spec["returned"] and not wrong_sent
                case.department = rng.choice([d for d in departments if d != own_department]) if wrong else own_department
                wrong_sent = True
            elif name == "send_back":
                case.department, case.returns, case.extension_days = None, case.returns + 1, 0
                note = rng.choice(RETURNS)
            elif name == "reject":
                note = rng.choice(REJECTIONS)
            elif name == "mark_duplicate":
                case.duplicate_of = spec["original_spec"]["case"]
                note = f"与 {case.duplicate_of.number} 重复"
            elif name == "request_extension":
                case.extension_days, note = rng.choice((1, 2, 3)), rng.choice(EXTENSIONS)
            elif name == "approve_extension":
                if "handling" in running:
                    extend(running["handling"], case.extension_days, moment)
                case.extensions, case.extension_days = case.extensions + 1, 0
            elif name == "refuse_extension":
                case.extension_days, note = 0, "时限内可以完成，不予延期"
            elif name == "reply":
                note = REPLIES[category.code]
                if case.department_id == departments[0].pk:
                    case.handled_by_id = accounts.get(DEMO_HANDLER)
            elif name == "recheck_fail":
                case.reworks, note = case.reworks + 1, "现场复核仍有遗留，退回返工"
            elif name == "park":
                note = rng.choice(PARKING_NOTES)
            elif name == "close":
                fixed = before == "checked"
                case.resolution = "fixed" if fixed else "not_fixed"
                case.resolution_note = note = "已解决" if fixed else rng.choice(NOT_FIXED)
                case.closed_at = aware(moment)
            elif name == "evaluate":
                case.satisfaction, case.evaluation_note = rng.choices(
                    [(value, note) for value, _, note in SATISFACTIONS], [w for _, w, _ in SATISFACTIONS])[0]
                note = case.evaluation_note
            case.state = transition.target
            if reporters:
                user, username = case.reporter_id, reporter_name(worker, case)
            elif name in HANDLERS_OWN:  # the demo handler works the first department's cases
                mine = acting == departments[0].pk
                user = accounts.get(DEMO_HANDLER) if mine else None
                username = DEMO_HANDLER if mine else f"{by_pk[acting].name}经办人"
            else:
                user, username = accounts.get(DEMO_CENTRE), DEMO_CENTRE
            history.append(StateChange(time=aware(moment), user_id=user, username=username, transition=name,
                                       from_state=before, to_state=case.state, note=note))
            for state in [state for state in running if state != case.state]:
                running[state].met_at = aware(moment)
                ended.append(running.pop(state))
            if transition.deadline_for and case.state not in running:
                running[case.state] = deadline(case, case.state, name, moment)
        made.append(case)
        histories.append(history)
        timers.append(ended + list(running.values()))
    return _write_cases(made, histories, timers, ContentType.objects.get_for_model(Case))


def _write_cases(made, histories, timers, content_type) -> _Made:
    """The cases (those repeating another after it), their change records, their state changes and
    deadlines in bulk, and the points of the true reports through the ledger's bulk path."""
    from openpark.core.models import Deadline, StateChange

    from . import services
    from .models import Case

    first = [case for case in made if case.duplicate_of is None]
    _save(Case, first)
    repeats = [case for case in made if case.duplicate_of is not None]
    for case in repeats:
        case.duplicate_of_id = case.duplicate_of.pk
    _save(Case, repeats)
    changes, deadlines = [], []
    for case, history, running in zip(made, histories, timers):
        for row in (*history, *running):
            row.content_type, row.object_id = content_type, str(case.pk)
        changes += history
        deadlines += running
    insert_instances(StateChange, changes)  # the platform's bulk insert (`bulk_create` without its per-value work)
    insert_instances(Deadline, deadlines)
    grants = defaultdict(list)  # worker -> (day verified, case), in date order
    for case, history in zip(made, histories):
        verified = next((change.time for change in history if change.transition == "verify"), None)
        if verified is not None and case.reporter_worker_id and case.category.points > 0:
            grants[case.reporter_worker_id].append((timezone.localdate(verified), case))

    def granting(items):
        def operation(book):
            for on, case in sorted(items, key=lambda item: (item[0], item[1].number)):
                # never dated before the worker's last entry (the ledger's rule): a grant of a
                # report verified before the worker's latest activity is written on that day
                day = max(on, book.entries[-1].on) if book.entries else on
                book.grant(f"case:{case.pk}", day, case.category.points, f"随手拍 {case.number} 核实属实")
        return operation

    entries = services.post_many({worker_id: granting(items) for worker_id, items in grants.items()})
    return _Made(made, len(changes), len(deadlines), len(entries))
