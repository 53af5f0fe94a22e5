"""Runs in the platform: gather from facts and land, compute, adjust, publish and freeze, compare."""
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpark.core.models import ChangeRecord, StateChange
from openpark.core.states import TransitionError
from openpark.economy.models import Fact, Indicator
from openpark.enterprises.models import AboveScaleYear, LandParcel
from openpark.evaluation import services
from openpark.evaluation.models import Result, Run, SchemeVersion
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
INPUTS = {"tax_paid": "tax", "main_business_revenue": "revenue", "industrial_value_added": "value_added",
          "energy_consumption": "energy", "pollutant_emissions": "emissions", "rd_expenditure": "rd",
          "average_employees": "employees"}


def enterprise_with(year, land, above=True, **values):
    enterprise = EnterpriseFactory(industry_id="3670")
    LandParcel.objects.create(certificate_no=f"苏(2020)靖江市不动产权第{enterprise.pk:07d}号", area_mu=D(land),
                              holder=enterprise)
    if above:
        AboveScaleYear.objects.create(enterprise=enterprise, year=year)
    for code, name in INPUTS.items():
        if values.get(name) is not None:
            Fact.objects.create(enterprise=enterprise, indicator=Indicator.objects.get(code=code), year=year,
                                value=D(values[name]))
    return enterprise


@pytest.fixture
def run(make_user):
    scheme = SchemeVersion.objects.get(name="jiangsu-6", version=1)
    return Run.objects.create(year=2021, scheme=scheme, title="2021 年度亩均评价")


@pytest.fixture
def economy(make_user):
    return make_user("economy")


def test_presets_ship_with_the_database():
    assert set(SchemeVersion.objects.values_list("name", flat=True)) == {"jiangsu-6", "huangyan-2022", "huaian-2024"}
    assert all(s.shipped for s in SchemeVersion.objects.all())


def test_gather_compute_adjust_publish(park, run, economy):
    gathered = services.gather(run, economy)
    assert gathered.enterprises == 4 and gathered.missing == {"emissions": 1}
    run.refresh_from_db()
    assert run.state == "gathered"
    third = Result.objects.get(run=run, enterprise=park[2])
    assert third.missing == ["emissions"] and third.land == D(10) and third.tax == D(40)

    counts = services.compute(run, economy)
    assert counts == {"A": 1, "B": 1, "C": 1, "未纳入": 1}  # n = 3: A, B, C; the 2 亩 规下 firm is out
    first = Result.objects.get(run=run, enterprise=park[0])
    assert first.group == "above" and first.rank == 1 and first.grade == first.computed_grade == "A"
    assert first.scores["tax_per_mu"] == pytest.approx(min(10 / (240 / 40), 1.5) * 40)
    assert Result.objects.get(run=run, enterprise=park[3]).reason == "规下企业用地不足 3 亩，不纳入评价"

    services.adjust(first, "B", "安全生产约谈，降一档")
    record = ChangeRecord.objects.filter(content_type__model="result", object_id=str(first.pk)).get()
    assert record.before["grade"] == "A" and record.after["grade"] == "B"
    services.compute(run, economy)  # recomputing keeps the manual class
    first = Result.objects.get(run=run, enterprise=park[0])
    assert (first.grade, first.computed_grade, first.adjustment_reason) == ("B", "A", "安全生产约谈，降一档")

    services.publish(run, economy, note="经管委会审定")
    run.refresh_from_db()
    assert run.state == "published" and run.summary["published_grades"]["B"] == 2
    assert list(StateChange.objects.filter(object_id=str(run.pk)).values_list("transition", flat=True)) == [
        "gather", "compute", "compute", "publish"]


def test_a_published_run_never_changes(park, run, economy):
    services.gather(run, economy)
    services.compute(run, economy)
    services.publish(run, economy)
    result = Result.objects.filter(run=run, group="above").first()
    with pytest.raises(ValidationError, match="只有已计算、未发布"):
        services.adjust(result, "D", "理由")
    result.grade = "D"
    with pytest.raises(ValidationError, match="已发布"):
        result.save()
    with pytest.raises(TransitionError, match="当前状态为“已发布”，不能采集数据"):
        services.gather(run, economy)
    with pytest.raises(TransitionError, match="不能计算"):
        services.compute(run, economy)
    run.title = "改个名字"
    with pytest.raises(ValidationError, match="已发布的评价批次不能修改"):
        run.save()
    fresh = Run.objects.get(pk=run.pk)
    fresh.note = "补充说明"
    with pytest.raises(ValidationError, match="已发布的评价批次不能修改"):
        fresh.save()
    with pytest.raises(ValidationError, match="不能删除"):
        fresh.delete()
    assert Result.objects.get(pk=result.pk).grade != "D"


def test_transitions_check_state_and_permission(park, run, make_user, economy):
    with pytest.raises(ValidationError, match="尚未采集数据"):
        services.compute(run, economy)
    services.gather(run, economy)
    with pytest.raises(TransitionError, match="当前状态为“已采集数据”，不能发布"):
        services.publish(run, economy)
    services.compute(run, economy)
    with pytest.raises(PermissionDenied):
        services.publish(run, make_user("leader"))
    run.state = "published"
    with pytest.raises(TransitionError, match="状态只能通过规定的操作改变"):
        run.save()


def test_adjustment_needs_a_reason_and_a_class(park, run, economy):
    services.gather(run, economy)
    services.compute(run, economy)
    result = Result.objects.filter(run=run, group="above").first()
    with pytest.raises(ValidationError, match="须填写理由"):
        services.adjust(result, "B", " ")
    with pytest.raises(ValidationError, match="等级只能是"):
        services.adjust(result, "E", "理由")
    outside = Result.objects.get(run=run, group="")
    with pytest.raises(ValidationError, match="未纳入评价"):
        services.adjust(outside, "C", "理由")


def next_year_with_tax(enterprise, tax):
    """The enterprise's 2021 facts again for 2022, with another tax, and 规上 again."""
    AboveScaleYear.objects.create(enterprise=enterprise, year=2022)
    for fact in Fact.objects.filter(enterprise=enterprise, year=2021).select_related("indicator"):
        value = D(tax) if fact.indicator.code == "tax_paid" else fact.value
        Fact.objects.create(enterprise=enterprise, indicator=fact.indicator, year=2022, value=value)


def test_compare_two_runs(park, economy):
    scheme = SchemeVersion.objects.get(name="jiangsu-6")
    for enterprise, tax in zip(park[:3], (20, 100, 200)):
        next_year_with_tax(enterprise, tax)
    runs = [Run.objects.create(year=year, scheme=scheme, title=str(year)) for year in (2021, 2022)]
    for run in runs:
        services.gather(run, economy)
        services.compute(run, economy)
    moves = {m.enterprise_id: (m.before, m.after, m.movement) for m in services.compare(*runs)}
    assert moves[park[0].pk] == ("A", "C", "down")
    assert moves[park[2].pk] == ("C", "A", "up")
    assert moves[park[3].pk] == ("", "", "other")


def test_scheme_versions_in_use_are_frozen(park, run, economy):
    services.gather(run, economy)
    scheme = run.scheme
    scheme.definition = {**scheme.definition, "title": "改过的方案"}
    with pytest.raises(ValidationError, match="另存为新版本"):
        scheme.save()


def test_tags_become_flags_and_relocation_an_exemption(park, economy):
    from openpark.enterprises.models import Tag

    park[0].tags.add(Tag.objects.create(name="专精特新"))
    park[1].status = "relocated"
    park[1].save()
    definition = SchemeVersion.objects.get(name="jiangsu-6").definition
    bonus = {"cap": 5, "items": [{"flag": "tag:专精特新", "label": "专精特新企业", "points": 3}]}
    scheme = SchemeVersion.objects.create(name="jiangsu-6-plus", version=1, title="带加分项",
                                          definition={**definition, "name": "jiangsu-6-plus", "bonus": bonus})
    run = Run.objects.create(year=2021, scheme=scheme, title="加分")
    services.gather(run, economy)
    services.compute(run, economy)
    first, second = (Result.objects.get(run=run, enterprise=e) for e in park[:2])
    assert first.flags == {"tag:专精特新": True} and first.bonus == 3
    assert first.total == pytest.approx(sum(first.scores.values()) + 3)
    assert (second.grade, second.reason, second.rank) == ("不定等", "企业搬迁中，不定等", None)


def published(run):
    Run.all_objects.filter(pk=run.pk).update(state="published")
    return Run.objects.get(pk=run.pk)


def test_a_published_run_refuses_queryset_deletes_and_updates(run):
    run = published(run)
    with pytest.raises(ValidationError, match="已发布的评价批次不能删除"):
        Run.objects.filter(year=2021).delete()
    with pytest.raises(ValidationError, match="已发布的评价批次不能修改"):
        Run.objects.filter(year=2021).update(title="改个名字")
    run.refresh_from_db()
    assert not run.is_deleted and run.title == "2021 年度亩均评价"
    draft = Run.objects.create(year=2022, scheme=run.scheme, title="2022 草稿")
    assert Run.objects.filter(year=2022).delete() == (1, {"evaluation.Run": 1})
    assert Run.all_objects.get(pk=draft.pk).is_deleted


def test_the_admin_neither_deletes_nor_changes_a_published_run(run, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.create_superuser("root", password="x-Harbour-77"))
    run = published(run)
    draft = Run.objects.create(year=2022, scheme=run.scheme, title="2022 草稿")
    response = client.post(reverse("admin:evaluation_run_changelist"), {
        "action": "delete_selected", "_selected_action": [run.pk, draft.pk], "post": "yes"}, follow=True)
    assert "已发布的评价批次不能删除：2021 年度亩均评价" in response.content.decode()
    assert not Run.all_objects.get(pk=run.pk).is_deleted and not Run.all_objects.get(pk=draft.pk).is_deleted
    assert client.get(reverse("admin:evaluation_run_delete", args=[run.pk])).status_code == 403
    client.post(reverse("admin:evaluation_run_change", args=[run.pk]), {"title": "改个名字", "year": 2021})
    assert Run.objects.get(pk=run.pk).title == "2021 年度亩均评价"
    client.post(reverse("admin:evaluation_run_changelist"), {
        "action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"})
    assert Run.all_objects.get(pk=draft.pk).is_deleted
