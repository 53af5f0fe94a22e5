"""Base API views: every queryset is limited to the user's scope, as on the pages."""
from django.db import transaction
from rest_framework import viewsets

from ..deadlines import with_overdue
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


class DeclaredQueryset:
    """The rows of a declared model's endpoint: the same as its pages' (`ModelPages.scoped`), so
    a page and the API can never disagree on who sees what."""

    declaration = None

    def get_queryset(self):
        api = self.declaration.api
        queryset = self.declaration.scoped(self.request.user)
        if api.select_related:
            queryset = queryset.select_related(*api.select_related)
        if api.prefetch_related:
            queryset = queryset.prefetch_related(*api.prefetch_related)
        queryset = queryset.order_by(*(queryset.query.order_by or self.declaration.opts.ordering or ["pk"]))
        return with_overdue(queryset) if self.action in ("list", "retrieve") else queryset


class DeclaredViewSet(DeclaredQueryset, ScopedModelViewSet):
    pass


class DeclaredReadOnlyViewSet(DeclaredQueryset, ScopedReadOnlyViewSet):
    pass
