"""人才服务's counting rules, without the database."""
from datetime import date

from openpark.talent.counts import active_in, fair_totals, year_counts


def test_each_figure_counts_its_rows_of_the_year():
    counts = year_counts(
        [2025, 2026],
        postings=[(date(2025, 12, 31), 3), (date(2026, 1, 1), 5), (date(2026, 7, 1), 2), (date(2024, 6, 1), 9)],
        partnerships=[(date(2024, 9, 1), None), (date(2024, 9, 1), date(2025, 6, 30)), (date(2026, 9, 1), None),
                      (date(2023, 1, 1), date(2024, 12, 31))],
        fairs=[(date(2025, 2, 1), 800), (date(2026, 2, 1), 1000), (date(2026, 9, 1), 300)],
        booths=[(date(2025, 2, 1), 10, 4), (date(2026, 2, 1), 5, 1), (date(2026, 2, 1), 8, 3)],
        trainings=[(date(2026, 5, 1), 40, 30), (date(2025, 12, 1), 20, 20)],
        apprenticeships=[(date(2025, 3, 1), "graduated", date(2026, 2, 1)), (date(2026, 3, 1), "ongoing", None),
                         (date(2025, 1, 1), "stopped", date(2025, 6, 1)), (date(2024, 1, 1), "graduated", date(2025, 1, 5))],
    )
    assert counts[2025].as_dict() == {"postings": 1, "headcount": 3, "partnerships": 2, "fairs": 1, "visitors": 800,
                                      "booths": 1, "positions": 10, "hires": 4, "trainings": 1, "trainees": 20,
                                      "certified": 20, "apprenticeships": 2, "graduated": 1}
    assert counts[2026].as_dict() == {"postings": 2, "headcount": 7, "partnerships": 2, "fairs": 2, "visitors": 1300,
                                      "booths": 2, "positions": 13, "hires": 4, "trainings": 1, "trainees": 40,
                                      "certified": 30, "apprenticeships": 1, "graduated": 1}


def test_a_partnership_runs_in_a_year_it_touches():
    assert active_in(2025, date(2025, 12, 31), None)
    assert active_in(2025, date(2020, 1, 1), date(2025, 1, 1))
    assert not active_in(2025, date(2026, 1, 1), None)
    assert not active_in(2025, date(2020, 1, 1), date(2024, 12, 31))


def test_a_fairs_totals_count_each_enterprise_once():
    assert fair_totals([(1, 10, 2), (2, 5, 0), (1, 3, 1)]) == {"enterprises": 2, "positions": 18, "hires": 3}
    assert fair_totals([]) == {"enterprises": 0, "positions": 0, "hires": 0}
