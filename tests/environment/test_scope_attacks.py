"""A steward, an enterprise user and a leader keep to their scope and their permissions in the
智慧环保 app: imports, the merge of an outfall, the government's sign-offs, and the park-wide
reference data."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.core.models import ImportJob
from openpark.enterprises.models import ContractBinding, ServiceContract
from openpark.environment.models import (
    EnvironmentProblem, Measure, MonitoringSite, Outfall, OutfallClass, PollutionSource, RiverChief, WaterBody,
    WaterSample,
)
from tests.factories import EnterpriseFactory, bind_enterprise
from tests.sheets import confirm, latest_job, upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(make_outfall, make_user):
    today = timezone.localdate()
    a = EnterpriseFactory(name="甲公司")
    b = EnterpriseFactory(name="乙机密公司")
    oa = make_outfall(enterprise=a, plan_type="merge", name="甲排口", stage="plan_approved")
    ob = make_outfall(enterprise=b, plan_type="regularise", name="乙机密排口", stage="in_remediation")
    contract = ServiceContract.objects.create(number="HBGJ-1", contractor="某环保科技", service="环保管家",
                                              starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300))
    contract.enterprises.set([a])
    other = ServiceContract.objects.create(number="HBGJ-2", contractor="另一家管家", service="环保管家",
                                           starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300))
    other.enterprises.set([b])
    steward = make_user("steward")
    ContractBinding.objects.create(user=steward, contract=contract)
    ent = make_user("enterprise")
    bind_enterprise(ent, a)
    return {"a": a, "b": b, "oa": oa, "ob": ob, "contract": contract, "other": other, "steward": steward,
            "ent": ent}


def _import(client, name, rows):
    upload(client, name, xlsx(rows))
    job = latest_job()
    if job.state == "ready":
        confirm(client, job)
    return job


# 1. Imports keep to the importing user's scope ----------------------------------------------------

OUTFALL_HEADER = ["排口编码", "排口名称", "排口类别", "经度", "纬度", "受纳水体", "所在河段", "排放口形式", "设置审批",
                  "责任企业统一社会信用代码", "其他责任单位", "标志牌"]


def _outfall_row(outfall, name, uscc):
    return [outfall.code, name, outfall.outfall_class.name, 120.3, 31.9, outfall.water_body.name, "", "", "",
            uscc, "", "是"]


def test_a_steward_cannot_import_over_another_enterprises_outfall(park, client_for):
    ob = park["ob"]
    job = _import(client_for(park["steward"]), "environment.outfall",
                  [OUTFALL_HEADER, _outfall_row(ob, "被管家改名", park["a"].uscc)])
    ob.refresh_from_db()
    assert ob.name == "乙机密排口" and ob.enterprise == park["b"]
    shown = str(job.preview) + str(job.errors)
    assert "乙机密排口" not in shown and "范围以外" in shown


def test_a_steward_cannot_import_an_outfall_for_another_enterprise(park, client_for):
    new = Outfall(code="CN777", outfall_class=park["oa"].outfall_class, water_body=park["oa"].water_body)
    job = _import(client_for(park["steward"]), "environment.outfall",
                  [OUTFALL_HEADER, _outfall_row(new, "挂到乙名下", park["b"].uscc)])
    assert not Outfall.objects.filter(code="CN777").exists()
    assert "不在您的服务或绑定范围内" in str(job.errors)


def test_a_steward_imports_its_own_enterprises_outfalls(park, client_for):
    """The rule refuses rows, not the steward: a row of its own enterprise is written."""
    oa = park["oa"]
    new = Outfall(code="CN778", outfall_class=oa.outfall_class, water_body=oa.water_body)
    _import(client_for(park["steward"]), "environment.outfall",
            [OUTFALL_HEADER, _outfall_row(oa, "甲排口改名", park["a"].uscc), _outfall_row(new, "甲新排口", park["a"].uscc)])
    oa.refresh_from_db()
    assert oa.name == "甲排口改名" and Outfall.objects.get(code="CN778").enterprise == park["a"]


def test_a_steward_cannot_import_measures_into_another_enterprises_plan(park, client_for):
    job = _import(client_for(park["steward"]), "environment.measure",
                  [["排口编码", "措施内容", "责任单位（人）", "完成时限"], [park["ob"].code, "管家写入乙的措施", "x", "2026-12-31"]])
    assert not Measure.objects.filter(plan__outfall=park["ob"]).exists()
    assert job.state == "invalid" and "尚未制定整治方案" not in str(job.errors)


def test_a_steward_cannot_import_a_pollution_source_of_another_enterprise(park, client_for):
    job = _import(client_for(park["steward"]), "environment.pollutionsource",
                  [["污染源名称", "类别", "所属企业统一社会信用代码"], ["乙的污染源", "工业源", park["b"].uscc]])
    assert not PollutionSource.objects.filter(name="乙的污染源").exists()
    assert job.state == "invalid"


# 2. The merge of an outfall keeps to what the user may see -----------------------------------------

def test_the_merge_choices_are_the_users_own_outfalls_other_than_this_one(park, make_outfall, make_user, client_for):
    from openpark.environment.forms import MergeForm

    staff = make_user("environment")
    other_a = make_outfall(enterprise=park["a"], name="甲另一排口", stage="in_remediation")
    merge = Outfall.machine.transitions["merge"]
    for user, expected in ((park["steward"], {other_a}), (staff, {other_a, park["ob"]})):
        form = MergeForm(transition=merge, obj=park["oa"], user=user)
        assert set(form.fields["merged_into"].queryset) == expected
    page = client_for(staff).get(park["oa"].get_absolute_url()).content.decode()
    assert "data-autocomplete" in page and "乙机密排口" not in page  # typed ahead, not listed


def test_the_page_and_the_api_refuse_a_merge_into_an_outfall_the_user_cannot_see(park, make_user, api_for,
                                                                                   client_for):
    from django.contrib.auth.models import Permission

    steward = park["steward"]  # given the sign-off for the test: scope still holds
    steward.user_permissions.add(Permission.objects.get(codename="merge_outfall"))
    response = api_for(steward).post(f"/api/environment/outfalls/{park['oa'].pk}/transitions/merge/",
                                     {"merged_into": park["ob"].pk, "note": "x"}, format="json")
    assert response.status_code == 400 and "可查看" in response.content.decode()
    client_for(steward).post(reverse("environment:outfall_transition", args=[park["oa"].pk, "merge"]),
                             {"merged_into": park["ob"].pk})
    park["oa"].refresh_from_db()
    assert park["oa"].stage == "plan_approved" and park["oa"].merged_into_id is None


def test_the_merge_service_refuses_an_outfall_out_of_scope(park):
    from django.core.exceptions import ValidationError

    from openpark.environment import services

    with pytest.raises(ValidationError, match="可查看"):
        services.merge(park["oa"], "merge", park["steward"], merged_into=park["ob"])


# 3. The government's sign-offs are the 环保 office's --------------------------------------------

def test_the_steward_does_the_field_work_but_signs_nothing_off(park, make_user):
    steward, ent, staff = park["steward"], park["ent"], make_user("environment")
    outfall = Outfall.machine.transitions
    for name in ("verify", "monitor", "trace", "submit_closeout"):
        assert steward.has_perm(outfall[name].permission), name
    for name in ("reject", "approve_plan", "county_preclose", "close", "abolish", "merge", "reopen"):
        assert not steward.has_perm(outfall[name].permission), name
        assert not ent.has_perm(outfall[name].permission), name
        assert staff.has_perm(outfall[name].permission), name
    problem = EnvironmentProblem.machine.transitions
    for name in ("assign", "refer", "close", "send_back"):
        assert not steward.has_perm(problem[name].permission) and not ent.has_perm(problem[name].permission), name
        assert staff.has_perm(problem[name].permission), name
    for user in (steward, ent, staff):
        assert user.has_perm(problem["rectify"].permission)
    assert steward.has_perm("environment.add_environmentproblem")
    assert not ent.has_perm("environment.change_outfall")


def test_the_steward_cannot_preclose_close_or_abolish_through_the_api(park, api_for):
    oa = park["oa"]
    api = api_for(park["steward"])
    for name in ("abolish", "merge", "county_preclose", "close", "reopen"):
        response = api.post(f"/api/environment/outfalls/{oa.pk}/transitions/{name}/", {"note": "x"}, format="json")
        assert response.status_code == 403, (name, response.status_code)
    problem = EnvironmentProblem.objects.create(enterprise=park["a"], category="water", description="x",
                                                found_on=timezone.localdate(), source="steward")
    response = api.post(f"/api/environment/problems/{problem.pk}/transitions/assign/", {"note": "x"}, format="json")
    assert response.status_code == 403
    oa.refresh_from_db()
    problem.refresh_from_db()
    assert oa.stage == "plan_approved" and problem.state == "reported"


# 4. Park-wide reference data: seen, never written, by the steward and enterprises -----------------

def test_the_steward_cannot_write_park_wide_reference_data(park, api_for):
    api = api_for(park["steward"])
    body = park["oa"].water_body
    statuses = {
        "patch water body": api.patch(f"/api/environment/water-bodies/{body.pk}/", {"name": "管家改的水体名"},
                                      format="json").status_code,
        "create chief": api.post("/api/environment/river-chiefs/", {"name": "假河长", "level": "village",
                                                                   "title": "x"}, format="json").status_code,
        "create site": api.post("/api/environment/sites/", {"code": "ZD99", "name": "假断面", "water_body": body.pk,
                                                          "kind": "river"}, format="json").status_code,
        "delete class": api.delete(f"/api/environment/outfall-classes/{park['oa'].outfall_class_id}/").status_code,
    }
    assert set(statuses.values()) == {403}, statuses
    body.refresh_from_db()
    assert body.name != "管家改的水体名" and not RiverChief.objects.filter(name="假河长").exists()
    assert api.get(f"/api/environment/water-bodies/{body.pk}/").status_code == 200  # seen


def test_the_steward_cannot_import_chiefs_or_water_samples(park, client_for):
    RiverChief.objects.create(name="王河长", level="township", phone="13900000000", title="镇长")
    site = MonitoringSite.objects.create(code="ZD01", name="七圩港断面", water_body=park["oa"].water_body,
                                         target_class=3)
    client = client_for(park["steward"])
    statuses = [
        upload(client, "environment.riverchief", xlsx([["姓名", "河长级别", "职务", "联系电话"],
                                                       ["王河长", "乡镇级", "被管家改", "13111111111"]])).status_code,
        upload(client, "environment.watersample", xlsx([["站点编码", "采样时间", "氨氮"],
                                                        ["ZD01", "2026-03-05 09:30", 5.0]])).status_code,
    ]
    for job in ImportJob.objects.all():  # had a job been planned, confirming it writes nothing
        confirm(client, job)
    assert statuses == [403, 403]
    assert RiverChief.objects.get(name="王河长").phone == "13900000000"
    assert not WaterSample.objects.filter(site=site).exists()


def test_a_scoped_user_importing_park_wide_records_is_refused_row_by_row(park):
    """Even with the permission, the core importer writes no record the user could not see."""
    from openpark.core.context import acting_as
    from openpark.environment.importers import chief_importer

    with acting_as(park["steward"]):
        plan, counts = chief_importer.apply(xlsx([["姓名", "河长级别", "职务"], ["假河长", "村级", "x"]]), "河长.xlsx")
    assert counts is None and "不在您的服务或绑定范围内" in plan.errors[0].reason
    assert not RiverChief.objects.filter(name="假河长").exists()


def test_reference_data_in_use_is_not_deleted(park, make_user, api_for, client_for):
    api = api_for(make_user("environment"))
    outfall_class, body = park["oa"].outfall_class, park["oa"].water_body
    response = api.delete(f"/api/environment/outfall-classes/{outfall_class.pk}/")
    assert response.status_code == 400 and "不能删除" in response.json()["detail"]
    assert api.delete(f"/api/environment/water-bodies/{body.pk}/").status_code == 400
    assert not OutfallClass.all_objects.get(pk=outfall_class.pk).is_deleted
    assert not WaterBody.all_objects.get(pk=body.pk).is_deleted
    unused = OutfallClass.objects.create(name="未用类别")
    assert api.delete(f"/api/environment/outfall-classes/{unused.pk}/").status_code == 204
