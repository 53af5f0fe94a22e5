"""Domain logic of the enterprise record that spans models.

Land area of enterprises: the one place where 用地面积 is computed. Every module uses it.

The land area of an enterprise in year Y, in 亩, is taken on 31 December of Y:

    own land    = the area of the parcels it holds (any right type: 出让, 划拨 or 租赁 of state land),
                  acquired on or before that day and not released by it,
                  less the area that other enterprises use on those parcels that day (let to tenants);
    leased land = the area it uses that day on parcels held by others (ParcelUse rows);
    land area   = own land + leased land, never below zero.

So a parcel shared by a landholder and its tenants is counted once: each tenant has the part it
uses, the landholder the rest. Soft-deleted parcels count for nobody.
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from .models import LandParcel, ParcelUse

ZERO = Decimal("0")
PLACES = Decimal("0.0001")


def reference_date(year: int) -> date:
    return date(year, 12, 31)


def _parcels_held_on(day: date):
    return LandParcel.objects.filter(
        Q(acquired_on__isnull=True) | Q(acquired_on__lte=day),
        Q(released_on__isnull=True) | Q(released_on__gt=day),
    )


def _uses_on(day: date):
    return ParcelUse.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=day),
        Q(ended_on__isnull=True) | Q(ended_on__gte=day),
        parcel__in=_parcels_held_on(day),
    )


def land_areas(year: int, enterprise_ids=None) -> dict[int, Decimal]:
    """{enterprise id: land area in 亩} for every enterprise with land in `year` (three queries)."""
    day = reference_date(year)
    held = _parcels_held_on(day).filter(holder__isnull=False)
    uses = _uses_on(day)
    if enterprise_ids is not None:
        ids = list(enterprise_ids)
        held = held.filter(holder__in=ids)
        leased_in = uses.filter(enterprise__in=ids)
        let_out = uses.filter(parcel__holder__in=ids)
    else:
        leased_in = let_out = uses
    areas: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for holder, area in _sum_by(held, "holder"):
        areas[holder] += area
    for holder, area in _sum_by(let_out.filter(parcel__holder__isnull=False), "parcel__holder"):
        areas[holder] -= area
    for user, area in _sum_by(leased_in, "enterprise"):
        areas[user] += area
    return {pk: max(area, ZERO).quantize(PLACES) for pk, area in areas.items()}


def _sum_by(queryset, key: str):
    return queryset.values(key).annotate(total=Sum("area_mu")).values_list(key, "total")


def land_area(enterprise, year: int) -> Decimal:
    return land_areas(year, [enterprise.pk]).get(enterprise.pk, ZERO)
