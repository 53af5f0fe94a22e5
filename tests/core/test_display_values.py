"""How a value looks in list and detail pages: numbers formatted, shapes and lists in words."""
from datetime import datetime, UTC
from decimal import Decimal

import pytest

from openpark.core.columns import display_value


@pytest.mark.parametrize(("value", "shown"), [
    (98.90976560673049, "98.91"),
    (1234567.5, "1,234,567.50"),
    (float("inf"), "∞"),
    (float("nan"), ""),
    (Decimal("70.5000"), "70.50"),
    (Decimal("12.0000"), "12.00"),
    (Decimal("0.1234"), "0.12"),
    (Decimal("177.3246"), "177.32"),
    (Decimal("1234567.891"), "1,234,567.89"),
    (Decimal("-3.5"), "-3.50"),
    (2026, "2026"),
    (12345, "12,345"),
    (True, "是"),
    ([2020, 2021], "2020、2021"),
    ({"type": "Point", "coordinates": [120.254143, 31.959654]}, "点（120.254143, 31.959654）"),
    ({"type": "Polygon", "coordinates": [[[120, 31], [121, 31], [121, 32], [120, 32], [120, 31]]]},
     "多边形，4 个顶点"),
    ({"type": "MultiPolygon", "coordinates": [[[[120, 31], [121, 31], [121, 32], [120, 31]]],
                                             [[[122, 31], [123, 31], [123, 32], [122, 31]]]]},
     "多边形 2 块，共 6 个顶点"),
    ({"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.5, 31]}}, "点（120.5, 31）"),
    ({"tax": 1.5, "land": 2}, "tax：1.50；land：2"),
    (datetime(2026, 11, 30, 8, 15, tzinfo=UTC), "2026-11-30 16:15"),
])
def test_values_are_shown_as_people_read_them(value, shown):
    assert display_value(value) == shown


def field(model, name):
    return model._meta.get_field(name)


def test_a_field_says_whether_a_number_is_a_year_a_count_or_a_position():
    from openpark.core.models import TaskRun
    from openpark.enterprises.models import Enterprise
    from openpark.evaluation.models import Result, Run

    assert display_value(2026, field(Run, "year")) == "2026"
    assert display_value(1234, field(TaskRun, "total")) == "1,234"
    assert display_value(Decimal("120.2541430"), field(Enterprise, "longitude")) == "120.254143°"
    assert display_value(Decimal("120.266000"), field(Enterprise, "longitude")) == "120.266°"  # no trailing zeros
    assert display_value(Decimal("120.0000004"), field(Enterprise, "longitude")) == "120°"
    assert display_value(Decimal("18.0452"), field(Result, "tax")) == "18.05"


@pytest.mark.parametrize(("value", "places", "shown"), [
    (1234567.891, 2, "1,234,567.89"), (Decimal("0.5"), 2, "0.50"), (59.7921, 1, "59.8"), (None, 2, ""),
    ("abc", 2, ""), (float("inf"), 2, "∞"),
])
def test_figures_in_templates(value, places, shown):
    from openpark.core.templatetags.shown import figure

    assert figure(value, places) == shown


@pytest.mark.parametrize(("value", "shown"), [(12345, "12,345"), (296.0, "296"), (None, ""), (True, "")])
def test_counts_in_templates(value, shown):
    from openpark.core.templatetags.shown import count

    assert count(value) == shown


@pytest.mark.parametrize(("value", "column", "shown"), [
    ([2020, 2021], ("above_scale_years", "规上年份"), "2020、2021"),
    ((2021,), ("above_scale_years", "规上年份"), "2021"),
    (["工程机械", "专精特新"], ("tags", "标签"), "工程机械、专精特新"),
    (Decimal("120.2541430"), ("longitude", "经度", "decimal", "", (), False, (), None, 6), "120.254143°"),
    (Decimal("12345.6000"), ("tax", "税收", "decimal"), "12,345.60"),
    (2026, ("year", "年份", "int"), "2026"),
    (123456, ("employees", "职工人数", "int"), "123,456"),
    ("relocated", ("status", "经营状态", "choice", "", (), False, (("relocated", "搬迁"),)), "搬迁"),
])
def test_the_import_preview_shows_values_as_pages_do(value, column, shown):
    from openpark.core import importing, imports

    assert imports.display(value, importing.Column(*column)) == shown


def test_a_count_of_people_is_a_whole_number():
    from openpark.evaluation.models import Result

    assert display_value(Decimal("85.5000"), field(Result, "employees")) == "86"
    assert display_value(Decimal("12345.0000"), None, "人") == "12,345"
    assert display_value(Decimal("12345.6789"), None, "万元") == "12,345.68"


def test_an_indicator_counted_in_people_shows_whole_numbers_on_its_list(make_user, client_for):
    from django.urls import reverse

    from openpark.economy.models import Fact, Indicator

    from ..factories import EnterpriseFactory

    enterprise = EnterpriseFactory()
    people = Indicator.objects.get(code="average_employees")
    tax = Indicator.objects.exclude(unit="人").first()
    Fact.objects.create(enterprise=enterprise, indicator=people, year=2024, value=Decimal("12345.0000"))
    Fact.objects.create(enterprise=enterprise, indicator=tax, year=2024, value=Decimal("12345.6789"))
    page = client_for(make_user("economy")).get(reverse("economy:fact_list")).content.decode()
    assert ">12,345<" in page and ">12,345.68<" in page


def test_change_records_word_numbers_and_json_values():
    from openpark.core.recorded import RecordedValues
    from openpark.enterprises.models import Enterprise, Zone
    from openpark.evaluation.models import Result, Run

    run = RecordedValues(Run)
    assert run.show("summary", {"enterprises": 296, "missing": {"revenue": 173},
                                "grades": {"A": 44, "不定等": 39}}) == \
        "企业 296 家；缺少数据：营业收入 173 家；等级：A 类 44 家、不定等 39 家"
    assert run.show("year", 2021) == "2021"
    result = RecordedValues(Result)
    assert result.show("tax", "12345.6789") == "12,345.68"
    assert result.show("employees", "85.0000") == "85"
    assert result.show("computed_grade", "B") == "B 类"
    assert result.show("missing", ["revenue", "tax"]) == "营业收入、实缴税收"
    assert result.show("group", "above") == "规上"
    assert RecordedValues(Enterprise).show("longitude", "120.254143") == "120.254143°"
    shape = {"type": "Polygon", "coordinates": [[[120.245, 31.955], [120.257, 31.955], [120.257, 31.965],
                                                 [120.245, 31.955]]]}
    assert RecordedValues(Zone).show("boundary", shape) == "多边形，3 个顶点"


@pytest.mark.parametrize(("value", "shown"), [(Decimal("12.3"), "+12.30%"), (-4, "-4.00%"), (0, "0.00%"),
                                              (1234.567, "+1,234.57%"), (None, "")])
def test_growth_in_templates_and_tiles(value, shown):
    from openpark.core.cockpit import signed_pct
    from openpark.core.templatetags.shown import growth

    assert growth(value) == shown == signed_pct(value)


def test_figures_that_differ_beyond_two_decimals_are_told_apart():
    from openpark.core.columns import distinct_figures
    from openpark.core.recorded import RecordedValues
    from openpark.evaluation.models import Result

    assert distinct_figures(Decimal("1234.1234"), Decimal("1234.1244")) == ("1,234.123", "1,234.124")
    assert distinct_figures(Decimal("5.00001"), Decimal("5.00002")) == ("5.00001", "5.00002")
    assert distinct_figures(Decimal("1.2"), Decimal("1.3")) == ("1.20", "1.30")
    values = RecordedValues(Result)
    assert values.show_change("tax", "18.0452", "18.0461") == ("18.045", "18.046")
    assert values.show_change("tax", "18.0452", "19") == ("18.05", "19.00")
    assert values.show_change("group", "above", "below") == ("规上", "规下")


def test_the_import_preview_tells_close_figures_apart():
    from openpark.core.imports import FieldChange, ShownValues
    from openpark.evaluation.models import Result

    change = FieldChange("实缴税收（万元）", Decimal("18.0452"), Decimal("18.0461"), Result._meta.get_field("tax"))
    assert ShownValues([]).show_change(change) == ("18.045", "18.046")


@pytest.mark.parametrize(("value", "unit", "shown"), [(Decimal("12345.0000"), "人", "12,345"),
                                                      (Decimal("36104.2811"), "万元", "36,104.28"), (None, "人", "")])
def test_a_figure_in_its_unit(value, unit, shown):
    from openpark.core.templatetags.shown import figure_in

    assert figure_in(value, unit) == shown
