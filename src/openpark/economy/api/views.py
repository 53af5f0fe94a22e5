from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from openpark.core.scoping import is_park_wide

from .. import services
from . import serializers


class FiguresView(APIView):
    """The park's figures for a period: each indicator's value and growth, the high-tech share
    of output and the count of high-tech enterprises (see `economy_summary`)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[serializers.FiguresQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not request.user.has_perm("economy.view_fact") or not is_park_wide(request.user):
            raise PermissionDenied("园区经济运行数据仅向园区管理人员开放。")
        query = serializers.FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        scope = services.Scope(data["scope"], data["scope_value"])
        return Response(services.summary(data["year"], data.get("month"), scope, data["basis"]))
