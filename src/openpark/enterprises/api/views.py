from rest_framework import viewsets

from ..models import Industry
from . import serializers


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """GB/T 4754-2017, read-only reference data."""

    queryset = Industry.objects.all()
    serializer_class = serializers.IndustrySerializer
    filterset_fields = ["level", "section", "parent"]
    search_fields = ["code", "name"]
