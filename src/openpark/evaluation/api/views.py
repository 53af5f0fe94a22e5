from openpark.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import filters, services
from ..models import DisposalCase, Result, Run, SchemeVersion
from . import serializers


class SchemeVersionViewSet(ScopedReadOnlyViewSet):
    """Evaluation schemes (read-only here: they are edited on their page, which checks them)."""

    queryset = SchemeVersion.objects.all()
    serializer_class = serializers.SchemeVersionSerializer
    filterset_class = filters.SchemeVersionFilterSet


class RunViewSet(ScopedReadOnlyViewSet):
    queryset = Run.objects.all()
    serializer_class = serializers.RunSerializer
    filterset_class = filters.RunFilterSet


class ResultViewSet(ScopedReadOnlyViewSet):
    """Results, filtered by run, group, grade, zone and industry; enterprise users see their own."""

    queryset = Result.objects.select_related("enterprise")
    serializer_class = serializers.ResultSerializer
    filterset_class = filters.ResultFilterSet
    ordering_fields = ["total", "rank", "grade"]

    def get_queryset(self):
        return services.visible_results(super().get_queryset(), self.request.user)


class DisposalCaseViewSet(ScopedModelViewSet):
    """Disposal cases of low-efficiency land; the state changes only through the case page's actions."""

    queryset = DisposalCase.objects.select_related("enterprise")
    serializer_class = serializers.DisposalCaseSerializer
    filterset_class = filters.DisposalCaseFilterSet
