"""智慧环保's tile on the park cockpit, one tile for the module: the outfalls and where they stand,
the remediation measures done and those past their deadline, as the environment dashboard counts
them; and the active monitoring sites by the class of their latest sample, when there are any."""
from django.urls import reverse

from openpark.core import cockpit

from . import services
from .choices import OutfallStage


def environment_panel(year: int) -> cockpit.Panel:
    stages = services.outfall_counts_by_stage()
    measures = services.measure_counts_by_status()
    outfalls = reverse("environment:outfall_list")
    measure_list = reverse("environment:measure_list")
    total = sum(stages.values())
    finished = services.outfalls_finished(stages)
    in_remediation = stages[OutfallStage.IN_REMEDIATION]
    measure_total = sum(count for status, count in measures.items() if status != "overdue")
    overdue = measures["overdue"]
    figures = (
        cockpit.Figure("入河排污口", total, "个", 0, outfalls,
                       note=f"已销号、取缔或合并 {finished:,} 个"),
        cockpit.Figure("整治中的排口", in_remediation, "个", 0, f"{outfalls}?stage={OutfallStage.IN_REMEDIATION}"),
        cockpit.Figure("已完成的整治措施", measures["done"], "项", 0, f"{measure_list}?status=done",
                       note=f"共 {measure_total:,} 项"),
        cockpit.Figure("逾期未完成的措施", overdue, "项", 0, f"{measure_list}?overdue=true",
                       status="alarm" if overdue else ""),
    )
    return cockpit.Panel(figures + water_quality_figures(), "当前", reverse("environment:dashboard"))


def register() -> None:
    cockpit.register(cockpit.Tile("environment", "智慧环保", 45,
                                  ("environment.view_outfall", "environment.view_monitoringsite"), environment_panel))


# Water-quality monitoring ------------------------------------------------------------------------


def water_quality_figures() -> tuple[cockpit.Figure, ...]:
    """Active sites by the class of their latest sample: I–III, IV–V and 劣V, each linking to those
    sites; none when no site is in use."""
    counts = services.sites_by_latest_class()
    total = sum(counts.values())
    if not total:
        return ()
    sites = reverse("environment:monitoringsite_list")
    good = sum(counts[n] for n in (1, 2, 3))
    return (
        cockpit.Figure("I–III类断面", good, "个", 0, f"{sites}?latest_class=1-3",
                       note=f"在用断面 {total:,} 个，按最新采样"),
        cockpit.Figure("IV–V类断面", counts[4] + counts[5], "个", 0, f"{sites}?latest_class=4-5"),
        cockpit.Figure("劣V类断面", counts[6], "个", 0, f"{sites}?latest_class=6", status="alarm" if counts[6] else ""),
    )
