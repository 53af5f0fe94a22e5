"""Enterprise list filters, the detail page's panels, masking, the map data and the API."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from openpark.enterprises.models import (
    AboveScaleYear, Chain, ChainMembership, Contact, HighTechCertificate, LandParcel, ParcelUse, SubPark, Tag, Zone,
    industry_for,
)
from tests.factories import EnterpriseFactory, bind_enterprise

LIST = "enterprises:enterprise_list"


@pytest.fixture
def park(db):
    west, east = Zone.objects.create(name="西区"), Zone.objects.create(name="东区")
    chain = Chain.objects.get(name="汽车配件")
    tag = Tag.objects.create(name="专精特新", kind="srdi")
    parts = EnterpriseFactory(name="甲汽配", industry_id="3670", zone=west, status="operating",
                              longitude=Decimal("120.25"), latitude=Decimal("31.96"))
    parts.tags.add(tag)
    ChainMembership.objects.create(enterprise=parts, chain=chain)
    motor = EnterpriseFactory(name="乙电机", industry_id="3819", zone=east, status="halted",
                              longitude=Decimal("120.27"), latitude=Decimal("31.96"))
    water = EnterpriseFactory(name="丙水务", industry_id="4610", zone=east)
    AboveScaleYear.objects.create(enterprise=parts, year=2021)
    HighTechCertificate.objects.create(enterprise=motor, number="GR2020001", issued_on=date(2020, 10, 1))
    return {"west": west, "east": east, "parts": parts, "motor": motor, "water": water, "chain": chain, "tag": tag}


def names(response):
    return sorted(obj.name for obj, _ in response.context["rows"])


@pytest.mark.parametrize("params, expected", [
    ({"zone": "west"}, ["甲汽配"]),
    ({"industry": "C36"}, ["甲汽配"]),
    ({"industry": "c3819"}, ["乙电机"]),
    ({"industry": "D"}, ["丙水务"]),
    ({"status": "halted"}, ["乙电机"]),
    ({"tag": "tag"}, ["甲汽配"]),
    ({"chain": "chain"}, ["甲汽配"]),
    ({"year": "2021", "above_scale": "1"}, ["甲汽配"]),
    ({"year": "2021", "above_scale": "0"}, ["丙水务", "乙电机"]),
    ({"year": "2022", "high_tech": "1"}, ["乙电机"]),
    ({"year": "2023", "high_tech": "1"}, []),
    ({"q": "电机"}, ["乙电机"]),
])
def test_list_filters(make_user, client_for, park, params, expected):
    params = {k: (park[v].pk if k in ("zone", "tag", "chain") else v) for k, v in params.items()}
    assert names(client_for(make_user("leader")).get(reverse(LIST), params)) == expected


def test_search_finds_former_names(make_user, client_for, park):
    park["parts"].name = "甲新名"
    park["parts"].save()
    rows = client_for(make_user("leader")).get(reverse(LIST), {"q": "甲汽配"}).context["rows"]
    assert [o.name for o, _ in rows] == ["甲新名"]


def test_detail_shows_the_whole_file(make_user, client_for, park):
    parts = park["parts"]
    LandParcel.objects.create(certificate_no="L-1", area_mu=Decimal("30"), holder=parts, acquired_on=date(2015, 1, 1))
    let = LandParcel.objects.get()
    ParcelUse.objects.create(parcel=let, enterprise=park["motor"], area_mu=Decimal("4"))
    Contact.objects.create(enterprise=parts, name="王伟", title="总经理", phone="13812345678")
    html = client_for(make_user("leader")).get(parts.get_absolute_url()).content.decode()
    for text in ("基本情况", "汽车配件", "2021", "用地", "L-1", "出租", "乙电机", "2021 年</strong> 26.00", "<td>30.00</td>", "<td>−4.00</td>", "联系人", "王伟"):
        assert text in html, text
    assert "138****5678" in html and "13812345678" not in html


def test_phone_is_shown_to_roles_with_the_permission(make_user, client_for, park):
    Contact.objects.create(enterprise=park["parts"], name="王伟", phone="13812345678")
    html = client_for(make_user("economy")).get(park["parts"].get_absolute_url()).content.decode()
    assert "13812345678" in html


def test_add_parcel_in_square_metres(make_user, client_for, park):
    client = client_for(make_user("economy"))
    response = client.post(reverse("enterprises:landparcel_add"), {
        "certificate_no": "苏（2020）第１号", "area_mu": "", "area_m2": "20000", "land_use": "industrial",
        "right_type": "granted", "holder": park["parts"].pk,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    parcel = LandParcel.objects.get()
    assert (parcel.certificate_no, parcel.area_mu) == ("苏(2020)第1号", Decimal("30.0000"))


def test_parcel_needs_a_holder_and_an_area(make_user, client_for, park):
    client = client_for(make_user("economy"))
    response = client.post(reverse("enterprises:landparcel_add"), {
        "certificate_no": "X", "land_use": "industrial", "right_type": "granted"})
    html = response.content.decode()
    assert response.status_code == 200 and "请填写面积" in html and "请选择权利人企业" in html
    assert not LandParcel.objects.exists()


def test_lease_cannot_exceed_the_parcel(make_user, client_for, park):
    parcel = LandParcel.objects.create(certificate_no="L-2", area_mu=Decimal("5"), holder=park["parts"])
    response = client_for(make_user("economy")).post(reverse("enterprises:parceluse_add"), {
        "parcel": parcel.pk, "enterprise": park["motor"].pk, "area_mu": "6"})
    assert "使用面积不能超过地块面积" in response.content.decode()


def test_enterprise_form_accepts_the_industry_code_either_way(make_user, client_for, park):
    client = client_for(make_user("economy"))
    url = reverse("enterprises:enterprise_edit", args=[park["water"].pk])
    data = {"uscc": park["water"].uscc, "name": "丙水务", "status": "operating", "industry": "d4610"}
    assert client.post(url, data).status_code == 302
    data["industry"] = "9999"
    assert "不是 GB/T 4754-2017 中的行业代码" in client.post(url, data).content.decode()
    form_html = client.get(url).content.decode()
    assert 'value="D4610"' in form_html


def test_subpark_must_be_in_the_zone(make_user, client_for, park):
    subpark = SubPark.objects.create(name="汽配产业园", zone=park["west"])
    response = client_for(make_user("economy")).post(
        reverse("enterprises:enterprise_edit", args=[park["motor"].pk]),
        {"uscc": park["motor"].uscc, "name": "乙电机", "status": "operating", "zone": park["east"].pk,
         "subpark": subpark.pk})
    assert "园中园不在所选片区内" in response.content.decode()


def test_map_data_colours_points_and_draws_zones(make_user, client_for, park):
    Zone.objects.filter(pk=park["west"].pk).update(boundary={"type": "Polygon", "coordinates": [[[120.24, 31.95], [120.26, 31.95], [120.26, 31.97], [120.24, 31.95]]]})
    client = client_for(make_user("leader"))
    assert client.get(reverse("enterprises:map")).status_code == 200
    data = client.get(reverse("enterprises:map_data"), {"colour": "zone"}).json()
    assert len(data["enterprises"]["features"]) == 2  # 丙水务 has no coordinates
    assert {f["properties"]["category"] for f in data["enterprises"]["features"]} == {"西区", "东区"}
    assert [f["properties"]["name"] for f in data["zones"]["features"]] == ["西区"]
    legend = {item["label"]: item["count"] for item in data["legend"]}
    assert legend == {"西区": 1, "东区": 1}
    high = client.get(reverse("enterprises:map_data"), {"colour": "high_tech", "year": 2021}).json()
    assert {f["properties"]["name"]: f["properties"]["category"] for f in high["enterprises"]["features"]} == {
        "甲汽配": "非高新技术企业", "乙电机": "2021年高新技术企业"}
    assert client.get(reverse("enterprises:map_data"), {"colour": "nonsense"}).status_code == 400
    assert client.get(reverse("enterprises:map_data"), {"year": "abc"}).json()["detail"] == "年份应为数字。"


def test_map_converts_to_gcj02_when_the_basemap_needs_it(make_user, client_for, park, settings):
    settings.MAP_TILE_CRS = "gcj02"
    data = client_for(make_user("leader")).get(reverse("enterprises:map_data")).json()
    lon, lat = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in data["enterprises"]["features"]}["甲汽配"]
    # Around Jingjiang the published offset is about +0.0045° in longitude and −0.0020° in latitude.
    assert 0.004 < lon - 120.25 < 0.005 and -0.0025 < lat - 31.96 < -0.0015


def test_map_is_scoped(make_user, client_for, park):
    user = make_user("enterprise")
    bind_enterprise(user, park["motor"])
    data = client_for(user).get(reverse("enterprises:map_data")).json()
    assert [f["properties"]["name"] for f in data["enterprises"]["features"]] == ["乙电机"]


def test_api_filters_and_industry_codes(make_user, api_for, park):
    api = api_for(make_user("economy"))
    data = api.get("/api/enterprises/enterprises/", {"industry": "C36"}).json()
    assert [r["name"] for r in data["results"]] == ["甲汽配"]
    assert data["results"][0]["industry"] == "3670" and data["results"][0]["tags"] == ["专精特新"]
    assert data["results"][0]["chains"] == ["汽车配件"]
    response = api.patch(f"/api/enterprises/enterprises/{park['water'].pk}/", {"industry": "C3670"}, format="json")
    assert response.status_code == 200 and response.json()["industry"] == "3670"
    response = api.patch(f"/api/enterprises/enterprises/{park['water'].pk}/", {"industry": "C9999"}, format="json")
    assert response.status_code == 400 and "C9999" in response.json()["errors"]["industry"][0]
    assert api.get("/api/enterprises/zones/").json()["count"] == 2
    assert api.get("/api/enterprises/industries/", {"level": 1}).json()["count"] == 20
    assert api.get("/api/enterprises/industries/3670/").json()["name"] == "汽车零部件及配件制造"


def test_api_masks_phones_without_the_permission(make_user, api_for, park):
    Contact.objects.create(enterprise=park["parts"], name="王伟", phone="13812345678")
    url = f"/api/enterprises/enterprises/{park['parts'].pk}/"
    assert api_for(make_user("leader")).get(url).json()["contacts"][0]["phone"] == "138****5678"
    assert api_for(make_user("economy")).get(url).json()["contacts"][0]["phone"] == "13812345678"


def test_enterprise_user_sees_only_its_own_land_and_contacts(make_user, client_for, api_for, park):
    own = LandParcel.objects.create(certificate_no="O-1", area_mu=Decimal("3"), holder=park["motor"])
    LandParcel.objects.create(certificate_no="O-2", area_mu=Decimal("3"), holder=park["parts"])
    user = make_user("enterprise")
    bind_enterprise(user, park["motor"])
    assert [p["certificate_no"] for p in api_for(user).get("/api/enterprises/parcels/").json()["results"]] == ["O-1"]
    client = client_for(user)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(LandParcel.objects.get(certificate_no="O-2").get_absolute_url()).status_code == 404
    assert client.get(park["parts"].get_absolute_url()).status_code == 404
    assert names(client.get(reverse(LIST))) == ["乙电机"]


@pytest.mark.parametrize("params", [{"colour": "high_tech", "year": 99999}, {"colour": "above_scale", "year": -5}])
def test_map_data_refuses_years_out_of_range(make_user, client_for, park, params):
    """Before: year 99999 reached a date lookup (ValueError: year 99999 is out of range)."""
    response = client_for(make_user("leader")).get(reverse("enterprises:map_data"), params)
    assert response.status_code == 400 and response.json()["detail"].startswith("年份不能")


def test_list_refuses_a_year_out_of_range_for_high_tech_and_above_scale(make_user, client_for, park):
    response = client_for(make_user("leader")).get(reverse(LIST), {"year": 99999, "high_tech": "1"})
    assert response.status_code == 200 and "年份：年份不能晚于 2100 年。" in response.content.decode()


def test_enterprise_form_refuses_tags_with_ids_beyond_64_bits(make_user, client_for, park):
    """Before: SQLite could not compare a 20-digit id (OverflowError)."""
    response = client_for(make_user("economy")).post(reverse("enterprises:enterprise_add"), {
        "uscc": "91321282MA1XYZ0001", "name": "新企业", "status": "operating", "tags": ["99999999999999999999"]})
    assert response.context["form"].errors["tags"] == ["所选记录不存在（编号超出范围）。"]


@pytest.mark.parametrize("code", ["C36\x00", "３６７０\x00", "36-70"])
def test_industry_codes_that_cannot_be_codes_are_refused_without_a_query(code, django_assert_num_queries, db):
    """Before: a NUL character reached PostgreSQL ("cannot contain NUL (0x00) bytes")."""
    with django_assert_num_queries(0):
        assert industry_for(code) is None


def test_enterprise_form_and_api_refuse_an_industry_with_a_nul_character(make_user, client_for, api_for, park):
    user = make_user("economy")
    response = client_for(user).post(reverse("enterprises:enterprise_add"), {
        "uscc": "91321282MA1XYZ0001", "name": "新企业", "status": "operating", "industry": "C36\x0070"})
    assert "不是 GB/T 4754-2017 中的行业代码" in str(response.context["form"].errors["industry"])
    response = api_for(user).patch(f"/api/enterprises/enterprises/{park['parts'].pk}/", {"industry": "36\x00"},
                                   format="json")
    assert response.status_code == 400 and "不是 GB/T 4754-2017 中的行业代码" in response.json()["detail"]


def test_parcel_page_shows_area_and_shape_as_people_write_them(make_user, client_for, park):
    point = LandParcel.objects.create(
        certificate_no="L-2", area_mu=Decimal("70.5"), holder=park["parts"],
        geometry={"type": "Point", "coordinates": [120.254143, 31.959654]})
    square = LandParcel.objects.create(
        certificate_no="L-3", area_mu=Decimal("1234.1234"), holder=park["parts"],
        geometry={"type": "Polygon", "coordinates": [[[120.1, 31.9], [120.2, 31.9], [120.2, 32.0], [120.1, 31.9]]]})
    client = client_for(make_user("leader"))
    html = client.get(point.get_absolute_url()).content.decode()
    assert "70.50" in html and "70.5000" not in html
    assert "点（120.254143, 31.959654）" in html and "coordinates" not in html
    html = client.get(square.get_absolute_url()).content.decode()
    assert "1,234.12" in html and "1,234.1234" not in html and "多边形，3 个顶点" in html and "coordinates" not in html
    listed = client.get(reverse("enterprises:landparcel_list")).content.decode()
    assert "70.50" in listed and "70.5000" not in listed
