"""Demo data of the Chengnan park: zones, parks within the park, about 300 enterprises with their
land, certificates, tags and contacts. Generated deterministically from one seed; loading twice
creates nothing the second time."""
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpark.core.changes import record_created
from openpark.core.facts import park_facts
from openpark.core.uscc import with_check_digit

from .chains import ship_chains
from .choices import EnterpriseStatus, LandRight, LandUse, TagKind
from .models import (
    AboveScaleYear, Chain, ChainLink, ChainMembership, Contact, Enterprise, HighTechCertificate, LandParcel, ParcelUse,
    SubPark, Tag, Zone,
)

SEED = 20211231
ENTERPRISE_COUNT = 300
HIGH_TECH_2021 = 56  # national high-tech enterprises in 2021, as published
REGION = "321282"  # 靖江市
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
PLATFORM_COMPANY = "靖江城南园区开发建设有限公司"
WORKSHOP_SERIAL = 9999  # the platform company's standard workshops; no enterprise index reaches it

# Zones side by side from west to east, each 0.012° × 0.020° (WGS-84).
ORIGIN_LON, ORIGIN_LAT = 120.245, 31.955
ZONE_WIDTH, ZONE_HEIGHT = 0.012, 0.020

BRANDS = [
    "鼎盛", "恒通", "华晟", "江海", "新城", "南港", "永固", "博瑞", "天工", "长江", "宏达", "联创",
    "金川", "瑞丰", "中鼎", "亚星", "万达", "九龙", "东盛", "润禾", "蓝海", "星辰", "嘉和", "明远",
]
FORMS = ["有限公司", "股份有限公司", "制造有限公司", "科技有限公司"]
# (trade in the name, GB/T 4754 class, industry chain or "")
TRADES = [
    ("汽车零部件", "3670", "汽车配件"), ("汽车配件", "3670", "汽车配件"), ("内燃机配件", "3412", "汽车配件"),
    ("工程机械", "3514", "工程机械"), ("机械零部件", "3484", "工程机械"), ("泵业", "3441", "工程机械"),
    ("模具", "3525", "工程机械"), ("电机", "3819", "电机电器"), ("发电设备", "3811", "电机电器"),
    ("电气控制", "3829", "电机电器"), ("电力电子", "3824", "新能源"), ("新能源科技", "3824", "新能源"),
    ("新材料", "3985", "新材料"), ("化工材料", "2614", "新材料"), ("智能装备", "3516", "智能制造"),
    ("包装", "2231", ""), ("塑料包装", "2926", ""), ("金属制品", "3399", ""), ("表面处理", "3360", ""),
    ("建材", "3099", ""),
]
UTILITIES = [("热电", "4411"), ("水务", "4610")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志"
TITLES = ["总经理", "财务负责人", "办公室主任", "生产厂长", "安环主管"]


@dataclass
class DemoEnterprise:
    enterprise: Enterprise
    above_scale_years: list[int] = field(default_factory=list)
    certificate: tuple[str, date] | None = None
    chain: str = ""
    specialised: bool = False
    contact: tuple[str, str, str] | None = None
    area_mu: Decimal = Decimal(0)
    tenant_of: int | None = None  # index of the landholder, or -1 for the platform company


def rectangle(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def zone_box(index: int) -> tuple[float, float, float, float]:
    west = ORIGIN_LON + index * ZONE_WIDTH
    return west, ORIGIN_LAT, west + ZONE_WIDTH, ORIGIN_LAT + ZONE_HEIGHT


def subpark_box(index: int) -> tuple[float, float, float, float]:
    """Each park within the park sits in the northern half of the zone of the same index."""
    west, south, east, north = zone_box(index)
    return west + 0.002, south + 0.011, east - 0.002, north - 0.002


def demo_zones() -> tuple[list[Zone], list[SubPark]]:
    facts = park_facts()["park"]
    zones = [Zone(name=name, order=i + 1, boundary=rectangle(*zone_box(i))) for i, name in enumerate(facts["zones"])]
    subparks = [
        SubPark(name=name, order=i + 1, boundary=rectangle(*subpark_box(i)))
        for i, name in enumerate(facts["parks_within_park"])
    ]
    return zones, subparks


def _org_code(rng: random.Random) -> str:
    return "MA" + "".join(rng.choice(ORG_ALPHABET) for _ in range(7))


def _name_and_trade(rng: random.Random, index: int) -> tuple[str, str, str]:
    if index < len(UTILITIES):
        trade, code = UTILITIES[index]
        return f"靖江{trade}有限公司", code, ""
    trade, code, chain = rng.choice(TRADES)
    brand, form = rng.choice(BRANDS), rng.choice(FORMS)
    if trade.endswith("科技") and form.startswith("科技"):  # not 科技科技: 科技发展有限公司, no other name's
        form = "发展" + form.removeprefix("科技")
    return f"靖江{brand}{trade}{form}", code, chain


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.90:
        return EnterpriseStatus.OPERATING
    if roll < 0.95:
        return EnterpriseStatus.HALTED
    if roll < 0.98:
        return EnterpriseStatus.RELOCATED
    return EnterpriseStatus.DEREGISTERED


def _position(rng: random.Random, zone_index: int, in_subpark: bool) -> tuple[Decimal, Decimal]:
    west, south, east, north = subpark_box(zone_index) if in_subpark else zone_box(zone_index)
    if not in_subpark:
        north = subpark_box(zone_index)[1] - 0.0005  # the southern half, outside the park within the park
    lon = west + 0.0005 + rng.random() * (east - west - 0.001)
    lat = south + 0.0005 + rng.random() * (north - south - 0.001)
    return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")


def _not_before(registered: date, day: date) -> date:
    """Nothing happens to an enterprise before it is registered: its production, certificates and
    land start on its registration day at the earliest (in the same year, so that the years the
    figures and the evaluation count stay as drawn)."""
    return max(day, registered)


def demo_enterprises() -> list[DemoEnterprise]:
    rng = random.Random(SEED)
    zones, subparks = demo_zones()
    names, codes, result = set(), set(), []
    while len(result) < ENTERPRISE_COUNT:
        name, industry, chain = _name_and_trade(rng, len(result))
        code = with_check_digit(f"91{REGION}{_org_code(rng)}")
        if name in names or code in codes:
            continue
        names.add(name)
        codes.add(code)
        zone_index = rng.randrange(len(zones))
        in_subpark = rng.random() < 0.35
        longitude, latitude = _position(rng, zone_index, in_subpark)
        registered = date(rng.randint(2004, 2020), rng.randint(1, 12), rng.randint(1, 28))
        enterprise = Enterprise(
            uscc=code, name=name, status=_status(rng), industry_id=industry,
            zone=None, subpark=None, registered_on=registered,
            production_started_on=_not_before(registered, date(min(registered.year + rng.randint(0, 2), 2021),
                                                              rng.randint(1, 12), 1)),
            address=f"靖江市城南园区{rng.choice(['园区路', '新港大道', '城南大道', '江平路', '澄江路'])}{rng.randint(1, 300)}号",
            longitude=longitude, latitude=latitude,
        )
        enterprise._zone_index = zone_index
        enterprise._subpark_index = zone_index if in_subpark else None
        demo = DemoEnterprise(enterprise=enterprise, chain=chain)
        large = rng.random() < 0.4
        demo.above_scale_years = [y for y in (2020, 2021, 2022) if large and y >= registered.year + 1]
        demo.area_mu = Decimal(rng.randint(30, 900) if large else rng.randint(8, 120)) / 10
        demo.specialised = large and rng.random() < 0.15
        person = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        demo.contact = (person, rng.choice(TITLES), f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}")
        result.append(demo)
    _assign_certificates(rng, result)
    _assign_tenancies(rng, result)
    return result


def _assign_certificates(rng: random.Random, demos: list[DemoEnterprise]) -> None:
    """Exactly HIGH_TECH_2021 enterprises hold a certificate valid in 2021; a few hold expired
    ones (issued 2017–2018) and a few are new in 2022."""
    candidates = [d for d in demos[len(UTILITIES):] if d.enterprise.registered_on.year <= 2018]
    rng.shuffle(candidates)
    for i, demo in enumerate(candidates[:HIGH_TECH_2021 + 20]):
        year = rng.choice((2019, 2020, 2021)) if i < HIGH_TECH_2021 else rng.choice((2017, 2018, 2022))
        number = f"GR{year}320{rng.randint(10000, 99999)}"
        issued = date(year, rng.choice((10, 11, 12)), rng.randint(1, 28))
        demo.certificate = (number, _not_before(demo.enterprise.registered_on, issued))


def _assign_tenancies(rng: random.Random, demos: list[DemoEnterprise]) -> None:
    """About one enterprise in ten has no land of its own and rents part of a landholder's parcel
    (or of the platform company's standard workshops)."""
    holders = [i for i, d in enumerate(demos) if d.area_mu >= 20]
    for i, demo in enumerate(demos):
        if i >= len(UTILITIES) and not demo.above_scale_years and rng.random() < 0.1:
            demo.tenant_of = rng.choice(holders + [-1, -1])
            demo.area_mu = Decimal(rng.randint(10, 60)) / 10


def parcel_number(index: int, year: int) -> str:
    return f"苏({year})靖江市不动产权第{1000000 + index * 37:07d}号"


def load(out) -> None:
    zones, subparks = _load_zones(out)
    demos = demo_enterprises()
    existing = set(Enterprise.all_objects.values_list("uscc", flat=True))
    new = [d for d in demos if d.enterprise.uscc not in existing]
    for demo in new:
        demo.enterprise.zone = zones[demo.enterprise._zone_index]
        if demo.enterprise._subpark_index is not None:
            demo.enterprise.subpark = subparks[demo.enterprise._subpark_index]
    created = Enterprise.objects.bulk_create([d.enterprise for d in new], batch_size=500)
    record_created(created)
    _load_details(new, demos)
    out.write(f"企业：新建 {len(created)} 家，已有 {len(existing)} 家。")


def _load_zones(out) -> tuple[list[Zone], list[SubPark]]:
    zones, subparks = demo_zones()
    zone_rows = [_get_or_create(Zone, z.name, z) for z in zones]
    for i, subpark in enumerate(subparks):
        subpark.zone = zone_rows[i]
    subpark_rows = [_get_or_create(SubPark, s.name, s) for s in subparks]
    out.write(f"片区 {len(zone_rows)} 个，园中园 {len(subpark_rows)} 个。")
    return zone_rows, subpark_rows


def _get_or_create(model, name, candidate):
    found = model.all_objects.filter(name=name).first()
    if found is None:
        candidate.save()
        return candidate
    return found


def _load_details(new: list[DemoEnterprise], demos: list[DemoEnterprise]) -> None:
    if not new:
        return
    tags = _load_tags()
    years = [AboveScaleYear(enterprise=d.enterprise, year=y) for d in new for y in d.above_scale_years]
    certificates = [
        HighTechCertificate(enterprise=d.enterprise, number=d.certificate[0], issued_on=d.certificate[1])
        for d in new if d.certificate
    ]
    contacts = [Contact(enterprise=d.enterprise, name=d.contact[0], title=d.contact[1], phone=d.contact[2]) for d in new]
    for model, rows in ((AboveScaleYear, years), (HighTechCertificate, certificates), (Contact, contacts)):
        record_created(model.objects.bulk_create(rows, batch_size=1000))
    through = Enterprise.tags.through
    through.objects.bulk_create(
        [through(enterprise_id=d.enterprise.pk, tag_id=tags["专精特新"].pk) for d in new if d.specialised]
    )
    record_created(ChainMembership.objects.bulk_create(_memberships(new, demos)))
    _load_land(new, demos)


def _memberships(new: list[DemoEnterprise], demos: list[DemoEnterprise]) -> list[ChainMembership]:
    """Each new enterprise of a chain at one of its links, in turn upstream to downstream by the
    enterprise's place among the chain's demo enterprises (the same link however often loaded)."""
    chains = _load_chains()
    links = defaultdict(list)
    for link in ChainLink.objects.filter(chain__in=list(chains.values())).order_by("order", "pk"):
        links[link.chain_id].append(link)
    seen, place = Counter(), {}
    for demo in demos:
        if demo.chain:
            place[demo.enterprise.uscc] = seen[demo.chain]
            seen[demo.chain] += 1
    memberships = []
    for demo in (d for d in new if d.chain):
        chain = chains[demo.chain]
        at = links[chain.pk] or [None]
        memberships.append(ChainMembership(enterprise=demo.enterprise, chain=chain,
                                           link=at[place[demo.enterprise.uscc] % len(at)]))
    return memberships


def _load_tags() -> dict[str, Tag]:
    wanted = {"专精特新": TagKind.SRDI}
    found = {t.name: t for t in Tag.all_objects.filter(name__in=wanted)}
    created = Tag.objects.bulk_create([Tag(name=n, kind=k) for n, k in wanted.items() if n not in found])
    record_created(created)
    return {**found, **{t.name: t for t in created}}


def _load_chains() -> dict[str, Chain]:
    """The chains the enterprises are in, with their links: the shipped ones, which a migration
    creates but a flushed database has lost."""
    ship_chains()
    wanted = list(dict.fromkeys(name for _, _, name in TRADES if name))
    return {chain.name: chain for chain in Chain.all_objects.filter(name__in=wanted)}


def _load_land(new: list[DemoEnterprise], demos: list[DemoEnterprise]) -> None:
    new_codes = {d.enterprise.uscc for d in new}
    parcels, by_index = [], {}
    for index, demo in enumerate(demos):
        if demo.tenant_of is not None or demo.enterprise.uscc not in new_codes:
            continue
        registered = demo.enterprise.registered_on
        parcel = LandParcel(
            certificate_no=parcel_number(index, registered.year), area_mu=demo.area_mu, land_use=LandUse.INDUSTRIAL,
            right_type=LandRight.GRANTED if index % 9 else LandRight.ALLOCATED, holder=demo.enterprise,
            acquired_on=registered, address=demo.enterprise.address,
            geometry={"type": "Point", "coordinates": [float(demo.enterprise.longitude), float(demo.enterprise.latitude)]},
        )
        parcels.append(parcel)
        by_index[index] = parcel
    workshops = LandParcel.all_objects.filter(certificate_no=parcel_number(WORKSHOP_SERIAL, 2012)).first()
    if workshops is None:
        workshops = LandParcel(certificate_no=parcel_number(WORKSHOP_SERIAL, 2012), area_mu=Decimal("120"), land_use=LandUse.INDUSTRIAL,
                               right_type=LandRight.GRANTED, holder_name=PLATFORM_COMPANY, acquired_on=date(2012, 6, 1),
                               address="靖江市城南园区标准厂房区")
        parcels.append(workshops)
    record_created(LandParcel.objects.bulk_create(parcels, batch_size=500))
    uses = []
    for demo in new:
        if demo.tenant_of is None:
            continue
        parcel = workshops if demo.tenant_of == -1 else by_index.get(demo.tenant_of)
        if parcel is None:
            continue
        uses.append(ParcelUse(parcel=parcel, enterprise=demo.enterprise, area_mu=demo.area_mu,
                              started_on=max(demo.enterprise.registered_on, date(2015, 1, 1))))
    record_created(ParcelUse.objects.bulk_create(uses))
