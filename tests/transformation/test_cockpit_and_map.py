"""智改数转 on the cockpit and on the enterprise map, against hand-counted data: the tile's figures
and the lists they link to (exactly the rows counted), the map's colourings by the 上云 and 智能工厂
level held at the end of a year and by the projects' state, and names reaching the map as data that
the map's script escapes."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from openpark.enterprises.models import AboveScaleYear, Enterprise
from openpark.transformation.cockpit import transformation_panel
from openpark.transformation.models import Certification, TransformationProject
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def certify(enterprise, kind, level, on):
    certification = Certification(enterprise=enterprise, kind=kind, level=level, issuing_level="province",
                                  certified_on=on)
    certification.full_clean()
    certification.save()
    return certification


def project(enterprise, name, year, state):
    item = TransformationProject.objects.create(enterprise=enterprise, name=name, year=year,
                                                investment=Decimal("100"))
    TransformationProject.objects.filter(pk=item.pk).update(state=state)  # the state as the demo loads it
    return item


@pytest.fixture
def park(enterprises):
    first, second, third = enterprises
    fourth = EnterpriseFactory()
    for index, enterprise in enumerate((first, second, third, fourth)):
        Enterprise.objects.filter(pk=enterprise.pk).update(longitude=Decimal("120.27") + Decimal(index) / 100,
                                                           latitude=Decimal("32.01"))
        AboveScaleYear.objects.create(enterprise=enterprise, year=2025)
    certify(first, "cloud", "three_star", date(2024, 3, 1))
    certify(first, "cloud", "four_star", date(2025, 4, 1))  # ends the three stars
    certify(first, "smart_workshop", "", date(2025, 6, 1))
    certify(second, "cloud", "five_star", date(2025, 9, 1))
    certify(second, "smart_workshop", "", date(2024, 5, 1))  # last year: not this year's
    certify(third, "cloud", "three_star", date(2025, 1, 10))
    certify(third, "smart_factory", "advanced", date(2023, 1, 1))
    project(first, "冲压车间改造", 2025, "approved")
    project(second, "MES 上线", 2025, "in_progress")
    project(third, "焊装线改造", 2024, "completed")
    return first, second, third, fourth


def listed(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {obj.pk for obj, _ in response.context["rows"]}


def test_the_tile_counts_by_hand_and_links_to_exactly_those_rows(park, make_user, client_for):
    first, second, third, fourth = park
    panel = transformation_panel(2025)
    shown = {figure.label: figure for figure in panel.figures}
    assert shown["本年星级上云"].value == 3 and shown["本年星级上云"].note == "其中四星及以上 2 家次"
    assert shown["本年智能车间"].value == 1
    # 规上 2025: four; transformed by then: the two with a 智能车间, the 智能工厂 (and its completed project).
    assert shown["规上企业覆盖率"].value == Decimal("75.00") and shown["规上企业覆盖率"].note == "3/4 家"
    assert shown["实施中项目"].value == 1

    client = client_for(make_user("industry"))
    cloud = set(Certification.objects.filter(kind="cloud", certified_on__year=2025).values_list("pk", flat=True))
    assert listed(client, shown["本年星级上云"].url) == cloud and len(cloud) == 3
    assert listed(client, shown["本年智能车间"].url) == set(
        Certification.objects.filter(kind="smart_workshop", enterprise=first).values_list("pk", flat=True))
    assert listed(client, shown["实施中项目"].url) == {TransformationProject.objects.get(name="MES 上线").pk}
    coverage = client_for(make_user("leader")).get(shown["规上企业覆盖率"].url)
    assert coverage.status_code == 200 and coverage.context["total"].percent == Decimal("75.00")

    assert transformation_panel(2030).figures[2].note == "2030 年尚无规上企业名单"


def test_the_tile_is_on_the_cockpit(park, make_user, client_for):
    html = client_for(make_user("leader")).get(reverse("cockpit")).content.decode()
    assert "智改数转" in html and "本年星级上云" in html


def map_categories(client, colour, year) -> dict[str, str]:
    response = client.get(reverse("enterprises:map_data"), {"colour": colour, "year": year})
    assert response.status_code == 200
    return {f["properties"]["name"]: f["properties"]["category"] for f in response.json()["enterprises"]["features"]}


def test_the_map_colours_by_level_held_and_by_projects(park, make_user, client_for):
    first, second, third, fourth = park
    client = client_for(make_user("leader"))
    assert map_categories(client, "cloud", 2025) == {
        first.name: "四星上云", second.name: "五星上云", third.name: "三星上云", fourth.name: "未上云"}
    assert map_categories(client, "cloud", 2024) == {  # the three stars held until 2025-04-01
        first.name: "三星上云", second.name: "未上云", third.name: "未上云", fourth.name: "未上云"}
    assert map_categories(client, "smart_factory", 2025) == {
        first.name: "非智能工厂", second.name: "非智能工厂", third.name: "先进级", fourth.name: "非智能工厂"}
    assert map_categories(client, "transformation_project", 2025) == {
        first.name: "有立项项目", second.name: "有实施中项目", third.name: "项目已验收", fourth.name: "无改造项目"}
    legend = client.get(reverse("enterprises:map_data"), {"colour": "cloud", "year": 2025}).json()["legend"]
    assert [(item["label"], item["count"]) for item in legend] == [
        ("五星上云", 1), ("四星上云", 1), ("三星上云", 1), ("未上云", 1)]
    assert "星级上云" in client.get(reverse("enterprises:map")).content.decode()


def test_the_colourings_need_the_modules_permission(park, make_user, client_for):
    client = client_for(make_user("investment"))
    if client.get(reverse("enterprises:map")).status_code != 200:
        pytest.skip("the role does not see the map")
    assert client.get(reverse("enterprises:map_data"), {"colour": "cloud", "year": 2025}).status_code == 400


def test_a_name_with_script_reaches_the_map_as_data_and_is_escaped(park, make_user, client_for):
    first = park[0]
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>企业'
    Enterprise.objects.filter(pk=first.pk).update(name=evil)
    client = client_for(make_user("leader"))
    categories = map_categories(client, "cloud", 2025)
    assert categories[evil] == "四星上云"  # the raw text, as data: the page's script escapes it
    script = (Path(settings.BASE_DIR) / "src/openpark/static/js/enterprise-map.js").read_text(encoding="utf-8")
    assert "escapeHtml(properties.name)" in script and "escapeHtml(properties.category)" in script
    assert "innerHTML" not in script
    page = client.get(reverse("enterprises:map")).content.decode()
    assert "<script>" not in page and evil not in page


def test_the_map_opens_a_colouring_at_its_year_and_takes_the_address(park, make_user, client_for):
    """规上 data ends in 2025 here: the map's own colourings open there, 智改数转's at this year (the
    levels held now), and ?colour=…&year=… picks both; a bad year falls back to the default."""
    from django.utils import timezone
    this_year = timezone.localdate().year
    client = client_for(make_user("leader"))
    page = client.get(reverse("enterprises:map"), {"colour": "cloud"})
    text = page.content.decode()
    assert page.context["colour"] == "cloud" and page.context["year"] == this_year
    assert f'<option value="cloud" data-year="{this_year}" selected>' in text
    assert '<option value="status" data-year="2025">' in text
    page = client.get(reverse("enterprises:map"), {"colour": "cloud", "year": "2024"})
    assert page.context["year"] == 2024 and 'data-chosen="true"' in page.content.decode()
    page = client.get(reverse("enterprises:map"), {"colour": "nonsense", "year": "abc"})
    assert page.status_code == 200 and page.context["colour"] == "status" and page.context["year"] == 2025
    # The data without a year: the colouring's own default year.
    data = client.get(reverse("enterprises:map_data"), {"colour": "cloud"}).json()
    assert data["year"] == this_year
    assert client.get(reverse("enterprises:map_data"), {"colour": "status"}).json()["year"] == 2025
