"""The demo park as a local official reads it: nothing happens to an enterprise before it is
registered, 规下 enterprises have their 开票销售 and are scored on both of their indicators, and
the dashboard says how many of the enterprises due to report each indicator have."""
from datetime import date

import pytest
from django.db.models import F
from django.urls import reverse

from openpark.economy import services
from openpark.economy.models import Fact, Indicator
from openpark.enterprises.models import Enterprise, HighTechCertificate, LandParcel, ParcelUse
from openpark.evaluation.models import Result, Run
from openpark.investment import stages
from openpark.investment.choices import STAGE_ORDER
from openpark.investment.models import Project

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_nothing_happens_to_an_enterprise_before_it_is_registered():
    enterprises = Enterprise.objects.all()
    assert enterprises.count() == 300 and not enterprises.filter(registered_on__isnull=True).exists()
    assert not enterprises.filter(production_started_on__lt=F("registered_on")).exists()
    assert not HighTechCertificate.objects.filter(issued_on__lt=F("enterprise__registered_on")).exists()
    assert not LandParcel.objects.filter(acquired_on__lt=F("holder__registered_on")).exists()
    assert not ParcelUse.objects.filter(started_on__lt=F("enterprise__registered_on")).exists()
    registered = dict(enterprises.values_list("pk", "registered_on"))
    early = [(e, year, month) for e, year, month in Fact.objects.values_list("enterprise_id", "year", "month")
             if (year, month or 12) < (registered[e].year, registered[e].month)]
    assert early == []
    # Enterprises registered in 2020 report 2020 from their month of registration on.
    late = enterprises.filter(registered_on__year=2020, registered_on__month__gt=1).first()
    months = set(Fact.objects.filter(enterprise=late, year=2020, indicator__code="tax_paid", month__isnull=False)
                 .values_list("month", flat=True))
    assert months == set(range(late.registered_on.month, 13))


def test_every_below_scale_enterprise_has_invoiced_sales_and_is_scored_on_both_indicators():
    for run in Run.objects.all():
        below = Result.objects.filter(run=run, group="below")
        assert below.count() > 50
        sales = dict(Fact.objects.filter(indicator__code="invoiced_sales", year=run.year, month__isnull=True)
                     .values_list("enterprise_id", "value"))
        for enterprise_id, revenue, missing, scores, above in below.values_list(
                "enterprise_id", "revenue", "missing", "scores", "above_scale"):
            assert not above and revenue is not None and revenue == sales[enterprise_id]
            assert "revenue" not in missing
            assert set(scores) == {"tax_per_mu", "revenue_per_mu"} or not scores  # 不定等 are not scored
        scored = [s for s in below.values_list("scores", flat=True) if s]
        assert scored and all(s.get("revenue_per_mu") is not None for s in scored)
    # 规上 enterprises keep the statistics office's 营业收入.
    above = Result.objects.filter(run__year=2021, group="above").values_list("enterprise_id", "revenue")
    revenue = dict(Fact.objects.filter(indicator__code="main_business_revenue", year=2021, month__isnull=True)
                   .values_list("enterprise_id", "value"))
    assert all(value == revenue[pk] for pk, value in above)


def test_the_dashboard_shows_each_indicators_reporting_coverage(make_user, client_for):
    expected_all = Enterprise.objects.filter(registered_on__lte=date(2021, 12, 31)).count()
    expected_above = Enterprise.objects.above_scale_in(2021).count()
    coverage = services.coverage(2021)
    by_code = {i.code: coverage[i.pk] for i in Indicator.objects.all()}
    assert (by_code["tax_paid"].reported, by_code["tax_paid"].expected) == (expected_all, expected_all)
    assert (by_code["invoiced_sales"].reported, by_code["invoiced_sales"].expected) == (expected_all, expected_all)
    assert (by_code["profit"].reported, by_code["profit"].expected) == (expected_above, expected_above)

    # Two enterprises have not sent their 2021 tax: the dashboard says so, and links to the facts.
    missing = list(Enterprise.objects.filter(registered_on__lte=date(2021, 12, 31)).values_list("pk", flat=True)[:2])
    Fact.objects.filter(indicator__code="tax_paid", year=2021, month__isnull=True, enterprise_id__in=missing).delete()
    page = client_for(make_user("leader")).get(reverse("economy:dashboard"), {"year": 2021}).content.decode()
    tax = Indicator.objects.get(code="tax_paid")
    assert f"已报送 {expected_all - 2:,}/{expected_all:,} 家" in page
    assert (f'href="{reverse("economy:fact_list")}?indicator={tax.pk}&amp;year=2021&amp;annual=true" '
            f'class="status-alarm">已报送 {expected_all - 2:,}/{expected_all:,} 家') in page
    assert f"已报送 {expected_above:,}/{expected_above:,} 家" in page
    # An annual indicator is not due for 1—6月.
    half = services.coverage(2021, 6)
    assert Indicator.objects.get(code="energy_consumption").pk not in half
    assert half[tax.pk].expected == Enterprise.objects.filter(registered_on__lte=date(2021, 6, 30)).count()


def test_demo_projects_carry_what_their_stages_need():
    dates = {}
    for project_id, stage, day in Project.objects.filter(stage_dates__actual_on__isnull=False).values_list(
            "pk", "stage_dates__stage", "stage_dates__actual_on"):
        dates.setdefault(project_id, {})[stage] = day
    projects = list(Project.objects.all())
    assert len(projects) > 100
    for project in projects:
        facts = {name: getattr(project, name) for name in stages.FACT_FIELDS}
        reached = dates[project.pk]
        stage = max(reached, key=STAGE_ORDER.index)
        assert stages.history_errors(stage, reached, facts, date.today()) == [], project.code
