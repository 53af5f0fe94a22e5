from rest_framework import permissions, viewsets

from ..filters import ChangeRecordFilterSet, GridFilterSet
from ..models import ChangeRecord, Grid, TaskRun
from .serializers import ChangeRecordSerializer, GridSerializer, TaskRunSerializer
from .viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet


class GridViewSet(ScopedModelViewSet):
    queryset = Grid.objects.all()
    serializer_class = GridSerializer
    filterset_class = GridFilterSet
    ordering_fields = ["code", "name", "updated_at"]


class ChangeRecordViewSet(ScopedReadOnlyViewSet):
    queryset = ChangeRecord.objects.select_related("content_type")
    serializer_class = ChangeRecordSerializer
    filterset_class = ChangeRecordFilterSet
    ordering_fields = ["time"]


class TaskRunViewSet(viewsets.ReadOnlyModelViewSet):
    """The requesting user's own background tasks and their progress."""

    queryset = TaskRun.objects.all()
    serializer_class = TaskRunSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["state", "name"]

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)
