"""The share of each year's 规上 enterprises that have completed their transformation, counted by hand."""
import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from openpark.enterprises.models import AboveScaleYear, Zone
from openpark.transformation import services
from openpark.transformation.coverage import Share, coverage, is_transformed, transformed_since
from openpark.transformation.models import Certification, TransformationProject
from tests.factories import EnterpriseFactory


def test_transformed_since_takes_the_first_year():
    since = transformed_since([(1, 2024), (2, 2025)], [(1, 2023), (3, 2026)])
    assert since == {1: 2023, 2: 2025, 3: 2026}
    assert is_transformed(1, 2023, since) and not is_transformed(2, 2024, since) and not is_transformed(4, 2026, since)


def test_coverage_by_year_with_enterprises_entering_and_leaving_above_scale():
    since = {1: 2023, 2: 2025, 3: 2024}
    # 2024: 规上 are 1, 2, 3 -> 1 and 3 transformed; 2025: 2 joined... 3 left 规上, 4 entered.
    assert coverage(2024, [1, 2, 3], since) == [Share(None, 3, 2)]
    assert coverage(2025, [1, 2, 4], since) == [Share(None, 3, 2)]
    assert coverage(2025, [1, 2, 4], since)[0].percent == Decimal("66.67")
    rows = coverage(2025, [1, 2, 4], since, {1: "东区", 2: "西区", 4: "西区"})
    assert rows == [Share("东区", 1, 1), Share("西区", 2, 1)]
    assert rows[1].percent == Decimal("50.00")
    assert coverage(2025, [], since) == []


@pytest.mark.django_db
def test_coverage_from_the_records_and_its_page(make_user, client_for):
    east, west = Zone.objects.create(name="东区"), Zone.objects.create(name="西区")
    a, b, c, d = (EnterpriseFactory(zone=zone) for zone in (east, east, west, west))
    for enterprise, years in ((a, (2024, 2025)), (b, (2024,)), (c, (2024, 2025)), (d, (2025,))):
        for year in years:
            AboveScaleYear.objects.create(enterprise=enterprise, year=year)
    # a: a smart workshop in 2024; b: a completed project of 2024 (b leaves 规上 in 2025);
    # c: a project still running and a 上云 star (neither counts); d: a smart line in 2025.
    Certification.objects.create(enterprise=a, kind="smart_workshop", issuing_level="taizhou",
                                 certified_on=date(2024, 6, 1))
    TransformationProject.objects.create(enterprise=b, name="改造", year=2024, investment=100, state="completed")
    TransformationProject.objects.create(enterprise=c, name="改造", year=2024, investment=100, state="in_progress")
    Certification.objects.create(enterprise=c, kind="cloud", level="three_star", issuing_level="province",
                                 certified_on=date(2024, 6, 1))
    Certification.objects.create(enterprise=d, kind="smart_line", issuing_level="county",
                                 certified_on=date(2025, 2, 1))
    tables = services.coverage_tables(2024)
    assert (tables["total"].above_scale, tables["total"].transformed) == (3, 2)
    assert [(r.key, r.above_scale, r.transformed) for r in tables["by_zone"]] == [("东区", 2, 2), ("西区", 1, 0)]
    tables = services.coverage_tables(2025)
    assert (tables["total"].above_scale, tables["total"].transformed) == (3, 2)  # a and d; c not; b left
    assert [(r.key, r.above_scale, r.transformed) for r in tables["by_zone"]] == [("东区", 1, 1), ("西区", 2, 1)]
    assert services.coverage_tables(2023)["total"] is None
    client = client_for(make_user("industry"))
    response = client.get(reverse("transformation:coverage"), {"year": 2025})
    page = response.content.decode()
    assert response.status_code == 200 and "66.67" in page and "西区" in page and "未分行业" in page
    response = client.get(reverse("transformation:coverage"), {"year": "abc"})
    assert response.status_code == 200 and "年份无效，已显示最近一年。" in response.content.decode()
    # Every figure links to exactly the enterprises it counts.
    links = re.findall(r'href="([^"]+)" data-count="(\d+)"', page)
    assert len(links) == 2 + 2 * 2 + 2 * 1  # the total's two; two zones, one industry (未分行业), two each
    for url, figure in links:
        listed = client.get(html.unescape(url))
        assert listed.status_code == 200 and len(listed.context["enterprises"]) == int(figure), url
    listed = client.get(reverse("transformation:coverage_enterprises"), {"year": 2025, "zone": "西区", "transformed": 1})
    assert [e.pk for e in listed.context["enterprises"]] == [d.pk] and "2025 年" in listed.content.decode()
    listed = client.get(reverse("transformation:coverage_enterprises"), {"year": 2025, "transformed": 0})
    assert [e.pk for e in listed.context["enterprises"]] == [c.pk] and "未完成" in listed.content.decode()
    assert client.get(reverse("transformation:coverage_enterprises"), {"year": "abc"}).status_code == 200


@pytest.mark.django_db
def test_the_coverage_page_is_park_wide(enterprise_user, client_for):
    assert client_for(enterprise_user).get(reverse("transformation:coverage")).status_code == 403
    assert client_for(enterprise_user).get(reverse("transformation:coverage_enterprises")).status_code == 403
