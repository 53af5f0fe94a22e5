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


def markers(payload) -> list[dict]:
    """The cases of the map's data as the popup reads them."""
    colours = {item["key"]: item["colour"] for item in payload["legend"]}
    return [{"id": item["i"], "number": item["n"], "category": payload["categories"][item["c"]],
             "state": payload["states"][item["s"]][0], "group": payload["states"][item["s"]][1],
             "colour": colours[payload["states"][item["s"]][1]], "reported": item["t"], "address": item["a"],
             "description": item["d"], "position": item["p"],
             "url": payload["url"].replace("/0/", f"/{item['i']}/")} for item in payload["cases"]]


def numbers(payload) -> set[str]:
    return {marker["number"] for marker in markers(payload)}


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
    by_number = {marker["number"]: marker for marker in markers(payload)}
    p = by_number[cases["open"].number]
    assert p["position"] == [120.25, 31.95]
    assert (p["category"], p["state"], p["group"], p["colour"]) == ("乱扔垃圾", "待核实", "open", queue_views.GROUPS["open"][1])
    assert p["url"] == cases["open"].get_absolute_url() and p["description"] == "路边垃圾堆放"
    assert p["reported"] == timezone.localtime(cases["open"].reported_at).strftime("%Y-%m-%d %H:%M")
    assert by_number[cases["closed"].number]["group"] == "closed"
    assert by_number[cases["invalid"].number]["state"] == "不予立案"
    assert [(item["key"], item["label"], item["count"]) for item in payload["legend"]] == [
        ("open", "在办", 2), ("closed", "已结案", 1), ("ended", "未立案或已撤回", 1)]
    assert sorted(m["position"] for m in markers(payload)) == sorted(
        [[120.25, 31.95], [120.26, 31.96], [120.25, 31.95], [120.4, 32.1]])
    assert payload["focus"] is None


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
    p = markers(data(client))[0]
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
    drawn = markers(data(client_for(centre)))[0]["position"]
    assert drawn == pytest.approx(list(geo.wgs84_to_gcj02(120.25, 31.95)), abs=1e-6)


def test_the_state_colours_are_told_apart_and_from_the_ground():
    colours = {label: colour for label, colour, _ in queue_views.GROUPS.values()}
    assert too_close(colours, 15) == [] and too_close({**colours, "底色": MAP_GROUND}, 15) == []


def test_anonymous_users_are_sent_to_log_in(client):
    for url in (reverse("community:case_map"), reverse("community:case_map_data"), reverse("community:case_stats"),
                reverse("community:case_queue", args=["dispatch"])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


# The grids under the markers, a case asked for, the data kept small -------------------------------------

def test_the_grids_the_user_may_see_go_out_with_their_names(cases, centre, rider, handler, case_grid, client_for):
    from openpark.core.models import Grid

    other = Grid.objects.create(code="CB-01", name="城北<b>网格</b>", boundary={
        "type": "Polygon", "coordinates": [[[120.3, 32.0], [120.31, 32.0], [120.31, 32.01], [120.3, 32.0]]]})
    Grid.objects.create(code="ZZ-01", name="无边界网格")
    assert [grid["name"] for grid in data(client_for(centre))["grids"]] == [other.name, case_grid.name]
    drawn = data(client_for(centre))["grids"][1]["boundary"]
    assert drawn["type"] == "Polygon" and drawn["coordinates"][0][0] == [120.2, 31.9]
    GridBinding.objects.create(user=rider, grid=case_grid)
    assert [grid["name"] for grid in data(client_for(rider))["grids"]] == [case_grid.name]
    assert data(client_for(handler))["grids"] == []


def test_a_case_asked_for_is_focused_even_when_the_filters_leave_it_out(cases, centre, rider, client_for):
    client = client_for(centre)
    opened = cases["open"]
    assert data(client, case=opened.pk)["focus"] == opened.pk
    narrowed = data(client, case=opened.pk, group="closed")
    assert narrowed["focus"] == opened.pk and numbers(narrowed) == {cases["closed"].number, opened.number}
    # a case the user may not see is not sent, and not focused
    assert data(client_for(rider), case=opened.pk)["focus"] is None
    assert opened.number not in numbers(data(client_for(rider), case=opened.pk))
    for bad in ("x", "9" * 30):
        assert client.get(reverse("community:case_map_data"), {"case": bad}).status_code == 400


def test_the_data_is_small(category, rider, centre, client_for, settings):
    settings.MAP_TILE_CRS = "gcj02"  # converted positions have many decimals: rounded to six
    long_text = "路边垃圾堆放，" * 40
    for n in range(20):
        file_case(category, rider, description=long_text, lon=f"120.25{n:02d}12", lat="31.951234")
    response = client_for(centre).get(reverse("community:case_map_data"))
    body = response.content.decode()
    assert "\\u" not in body and "乱扔垃圾" in body and body.count("乱扔垃圾") == 1  # names once, as UTF-8
    payload = response.json()
    assert all(len(m["description"]) <= queue_views.DESCRIPTION_SHOWN + 1 for m in markers(payload))
    assert all(len(str(value).split(".")[1]) <= 6 for m in markers(payload) for value in m["position"])
    assert len(response.content) / payload["count"] < 300, "bytes a marker"
    assert set(payload["cases"][0]) == {"i", "n", "c", "s", "t", "a", "d", "p"}


def test_the_case_page_shows_its_position_on_a_small_map(new_case, centre, client_for):
    html = client_for(centre).get(new_case.get_absolute_url()).content.decode()
    assert 'data-panel="case-position"' in html and 'id="case-point-map"' in html
    assert 'data-point="[120.25, 31.95]"' in html
    assert "城南一网格" in html and "&quot;boundary&quot;" in html  # the grid's outline, as an attribute's text
    assert f'href="/community/cases/map/?case={new_case.pk}"' in html and "在随手拍地图中查看" in html
    assert 'src="/static/js/case-point-map.js"' in html and "<script>" not in html
    script = (STATIC / "js" / "case-point-map.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "OpenPark.baseMap" in script and "OpenPark.node" in script


def test_a_case_without_a_position_has_no_map(new_case, centre, client_for):
    Case.objects.filter(pk=new_case.pk).update(latitude=None, longitude=None)
    html = client_for(centre).get(new_case.get_absolute_url()).content.decode()
    assert 'id="case-point-map"' not in html


def test_my_case_page_shows_its_position_and_the_map_link(new_case, rider, case_grid, client_for):
    GridBinding.objects.create(user=rider, grid=case_grid)
    html = client_for(rider).get(reverse("community:my_case", args=[new_case.pk])).content.decode()
    assert 'id="case-point-map"' in html and "城南一网格" in html
    assert f'href="/community/cases/map/?case={new_case.pk}"' in html
