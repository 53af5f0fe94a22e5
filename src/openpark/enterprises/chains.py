"""The industry chains (产业链): who is in which chain and at which link, counted once for every
page that shows it (the chain map, a chain's and a link's page, the enterprise map, the economy's
breakdown by chain, the evaluation's flags), and the membership an import or a form sets."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .models import Chain, ChainMembership

NOT_IN_CHAIN = "不在产业链"


CHAIN_VIEW_PERMISSION = "enterprises.view_chainmembership"


def may_see_chains(user) -> bool:
    """Which chains an enterprise is in is 招商's planning: roles without the memberships see no
    chain on an enterprise's page, in its API record or among its filters."""
    return user.has_perm(CHAIN_VIEW_PERMISSION)


def live_memberships():
    """Memberships of enterprises that are not deleted, in chains that are not deleted."""
    return ChainMembership.objects.filter(enterprise__is_deleted=False, chain__is_deleted=False)


@dataclass
class ChainCount:
    enterprises: int = 0  # distinct enterprises in the chain, placed at a link or not
    unplaced: int = 0  # enterprises in the chain at no link (未分环节)
    links: Counter = field(default_factory=Counter)  # link id -> enterprises at it


def chain_counts() -> dict[int, ChainCount]:
    """{chain id: its counts}, from one read of the memberships."""
    members: dict[int, set] = defaultdict(set)
    placed: dict[int, set] = defaultdict(set)
    counts: dict[int, ChainCount] = defaultdict(ChainCount)
    for chain_id, link_id, enterprise_id in live_memberships().values_list("chain_id", "link_id", "enterprise_id"):
        members[chain_id].add(enterprise_id)
        if link_id is not None:
            placed[chain_id].add(enterprise_id)
            counts[chain_id].links[link_id] += 1
    for chain_id, enterprises in members.items():
        counts[chain_id].enterprises = len(enterprises)
        counts[chain_id].unplaced = len(enterprises - placed[chain_id])
    return counts


def unplaced_memberships(chain):
    """The chain's 未分环节 memberships of enterprises at none of its links."""
    placed = live_memberships().filter(chain=chain, link__isnull=False).values("enterprise_id")
    return live_memberships().filter(chain=chain, link=None).exclude(enterprise_id__in=placed)


def first_chain_of(enterprise_ids) -> dict[int, str]:
    """{enterprise id: the name of its first chain by the chains' order}, for one colour per enterprise."""
    found: dict[int, str] = {}
    rows = live_memberships().filter(enterprise_id__in=list(enterprise_ids)).order_by(
        "chain__order", "chain__name").values_list("enterprise_id", "chain__name")
    for enterprise_id, name in rows:
        found.setdefault(enterprise_id, name)
    return found


def chain_names_by_enterprise(enterprise_ids=None) -> dict[int, list[str]]:
    """{enterprise id: the names of its chains, each once, in the chains' order}."""
    rows = live_memberships().order_by("chain__order", "chain__name")
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    names: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, name in rows.values_list("enterprise_id", "chain__name"):
        if name not in names[enterprise_id]:
            names[enterprise_id].append(name)
    return names


def chains_by_name(names) -> dict[str, Chain]:
    return {chain.name: chain for chain in Chain.objects.filter(name__in=list(names))}
