"""智改数转's metrics for targets (`openpark.core.targets`): the enterprises certified of a kind (at
some levels, by an issuing body at or above some level) within a period, and the share of the year's
规上 enterprises that have completed their transformation."""
from datetime import date

from django.urls import reverse

from openpark.core import targets

from .choices import LEVELS_OF_KIND, CertificationKind, CertificationLevel, IssuingLevel
from .models import Certification

ISSUING_ORDER = list(IssuingLevel.values)  # 县级 < 泰州市级 < 省级 < 国家级


def check_certification_params(params: dict) -> dict:
    unknown = set(params) - {"kind", "levels", "issued_at_least"}
    if unknown:
        raise ValueError(f"未知的参数：{'、'.join(sorted(unknown))}。")
    kind = params.get("kind")
    if kind not in CertificationKind.values:
        names = "、".join(f"{label}（{value}）" for value, label in CertificationKind.choices)
        raise ValueError(f"须指定认定类别 kind，可选：{names}。")
    levels = params.get("levels") or []
    allowed = LEVELS_OF_KIND.get(kind, ())
    if not isinstance(levels, list) or any(level not in allowed for level in levels):
        names = "、".join(f"{CertificationLevel(level).label}（{level}）" for level in allowed) or "无（该类别不分级别）"
        raise ValueError(f"级别 levels 须为列表，可选：{names}。")
    issued = params.get("issued_at_least") or ""
    if issued and issued not in ISSUING_ORDER:
        names = "、".join(f"{label}（{value}）" for value, label in IssuingLevel.choices)
        raise ValueError(f"认定层级下限 issued_at_least 可选：{names}。")
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
    return f"{reverse('transformation:certification_list')}?kind={params['kind']}"


def describe_certification_params(params: dict) -> str:
    words = [str(CertificationKind(params["kind"]).label)] if params.get("kind") in CertificationKind.values else []
    if params.get("levels"):
        words.append("、".join(str(CertificationLevel(level).label) for level in params["levels"]))
    if params.get("issued_at_least") in ISSUING_ORDER:
        words.append(f"{IssuingLevel(params['issued_at_least']).label}及以上")
    return " · ".join(words)


def coverage_percent(start: date, end: date, params: dict):
    """The share (%) of the 规上 enterprises of the period's last year transformed by then; None
    when that year has no 规上 list."""
    from .services import coverage_tables

    total = coverage_tables(end.year)["total"]
    return total.percent if total is not None else None


def coverage_url(start: date, end: date, params: dict) -> str:
    return f"{reverse('transformation:coverage')}?year={end.year}"


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
        url=coverage_url, places=2))
