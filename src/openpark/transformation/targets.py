"""智改数转's metrics for targets (`openpark.core.targets`): the enterprises certified of a kind (at
some levels, by an issuing body at or above some level) within a period, and the share of the year's
规上 enterprises that have completed their transformation."""
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from openpark.core import targets

from .choices import LEVELS_OF_KIND, CertificationKind, CertificationLevel, IssuingLevel
from .models import Certification

ISSUING_ORDER = list(IssuingLevel.values)  # 县级 < 泰州市级 < 省级 < 国家级


def check_certification_params(params: dict) -> dict:
    targets.unknown_params(params, certification_param_fields())
    kind = params.get("kind")
    if kind not in CertificationKind.values:
        raise ValueError(f"须选择认定类别，可选：{'、'.join(str(label) for label in CertificationKind.labels)}。")
    levels = params.get("levels") or []
    allowed = LEVELS_OF_KIND.get(kind, ())
    if not isinstance(levels, list) or any(level not in allowed for level in levels):
        names = "、".join(str(CertificationLevel(level).label) for level in allowed)
        raise ValueError(f"{CertificationKind(kind).label}的级别可选：{names}。" if names
                         else f"{CertificationKind(kind).label}不分级别，请勿勾选级别。")
    issued = params.get("issued_at_least") or ""
    if issued and issued not in ISSUING_ORDER:
        raise ValueError(f"认定层级下限可选：{'、'.join(str(label) for label in IssuingLevel.labels)}。")
    checked = {"kind": kind}
    if levels:
        checked["levels"] = levels
    if issued:
        checked["issued_at_least"] = issued
    return checked


def certified(start: date, end: date, params: dict) -> int:
    """The enterprises certified of the kind (at the levels, by a body at or above the level) within the period."""
    rows = Certification.objects.filter(kind=params["kind"], certified_on__gte=start, certified_on__lte=end,
                                        enterprise__is_deleted=False)
    if params.get("levels"):
        rows = rows.filter(level__in=params["levels"])
    if params.get("issued_at_least"):
        rows = rows.filter(issuing_level__in=ISSUING_ORDER[ISSUING_ORDER.index(params["issued_at_least"]):])
    return rows.values("enterprise").distinct().count()


def certified_url(start: date, end: date, params: dict) -> str:
    """The certification list filtered as `certified` counts: the kind, the levels, the issuing level
    at or above, the period, and one row per enterprise (its first such certification), so that the
    list has as many rows as the figure."""
    query = [("kind", params["kind"]), *[("levels", level) for level in params.get("levels") or []]]
    if params.get("issued_at_least"):
        query.append(("issued_at_least", params["issued_at_least"]))
    query += [("certified_from", start.isoformat()), ("certified_to", end.isoformat()), ("one_per_enterprise", "true")]
    return f"{reverse('transformation:certification_list')}?{urlencode(query)}"


def describe_certification_params(params: dict) -> str:
    words = [str(CertificationKind(params["kind"]).label)] if params.get("kind") in CertificationKind.values else []
    if params.get("levels"):
        words.append("、".join(str(CertificationLevel(level).label) for level in params["levels"]))
    if params.get("issued_at_least") in ISSUING_ORDER:
        words.append(f"{IssuingLevel(params['issued_at_least']).label}及以上")
    return " · ".join(words)


def coverage_year(start: date, end: date) -> int | None:
    """The latest year within the period that has a 规上 list (None when none has)."""
    from django.db.models import Max

    from openpark.enterprises.models import AboveScaleYear

    return AboveScaleYear.objects.filter(year__gte=start.year, year__lte=end.year,
                                         enterprise__is_deleted=False).aggregate(latest=Max("year"))["latest"]


def coverage_percent(start: date, end: date, params: dict):
    """The share (%) of the 规上 enterprises of the latest year within the period that has a 规上
    list, transformed by then; None when no year of the period has one."""
    from .services import coverage_total

    year = coverage_year(start, end)
    total = coverage_total(year) if year is not None else None
    return total.percent if total is not None else None


def coverage_basis(start: date, end: date, params: dict) -> str:
    year = coverage_year(start, end)
    return f"按 {year} 年规上企业名单" if year is not None else ""


def coverage_explained(start: date, end: date, params: dict) -> str:
    years = f"{start.year} 年" if start.year == end.year else f"{start.year}—{end.year} 年"
    return f"{years}尚无规上企业名单（经济运行数据），无法计算覆盖率。"


def coverage_url(start: date, end: date, params: dict) -> str:
    year = coverage_year(start, end)
    return f"{reverse('transformation:coverage')}?year={year if year is not None else end.year}"


def certification_param_fields() -> dict:
    levels = [(level, CertificationLevel(level).label) for kind in CertificationKind.values
              for level in LEVELS_OF_KIND.get(kind, ())]
    return {
        "kind": targets.choice_param("认定类别", CertificationKind.choices, needed=True),
        "levels": targets.choices_param("级别", levels),
        "issued_at_least": targets.choice_param("认定层级下限", IssuingLevel.choices),
    }


def register() -> None:
    targets.register_metric(targets.Metric(
        "transformation.certified", "获得认定的企业数", "家", certified, module="transformation",
        check_params=check_certification_params, url=certified_url, describe=describe_certification_params,
        param_fields=certification_param_fields))
    targets.register_metric(targets.Metric(
        "transformation.coverage", "规上企业智改数转覆盖率", "%", coverage_percent, module="transformation",
        url=coverage_url, places=2, basis=coverage_basis, explain=coverage_explained))
