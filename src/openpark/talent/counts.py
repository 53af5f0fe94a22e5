"""人才服务's counts per year, as plain functions of the rows' columns (no database: `services`
reads the columns). Each count says what it counts once, here; the list filters of `filters.py`
select the same rows, so each figure of the counts page links to exactly its rows.

- 招聘岗位, 招聘人数: postings published in the year (`posted_on`), and their headcount;
- 校企合作: partnerships running at some time in the year (begun by its end, not ended before it);
- 招聘会, 到场人数: fairs held in the year, and their visitors;
- 参会企业, 提供岗位, 录用人数: the booths at the fairs held in the year, their posts and hires;
- 培训班次, 培训人数, 取证人数: trainings begun in the year, their trainees and those certified;
- 名师带高徒 开始, 已出师: apprenticeships begun in the year; those that ended 已出师 in the year."""
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

GRADUATED = "graduated"


@dataclass
class YearCounts:
    year: int
    postings: int = 0
    headcount: int = 0
    partnerships: int = 0
    fairs: int = 0
    visitors: int = 0
    booths: int = 0
    positions: int = 0
    hires: int = 0
    trainings: int = 0
    trainees: int = 0
    certified: int = 0
    apprenticeships: int = 0
    graduated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "year"}


def active_in(year: int, started: date, ended: date | None) -> bool:
    """Running at some time in `year`: begun by its end and not ended before it."""
    return started <= date(year, 12, 31) and (ended is None or ended >= date(year, 1, 1))


def year_counts(years: Iterable[int], *, postings=(), partnerships=(), fairs=(), booths=(), trainings=(),
                apprenticeships=()) -> dict[int, YearCounts]:
    """{year: its counts} for `years`, from the rows' columns:
    postings (posted_on, headcount); partnerships (started_on, ended_on); fairs (held_on, visitors);
    booths (fair's held_on, positions, hires); trainings (started_on, trainees, certified);
    apprenticeships (started_on, outcome, finished_on)."""
    counts = {year: YearCounts(year) for year in years}

    def of(day: date | None) -> YearCounts | None:
        return counts.get(day.year) if day is not None else None

    for posted_on, headcount in postings:
        if (row := of(posted_on)) is not None:
            row.postings += 1
            row.headcount += headcount or 0
    for started, ended in partnerships:
        for row in counts.values():
            row.partnerships += active_in(row.year, started, ended)
    for held_on, visitors in fairs:
        if (row := of(held_on)) is not None:
            row.fairs += 1
            row.visitors += visitors or 0
    for held_on, positions, hires in booths:
        if (row := of(held_on)) is not None:
            row.booths += 1
            row.positions += positions or 0
            row.hires += hires or 0
    for started, trainees, certified in trainings:
        if (row := of(started)) is not None:
            row.trainings += 1
            row.trainees += trainees or 0
            row.certified += certified or 0
    for started, outcome, finished in apprenticeships:
        if (row := of(started)) is not None:
            row.apprenticeships += 1
        if outcome == GRADUATED and (row := of(finished)) is not None:
            row.graduated += 1
    return counts


def fair_totals(booths: Iterable[tuple[int, int, int]]) -> dict[str, int]:
    """A fair's totals from its booths' (enterprise id, positions, hires)."""
    enterprises, positions, hires = set(), 0, 0
    for enterprise, offered, hired in booths:
        enterprises.add(enterprise)
        positions += offered or 0
        hires += hired or 0
    return {"enterprises": len(enterprises), "positions": positions, "hires": hires}
