from datetime import date
from decimal import Decimal

import pytest

from openpark.enterprises.industry import normalise_industry_code, read_table
from openpark.enterprises.services import land_area, land_areas
from openpark.enterprises.models import Enterprise, HighTechCertificate, Industry, LandParcel, ParcelUse
from tests.factories import EnterpriseFactory


def test_industry_codes_with_or_without_section_are_the_same():
    assert normalise_industry_code("C3670") == normalise_industry_code("3670") == "3670"
    assert normalise_industry_code(" ｃ３６７０ ") == "3670"
    assert normalise_industry_code(3670.0) == "3670"
    assert normalise_industry_code("c") == "C"


def test_shipped_industry_table_is_consistent():
    rows = read_table()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(r["parent"] in set(codes) for r in rows if r["level"] > 1)
    levels = [r["level"] for r in rows]
    assert (levels.count(1), levels.count(2)) == (20, 97)
    assert {r["code"]: r["name"] for r in rows}["3741"] == "飞机制造"


@pytest.mark.django_db
def test_migration_loaded_the_industry_table():
    assert Industry.objects.count() == len(read_table())
    assert Industry.objects.get(pk="3670").display_code == "C3670"
    assert Industry.objects.get(pk="3670").parent.parent.name == "汽车制造业"


@pytest.mark.django_db
def test_high_tech_is_derived_from_a_three_year_certificate():
    enterprise = EnterpriseFactory()
    HighTechCertificate.objects.create(enterprise=enterprise, number="GR201932000001", issued_on=date(2019, 11, 28))
    assert [y for y in range(2017, 2024) if enterprise.is_high_tech(y)] == [2019, 2020, 2021]
    assert list(Enterprise.objects.high_tech_in(2021)) == [enterprise]
    assert not Enterprise.objects.high_tech_in(2022).exists()


@pytest.mark.django_db
def test_renaming_keeps_the_former_name():
    enterprise = EnterpriseFactory(name="靖江老名字有限公司")
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    enterprise.name = "靖江新名字有限公司"
    enterprise.save()
    assert list(enterprise.former_names.values_list("name", flat=True)) == ["靖江老名字有限公司"]


def parcel(holder, area, certificate, **kwargs):
    return LandParcel.objects.create(certificate_no=certificate, area_mu=Decimal(area), holder=holder, **kwargs)


@pytest.mark.django_db
def test_land_area_is_own_land_less_let_plus_leased():
    landholder, tenant, other = EnterpriseFactory.create_batch(3)
    own = parcel(landholder, "50", "A-1", acquired_on=date(2015, 3, 1))
    parcel(landholder, "10", "A-2", acquired_on=date(2022, 6, 1))  # not yet held in 2021
    parcel(landholder, "8", "A-3", acquired_on=date(2010, 1, 1), released_on=date(2020, 5, 1))  # gone by 2021
    ParcelUse.objects.create(parcel=own, enterprise=tenant, area_mu=Decimal("12.5"), started_on=date(2019, 1, 1))
    ParcelUse.objects.create(parcel=own, enterprise=other, area_mu=Decimal("5"), started_on=date(2018, 1, 1),
                             ended_on=date(2020, 12, 31))  # ended before 2021
    platform = LandParcel.objects.create(certificate_no="P-1", area_mu=Decimal("100"), holder_name="平台公司")
    ParcelUse.objects.create(parcel=platform, enterprise=other, area_mu=Decimal("3.25"))

    areas = land_areas(2021)
    assert areas[landholder.pk] == Decimal("37.5000")
    assert areas[tenant.pk] == Decimal("12.5000")
    assert areas[other.pk] == Decimal("3.2500")
    assert land_areas(2020)[other.pk] == Decimal("8.2500")
    assert land_areas(2022)[landholder.pk] == Decimal("47.5000")
    assert land_area(tenant, 2018) == Decimal("0")
    assert sum(land_areas(2021).values()) == Decimal("53.2500")  # each 亩 counted once


@pytest.mark.django_db
def test_deleted_parcels_count_for_nobody():
    holder, tenant = EnterpriseFactory.create_batch(2)
    own = parcel(holder, "20", "D-1")
    ParcelUse.objects.create(parcel=own, enterprise=tenant, area_mu=Decimal("5"))
    own.delete()
    assert land_areas(2021) == {}


@pytest.mark.django_db
def test_land_areas_for_some_enterprises_only():
    a, b = EnterpriseFactory.create_batch(2)
    parcel(a, "4", "S-1")
    parcel(b, "6", "S-2")
    assert land_areas(2021, [b.pk]) == {b.pk: Decimal("6.0000")}
