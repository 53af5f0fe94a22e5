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
from datetime import date, time, timedelta
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
