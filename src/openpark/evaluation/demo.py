"""Demo data of the evaluation app: the demo park evaluated with jiangsu-6 for 2021 and 2022,
from its own facts and land, both runs published."""
import io
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from openpark.core.attachments import attach
from openpark.core.demo import ensure_target
from openpark.core.facts import park_facts

from .choices import DisposalRoute
from .models import DisposalCase, DisposalProgress, LowEfficiencyRule, Run, SchemeVersion
from .services import compute, counts_text, default_title, gather, low_efficiency, publish, ship_presets

DEMO_YEARS = (2021, 2022)
DEMO_SCHEME = "jiangsu-6"
DEMO_CASES = 8
OFFICERS = ("王建国", "李敏", "张伟", "陈静")
# (route, deadline, what happened: "" open, "start" in progress with a note, "finish" done)
CASE_PLANS = (
    (DisposalRoute.RETURN, date(2027, 6, 30), "start"), (DisposalRoute.REDEVELOP, date(2027, 12, 31), "start"),
    (DisposalRoute.JOINT, date(2027, 12, 31), ""), (DisposalRoute.UPGRADE, date(2023, 12, 31), "finish"),
    (DisposalRoute.MERGE, date(2027, 9, 30), ""), (DisposalRoute.RELOCATE, date(2028, 6, 30), "start"),
    (DisposalRoute.UPGRADE, date(2027, 3, 31), ""), (DisposalRoute.RETURN, date(2024, 6, 30), "finish"),
)


def load(out) -> None:
    ship_presets(SchemeVersion)  # a flushed database (browser tests) has lost the migration's rows
    year = timezone.localdate().year
    # The same +15% for this year (its run not yet published: the page says so) and for each year the
    # demo's runs can measure (the year's run against the year before's), so a figure is computed.
    for target_year in (year, *DEMO_YEARS[1:]):
        ensure_target(f"{target_year} 年园区亩均税收增幅", target_year, "evaluation.tax_per_mu_growth",
                      park_facts()["land_efficiency"]["tax_per_mu_growth_target_pct"], owner="经发",
                      note="亩均税收每年增长 15%（公开报道目标）")
    if Run.all_objects.exists():
        out.write(f"亩均评价：已有 {Run.all_objects.count()} 个评价批次，未重复生成。")
        return
    scheme = SchemeVersion.objects.filter(name=DEMO_SCHEME).order_by("-version").first()
    lines = []
    for year in DEMO_YEARS:
        run = Run.objects.create(year=year, scheme=scheme, title=default_title(year, scheme.title))
        gather(run)
        counts = compute(run)
        publish(run, None, note="演示数据")
        lines.append(f"{year} 年 {counts_text(dict(sorted(counts.items())))}")
    out.write("亩均评价：已发布 " + "；".join(lines) + "。")
    cases = _disposal_cases(run)
    out.write(f"低效用地：{len(low_efficiency(run, LowEfficiencyRule.current()))} 家，建立处置案 {cases} 件。")


def _disposal_cases(run: Run) -> int:
    """Disposal cases for the lowest of the latest run's low-efficiency enterprises, at various stages."""
    rows = low_efficiency(run, LowEfficiencyRule.current())[:DEMO_CASES]
    for number, (row, (route, deadline, step)) in enumerate(zip(rows, CASE_PLANS)):
        case = DisposalCase.objects.create(
            enterprise_id=row.enterprise_id, year=run.year, route=route, deadline=deadline,
            area_mu=Decimal(str(row.land)).quantize(Decimal("0.01")), officer=OFFICERS[number % len(OFFICERS)],
            tax_per_mu_before=Decimal(str(row.tax_per_mu)).quantize(Decimal("0.01")),
            note=f"{run.year} 年亩均税收 {row.tax_per_mu:.2f} 万元/亩，{row.reasons}。",
        )
        if step:
            DisposalCase.machine.apply(case, "start", None, note="挂钩部门已约谈企业")
            DisposalProgress.objects.create(case=case, on=date(run.year + 1, 3, 15), text="已约谈企业负责人，明确处置方向。",
                                            author="演示数据")
        if step == "finish":
            photo = ContentFile(_photo(), name="验收现场照片.png")
            evidence = [attach(case, photo, None, purpose="完成处置证明材料", evidence=True)]
            DisposalCase.machine.apply(case, "finish", None, note="处置完成，已复核", evidence=evidence,
                                       tax_per_mu_after=case.tax_per_mu_before * 3 + Decimal("5"))
    return len(rows)


def _photo() -> bytes:
    """A plain picture standing for the photo of a finished case (完成处置 needs evidence)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(out, "PNG")
    return out.getvalue()
