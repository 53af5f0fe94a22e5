"""智改数转's colourings of the enterprise map (企业地图), registered as the 亩均 class is
(`openpark.enterprises.map.register_colouring`): each enterprise by the 星级上云 level it holds at
the end of the year, by its 智能工厂 level, and by where its transformation projects stand. One
query per colouring, whatever the number of enterprises; the categories are labels, and the map's
script puts every text into the popup through OpenPark.escapeHtml."""
from datetime import date

from django.db.models import Q
from django.utils import timezone

from openpark.enterprises import map as enterprise_map

from .choices import CertificationKind, CertificationLevel, ProjectState
from .models import Certification, TransformationProject

L = CertificationLevel
CLOUD_COLOURS = ((f"{L.FIVE_STAR.label}上云", "#c4302b"), (f"{L.FOUR_STAR.label}上云", "#e07b00"),
                 (f"{L.THREE_STAR.label}上云", "#1d5fa8"), ("未上云", "#9aa5b1"))
FACTORY_COLOURS = ((str(L.LEADING.label), "#7d4fb3"), (str(L.EXCELLENT.label), "#c4302b"),
                   (str(L.ADVANCED.label), "#e07b00"), (str(L.BASIC.label), "#2e9d4f"), ("非智能工厂", "#9aa5b1"))
IN_PROGRESS, APPROVED, COMPLETED, NO_PROJECT = "有实施中项目", "有立项项目", "项目已验收", "无改造项目"
PROJECT_COLOURS = ((IN_PROGRESS, "#e07b00"), (APPROVED, "#1d5fa8"), (COMPLETED, "#2e9d4f"), (NO_PROJECT, "#9aa5b1"))


def held_levels(enterprises: list, kind: str, year: int) -> dict[int, str]:
    """{enterprise id: the level of `kind` it holds at the end of `year`}: certified by then and not
    ended by then (a certification ends on the day the next level is certified)."""
    end = date(year, 12, 31)
    rows = Certification.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=end), kind=kind, certified_on__lte=end).order_by("certified_on", "pk")
    return dict(rows.values_list("enterprise_id", "level"))  # the latest one wins


def cloud_levels(enterprises: list, year: int) -> dict[int, str]:
    held = held_levels(enterprises, CertificationKind.CLOUD, year)
    return {e.pk: f"{L(held[e.pk]).label}上云" if e.pk in held else "未上云" for e in enterprises}


def factory_levels(enterprises: list, year: int) -> dict[int, str]:
    held = held_levels(enterprises, CertificationKind.SMART_FACTORY, year)
    return {e.pk: str(L(held[e.pk]).label) if e.pk in held else "非智能工厂" for e in enterprises}


def project_states(enterprises: list, year: int) -> dict[int, str]:
    """Where each enterprise's transformation projects of `year` or before stand now: one under way
    comes first, then one approved, then one completed."""
    states: dict[int, set] = {}
    for enterprise_id, state in TransformationProject.objects.filter(year__lte=year).values_list("enterprise_id",
                                                                                                 "state"):
        states.setdefault(enterprise_id, set()).add(state)

    def category(pk):
        held = states.get(pk, set())
        if ProjectState.IN_PROGRESS in held:
            return IN_PROGRESS
        if ProjectState.APPROVED in held:
            return APPROVED
        if ProjectState.COMPLETED in held:
            return COMPLETED
        return NO_PROJECT

    return {e.pk: category(e.pk) for e in enterprises}


def this_year() -> int:
    """The colourings open at this year: a level, once certified, is held until it ends, and the
    projects are where they stand now."""
    return timezone.localdate().year


def register() -> None:
    enterprise_map.register_colouring(enterprise_map.Colouring(
        "cloud", "星级上云", "transformation.view_certification", cloud_levels, CLOUD_COLOURS, this_year))
    enterprise_map.register_colouring(enterprise_map.Colouring(
        "smart_factory", "智能工厂等级", "transformation.view_certification", factory_levels, FACTORY_COLOURS,
        this_year))
    enterprise_map.register_colouring(enterprise_map.Colouring(
        "transformation_project", "智改数转项目", "transformation.view_transformationproject", project_states,
        PROJECT_COLOURS, this_year))
