from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import registry, tokens
from ..models import TaskRun
from .serializers import TaskRunSerializer


class TaskRunViewSet(viewsets.ReadOnlyModelViewSet):
    """The requesting user's own background tasks and their progress."""

    queryset = TaskRun.objects.all()
    serializer_class = TaskRunSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["state", "name"]

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(label="密码", max_length=4096, trim_whitespace=False,
                                     style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(label="令牌（仅此一次返回）")
    expires_at = serializers.DateTimeField(label="到期时间", allow_null=True)


class ObtainTokenView(APIView):
    """Exchange a user name and password for a new API token. The token is returned once and
    only its digest is kept; repeated failures lock the login as on the login page."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        from ..views import account_locked

        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        django_request = request._request
        try:
            user = authenticate(django_request, **credentials.validated_data)
        except DjangoPermissionDenied:  # the lock of django-axes
            user = None
        if getattr(django_request, "axes_locked_out", False):
            return account_locked(django_request)
        if user is None:
            raise exceptions.ValidationError({"non_field_errors": ["用户名或密码不正确。"]})
        if user.must_change_password:
            raise exceptions.PermissionDenied("您的密码由管理员设置，请先登录网页修改密码，再申请令牌。")
        django_request.user = user  # the token's change record, and the login record, name the user
        user_logged_in.send(sender=type(user), request=django_request, user=user)
        token, key = tokens.issue(user, "接口登录")
        return Response(TokenResponseSerializer({"token": key, "expires_at": token.expires_at}).data)


class SearchView(APIView):
    """The global search: every kind of record the user may see whose declared search fields
    contain `q`, a few of each with a link to their list."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("q", str, description="查找的文字")], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        text = registry.search_text(request.query_params.get("q"))
        return Response({"results": [
            {"kind": d.key, "label": str(d.opts.verbose_name_plural), "more": more,
             "items": [{"id": row.pk, "text": str(row), "url": row.get_absolute_url()} for row in rows]}
            for d, rows, more in registry.search(request.user, text)
        ]})
