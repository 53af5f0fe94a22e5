"""The industry chains (产业链): who is in which chain and at which link, counted once for every
page that shows it (the chain map, a chain's and a link's page, the enterprise map, the economy's
breakdown by chain, the evaluation's flags), and the membership an import or a form sets."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from .choices import LinkStatus
from .models import Chain, ChainLink, ChainMembership

NOT_IN_CHAIN = "不在产业链"

# The demo park's chains and their links, upstream to downstream, with the work each needs.
SHIPPED_CHAINS = {
    "汽车配件": (("铸锻件毛坯", LinkStatus.WEAK), ("精密机加工", LinkStatus.STRONG), ("汽车电子", LinkStatus.MISSING),
                ("总成装配", LinkStatus.EXTEND)),
    "工程机械": (("钢材与铸件", LinkStatus.STRONG), ("液压件", LinkStatus.MISSING), ("传动与结构件", LinkStatus.WEAK),
                ("整机制造", LinkStatus.EXTEND)),
    "电机电器": (("硅钢与铜材", LinkStatus.WEAK), ("电机制造", LinkStatus.STRONG), ("电气控制", LinkStatus.WEAK),
                ("智能电器", LinkStatus.EXTEND)),
    "新能源": (("电池材料", LinkStatus.MISSING), ("电芯与储能", LinkStatus.EXTEND), ("电力电子", LinkStatus.WEAK)),
    "新材料": (("化工原料", LinkStatus.STRONG), ("高分子材料", LinkStatus.WEAK), ("复合材料", LinkStatus.MISSING)),
    "智能制造": (("工业软件", LinkStatus.MISSING), ("智能装备", LinkStatus.WEAK), ("系统集成", LinkStatus.EXTEND)),
}


def ship_chains(chain_model=Chain, link_model=ChainLink) -> None:
    """Create the shipped chains and links that are missing (the models may be historical: a
    migration ships them)."""
    for order, (name, links) in enumerate(SHIPPED_CHAINS.items(), start=1):
        chain, _ = chain_model._default_manager.get_or_create(name=name, defaults={"order": order * 10})
        for position, (link, status) in enumerate(links, start=1):
            link_model._default_manager.get_or_create(chain=chain, name=link,
                                                      defaults={"order": position * 10, "status": status})


def live_memberships():
    """Memberships of enterprises that are not deleted, in chains that are not deleted."""
    return ChainMembership.objects.filter(enterprise__is_deleted=False, chain__is_deleted=False)


@dataclass
class ChainCount:
    enterprises: int = 0  # distinct enterprises in the chain, placed at a link or not
    unplaced: int = 0  # enterprises in the chain at no link (未分环节)
    links: Counter = field(default_factory=Counter)  # link id -> enterprises at it


def chain_counts(chain=None) -> dict[int, ChainCount]:
    """{chain id: its counts}, from one read of the memberships (of `chain` alone if given)."""
    members: dict[int, set] = defaultdict(set)
    placed: dict[int, set] = defaultdict(set)
    counts: dict[int, ChainCount] = defaultdict(ChainCount)
    rows = live_memberships() if chain is None else live_memberships().filter(chain=chain)
    for chain_id, link_id, enterprise_id in rows.values_list("chain_id", "link_id", "enterprise_id"):
        members[chain_id].add(enterprise_id)
        if link_id is not None:
            placed[chain_id].add(enterprise_id)
            counts[chain_id].links[link_id] += 1
    for chain_id, enterprises in members.items():
        counts[chain_id].enterprises = len(enterprises)
        counts[chain_id].unplaced = len(enterprises - placed[chain_id])
    return counts


def unplaced(memberships: QuerySet, wanted: bool = True) -> QuerySet:
    """Those of `memberships` that are 未分环节 (with wanted=False, those that are not): at no
    link, of an enterprise at no link of that chain either, as the counts tell them."""
    placed = ChainMembership.objects.filter(enterprise=OuterRef("enterprise"), chain=OuterRef("chain"),
                                            link__isnull=False)
    condition = Q(link__isnull=True) & ~Exists(placed)
    return memberships.filter(condition if wanted else ~condition)


def unplaced_memberships(chain):
    """The chain's 未分环节 memberships of enterprises at none of its links."""
    return unplaced(live_memberships().filter(chain=chain))


def chain_names_by_enterprise(enterprise_ids=None) -> dict[int, list[str]]:
    """{enterprise id: the names of its chains, each once, in the chains' order (the first gives
    an enterprise its colour on the map)}, for the enterprises of `enterprise_ids` (ids, or a
    queryset of them) or for every enterprise."""
    rows = live_memberships().order_by("chain__order", "chain__name")
    if enterprise_ids is not None:
        ids = enterprise_ids if isinstance(enterprise_ids, QuerySet) else list(enterprise_ids)
        rows = rows.filter(enterprise_id__in=ids)
    names: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, name in rows.values_list("enterprise_id", "chain__name"):
        if name not in names[enterprise_id]:
            names[enterprise_id].append(name)
    return names


def chains_by_name(names) -> dict[str, Chain]:
    return {chain.name: chain for chain in Chain.objects.filter(name__in=list(names))}
