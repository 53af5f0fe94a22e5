"""智改数转's tile on the park cockpit: the year's 星级上云 and 智能车间 certifications, the 规上
enterprises' coverage and the projects under way; each figure links to the list of exactly the
rows it counts (the coverage to its page)."""
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse

from openpark.core import cockpit

from .choices import CertificationKind, ProjectState
from .models import Certification, TransformationProject

CLOUD, WORKSHOP = CertificationKind.CLOUD, CertificationKind.SMART_WORKSHOP


def year_counts(year: int) -> dict:
    """The certifications of `year`: 星级上云 (and of them four stars or more), 智能车间; one query."""
    return Certification.objects.filter(certified_on__year=year, enterprise__is_deleted=False).aggregate(
        cloud=Count("pk", filter=Q(kind=CLOUD)),
        cloud_high=Count("pk", filter=Q(kind=CLOUD, level__in=("four_star", "five_star"))),
        workshop=Count("pk", filter=Q(kind=WORKSHOP)))


def certification_url(year: int, kind: str) -> str:
    first, last = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
    return f"{reverse('transformation:certification_list')}?kind={kind}&certified_from={first}&certified_to={last}"


def transformation_panel(year: int) -> cockpit.Panel:
    from .services import coverage_total

    counts = year_counts(year)
    share = coverage_total(year)
    in_progress = TransformationProject.objects.filter(state=ProjectState.IN_PROGRESS,
                                                      enterprise__is_deleted=False).count()
    projects = reverse("transformation:transformationproject_list")
    coverage_page = f"{reverse('transformation:coverage')}?year={year}"
    figures = (
        cockpit.Figure("本年星级上云", counts["cloud"], "家次", 0, certification_url(year, CLOUD),
                       note=f"其中四星及以上 {counts['cloud_high']:,} 家次"),
        cockpit.Figure("本年智能车间", counts["workshop"], "个", 0, certification_url(year, WORKSHOP)),
        cockpit.Figure("规上企业覆盖率", share.percent if share else None, "%", 2, coverage_page,
                       note=f"{share.transformed:,}/{share.above_scale:,} 家" if share else f"{year} 年尚无规上企业名单"),
        cockpit.Figure("实施中项目", in_progress, "个", 0, f"{projects}?state={ProjectState.IN_PROGRESS}"),
    )
    return cockpit.Panel(figures, f"{year} 年", reverse("transformation:certification_list"))


def register() -> None:
    cockpit.register(cockpit.Tile("transformation", "智改数转", 48,
                                  ("transformation.view_certification", "transformation.view_transformationproject"),
                                  transformation_panel, on_wall=False))
