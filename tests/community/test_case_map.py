"""随手拍地图: the cases each user may see, coloured by where they stand, with the points of the
heatmap; filters by category, state group and report date; texts go out as data; one query."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openpark.community import queue_views
from openpark.community.choices import CaseState as S
from openpark.community.models import Case, CaseCategory
from openpark.core import geo
from openpark.core.models import GridBinding
from tests.community.test_case_queues import advance, file_case
from tests.environment.test_map import MAP_GROUND, too_close

pytestmark = pytest.mark.django_db

MARKUP = "<img src=x onerror=alert(1)>"
STATIC = Path(__file__).resolve().parents[2] / "src" / "openpark" / "static"


def data(client, **params) -> dict:
    response = client.get(reverse("community:case_map_data"), params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def numbers(payload) -> set[str]:
    return {f["properties"]["number"] for f in payload["features"]["features"]}


@pytest.fixture
def cases(new_case, category, rider, centre, handler, department):
    """An open case, a closed one, one not registered, and one of another category and department."""
    from openpark.community.models import Department

    closed = advance(file_case(category, rider, lon="120.26", lat="31.96"), S.CLOSED, centre, handler)
    invalid = file_case(category, rider)
    invalid.machine.apply(invalid, "reject", centre, "现场无此问题")
    other = CaseCategory.objects.create(code="road", name="道路破损", icon="road")
    elsewhere = advance(file_case(other, rider, lon="120.40", lat="32.10"), S.DISPATCHED, centre,
                        department=Department.objects.create(name="交通局"))
    return {"open": new_case, "closed": closed, "invalid": invalid, "elsewhere": elsewhere}


def test_the_centre_sees_every_case_coloured_by_where_it_stands(cases, centre, client_for):
    payload = data(client_for(centre))
    assert payload["count"] == 4 and not payload["more"]
    by_number = {f["properties"]["number"]: f for f in payload["features"]["features"]}
    opened = by_number[cases["open"].number]
    assert opened["geometry"] == {"type": "Point", "coordinates": [120.25, 31.95]}
    p = opened["properties"]
    assert (p["category"], p["state"], p["group"], p["colour"]) == ("乱扔垃圾", "待核实", "open", queue_views.GROUPS["open"][1])
    assert p["url"] == cases["open"].get_absolute_url() and p["description"] == "路边垃圾堆放"
    assert p["reported"] == timezone.localtime(cases["open"].reported_at).strftime("%Y-%m-%d %H:%M")
    assert by_number[cases["closed"].number]["properties"]["group"] == "closed"
    assert by_number[cases["invalid"].number]["properties"]["state"] == "不予立案"
    assert [(item["key"], item["label"], item["count"]) for item in payload["legend"]] == [
        ("open", "在办", 2), ("closed", "已结案", 1), ("ended", "未立案或已撤回", 1)]
    assert sorted(payload["heat"]) == sorted([[31.95, 120.25], [31.96, 120.26], [31.95, 120.25], [32.1, 120.4]])


def test_the_filters(cases, centre, client_for):
    client = client_for(centre)
    assert numbers(data(client, category=cases["elsewhere"].category_id)) == {cases["elsewhere"].number}
    assert numbers(data(client, group="open")) == {cases["open"].number, cases["elsewhere"].number}
    assert numbers(data(client, group="closed")) == {cases["closed"].number}
    Case.objects.filter(pk=cases["open"].pk).update(reported_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate()
    recent = data(client, reported_from=(today - timedelta(days=7)).isoformat(), reported_to=today.isoformat())
    assert numbers(recent) == {cases["closed"].number, cases["invalid"].number, cases["elsewhere"].number}
    old = data(client, reported_to=(today - timedelta(days=30)).isoformat())
    assert numbers(old) == {cases["open"].number}


@pytest.mark.parametrize("params", [{"category": "x"}, {"category": "9" * 30}, {"group": "all"},
                                    {"reported_from": "2026-13-01"}, {"reported_from": "2026-03-02", "reported_to": "2026-03-01"}])
def test_bad_filters_are_refused_in_chinese(centre, client_for, params):
    client = client_for(centre)
    response = client.get(reverse("community:case_map_data"), params)
    assert response.status_code == 400 and response.json()["error"]
    page = client.get(reverse("community:case_map"), params)
    assert page.status_code == 400 and "筛选条件有误" in page.content.decode()


def test_a_handler_sees_their_departments_cases_and_a_grid_worker_their_grids(cases, handler, rider, case_grid,
                                                                             client_for):
    assert numbers(data(client_for(handler))) == {cases["closed"].number}
    assert numbers(data(client_for(rider))) == set()  # bound to no grid
    GridBinding.objects.create(user=rider, grid=case_grid)
    assert numbers(data(client_for(rider))) == {cases["open"].number, cases["closed"].number, cases["invalid"].number}


def test_who_may_open_the_map(cases, make_user, client_for):
    for slug in ("economy", "enterprise", "admin"):
        client = client_for(make_user(slug))
        assert client.get(reverse("community:case_map")).status_code == 403
        assert client.get(reverse("community:case_map_data")).status_code == 403
    leader = client_for(make_user("leader"))
    assert data(leader)["count"] == 4


def test_texts_go_out_as_data_and_the_page_has_no_inline_script(new_case, centre, client_for):
    Case.objects.filter(pk=new_case.pk).update(description=MARKUP, address=MARKUP)
    CaseCategory.objects.filter(pk=new_case.category_id).update(name=MARKUP)
    client = client_for(centre)
    p = data(client)["features"]["features"][0]["properties"]
    assert p["description"] == p["address"] == p["category"] == MARKUP
    page = client.get(reverse("community:case_map"))
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>随手拍地图</h1>" in html
    assert MARKUP not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;</option>" in html  # the category's name, as text
    assert 'src="/static/vendor/leaflet.heat/leaflet-heat.js"' in html and 'src="/static/js/case-map.js"' in html
    script = (STATIC / "js" / "case-map.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "OpenPark.baseMap" in script and "OpenPark.escapeHtml" in script
    assert "bindPopup(popup(" in script and "OpenPark.node" in script


def test_the_heat_layer_is_vendored_with_its_licence():
    folder = STATIC / "vendor" / "leaflet.heat"
    assert (folder / "LICENSE").read_text().startswith("Copyright (c) 2014, Vladimir Agafonkin")
    assert "heatLayer" in (folder / "leaflet-heat.js").read_text()


def test_one_query_for_the_cases_however_many(category, rider, centre, client_for):
    client = client_for(centre)
    file_case(category, rider)
    client.get(reverse("community:case_map_data"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("community:case_map_data"))
    for _ in range(5):
        file_case(category, rider)
    with CaptureQueriesContext(connection) as many:
        assert data(client)["count"] == 6
    assert len(many) == len(few)
    assert len([q for q in few.captured_queries if "community_case" in q["sql"]]) == 1


def test_the_data_follows_a_gcj02_basemap(new_case, centre, client_for, settings):
    settings.MAP_TILE_CRS = "gcj02"
    drawn = data(client_for(centre))["features"]["features"][0]["geometry"]["coordinates"]
    assert drawn == pytest.approx(list(geo.wgs84_to_gcj02(120.25, 31.95)), abs=1e-9)


def test_the_state_colours_are_told_apart_and_from_the_ground():
    colours = {label: colour for label, colour, _ in queue_views.GROUPS.values()}
    assert too_close(colours, 15) == [] and too_close({**colours, "底色": MAP_GROUND}, 15) == []


def test_anonymous_users_are_sent_to_log_in(client):
    for url in (reverse("community:case_map"), reverse("community:case_map_data"), reverse("community:case_stats"),
                reverse("community:case_queue", args=["dispatch"])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
