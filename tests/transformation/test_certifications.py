"""智改数转认定: the level fits the kind, and of 上云 and 智能工厂 an enterprise holds one level at a
time, on every path (model, page form, API)."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openpark.transformation.models import Certification

pytestmark = pytest.mark.django_db


def cert(enterprise, **fields):
    values = {"kind": "cloud", "level": "three_star", "issuing_level": "province", "certified_on": date(2024, 3, 1)}
    values.update(fields)
    return Certification(enterprise=enterprise, **values)


@pytest.mark.parametrize(("kind", "level", "ok"), [
    ("cloud", "four_star", True), ("cloud", "basic", False), ("cloud", "", False),
    ("smart_factory", "leading", True), ("smart_factory", "five_star", False),
    ("specialised", "little_giant", True), ("specialised", "sme", True), ("specialised", "advanced", False),
    ("smart_workshop", "", True), ("smart_workshop", "three_star", False), ("smart_line", "", True),
    ("model_factory", "sme", False),
])
def test_the_level_fits_the_kind(enterprises, kind, level, ok):
    certification = cert(enterprises[0], kind=kind, level=level)
    if ok:
        certification.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            certification.full_clean()
        assert "level" in refused.value.message_dict


def test_expiry_after_certification(enterprises):
    with pytest.raises(ValidationError) as refused:
        cert(enterprises[0], expires_on=date(2024, 3, 1)).full_clean()
    assert refused.value.message_dict["expires_on"] == ["有效期须晚于认定日期。"]


def test_a_new_level_ends_the_previous_one(enterprises):
    three = cert(enterprises[0])
    three.full_clean()
    three.save()
    four = cert(enterprises[0], level="four_star", certified_on=date(2026, 4, 1))
    four.full_clean()
    four.save()
    three.refresh_from_db()
    assert three.superseded_by == four and three.ended_on == date(2026, 4, 1) and not three.is_current
    assert four.is_current
    # Another kind, or another enterprise, is left alone.
    line = cert(enterprises[0], kind="smart_line", level="", certified_on=date(2026, 5, 1))
    line.save()
    assert Certification.objects.get(pk=four.pk).is_current
    # A level dated before the current one is refused.
    with pytest.raises(ValidationError) as refused:
        cert(enterprises[0], level="five_star", certified_on=date(2025, 1, 1)).full_clean()
    assert "同一时间只能持有一个级别" in refused.value.message_dict["certified_on"][0]


def test_unique_per_enterprise_kind_level_and_day(enterprises):
    cert(enterprises[0], kind="smart_line", level="").save()
    with pytest.raises(ValidationError) as refused:
        cert(enterprises[0], kind="smart_line", level="").full_clean()
    assert "该企业当天已有同类型、同级别的认定。" in str(refused.value)


def test_page_form_runs_the_rules(make_user, client_for, enterprises):
    client = client_for(make_user("industry"))
    url = reverse("transformation:certification_add")
    data = {"enterprise": enterprises[0].pk, "kind": "cloud", "level": "basic", "issuing_level": "province",
            "certified_on": "2024-03-01"}
    response = client.post(url, data)
    assert response.status_code == 200 and "星级上云企业的级别只能是三星、四星、五星" in response.content.decode()
    assert not Certification.objects.exists()
    client.post(url, {**data, "level": "three_star"})
    response = client.post(url, {**data, "level": "four_star", "certified_on": "2026-03-01"})
    assert response.status_code == 302
    old, new = Certification.objects.order_by("certified_on")
    assert old.superseded_by == new and old.ended_on == date(2026, 3, 1)
    response = client.post(url, {**data, "level": "five_star", "certified_on": "2025-03-01"})
    assert response.status_code == 200 and "同一时间只能持有一个级别" in response.content.decode()


def test_api_runs_the_rules(make_user, api_for, enterprises):
    api = api_for(make_user("industry"))
    url = "/api/transformation/certifications/"
    data = {"enterprise": enterprises[1].pk, "kind": "smart_factory", "level": "three_star",
            "issuing_level": "taizhou", "certified_on": "2024-03-01"}
    response = api.post(url, data, format="json")
    assert response.status_code == 400 and "level" in response.json()["errors"]
    assert api.post(url, {**data, "level": "basic"}, format="json").status_code == 201
    response = api.post(url, {**data, "level": "advanced", "certified_on": "2026-01-10"}, format="json")
    assert response.status_code == 201
    old = Certification.objects.get(level="basic")
    assert old.superseded_by_id == response.json()["id"] and old.ended_on == date(2026, 1, 10)
    response = api.post(url, {**data, "level": "excellent", "certified_on": "2025-01-10"}, format="json")
    assert response.status_code == 400 and "同一时间只能持有一个级别" in str(response.json())


def test_enterprises_see_their_own(enterprise_user, api_for, client_for, enterprises):
    mine = cert(enterprises[0])
    mine.save()
    other = cert(enterprises[1])
    other.save()
    ids = [row["id"] for row in api_for(enterprise_user).get("/api/transformation/certifications/").json()["results"]]
    assert ids == [mine.pk]
    client = client_for(enterprise_user)
    assert client.get(reverse("transformation:certification_detail", args=[other.pk])).status_code == 404
