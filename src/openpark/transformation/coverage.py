"""智改数转 coverage: the share of a year's 规上 enterprises that have completed their
transformation. Pure functions, no database: `services.coverage_rows` reads the data.

An enterprise has completed its transformation in year Y when, by the end of Y, it has a completed
(验收) transformation project of year Y or before, or a 智能车间, 智能工厂 or 智能生产线 certification
certified in Y or before (`transformed_since`)."""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def transformed_since(completed_projects: Iterable[tuple[int, int]],
                      certifications: Iterable[tuple[int, int]]) -> dict[int, int]:
    """{enterprise id: the first year it counts as transformed} from (enterprise id, project year)
    of completed projects and (enterprise id, year certified) of smart workshop/factory/line
    certifications."""
    first: dict[int, int] = {}
    for enterprise, year in (*completed_projects, *certifications):
        if enterprise not in first or year < first[enterprise]:
            first[enterprise] = year
    return first


def is_transformed(enterprise: int, year: int, since: Mapping[int, int]) -> bool:
    """The one definition: transformed in `year` when its first year is `year` or before."""
    return enterprise in since and since[enterprise] <= year


@dataclass(frozen=True)
class Share:
    key: object
    above_scale: int
    transformed: int

    @property
    def percent(self) -> Decimal | None:
        if not self.above_scale:
            return None
        return (Decimal(100) * self.transformed / self.above_scale).quantize(CENT, ROUND_HALF_UP)


def coverage(year: int, above_scale: Iterable[int], since: Mapping[int, int],
             group_of: Mapping[int, object] | None = None) -> list[Share]:
    """The share of `above_scale` (the 规上 enterprise ids of `year`) transformed by `year`, in one
    row (key None) or, with `group_of` ({enterprise id: zone, industry …}), one row per group."""
    counts: dict[object, list[int]] = {}
    for enterprise in set(above_scale):
        key = group_of.get(enterprise) if group_of is not None else None
        row = counts.setdefault(key, [0, 0])
        row[0] += 1
        row[1] += is_transformed(enterprise, year, since)
    return [Share(key, total, done) for key, (total, done) in
            sorted(counts.items(), key=lambda item: (item[0] is None, str(item[0] or "")))]
