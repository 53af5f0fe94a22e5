"""人才服务's figures read from the database: one query per table into columns, counted by `counts`."""
from datetime import date

from django.db.models import Q
from django.urls import reverse

from openpark.core.scoping import scope_queryset

from . import counts
from .models import Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining

# (key, label, unit, list URL name, query of that list for a year), in the order shown.
FIGURES = (
    ("postings", "招聘岗位", "个", "talent:jobposting_list", "year={year}"),
    ("headcount", "招聘人数", "人", "talent:jobposting_list", "year={year}"),
    ("partnerships", "校企合作（在合作）", "项", "talent:schoolpartnership_list", "active_in={year}"),
    ("fairs", "招聘会", "场", "talent:recruitmentfair_list", "year={year}"),
    ("visitors", "到场求职人数", "人", "talent:recruitmentfair_list", "year={year}"),
    ("booths", "参会企业", "家次", "talent:fairbooth_list", "year={year}"),
    ("positions", "提供岗位", "个", "talent:fairbooth_list", "year={year}"),
    ("hires", "达成就业意向", "人", "talent:fairbooth_list", "year={year}"),
    ("trainings", "培训班次", "期", "talent:skillstraining_list", "year={year}"),
    ("trainees", "培训人数", "人", "talent:skillstraining_list", "year={year}"),
    ("certified", "取证人数", "人", "talent:skillstraining_list", "year={year}"),
    ("apprenticeships", "名师带高徒（开始）", "对", "talent:apprenticeship_list", "year={year}"),
    ("graduated", "名师带高徒（已出师）", "对", "talent:apprenticeship_list",
     "outcome=graduated&finished_year={year}"),
)


def figure_url(key: str, year: int) -> str:
    _, _, _, name, query = next(f for f in FIGURES if f[0] == key)
    return f"{reverse(name)}?{query.format(year=year)}"


def of_live_enterprises(queryset):
    """The rows of `queryset` not belonging to a deleted enterprise (a park-wide training, with no
    enterprise, stays): what every count, the cockpit tile and the targets metric read."""
    return queryset.filter(Q(enterprise__isnull=True) | Q(enterprise__is_deleted=False))


TABLES = ("postings", "partnerships", "fairs", "booths", "trainings", "apprenticeships")


def year_counts(years: list[int], user=None, tables: tuple[str, ...] = TABLES) -> dict[int, counts.YearCounts]:
    """The counts of `years` (within the user's scope when given), one query per table of `tables`
    (the figures of the other tables stay 0)."""
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)

    def rows(queryset):
        if "enterprise" in {field.name for field in queryset.model._meta.fields}:
            queryset = of_live_enterprises(queryset)
        return scope_queryset(queryset, user) if user is not None else queryset

    queries = {
        "postings": lambda: rows(JobPosting.objects.filter(posted_on__range=(first, last)))
        .values_list("posted_on", "headcount"),
        "partnerships": lambda: rows(SchoolPartnership.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=first), started_on__lte=last)).values_list("started_on", "ended_on"),
        "fairs": lambda: rows(RecruitmentFair.objects.filter(held_on__range=(first, last))).values_list("held_on", "visitors"),
        "booths": lambda: rows(FairBooth.objects.filter(fair__held_on__range=(first, last), fair__is_deleted=False))
        .values_list("fair__held_on", "positions", "hires"),
        "trainings": lambda: rows(SkillsTraining.objects.filter(started_on__range=(first, last)))
        .values_list("started_on", "trainees", "certified"),
        "apprenticeships": lambda: rows(Apprenticeship.objects.filter(
            Q(started_on__range=(first, last)) | Q(finished_on__range=(first, last))))
        .values_list("started_on", "outcome", "finished_on"),
    }
    return counts.year_counts(years, **{name: list(queries[name]()) for name in tables})


def table(years: list[int], user=None) -> list[dict]:
    """The counts page's rows: per figure, its label, unit and each year's value and link."""
    by_year = year_counts(years, user)
    return [{"key": key, "label": label, "unit": unit,
             "cells": [(getattr(by_year[year], key), figure_url(key, year)) for year in years]}
            for key, label, unit, _, _ in FIGURES]


def fair_totals(fair) -> dict[str, int]:
    return counts.fair_totals(of_live_enterprises(fair.booths.filter(is_deleted=False)).values_list("enterprise_id", "positions", "hires"))
