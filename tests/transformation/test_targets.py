"""智改数转's metrics: enterprises certified of a kind, level and issuing level in a period, and the
coverage of the 规上 enterprises; the seed's targets on the demo park, computed, never typed."""
from datetime import date

import pytest
from django.urls import reverse

from openpark.core import targets
from openpark.core.models import Target
from openpark.transformation.models import Certification

pytestmark = pytest.mark.django_db

YEAR = date(2026, 1, 1), date(2026, 12, 31)


def certify(enterprise, kind, on, level="", issuing="county"):
    return Certification.objects.create(enterprise=enterprise, kind=kind, level=level, issuing_level=issuing,
                                        certified_on=on)


def test_certified_counts_enterprises_of_the_kind_level_and_issuer_in_the_period(enterprises):
    first, second, third = enterprises
    certify(first, "cloud", date(2026, 3, 1), "three_star", "province")
    certify(first, "cloud", date(2026, 9, 1), "four_star", "province")  # the same enterprise, a higher star
    certify(second, "cloud", date(2026, 4, 1), "five_star", "province")
    certify(third, "cloud", date(2025, 4, 1), "four_star", "province")  # the year before
    certify(second, "smart_workshop", date(2026, 5, 1), issuing="county")
    certify(third, "smart_workshop", date(2026, 5, 1), issuing="taizhou")
    metric = targets.metric("transformation.certified")
    assert metric.compute(*YEAR, {"kind": "cloud", "levels": ["three_star", "four_star"]}) == 1
    assert metric.compute(*YEAR, {"kind": "cloud"}) == 2
    assert metric.compute(*YEAR, {"kind": "smart_workshop", "issued_at_least": "taizhou"}) == 1
    assert metric.compute(date(2025, 1, 1), date(2026, 12, 31), {"kind": "cloud"}) == 3


@pytest.mark.parametrize("params, message", [
    ({}, "须选择认定类别"), ({"kind": "cloud", "levels": ["basic"]}, "星级上云企业的级别可选：三星、四星、五星"),
    ({"kind": "smart_line", "levels": ["three_star"]}, "智能生产线不分级别"),
    ({"kind": "cloud", "issued_at_least": "city"}, "认定层级下限可选"),
    ({"kind": "cloud", "x": 1}, "该指标只有以下参数：认定类别、级别、认定层级下限"),
])
def test_a_target_with_bad_params_is_refused_in_chinese(params, message):
    target = Target(name="上云", year=2026, metric="transformation.certified", params=params, target_value=20)
    with pytest.raises(Exception) as refused:
        target.full_clean()
    assert message in str(refused.value)
    words = str(refused.value.message_dict["params"])
    assert not any("a" <= char.lower() <= "z" for char in words)  # no codes, no English


def test_certified_declares_its_params_as_fields_in_chinese():
    fields = targets.metric("transformation.certified").fields()
    assert list(fields) == ["kind", "levels", "issued_at_least"]
    assert (fields["kind"].label, fields["levels"].label, fields["issued_at_least"].label) == \
        ("认定类别", "级别", "认定层级下限")
    assert ("cloud", "星级上云企业") in [(value, str(label)) for value, label in fields["kind"].choices]
    assert ("four_star", "四星") in [(value, str(label)) for value, label in fields["levels"].choices]
    assert ("taizhou", "泰州市级") in [(value, str(label)) for value, label in fields["issued_at_least"].choices]
    assert fields["kind"].needed and not fields["issued_at_least"].needed


def test_certified_params_on_the_page_and_the_api(make_user, client_for, api_for):
    """The form's fields and the API's JSON keep the same params, and refuse the same ones in the same words."""
    user = make_user("economy")
    common = {"year": 2026, "metric": "transformation.certified", "target_value": "20", "direction": "at_least"}
    page = client_for(user).post(reverse("core:target_add"), {
        **common, "name": "页面上云", "param_kind": "cloud", "param_levels": ["three_star", "four_star"],
        "param_issued_at_least": "province"})
    assert page.status_code == 302
    chosen = {"kind": "cloud", "levels": ["three_star", "four_star"], "issued_at_least": "province"}
    assert api_for(user).post("/api/core/targets/", {**common, "name": "接口上云", "params": chosen},
                              format="json").status_code == 201
    assert Target.objects.get(name="页面上云").params == Target.objects.get(name="接口上云").params == chosen
    target = Target.objects.get(name="页面上云")
    html = client_for(user).get(target.get_absolute_url()).content.decode()
    assert "星级上云企业 · 三星、四星 · 省级及以上" in html and "three_star" not in html.split("<main")[1]
    # a level the kind does not take: the same words from both
    bad = {**common, "name": "错级别"}
    page = client_for(user).post(reverse("core:target_add"), {**bad, "param_kind": "smart_line",
                                                               "param_levels": ["three_star"]})
    api = api_for(user).post("/api/core/targets/", {**bad, "params": {"kind": "smart_line", "levels": ["three_star"]}},
                             format="json")
    message = str(api.json()["errors"]["params"][0])
    assert api.status_code == 400 and "智能生产线不分级别" in message and message in page.content.decode()
    assert not Target.objects.filter(name="错级别").exists()


def test_the_form_lists_certifieds_fields(make_user, client_for):
    html = client_for(make_user("economy")).get(reverse("core:target_params"),
                                                {"metric": "transformation.certified"}).content.decode()
    assert 'name="param_kind"' in html and 'type="checkbox" name="param_levels"' in html
    assert "认定层级下限" in html and ">国家级</option>" in html


def test_following_the_certified_url_lists_exactly_the_enterprises_counted(enterprises, make_user, client_for):
    """The figure counts enterprises: the list it opens keeps the kind, the levels, the issuing level
    at or above, the period, and one row per enterprise, so that it has as many rows as the figure."""
    first, second, third = enterprises
    certify(first, "cloud", date(2026, 3, 1), "three_star", "province")
    certify(first, "cloud", date(2026, 9, 1), "four_star", "province")  # the same enterprise twice
    certify(second, "cloud", date(2026, 4, 1), "four_star", "county")  # issued below the level asked
    certify(third, "cloud", date(2025, 4, 1), "four_star", "province")  # the year before
    certify(third, "cloud", date(2026, 6, 1), "five_star", "province")  # a level not asked
    certify(second, "smart_workshop", date(2026, 5, 1), issuing="taizhou")
    certify(third, "smart_workshop", date(2026, 5, 1), issuing="taizhou")
    certify(third, "smart_workshop", date(2026, 7, 1), issuing="province")  # a second workshop
    certify(first, "smart_workshop", date(2026, 5, 1), issuing="county")
    client = client_for(make_user("leader"))
    metric = targets.metric("transformation.certified")
    for params in ({"kind": "cloud", "levels": ["three_star", "four_star"], "issued_at_least": "taizhou"},
                   {"kind": "cloud"}, {"kind": "smart_workshop", "issued_at_least": "taizhou"},
                   {"kind": "smart_workshop"}, {"kind": "smart_line"}):
        figure = metric.compute(*YEAR, params)
        response = client.get(metric.url(*YEAR, params))
        assert response.status_code == 200
        rows = [obj for obj, _ in response.context["rows"]]
        assert len(rows) == figure, params
        assert len({row.enterprise_id for row in rows}) == figure
    assert metric.compute(*YEAR, {"kind": "cloud", "levels": ["three_star", "four_star"],
                                  "issued_at_least": "taizhou"}) == 1
    assert metric.compute(*YEAR, {"kind": "smart_workshop", "issued_at_least": "taizhou"}) == 2


def test_coverage_uses_the_latest_year_of_the_period_with_a_above_scale_list(enterprises):
    """规上 lists come a year or more late: a 2022–2025 target is measured on the latest year of the
    period that has a list, and says which; enterprises entering and leaving 规上 count in their year."""
    from openpark.enterprises.models import AboveScaleYear
    from openpark.transformation.models import TransformationProject

    first, second, third = enterprises
    AboveScaleYear.objects.create(enterprise=first, year=2021)
    AboveScaleYear.objects.create(enterprise=second, year=2021)
    AboveScaleYear.objects.create(enterprise=second, year=2022)  # first has left 规上
    AboveScaleYear.objects.create(enterprise=third, year=2022)  # third has entered
    certify(second, "smart_workshop", date(2022, 5, 1))
    metric = targets.metric("transformation.coverage")
    period = date(2022, 1, 1), date(2025, 12, 31)
    assert metric.compute(*period, {}) == 50  # 2022: second of second and third
    assert metric.basis(*period, {}) == "按 2022 年规上企业名单"
    assert metric.url(*period, {}) == reverse("transformation:coverage") + "?year=2022"
    assert metric.compute(date(2021, 1, 1), date(2021, 12, 31), {}) == 0  # 2021: first and second, none yet
    assert metric.compute(date(2023, 1, 1), date(2025, 12, 31), {}) is None
    assert metric.no_data_text(date(2023, 1, 1), date(2025, 12, 31), {}) == \
        "2023—2025 年尚无规上企业名单（经济运行数据），无法计算覆盖率。"
    assert metric.basis(date(2023, 1, 1), date(2025, 12, 31), {}) == ""
    assert TransformationProject.objects.count() == 0
