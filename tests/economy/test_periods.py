"""Reporting periods as departments write them, indicator frequencies, and header names."""
import pytest

from openpark.economy.forms import FactForm, IndicatorForm
from openpark.economy.models import Indicator
from openpark.economy.periods import frequency_problem, parse_month, parse_period, parse_year
from tests.factories import EnterpriseFactory


@pytest.mark.parametrize("text, expected", [
    ("2021", (2021, None)), ("2021年", (2021, None)), ("2021年度", (2021, None)), ("２０２１年", (2021, None)),
    ("2021年1-6月", (2021, 6)), ("2021年1—6月累计", (2021, 6)), ("2021年 1 至 6 月", (2021, 6)),
    ("2021年6月", (2021, 6)), ("2021-06", (2021, 6)), ("2021.6", (2021, 6)), ("202106", (2021, 6)),
    ("2021年1月", (2021, 1)), ("2021-06-01", (2021, 6)), ("2021/12", (2021, 12)),
])
def test_periods_in_the_forms_departments_write(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("去年", "不是报告期"), ("2021年3-6月", "应从 1 月起累计"), ("2021年13月", "超出范围"),
    ("1989年", "超出范围"), ("2021年上半年", "不是月份"),
])
def test_bad_periods_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_period(text)


def test_months_and_years():
    assert [parse_month(m) for m in ("6", "6月", "06", "1-6月", "1～6月", "6月份", "", None, "全年")] == [
        6, 6, 6, 6, 6, 6, None, None, None]
    assert parse_year("2021") == parse_year("2021年") == 2021
    with pytest.raises(ValueError, match="应为四位数字"):
        parse_year("21")


def test_frequency_decides_which_months_may_hold_values():
    assert frequency_problem("monthly", 5, "工业总产值") == ""
    assert frequency_problem("quarterly", 6, "工业增加值") == ""
    assert "3、6、9、12" in frequency_problem("quarterly", 5, "工业增加值")
    assert "年度指标" in frequency_problem("annual", 12, "综合能耗")
    assert frequency_problem("annual", None, "综合能耗") == ""


@pytest.mark.django_db
def test_indicator_names_that_a_sheet_could_not_tell_apart_are_refused():
    data = {"code": "patents", "name": "有效发明专利", "unit": "件", "frequency": "annual", "source": "manual",
            "order": 200, "higher_is_better": True}
    form = IndicatorForm({**data, "aliases": "主营业务收入、专利、年份"})
    assert not form.is_valid()
    assert form.errors["aliases"] == [
        "“主营业务收入”已是指标“营业收入”的列名，导入时无法区分，请换一个名称。",
        "“年份”已是“年份”列的列名，导入时无法区分，请换一个名称。",
    ]
    assert IndicatorForm({**data, "name": "利润总额"}).errors["name"][0].startswith("“利润总额”已是指标“利润”")
    assert IndicatorForm({**data, "aliases": "专利数、专利数"}).errors["aliases"] == [
        "“专利数”已是本指标的“专利数”的列名，导入时无法区分，请换一个名称。"]
    edited = Indicator.objects.get(code="profit")
    keep = {f: getattr(edited, f) for f in ("code", "name", "unit", "frequency", "source", "order", "aliases")}
    assert IndicatorForm({**keep, "higher_is_better": True}, instance=edited).is_valid()


@pytest.mark.django_db
def test_a_monthly_value_of_an_annual_indicator_is_refused_on_the_form():
    energy = Indicator.objects.get(code="energy_consumption")
    data = {"enterprise": EnterpriseFactory().pk, "indicator": energy.pk, "year": 2021, "value": "12"}
    form = FactForm({**data, "month": 6})
    assert not form.is_valid()
    assert form.errors["month"] == ["“综合能耗”是年度指标，只能填报年度数据（月份留空）。"]
    assert FactForm(data).is_valid()
