"""GB/T 4754-2017 industry codes: "3670" and "C3670" are the same class."""
import csv
from pathlib import Path

from openpark.core.codes import normalise_industry_code

__all__ = ["industry_lookup", "load_table", "normalise_industry_code", "read_table"]

TABLE = Path(__file__).resolve().parent / "data" / "gbt4754-2017.csv"


def read_table() -> list[dict]:
    """The shipped table: code, level, name, section, parent (one dict per row)."""
    with TABLE.open(encoding="utf-8") as handle:
        return [
            {**row, "level": int(row["level"]), "parent": row["parent"] or None}
            for row in csv.DictReader(handle)
        ]


def load_table(industry_model) -> int:
    """Write the shipped table into `industry_model` (the migration's historical model or the
    real one) unless it is there already; parents go before their children."""
    if industry_model.objects.exists():
        return 0
    rows = sorted(read_table(), key=lambda row: row["level"])
    industry_model.objects.bulk_create(
        [industry_model(code=r["code"], level=r["level"], name=r["name"], section=r["section"],
                        parent_id=r["parent"]) for r in rows],
        batch_size=500,
    )
    return len(rows)


def industry_lookup(value, prefix: str = "") -> dict:
    """Filter keywords for enterprises in an industry given as a section letter ("C") or a code
    prefix ("36", "C3670"); `prefix` is the path to the enterprise ("enterprise__"). Empty: no filter.
    A section letter that is not the code's ("A3670") matches no enterprise."""
    try:
        code = normalise_industry_code(value)
    except ValueError:
        return {f"{prefix}industry__in": []}
    if not code:
        return {}
    if code.isalpha():
        return {f"{prefix}industry__section": code}
    return {f"{prefix}industry__code__startswith": code}
