"""What the environment pages say, read as an official reads them: codes typed in lower case, the
exceedances against class III next to the site's own target, and list rows opened by their own name."""
from datetime import date

import pytest
from django.urls import reverse

from openpark.environment.models import EnvironmentProblem, MonitoringSite, Outfall, OutfallClass, RiverSegment

from .test_monitoring import sample_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user, client_for):
    return client_for(make_user("environment"))


def outfall_form(yangtze, segment, code):
    return {"code": code, "name": "新发现排口", "outfall_class": OutfallClass.objects.first().pk,
            "longitude": "120.266", "latitude": "31.98", "water_body": yangtze.pk, "segment": segment.pk,
            "outlet_form": "open_pipe", "discharge_mode": "continuous", "approval_type": "unapproved",
            "usage_status": "in_use"}


def test_an_outfall_code_typed_in_lower_case_is_saved_in_upper_case(staff, yangtze, segment):
    assert staff.post(reverse("environment:outfall_add"), outfall_form(yangtze, segment, " cn901 ")).status_code == 302
    outfall = Outfall.objects.get()
    assert outfall.code == "CN901"
    assert "120.266°" in staff.get(outfall.get_absolute_url()).content.decode()  # no trailing zeros


def test_a_bad_outfall_code_is_named_in_its_message(staff, yangtze, segment):
    response = staff.post(reverse("environment:outfall_add"), outfall_form(yangtze, segment, "cn9"))
    assert response.status_code == 200 and not Outfall.all_objects.exists()
    assert response.context["form"].errors["code"][0].startswith("排口编码“CN9”不符合本园区规则：")


def test_exceedances_against_class_iii_are_told_apart_from_the_site_target(staff, yangtze):
    site = MonitoringSite.objects.create(code="QW09", name="四类目标断面", water_body=yangtze, target_class=4)
    sample = sample_with(site, ammonia_nitrogen="1.2")  # class IV: over III, not worse than the IV target
    sample.refresh_from_db()
    assert (sample.water_class, sample.exceedances, sample.worse_than_target) == (4, "氨氮（0.20 倍）", False)
    listed = staff.get(reverse("environment:watersample_list")).content.decode()
    assert "超Ⅲ类项目" in listed and "氨氮（0.20 倍）" in listed and "与断面的水质目标无关" in listed
    shown = staff.get(sample.get_absolute_url()).content.decode()
    assert "超Ⅲ类项目：" in shown and "与断面的水质目标（IV类）无关" in shown
    exported = staff.get(reverse("environment:watersample_list"), {"export": "xlsx"}).content
    from tests.sheets import read_xlsx

    header, row = read_xlsx(exported)[:2]
    assert dict(zip(header, row))["超Ⅲ类项目"] == "氨氮（0.20 倍）"


def link_texts(staff, name) -> list[str]:
    import re

    page = staff.get(reverse(f"environment:{name}_list")).content.decode()
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return re.findall(r'<a href="[^"]+">([^<]*)</a>', body)


def test_list_rows_open_by_their_own_name(staff, yangtze, segment):
    RiverSegment.objects.create(water_body=yangtze, name="港区段")
    texts = link_texts(staff, "riversegment")
    assert {"城南段", "港区段"} <= set(texts) and texts.count(yangtze.name) == 2  # each row: water body, segment
    page = staff.get(reverse("environment:riversegment_list")).content.decode()
    assert f'<a href="{segment.get_absolute_url()}">城南段</a>' in page
    assert f'<a href="{yangtze.get_absolute_url()}">{yangtze.name}</a>' in page
    first = OutfallClass.objects.order_by("order").first()
    assert f'<a href="{first.get_absolute_url()}">{first.name}</a>' in staff.get(
        reverse("environment:outfallclass_list")).content.decode()
    assert str(first.order) not in link_texts(staff, "outfallclass")
    problem = EnvironmentProblem.objects.create(found_on=date(2026, 11, 11), category=EnvironmentProblem._meta
                                                .get_field("category").choices[0][0], description="雨水排口未设置截止阀",
                                                water_body=yangtze)
    assert f'<a href="{problem.get_absolute_url()}">雨水排口未设置截止阀</a>' in staff.get(
        reverse("environment:environmentproblem_list")).content.decode()
    assert "2026-11-11" not in link_texts(staff, "environmentproblem")


def test_the_duty_filter_puts_its_checkbox_beside_its_label(staff):
    page = staff.get(reverse("environment:patrol_duty")).content.decode()
    assert '<label class="filter-check"><input type="checkbox" name="behind"' in page


def test_workflow_buttons_are_primary_and_turning_back_is_red(staff, make_outfall):
    outfall = make_outfall()  # 疑似: 核实 goes forward, 排除 rules it out
    page = staff.get(outfall.get_absolute_url()).content.decode()
    forms = {name: page[page.index(f'data-transition="{name}"'):] for name in ("verify", "reject")}
    assert '<button type="submit" class="primary"' in forms["verify"][:forms["verify"].index("</form>")]
    assert '<button type="submit" class="danger"' in forms["reject"][:forms["reject"].index("</form>")]


def test_only_who_may_restore_is_offered_the_deleted_outfalls(staff, make_user, client_for, make_outfall):
    from openpark.enterprises.models import EnterpriseBinding
    from tests.factories import EnterpriseFactory

    company = EnterpriseFactory()
    make_outfall(enterprise=company)
    assert "已删除的记录" in staff.get(reverse("environment:outfall_list")).content.decode()  # may delete
    user = make_user("enterprise")
    EnterpriseBinding.objects.create(user=user, enterprise=company)
    listed = client_for(user).get(reverse("environment:outfall_list")).content.decode()
    assert "已删除的记录" not in listed and "?deleted=1" not in listed


def test_the_sample_form_lays_its_results_in_a_grid_under_one_hint(staff):
    from openpark.environment import water_quality

    page = staff.get(reverse("environment:watersample_add")).content.decode()
    grid = page[page.index('<fieldset class="form-group form-grid">'):]
    grid = grid[:grid.index("</fieldset>")]
    assert grid.count('<div class="form-row') == len(water_quality.PARAMETERS) > 20
    assert page.count("低于检出限写 ND") == 1 and "低于检出限写 ND" in grid
    assert page.index('name="sampled_at"') < page.index("</fieldset>") < page.index('name="note"')


def test_stored_exceedances_take_the_full_width_brackets(yangtze):
    from importlib import import_module

    from django.apps import apps

    from openpark.environment.models import WaterSample

    site = MonitoringSite.objects.create(code="QW08", name="老数据断面", water_body=yangtze)
    sample = sample_with(site, ammonia_nitrogen="1.2")
    WaterSample.objects.filter(pk=sample.pk).update(exceedances="铬（六价）(0.20倍)、氨氮(0.85倍)、pH")
    import_module("openpark.environment.migrations.0630_exceedances_full_width").full_width_brackets(apps, None)
    sample.refresh_from_db()
    assert sample.exceedances == "铬（六价）（0.20 倍）、氨氮（0.85 倍）、pH"
