"""Demo enterprises of the Chengnan park, generated deterministically."""
import random

from openpark.core.changes import record_bulk_changes, snapshot
from openpark.core.choices import ChangeAction
from openpark.core.uscc import with_check_digit

from .models import Enterprise

SEED = 20211231
ENTERPRISE_COUNT = 180
REGION = "321282"  # 靖江市
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
BRANDS = [
    "鼎盛", "恒通", "华晟", "江海", "新城", "南港", "永固", "博瑞", "天工", "长江", "宏达", "联创",
    "金川", "瑞丰", "中鼎", "亚星", "万达", "九龙", "东盛", "润禾", "蓝海", "星辰", "嘉和", "明远",
]
TRADES = [
    "汽车零部件", "机械", "电机", "电器", "新能源科技", "新材料", "智能装备", "包装", "精密铸造",
    "液压", "轴承", "电子", "物流", "工程机械", "环保科技",
]
FORMS = ["有限公司", "股份有限公司", "制造有限公司", "科技有限公司"]


def _org_code(rng: random.Random) -> str:
    return "MA" + "".join(rng.choice(ORG_ALPHABET) for _ in range(7))


def demo_enterprises() -> list[Enterprise]:
    rng = random.Random(SEED)
    seen_names, seen_codes, result = set(), set(), []
    while len(result) < ENTERPRISE_COUNT:
        name = f"靖江{rng.choice(BRANDS)}{rng.choice(TRADES)}{rng.choice(FORMS)}"
        code = with_check_digit(f"91{REGION}{_org_code(rng)}")
        if name in seen_names or code in seen_codes:
            continue
        seen_names.add(name)
        seen_codes.add(code)
        result.append(Enterprise(uscc=code, name=name))
    return result


def load(out) -> None:
    existing = set(Enterprise.all_objects.values_list("uscc", flat=True))
    new = [e for e in demo_enterprises() if e.uscc not in existing]
    created = Enterprise.objects.bulk_create(new, batch_size=500)  # ids come back on SQLite and PostgreSQL
    record_bulk_changes((e, ChangeAction.CREATE, None, snapshot(e)) for e in created)
    out.write(f"企业：新建 {len(created)} 家，已有 {len(existing)} 家。")
