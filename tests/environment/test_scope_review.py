"""What a steward and an enterprise user may see and change in 智慧环保, page and API alike: the
approved remediation plan, the permit's term, the river chiefs and patrols, the tracing panels, the
problems they file, and the park's shared vocabulary on their own outfalls."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.enterprises.models import ContractBinding, ServiceContract
from openpark.environment.models import PollutionSource, RemediationPlan
from tests.factories import EnterpriseFactory, bind_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(make_outfall, make_user):
    today = timezone.localdate()
    a = EnterpriseFactory(name="甲公司")
    b = EnterpriseFactory(name="乙机密公司")
    oa = make_outfall(enterprise=a, plan_type="regularise", name="甲排口", stage="in_remediation")
    ob = make_outfall(enterprise=b, plan_type="regularise", name="乙机密排口", stage="in_remediation")
    contract = ServiceContract.objects.create(number="HBGJ-1", contractor="某环保科技", service="环保管家",
                                              starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300))
    contract.enterprises.set([a])
    steward = make_user("steward")
    ContractBinding.objects.create(user=steward, contract=contract)
    ent = make_user("enterprise")
    bind_enterprise(ent, a)
    return {"a": a, "b": b, "oa": oa, "ob": ob, "steward": steward, "ent": ent,
            "staff": make_user("environment")}


# The park's shared vocabulary is offered on the API as on the page --------------------------------

def test_a_steward_saves_its_own_outfall_unchanged_through_the_api(park, api_for):
    api = api_for(park["steward"])
    url = f"/api/environment/outfalls/{park['oa'].pk}/"
    record = api.get(url).json()
    body = {key: value for key, value in record.items() if key not in ("id", "stage", "merged_into", "responsible_party",
                                                                        "created_at", "updated_at")}
    response = api.put(url, body, format="json")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["water_body"] == park["oa"].water_body_id


def test_the_api_offers_a_steward_every_water_body_as_the_page_does(park, api_for, client_for, yangtze):
    from openpark.environment.models import WaterBody

    other = WaterBody.objects.create(name="七圩港", kind="river", level="township")
    api = api_for(park["steward"])
    response = api.patch(f"/api/environment/outfalls/{park['oa'].pk}/", {"water_body": other.pk, "segment": None},
                         format="json")
    assert response.status_code == 200, response.content.decode()
    page = client_for(park["steward"]).get(reverse("environment:outfall_edit", args=[park["oa"].pk]))
    assert "七圩港" in page.content.decode()
    # Records of the enterprises it does not serve stay out of its reach.
    response = api.post("/api/environment/tracings/", {"outfall": park["ob"].pk, "source": PollutionSource.objects.create(
        name="乙的源", category="industrial", enterprise=park["b"]).pk}, format="json")
    assert response.status_code == 400


# The tracing panels keep to the viewer's scope ----------------------------------------------------

def test_a_source_page_shows_a_steward_no_outfall_outside_its_contract(park, client_for, api_for):
    from openpark.environment.models import Tracing

    source = PollutionSource.objects.create(name="甲公司生产废水", category="industrial", enterprise=park["a"])
    own = Tracing.objects.create(outfall=park["oa"], source=source, method="site_survey")
    hidden = Tracing.objects.create(outfall=park["ob"], source=source, method="site_survey")
    page = client_for(park["steward"]).get(source.get_absolute_url()).content.decode()
    assert "甲排口" in page and "乙机密排口" not in page
    api = api_for(park["steward"])
    assert api.get(f"/api/environment/tracings/{hidden.pk}/").status_code == 404
    assert api.get(f"/api/environment/tracings/{own.pk}/").status_code == 200


def test_an_outfall_page_shows_an_enterprise_user_no_source_outside_its_scope(park, client_for, make_outfall):
    from openpark.environment.models import Tracing

    village = PollutionSource.objects.create(name="某村生活污水", category="domestic", responsible_party="某村")
    own = PollutionSource.objects.create(name="甲公司生产废水", category="industrial", enterprise=park["a"])
    Tracing.objects.create(outfall=park["oa"], source=village, method="site_survey")
    Tracing.objects.create(outfall=park["oa"], source=own, method="site_survey")
    other = make_outfall(enterprise=park["b"], name="乙并入排口", stage="merged", merged_into=park["oa"])
    assert other.merged_into_id == park["oa"].pk
    for user in (park["ent"], park["steward"]):
        page = client_for(user).get(park["oa"].get_absolute_url()).content.decode()
        assert "甲公司生产废水" in page and "某村生活污水" not in page and "乙并入排口" not in page
    page = client_for(park["staff"]).get(park["oa"].get_absolute_url()).content.decode()
    assert "某村生活污水" in page and "乙并入排口" in page


# River chiefs and patrols: seen on the panels and the duty page only by who sees their lists -------

@pytest.fixture
def chief_on_patrol(park, yangtze, segment):
    from openpark.environment.models import Patrol, RiverChief

    chief = RiverChief.objects.create(name="王河长", level="township", title="镇长")
    chief.water_bodies.add(yangtze)
    start = timezone.now() - timedelta(days=1)
    Patrol.objects.create(chief=chief, water_body=yangtze, segment=segment, started_at=start,
                          ended_at=start + timedelta(minutes=47), distance_km=3)
    return chief


def test_the_patrol_duty_page_is_for_those_who_see_the_chiefs(park, chief_on_patrol, client_for, api_for):
    url = reverse("environment:patrol_duty")
    for user in (park["steward"], park["ent"]):
        assert api_for(user).get("/api/environment/river-chiefs/").json()["count"] == 0
        response = client_for(user).get(url)
        assert response.status_code == 403 and "王河长" not in response.content.decode()
    page = client_for(park["staff"]).get(url)
    assert page.status_code == 200 and "王河长" in page.content.decode()


def test_the_river_panels_show_no_chief_or_patrol_to_whom_their_lists_show_none(park, chief_on_patrol, client_for,
                                                                                  yangtze, segment):
    for user in (park["steward"], park["ent"]):
        client = client_for(user)
        for url in (yangtze.get_absolute_url(), segment.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200
            page = response.content.decode()
            assert "王河长" not in page and 'id="rivers-panel"' not in page, url
    client = client_for(park["staff"])
    for url in (yangtze.get_absolute_url(), segment.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "王河长" in page and "最近巡河" in page, url


# A scoped user files problems of its own enterprises ----------------------------------------------

def test_a_steward_or_an_enterprise_user_files_problems_of_its_own_enterprises_only(park, api_for, client_for):
    from openpark.environment.models import EnvironmentProblem

    steward = park["steward"]
    api = api_for(steward)
    response = api.post("/api/environment/problems/", {"category": "other", "description": "无主问题"}, format="json")
    assert response.status_code == 400 and "服务或绑定范围内的企业" in response.json()["errors"]["enterprise"][0]
    response = api.post("/api/environment/problems/", {"category": "other", "description": "乙的问题",
                                                       "enterprise": park["b"].pk}, format="json")
    assert response.status_code == 400
    page = client_for(steward).post(reverse("environment:environmentproblem_add"),
                                    {"category": "other", "description": "页面上的无主问题",
                                     "found_on": timezone.localdate().isoformat()})
    assert page.status_code == 200 and "请选择涉及企业：您只能为服务或绑定范围内的企业" in page.content.decode()
    assert not EnvironmentProblem.objects.exists()
    response = api.post("/api/environment/problems/", {"category": "other", "description": "甲的问题",
                                                       "enterprise": park["a"].pk}, format="json")
    assert response.status_code == 201
    assert api.get(f"/api/environment/problems/{response.json()['id']}/").status_code == 200
    # Park staff may file a problem of no enterprise (a patrol's find on the water).
    response = api_for(park["staff"]).post("/api/environment/problems/", {"category": "other",
                                                                          "description": "河面漂浮物"}, format="json")
    assert response.status_code == 201


def test_the_model_refuses_a_scoped_filer_without_an_enterprise(park):
    from openpark.environment.models import EnvironmentProblem

    problem = EnvironmentProblem(category="other", description="x")
    assert "服务或绑定范围内的企业" in problem.filer_refusal(park["ent"])
    assert problem.filer_refusal(park["staff"]) == "" and problem.filer_refusal(None) == ""
    problem.enterprise = park["b"]
    assert "不在您的服务或绑定范围内" in problem.filer_refusal(park["ent"])
    problem.enterprise = park["a"]
    assert problem.filer_refusal(park["ent"]) == ""


# An approved remediation plan is the government's decision --------------------------------------

FORGED = {"plan_type": "abolish", "approved_on": "2020-01-01", "approved_by": "伪造批复单位"}


def test_a_steward_cannot_rewrite_an_approved_plan(park, api_for, client_for):
    plan = park["oa"].plan
    api = api_for(park["steward"])
    response = api.patch(f"/api/environment/plans/{plan.pk}/", FORGED, format="json")
    assert response.status_code == 400
    assert "已批复" in response.json()["errors"]["plan_type"][0]
    client_for(park["steward"]).post(reverse("environment:remediationplan_edit", args=[plan.pk]),
                                     {"outfall": park["oa"].pk, "summary": "改", **FORGED})
    plan.refresh_from_db()
    assert (plan.plan_type, plan.approved_by) == ("regularise", "靖江市生态环境局")
    assert "只有整治方案类型为“取缔”" in api_for(park["staff"]).post(
        f"/api/environment/outfalls/{park['oa'].pk}/transitions/abolish/", {"note": "x"}, format="json"
    ).content.decode()
    # Nor does park staff change the decision once the outfall is past plan approval.
    response = api_for(park["staff"]).patch(f"/api/environment/plans/{plan.pk}/", {"plan_type": "abolish"},
                                            format="json")
    assert response.status_code == 400
    # What is not the decision stays editable.
    response = api.patch(f"/api/environment/plans/{plan.pk}/", {"summary": "补充方案概要"}, format="json")
    assert response.status_code == 200


def test_only_the_environment_office_records_a_plans_approval(park, make_outfall, api_for, client_for):
    traced = make_outfall(enterprise=park["a"], name="甲待批排口", stage="traced")
    api = api_for(park["steward"])
    response = api.post("/api/environment/plans/", {"outfall": traced.pk, **FORGED}, format="json")
    assert response.status_code == 400 and "环保部门" in response.json()["errors"]["approved_on"][0]
    response = api.post("/api/environment/plans/", {"outfall": traced.pk, "plan_type": "regularise"}, format="json")
    assert response.status_code == 201
    plan_url = f"/api/environment/plans/{response.json()['id']}/"
    assert api.patch(plan_url, {"approved_on": "2026-01-05", "approved_by": "伪造"}, format="json").status_code == 400
    page = client_for(park["steward"]).get(reverse("environment:remediationplan_edit",
                                                   args=[response.json()["id"]])).content.decode()
    assert "由环保部门在整治方案批复时登记" in page
    staff = api_for(park["staff"])
    assert staff.patch(plan_url, {"approved_on": "2026-01-05", "approved_by": "靖江市生态环境局"},
                       format="json").status_code == 200
    assert staff.post(f"/api/environment/outfalls/{traced.pk}/transitions/approve_plan/", {"note": "批复"},
                      format="json").status_code == 200
    # An outfall past plan approval without a plan: only the office records it.
    bare = make_outfall(enterprise=park["a"], name="甲无方案排口", stage="in_remediation")
    response = api.post("/api/environment/plans/", {"outfall": bare.pk, "plan_type": "abolish"}, format="json")
    assert response.status_code == 400 and not RemediationPlan.objects.filter(outfall=bare).exists()


# A discharge permit's term is five years from its issue ------------------------------------------

def test_a_permits_term_is_five_years_from_its_issue(park, api_for, client_for):
    from openpark.environment.models import DischargePermit

    a = park["a"]
    permit = DischargePermit.objects.create(enterprise=a, number=f"{a.uscc}001P", category="key",
                                            issued_on=date(2024, 5, 1))
    assert permit.expires_on == date(2029, 5, 1)
    api = api_for(park["steward"])
    url = f"/api/environment/permits/{permit.pk}/"
    for forged in ("2100-12-31", "2024-05-02", "2029-06-30"):
        response = api.patch(url, {"expires_on": forged}, format="json")
        assert response.status_code == 400 and "有效期为 5 年" in response.json()["errors"]["expires_on"][0], forged
    response = client_for(park["steward"]).post(reverse("environment:dischargepermit_edit", args=[permit.pk]), {
        "enterprise": a.pk, "number": permit.number, "category": "key", "issued_on": "2024-05-01",
        "expires_on": "2100-12-31"})
    assert response.status_code == 200 and "有效期为 5 年" in response.content.decode()
    permit.refresh_from_db()
    assert permit.expires_on == date(2029, 5, 1)
    response = api.post("/api/environment/permits/", {"enterprise": a.pk, "number": f"{a.uscc}002P",
                                                      "category": "key", "issued_on": "2024-05-01",
                                                      "expires_on": "2024-05-02"}, format="json")
    assert response.status_code == 400
    # The certificate's own way of writing it (the day before) is accepted, and so is a renewal (延续)
    # issued before the old permit ends, whose five years run on from its expiry.
    assert api.patch(url, {"expires_on": "2029-04-30"}, format="json").status_code == 200
    response = api.patch(url, {"issued_on": "2029-03-15", "expires_on": "2034-04-30"}, format="json")
    assert response.status_code == 400  # 2029-03-15 is after today: refused as any future issue
    assert api.patch(url, {"note": "执行报告已提交"}, format="json").status_code == 200


def test_a_renewal_runs_on_from_the_old_permits_expiry(park):
    from openpark.environment import enterprise_file as rules

    assert rules.term_refusal(date(2024, 3, 1), date(2029, 4, 30), renewed_from=date(2024, 4, 30)) == ""
    assert rules.term_refusal(date(2024, 3, 1), date(2029, 3, 1)) == ""
    assert rules.term_refusal(date(2024, 3, 1), date(2029, 2, 28)) == ""
    assert "有效期为 5 年" in rules.term_refusal(date(2024, 3, 1), date(2029, 4, 30))
    assert "有效期为 5 年" in rules.term_refusal(date(2024, 3, 1), date(2029, 6, 30), renewed_from=date(2024, 4, 30))


def test_a_renewal_is_recorded_on_the_permit(park, api_for):
    from openpark.environment.models import DischargePermit

    a = park["a"]
    permit = DischargePermit.objects.create(enterprise=a, number=f"{a.uscc}001P", category="key",
                                            issued_on=date(2021, 6, 1))
    url = f"/api/environment/permits/{permit.pk}/"
    api = api_for(park["staff"])
    response = api.patch(url, {"issued_on": "2026-05-01", "expires_on": "2031-06-01"}, format="json")
    assert response.status_code == 200, response.content.decode()
    assert api.patch(url, {"expires_on": "2031-12-31"}, format="json").status_code == 400


def test_a_detail_field_naming_a_record_beyond_the_viewers_scope_neither_names_nor_links_it(
        park, make_outfall, client_for):
    """A steward's outfall merged into another enterprise's: its 并入排口 reads that it lies beyond the
    viewer's scope, as that outfall's own page answers 404; staff see it named and linked."""
    mine = make_outfall(enterprise=park["a"], name="甲并入排口", stage="merged", merged_into=park["ob"])
    for user in (park["ent"], park["steward"]):
        client = client_for(user)
        page = client.get(mine.get_absolute_url()).content.decode()
        assert "乙机密排口" not in page and park["ob"].get_absolute_url() not in page
        assert "（不在您的查看范围内）" in page
        assert client.get(park["ob"].get_absolute_url()).status_code == 404
    page = client_for(park["staff"]).get(mine.get_absolute_url()).content.decode()
    assert "乙机密排口" in page and park["ob"].get_absolute_url() in page
