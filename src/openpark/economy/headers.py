"""The columns of the fact sheet: who the row is, its period, and one column per indicator,
named by the indicator's name and its other names (aliases)."""
import dataclasses
import re

from openpark.core.importing import Column, ColumnHint, ImportSpec, header_keys
from openpark.enterprises.importers import ENTERPRISE_SPEC, LAND_AREA_HINT

INDICATOR_FIELD = "indicator:"
ALIAS_SEPARATORS = re.compile(r"[、,，;；]")
USCC_COLUMN = ENTERPRISE_SPEC.key_column
NAME_COLUMN = dataclasses.replace(
    next(c for c in ENTERPRISE_SPEC.columns if c.field == "name"), field="enterprise_name", required=False
)
BASE_COLUMNS = (
    USCC_COLUMN,
    NAME_COLUMN,
    Column("year", "年份", synonyms=("年度", "统计年度")),
    Column("month", "月份", synonyms=("截至月份", "统计月份", "月度")),
    Column("period", "报告期", synonyms=("统计期", "统计期间", "所属期", "期间")),
)

# A column named like an enterprise's attribute (行业, 片区 …) or its land belongs to another sheet.
FACT_HINTS = (
    *(ColumnHint((column.label, *column.synonyms),
                 f"“{column.label}”是企业的基本信息，请在企业名录中导入（一企一档 → 企业名录 → 批量导入）",
                 importer="enterprises.enterprise")
      for column in ENTERPRISE_SPEC.columns if column.field not in ("uscc", "name")),
    LAND_AREA_HINT,
)


def split_aliases(text: str) -> list[str]:
    return [part.strip() for part in ALIAS_SEPARATORS.split(text) if part.strip()]


def _names(indicator) -> list[str]:
    return [indicator.name, *split_aliases(indicator.aliases)]


def _base_keys() -> dict[str, str]:
    return {key: f"“{column.label}”列" for column in BASE_COLUMNS for name in (column.label, *column.synonyms)
            for key in header_keys(name)}


def indicator_columns(indicators) -> list[Column]:
    """A decimal column per indicator. A name that an earlier column already answers to is left
    out (the indicator form refuses such names; this keeps a definition edited elsewhere from
    breaking every import)."""
    taken = set(_base_keys())
    columns = []
    for indicator in indicators:
        names = [name for name in _names(indicator) if not header_keys(name) & taken]
        if not names:
            continue
        for name in names:
            taken |= header_keys(name)
        columns.append(Column(f"{INDICATOR_FIELD}{indicator.code}", names[0], kind="decimal", unit=indicator.unit,
                              synonyms=tuple(names[1:]), decimal_places=2))
    return columns


def fact_spec(indicators) -> ImportSpec:
    return ImportSpec(
        name="economy.fact", title="企业指标数据", key="uscc", unique_key=False,
        columns=BASE_COLUMNS + tuple(indicator_columns(indicators)), hints=FACT_HINTS,
    )


def header_clashes(names: list[str], other_indicators) -> list[tuple[str, str]]:
    """(name, what already answers to it) for each of `names` that a fact sheet could not tell apart
    from a base column, another indicator, or another of `names`."""
    owners = _base_keys()
    for indicator in other_indicators:
        for name in _names(indicator):
            for key in header_keys(name):
                owners.setdefault(key, f"指标“{indicator.name}”")
    clashes = []
    for name in names:
        keys = header_keys(name)
        owner = next((owners[key] for key in keys if key in owners), None)
        if owner is not None:
            clashes.append((name, owner))
        for key in keys:
            owners.setdefault(key, f"本指标的“{name}”")
    return clashes


def name_problems(name: str, aliases: str, other_indicators) -> dict[str, list[str]]:
    """{"name" or "aliases": messages} for an indicator's names that a fact sheet could not tell apart."""
    names = ([name] if name else []) + split_aliases(aliases or "")
    problems: dict[str, list[str]] = {}
    for clash, owner in header_clashes(names, other_indicators):
        field = "name" if clash == name else "aliases"
        problems.setdefault(field, []).append(f"“{clash}”已是{owner}的列名，导入时无法区分，请换一个名称。")
    return problems
