"""One's own notifications through the API: `/api/core/notifications/` lists them (`?unread=1`:
the unread ones), `.../<id>/read/` and `.../read-all/` mark them read. Nobody reads another's."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Notification
from ..notifications import inbox, mark_all_read, mark_read


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label="类别名称")

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(label="标为已读的条数")


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unread", str, enum=["1"], description="为 1 时只列未读")],
                       summary="我的通知"),
    retrieve=extend_schema(summary="通知"),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """我的通知：只能看到发给自己的通知。"""

    serializer_class = NotificationSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    queryset = Notification.objects.none()

    def get_queryset(self):
        unread_only = self.action == "list" and self.request.query_params.get("unread") == "1"
        return inbox(self.request.user, unread_only=unread_only)

    @extend_schema(request=None, responses={200: NotificationSerializer}, summary="标为已读")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = mark_read(self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: ReadAllSerializer}, summary="全部标为已读")
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": mark_all_read(request.user)})
