from rest_framework import viewsets

from openpark.core.api.viewsets import ScopedModelViewSet

from .. import filters
from ..models import Enterprise, Industry, LandParcel, ParcelUse, SubPark, Zone
from . import serializers


class EnterpriseViewSet(ScopedModelViewSet):
    queryset = Enterprise.objects.select_related("industry").prefetch_related(
        "tags", "above_scale_years", "high_tech_certificates", "former_names", "contacts"
    )
    serializer_class = serializers.EnterpriseSerializer
    filterset_class = filters.EnterpriseFilterSet
    ordering_fields = ["name", "uscc", "registered_on", "updated_at"]


class ZoneViewSet(ScopedModelViewSet):
    queryset = Zone.objects.all()
    serializer_class = serializers.ZoneSerializer
    filterset_class = filters.ZoneFilterSet


class SubParkViewSet(ScopedModelViewSet):
    queryset = SubPark.objects.all()
    serializer_class = serializers.SubParkSerializer
    filterset_class = filters.SubParkFilterSet


class LandParcelViewSet(ScopedModelViewSet):
    queryset = LandParcel.objects.select_related("holder").prefetch_related("uses")
    serializer_class = serializers.LandParcelSerializer
    filterset_class = filters.LandParcelFilterSet
    ordering_fields = ["certificate_no", "area_mu", "acquired_on"]


class ParcelUseViewSet(ScopedModelViewSet):
    queryset = ParcelUse.objects.all()
    serializer_class = serializers.ParcelUseSerializer
    filterset_class = filters.ParcelUseFilterSet


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """GB/T 4754-2017, read-only reference data."""

    queryset = Industry.objects.all()
    serializer_class = serializers.IndustrySerializer
    filterset_fields = ["level", "section", "parent"]
    search_fields = ["code", "name"]
