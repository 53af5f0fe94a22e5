"""Base API views: every queryset is limited to the user's scope, as on the pages."""
from django.db import transaction
from rest_framework import viewsets

from ..scoping import scope_queryset


class ScopedModelViewSet(viewsets.ModelViewSet):
    """CRUD over a domain model. Subclasses set `queryset`, `serializer_class` and
    `filterset_class` (the same FilterSet as the list page)."""

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()  # soft unless the model says otherwise


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user)
