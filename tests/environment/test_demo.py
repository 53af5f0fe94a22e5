"""The demo park's 智慧环保: 8 inland outfalls into the Yangtze remediated by category, 71
remediation measures, and the pollution-source list they were traced to; every record keeps the
model's rules."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from openpark.core.deadlines import is_overdue
from openpark.core.models import Deadline, StateChange
from openpark.environment import services
from openpark.environment.models import (
    Measure, Outfall, OutfallSample, PollutionSource, RemediationPlan, RiverSegment, Tracing, WaterBody,
)

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_the_demo_has_the_published_8_outfalls_and_71_measures():
    assert Outfall.objects.count() == 8
    assert Measure.objects.count() == 71
    assert set(Outfall.objects.values_list("water_body__name", flat=True)) == {"长江（靖江段）"}
    stages = services.outfall_counts_by_stage()
    assert {stage: count for stage, count in stages.items() if count} == {
        "closed": 3, "pending_closeout": 1, "in_remediation": 2, "merged": 1, "abolished": 1}
    # CN005 is past its remediation deadline, so its six open measures, due by then, are all overdue.
    assert services.measure_counts_by_status() == {"not_started": 3, "in_progress": 7, "done": 61, "overdue": 7}
    assert RemediationPlan.objects.count() == 8  # 一口一策
    assert set(RemediationPlan.objects.values_list("plan_type", flat=True)) == {"keep", "regularise", "merge", "abolish"}


def test_the_merged_and_abolished_outfalls_follow_their_plans():
    merged = Outfall.objects.get(stage="merged")
    assert merged.plan.plan_type == "merge" and merged.merged_into.code == "CN005"
    assert merged.merged_into.stage == "in_remediation"
    abolished = Outfall.objects.get(stage="abolished")
    assert abolished.plan.plan_type == "abolish" and abolished.usage_status == "out_of_use"


def test_water_bodies_sources_and_tracing():
    assert {"长江（靖江段）", "七圩港"} <= set(WaterBody.objects.values_list("name", flat=True))
    assert RiverSegment.objects.filter(water_body__name="七圩港").count() == 3
    assert PollutionSource.objects.count() == 20
    assert set(PollutionSource.objects.values_list("category", flat=True)) == {
        "industrial", "agricultural", "domestic", "centralised", "mobile"}
    traced = set(Tracing.objects.values_list("outfall__code", flat=True))
    assert traced == set(Outfall.objects.values_list("code", flat=True))  # every outfall traced to its sources
    assert Outfall.objects.filter(enterprise__isnull=True, responsible_organisation="").exists()  # 属地政府


def test_every_demo_record_keeps_the_rules():
    for model in (WaterBody, RiverSegment, Outfall, OutfallSample, RemediationPlan, Measure, PollutionSource, Tracing):
        for record in model.objects.all():
            record.full_clean()


def test_each_outfall_has_its_history_and_those_in_remediation_their_deadline():
    for outfall in Outfall.objects.all():
        changes = list(outfall.machine.history(outfall).order_by("time", "pk"))
        assert changes[0].from_state == "suspected" and changes[-1].to_state == outfall.stage, outfall.code
    open_deadlines = Deadline.objects.filter(state="in_remediation", met_at__isnull=True)
    closed = StateChange.objects.filter(content_type=ContentType.objects.get_for_model(Outfall), to_state="closed")
    assert open_deadlines.count() == 2 and closed.count() == 3
    late, on_time = Outfall.objects.get(code="CN005"), Outfall.objects.get(code="CN006")
    assert is_overdue(late) and not is_overdue(on_time)


def test_the_dashboard_shows_the_demo(make_user, client_for):
    response = client_for(make_user("environment")).get(reverse("environment:dashboard"))
    assert response.context["outfall_total"] == 8 and response.context["measure_total"] == 71
    assert response.context["overdue"]["count"] == 7


def test_the_demo_outfalls_agree_with_their_measures_and_history():
    """An outfall's 标志牌 flag says what its 设置排口标志牌 measure says; its measures are done after its
    remediation began and fall due no later than its remediation deadline; its history notes do
    not repeat who made them."""
    from openpark.core.calendars import calendar
    from openpark.environment.models import REMEDIATION_DAYS

    kind = ContentType.objects.get_for_model(Outfall)
    for outfall in Outfall.objects.all():
        measures = list(Measure.objects.filter(plan__outfall=outfall))
        signboard = [m for m in measures if "标志牌" in m.content]
        assert outfall.has_signboard == any(m.status == "done" for m in signboard), outfall.code
        started = StateChange.objects.filter(content_type=kind, object_id=str(outfall.pk),
                                             to_state="in_remediation").order_by("time").first()
        began = timezone.localtime(started.time).date() if started else outfall.plan.approved_on
        due = calendar().add_working_days(began, REMEDIATION_DAYS).day
        for measure in measures:
            assert measure.completed_on is None or measure.completed_on >= began, (outfall.code, measure.content)
            assert measure.deadline <= due, (outfall.code, measure.content)
    from openpark.environment.models import EnvironmentProblem

    problems = ContentType.objects.get_for_model(EnvironmentProblem)
    assert not StateChange.objects.filter(content_type__in=(kind, problems), note="演示数据").exists()
    for outfall in Outfall.objects.filter(stage__in=("pending_closeout", "county_preclosed", "closed")):
        assert not outfall.plan.measures.exclude(status="done").exists(), outfall.code
