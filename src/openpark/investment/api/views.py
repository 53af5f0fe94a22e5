"""Entering a project already under way, with its history (investment staff only)."""
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ENTER_HISTORY_PERMISSION
from .serializers import ExistingProjectSerializer, ProjectSerializer


class ExistingProjectView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="录入既有项目及其历史", request=ExistingProjectSerializer,
                   responses={201: ProjectSerializer})
    def post(self, request):
        if not request.user.has_perm(ENTER_HISTORY_PERMISSION):
            raise PermissionDenied("您没有录入既有项目历史的权限。")
        serializer = ExistingProjectSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        project = serializer.save()
        return Response(ProjectSerializer(project, context={"request": request}).data, status=status.HTTP_201_CREATED)
