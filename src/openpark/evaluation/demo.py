"""Demo data of the evaluation app: the demo park evaluated with jiangsu-6 for 2021 and 2022,
from its own facts and land, both runs published."""
from .models import Run, SchemeVersion
from .services import compute, gather, publish, ship_presets

DEMO_YEARS = (2021, 2022)
DEMO_SCHEME = "jiangsu-6"


def load(out) -> None:
    ship_presets(SchemeVersion)  # a flushed database (browser tests) has lost the migration's rows
    if Run.all_objects.exists():
        out.write(f"亩均评价：已有 {Run.all_objects.count()} 个评价批次，未重复生成。")
        return
    scheme = SchemeVersion.objects.filter(name=DEMO_SCHEME).order_by("-version").first()
    lines = []
    for year in DEMO_YEARS:
        run = Run.objects.create(year=year, scheme=scheme, title=f"{year} 年度亩均效益评价（{scheme.title}）")
        gather(run)
        counts = compute(run)
        publish(run, None, note="演示数据")
        lines.append(f"{year} 年 " + "，".join(f"{grade} {count}" for grade, count in sorted(counts.items())))
    out.write("亩均评价：已发布 " + "；".join(lines) + "。")
