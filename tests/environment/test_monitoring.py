"""Water-quality monitoring: samples graded by the grader from their measurements, the import of a
lab's sheet and its export, the site, sample and water-body pages, the API and who sees what."""
import json
from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openpark.environment import services, water_quality
from openpark.environment.models import Measurement, MonitoringSite, WaterBody, WaterSample
from tests.sheets import confirm, latest_job, read_xlsx, upload, xlsx

pytestmark = pytest.mark.django_db
SAMPLES = "environment.watersample"


def at(day: str, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def river():
    return WaterBody.objects.create(name="七圩港", kind="canal", target_class="III")


@pytest.fixture
def lake():
    return WaterBody.objects.create(name="城南湖", kind="lake", target_class="III")


@pytest.fixture
def site(river):
    return MonitoringSite.objects.create(code="QW01", name="七圩港上游", water_body=river, longitude=D("120.29"),
                                         latitude=D("31.95"))


@pytest.fixture
def lake_site(lake):
    return MonitoringSite.objects.create(code="HU01", name="城南湖心", water_body=lake)


@pytest.fixture
def staff(make_user, client_for):
    return client_for(make_user("environment", username="huanbao"))


def sample_with(site, day="2026-03-10", **values) -> WaterSample:
    """A sample whose measurements are saved one by one, as a page or the API saves them."""
    sample = WaterSample.objects.create(site=site, sampled_at=at(day))
    for key, value in values.items():
        item = Measurement(sample=sample, parameter=key)
        if isinstance(value, str) and value.startswith("<"):
            item.below_detection, item.detection_limit = True, D(value[1:])
        elif value == "ND":
            item.below_detection = True
        else:
            item.value = D(str(value))
        item.full_clean(exclude=["sample"])
        item.save()
    sample.refresh_from_db()
    return sample


# Grading ------------------------------------------------------------------------------------------


def test_a_sample_is_graded_as_the_grader_grades_it_whenever_its_measurements_change(site):
    values = {"ammonia_nitrogen": "1.85", "total_phosphorus": "0.08", "cod": "18", "dissolved_oxygen": "6.5"}
    sample = sample_with(site, **values)
    expected = water_quality.assess(values)
    assert (sample.water_class, sample.quality_grade, sample.exceedances) == (
        int(expected.water_class), expected.grade, expected.exceedance_text)
    assert (sample.get_water_class_display(), sample.quality_grade, sample.exceedances) == (
        "V类", "中度污染", "氨氮（0.85 倍）")
    item = sample.measurements.get(parameter="ammonia_nitrogen")
    item.value = D("0.4")
    item.save()
    sample.refresh_from_db()
    assert (sample.water_class, sample.exceedances) == (3, "")
    sample.measurements.get(parameter="cod").delete()
    item.delete()
    sample.refresh_from_db()
    assert sample.water_class == int(water_quality.sample_class({"total_phosphorus": "0.08",
                                                                  "dissolved_oxygen": "6.5"}))


def test_total_phosphorus_takes_the_lake_limits_through_the_sites_water_body(site, lake_site):
    on_river = sample_with(site, total_phosphorus="0.08")
    on_lake = sample_with(lake_site, day="2026-04-10", total_phosphorus="0.08")
    assert (on_river.water_class, on_lake.water_class) == (2, 4)
    assert on_lake.water_class == water_quality.sample_class({"total_phosphorus": 0.08}, "湖库")
    assert on_lake.exceedances == "总磷（0.60 倍）"
    on_river.site = lake_site  # moved to the lake: graded again
    on_river.save()
    on_river.refresh_from_db()
    assert on_river.water_class == 4


def test_results_below_detection_meet_class_one_but_anoxic_water_is_worse_than_five(site):
    sample = sample_with(site, ammonia_nitrogen="<0.025", mercury="ND")
    assert (sample.water_class, sample.quality_grade) == (1, "优")
    item = sample.measurements.get(parameter="ammonia_nitrogen")
    assert (item.value, item.detection_limit, item.reading, item.unit) == (None, D("0.025"), "<0.025", "mg/L")
    assert sample.measurements.get(parameter="mercury").reading == "未检出"
    anoxic = sample_with(site, day="2026-04-10", dissolved_oxygen="ND")
    assert (anoxic.water_class, anoxic.exceedances) == (6, "溶解氧")


@pytest.mark.parametrize("fields, field, message", [
    ({"parameter": "ammonia_nitrogen", "value": D("-1")}, "value", "负数"),
    ({"parameter": "ph", "value": D("15")}, "value", "pH"),
    ({"parameter": "ph", "below_detection": True}, "below_detection", "pH不能记为未检出"),
    ({"parameter": "cod", "value": D("5"), "below_detection": True}, "value", "低于检出限时不填监测值"),
    ({"parameter": "cod", "value": D("5"), "detection_limit": D("4")}, "detection_limit", "只有低于检出限"),
    ({"parameter": "cod"}, "value", "请填写监测值"),
])
def test_a_measurements_rules_are_on_the_model(site, fields, field, message):
    sample = WaterSample.objects.create(site=site, sampled_at=at("2026-03-10"))
    with pytest.raises(ValidationError) as caught:
        Measurement(sample=sample, **fields).full_clean()
    assert message in " ".join(caught.value.message_dict[field])


def test_a_site_takes_its_water_bodys_target_and_its_segment_must_be_on_it(river, lake):
    from openpark.environment.models import RiverSegment

    site = MonitoringSite.objects.create(code="qw09", name="试点", water_body=river)
    assert site.target_class == 3 and site.get_target_class_display() == "III类"
    other = RiverSegment.objects.create(water_body=lake, name="湖东")
    bad = MonitoringSite(code="QW10", name="试点", water_body=river, segment=other, longitude=D("200"),
                         latitude=D("31"))
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert set(caught.value.message_dict) == {"segment", "longitude"}
    bad = MonitoringSite(code="QW10", name="试点", water_body=river, longitude=D("120"))
    with pytest.raises(ValidationError, match="同时填写"):
        bad.full_clean()


def test_a_sample_worse_than_its_sites_target_is_flagged_once_for_lists_and_rows(site, staff):
    good = sample_with(site, ammonia_nitrogen="0.4")
    bad = sample_with(site, day="2026-04-10", ammonia_nitrogen="1.2")
    site.target_class = 4
    site.save()
    assert not bad.worse_than_target
    site.target_class = 3
    site.save()
    bad.refresh_from_db()
    assert bad.worse_than_target and not good.worse_than_target
    assert list(WaterSample.objects.worse_than_target()) == [bad]
    assert list(WaterSample.objects.not_worse_than_target()) == [good]
    page = staff.get(reverse("environment:watersample_list"), {"worse_than_target": "true"}).content.decode()
    assert "劣于目标" in page and bad.get_absolute_url() in page and good.get_absolute_url() not in page


# The sample's page and form ----------------------------------------------------------------------


def test_the_sample_form_takes_results_as_a_lab_writes_them_and_grades_once(site, staff):
    response = staff.post(reverse("environment:watersample_add"), {
        "site": site.pk, "sampled_at": "2026-03-10T09:30", "agency": "靖江市环境监测站",
        "p_ammonia_nitrogen": "1.85", "p_total_phosphorus": "0.02L", "p_mercury": "ND", "p_cod": "",
    })
    assert response.status_code == 302
    sample = WaterSample.objects.get()
    assert timezone.localtime(sample.sampled_at).strftime("%Y-%m-%d %H:%M") == "2026-03-10 09:30"
    assert (sample.water_class, sample.exceedances) == (5, "氨氮（0.85 倍）")
    assert sorted(sample.measurements.values_list("parameter", flat=True)) == [
        "ammonia_nitrogen", "mercury", "total_phosphorus"]
    page = staff.get(sample.get_absolute_url()).content.decode()
    assert 'id="measurements"' in page and "&lt;0.02" in page and "V类" in page and "超标" in page
    edit = staff.get(reverse("environment:watersample_edit", args=[sample.pk])).content.decode()
    assert 'value="1.85"' in edit
    response = staff.post(reverse("environment:watersample_edit", args=[sample.pk]), {
        "site": site.pk, "sampled_at": "2026-03-10T09:30", "p_ammonia_nitrogen": "0.3", "p_mercury": "ND"})
    assert response.status_code == 302
    sample.refresh_from_db()
    assert (sample.water_class, sample.exceedances) == (2, "")
    assert sample.measurements.count() == 2


def test_a_bad_result_on_the_form_is_refused_under_its_parameter(site, staff):
    response = staff.post(reverse("environment:watersample_add"), {
        "site": site.pk, "sampled_at": "2026-03-10T09:30", "p_ph": "15", "p_cod": "很多"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "pH" in form.errors["p_ph"][0] and "不是数值" in form.errors["p_cod"][0]
    assert not WaterSample.all_objects.exists()


# The site's and the water body's pages -------------------------------------------------------------


def test_the_site_page_shows_its_latest_class_and_the_trend_of_its_class(site, staff):
    sample_with(site, day="2026-01-10", ammonia_nitrogen="0.4")
    sample_with(site, day="2026-02-10", ammonia_nitrogen="1.2")
    sample_with(site, day="2026-03-10")  # no result yet: not on the chart
    trend = services.class_trend(site)
    assert (trend["times"], trend["classes"], trend["target"]) == (["2026-01-10", "2026-02-10"], [2, 4], 3)
    assert trend["labels"][-1] == "劣V类" and trend["exceedances"] == ["", "氨氮（0.20 倍）"]
    response = staff.get(site.get_absolute_url())
    page = response.content.decode()
    assert 'id="class-trend"' in page and "js/water-quality.js" in page and "echarts.min.js" in page
    data = json.loads(page.split('id="class-trend-data" type="application/json">')[1].split("</script>")[0])
    assert data == trend
    assert 'id="latest-class">尚无评价结果' in page  # the latest sample has no result


def test_the_water_body_page_grades_the_river_from_its_sites_latest_samples(river, staff):
    for n in range(3):
        site = MonitoringSite.objects.create(code=f"QW0{n}", name=f"断面{n}", water_body=river)
        sample_with(site, day="2026-01-10", ammonia_nitrogen="1.8")  # superseded by the latest
        sample_with(site, day="2026-02-10", ammonia_nitrogen=str(round(0.3 + 0.3 * n, 1)))
    graded = services.water_body_grade(river)
    assert (graded.sections, graded.method, graded.water_class, graded.grade) == (3, "断面浓度均值法", 3, "良好")
    page = staff.get(river.get_absolute_url()).content.decode()
    assert 'id="river-grade"' in page and "良好" in page and "断面浓度均值法" in page and "评价断面 3 个" in page
    for n in range(3, 7):
        site = MonitoringSite.objects.create(code=f"QW0{n}", name=f"断面{n}", water_body=river)
        sample_with(site, day="2026-02-10", ammonia_nitrogen="0.3")
    graded = services.water_body_grade(river)
    assert (graded.sections, graded.method, graded.grade) == (7, "断面水质类别比例法", "优")
    assert graded.grade == water_quality.river_grade([2, 2, 3, 2, 2, 2, 2])
    empty = WaterBody.objects.create(name="夹港", kind="canal")
    assert services.water_body_grade(empty) is None
    assert "尚无评价结果" in staff.get(empty.get_absolute_url()).content.decode()


def test_the_dashboard_counts_sites_by_their_latest_class_linking_to_the_list(site, lake_site, staff):
    sample_with(site, ammonia_nitrogen="1.2")
    assert services.sites_by_latest_class() == {0: 1, 1: 0, 2: 0, 3: 0, 4: 1, 5: 0, 6: 0}
    page = staff.get(reverse("environment:dashboard")).content.decode()
    assert 'id="by-latest-class"' in page and "?latest_class=4" in page and "?latest_class=0" in page
    listed = staff.get(reverse("environment:monitoringsite_list"), {"latest_class": 4}).content.decode()
    assert site.get_absolute_url() in listed and lake_site.get_absolute_url() not in listed
    listed = staff.get(reverse("environment:monitoringsite_list"), {"latest_class": 0}).content.decode()
    assert lake_site.get_absolute_url() in listed and site.get_absolute_url() not in listed


# Import and export -------------------------------------------------------------------------------


def test_a_lab_sheet_imports_with_synonyms_and_units_and_is_graded_in_bulk(site, lake_site, staff):
    rows = [["样品编号", "站点编码", "采样时间", "监测单位", "NH3-N", "TP(mg/L)", "汞（μg/L）", "COD", "DO", "pH值", "水温"],
            ["S1", "qw01", "2026-03-10 09:30", "靖江市环境监测站", 1.85, "0.02L", 0.05, 18, 6.5, 7.2, 12.5],
            ["S2", "HU01", "2026/3/11", "", "ND", 0.08, "<0.01", "", 7.8, 7.6, 13]]
    upload(staff, SAMPLES, xlsx(rows))
    job = latest_job()
    assert not job.errors and job.preview["create"] == 2 and job.preview["unmatched"] == []
    confirm(staff, job)
    river_sample = WaterSample.objects.get(site=site)
    lake_sample = WaterSample.objects.get(site=lake_site)
    assert timezone.localtime(river_sample.sampled_at).strftime("%Y-%m-%d %H:%M") == "2026-03-10 09:30"
    assert (river_sample.water_class, river_sample.exceedances) == (5, "氨氮（0.85 倍）")
    assert river_sample.measurements.get(parameter="mercury").value == D("0.00005")  # 0.05 μg/L
    assert (lake_sample.water_class, lake_sample.exceedances) == (4, "总磷（0.60 倍）")  # 湖库 phosphorus
    expected = water_quality.assess({"ammonia_nitrogen": "ND", "total_phosphorus": 0.08, "mercury": "<0.00001",
                                     "dissolved_oxygen": 7.8, "ph": 7.6}, "湖库")
    assert lake_sample.water_class == expected.water_class and lake_sample.exceedances == expected.exceedance_text
    assert lake_sample.measurements.count() == 5 and lake_sample.agency == ""
    # the same samples again, one result changed and one emptied: the stored samples are updated and graded again
    rows[1][4], rows[1][7] = 0.4, ""
    upload(staff, SAMPLES, xlsx(rows))
    job = latest_job()
    assert (job.preview["update"], job.preview["unchanged"]) == (1, 1)
    confirm(staff, job)
    river_sample.refresh_from_db()
    assert (river_sample.water_class, river_sample.exceedances) == (2, "")
    assert not river_sample.measurements.filter(parameter="cod").exists()


def test_a_bad_lab_sheet_writes_nothing_and_names_row_and_column(site, staff):
    rows = [["站点编码", "采样时间", "氨氮", "总磷", "镉（kg/L）"],
            ["QW01", "2026-03-10", 0.5, 0.1, ""],
            ["XX99", "昨天", -1, "很多", ""]]
    upload(staff, SAMPLES, xlsx(rows))
    assert [e["reason"] for e in latest_job().errors] == ["单位“kg/l”无法换算为镉的单位“mg/L”"]
    rows = [row[:4] for row in rows]
    upload(staff, SAMPLES, xlsx(rows))
    job = latest_job()
    errors = {(e["row"], e["column"]): e["reason"] for e in job.errors}
    assert errors[(3, "站点编码")] == "没有这个编码的监测断面"
    assert "不是有效的采样时间" in errors[(3, "采样时间")]
    assert "负数" in errors[(3, "氨氮")] and "不是数值" in errors[(3, "总磷")]
    confirm(staff, job)
    assert not WaterSample.all_objects.exists() and not Measurement.objects.exists()
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    upload(staff, SAMPLES, xlsx([["站点编码", "采样时间", "氨氮"], ["QW01", future, 0.5]]))
    assert [(e["row"], e["column"], e["reason"]) for e in latest_job().errors] == [
        (2, "采样时间", "采样时间不能晚于现在。")]


def test_exported_samples_import_back_unchanged(site, lake_site, staff):
    sample_with(site, ammonia_nitrogen="1.85", total_phosphorus="<0.01", mercury="0.00005")
    sample_with(lake_site, day="2026-04-10", total_phosphorus="0.08", ph="7.5")
    exported = staff.get(reverse("environment:watersample_list"), {"export": "xlsx"}).content
    rows = read_xlsx(exported)
    header = rows[0]
    assert header[:2] == ["站点编码", "采样时间"] and "氨氮" in header and header[-3:] == ["水质类别", "水质状况", "超Ⅲ类项目"]
    first = dict(zip(header, rows[1]))
    assert (first["站点编码"], first["采样时间"], first["氨氮"], first["总磷"], first["水质类别"]) == (
        "HU01", "2026-04-10 09:00", "", "0.08", "IV类")
    upload(staff, SAMPLES, exported)
    job = latest_job()
    assert not job.errors and (job.preview["unchanged"], job.preview["create"], job.preview["update"]) == (2, 0, 0)


# API and who sees what ---------------------------------------------------------------------------


def test_the_api_lists_samples_with_their_results_and_filters_them(site, lake_site, river, make_user, api_for):
    bad = sample_with(site, day="2026-02-10", ammonia_nitrogen="1.2")
    good = sample_with(site, day="2026-03-10", ammonia_nitrogen="<0.025")
    on_lake = sample_with(lake_site, day="2026-03-12", total_phosphorus="0.08")
    api = api_for(make_user("environment"))
    url = reverse("environment-api:watersample-list") if False else "/api/environment/water-samples/"

    def ids(**params):
        return {row["id"] for row in api.get(url, params).json()["results"]}

    assert ids() == {bad.pk, good.pk, on_lake.pk}
    assert ids(site=site.pk) == {bad.pk, good.pk}
    assert ids(water_body=river.pk) == {bad.pk, good.pk}
    assert ids(date_from="2026-03-01", date_to="2026-03-11") == {good.pk}
    assert ids(water_class=4) == {bad.pk, on_lake.pk}
    assert ids(worse_than_target="true") == {bad.pk, on_lake.pk}
    row = api.get(f"{url}{good.pk}/").json()
    assert (row["water_class"], row["quality_grade"], row["worse_than_target"]) == (1, "优", False)
    assert row["measurements"] == [{"parameter": "ammonia_nitrogen", "value": None, "below_detection": True,
                                    "detection_limit": "0.02500000", "unit": "mg/L"}]
    created = api.post(url, {"site": site.pk, "sampled_at": "2026-04-10T09:00:00+08:00", "water_class": 1},
                       format="json")
    assert created.status_code == 201 and created.json()["water_class"] is None
    sites = api.get("/api/environment/sites/", {"water_body": river.pk}).json()["results"]
    assert [row["code"] for row in sites] == ["QW01"] and sites[0]["target_class"] == 3


def test_monitoring_is_park_wide_enterprise_users_see_none_of_it(site, enterprise_user, client_for, api_for):
    sample = sample_with(site, ammonia_nitrogen="0.4")
    client = client_for(enterprise_user)
    assert client.get(site.get_absolute_url()).status_code == 404
    assert client.get(sample.get_absolute_url()).status_code == 404
    assert site.get_absolute_url() not in client.get(reverse("environment:monitoringsite_list")).content.decode()
    assert client.get(reverse("environment:watersample_add")).status_code == 403
    api = api_for(enterprise_user)
    assert api.get("/api/environment/water-samples/").json()["results"] == []
    assert api.get(f"/api/environment/sites/{site.pk}/").status_code == 404


def test_the_cockpit_tile_counts_sites_by_their_latest_class_linking_to_them(site, lake_site, staff):
    """智慧环保's one cockpit tile: after the outfalls and measures, the active sites by their
    latest sample's class, each linking to those sites; without a site in use, no such figure."""
    from openpark.environment.cockpit import environment_panel

    sample_with(site, ammonia_nitrogen="2.5")
    sample_with(lake_site, ammonia_nitrogen="0.3")
    panel = environment_panel(2026)
    shown = {figure.label: (figure.value, figure.url, figure.status) for figure in panel.figures[4:]}
    sites = reverse("environment:monitoringsite_list")
    assert [figure.label for figure in panel.figures[:4]] == ["入河排污口", "整治中的排口", "已完成的整治措施",
                                                                "逾期未完成的措施"]
    assert shown == {
        "I–III类断面": (1, f"{sites}?latest_class=1-3", ""),
        "IV–V类断面": (0, f"{sites}?latest_class=4-5", ""),
        "劣V类断面": (1, f"{sites}?latest_class=6", "alarm"),
    }
    assert panel.figures[4].note == "在用断面 2 个，按最新采样"
    listed = staff.get(shown["I–III类断面"][1]).content.decode()
    assert lake_site.get_absolute_url() in listed and site.get_absolute_url() not in listed
    MonitoringSite.objects.update(is_active=False)
    assert [figure.label for figure in environment_panel(2026).figures] == [
        "入河排污口", "整治中的排口", "已完成的整治措施", "逾期未完成的措施"]


def test_the_site_form_takes_a_target_class_and_refuses_one_out_of_range(river, staff):
    url = reverse("environment:monitoringsite_add")
    fields = {"code": "qw05", "name": "七圩港桥", "water_body": river.pk, "kind": "park", "is_active": "on"}
    assert staff.post(url, {**fields, "target_class": "9"}).status_code == 200
    assert staff.post(url, {**fields, "target_class": "2"}).status_code == 302
    assert MonitoringSite.objects.get(code="QW05").target_class == 2


def test_each_sheet_of_a_lab_file_is_read_in_its_own_units(site, staff):
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    for name, header, value, day in (("一月", "汞（μg/L）", 0.05, "2026-01-10"), ("二月", "汞 mg/L", 0.0002, "2026-02-10")):
        sheet = workbook.add_worksheet(name)
        for col, cell in enumerate(["站点编码", "采样时间", header]):
            sheet.write(0, col, cell)
        for col, cell in enumerate(["QW01", day, value]):
            sheet.write(1, col, cell)
    workbook.close()
    upload(staff, SAMPLES, buffer.getvalue())
    job = latest_job()
    assert not job.errors
    confirm(staff, job)
    stored = dict(Measurement.objects.values_list("sample__sampled_at__month", "value"))
    assert stored == {1: D("0.00005"), 2: D("0.0002")}
    assert dict(WaterSample.objects.values_list("sampled_at__month", "water_class")) == {1: 1, 2: 4}
