"""账号管理 through the API: `/api/core/accounts/` lists the accounts the caller may manage
(`?q=`, `?role=`, `?state=` as on the page), and `.../<id>/lock/`, `unlock/`, `deactivate/`,
`activate/` act on one. The rules are `openpark.core.accounts`', as for the pages; passwords are
reset on the page only, where the temporary one is shown once."""
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import accounts
from ..models import User
from ..roles import ROLES, ROLES_BY_SLUG


class AccountSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField(label="角色")
    state = serializers.SerializerMethodField(label="状态")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "roles", "state", "is_active", "is_locked", "must_change_password",
                  "last_login"]
        read_only_fields = fields

    def get_roles(self, user) -> list[str]:
        names = {group.name for group in user.groups.all()}
        return [role.name for role in ROLES if role.name in names]

    def get_state(self, user) -> str:
        return "已停用" if not user.is_active else "已锁定" if user.is_locked else "正常"


def _act(name):
    def act(self, request, pk=None):
        target = self.get_object()
        try:
            {"lock": accounts.lock, "unlock": accounts.unlock,
             "deactivate": lambda actor, user: accounts.set_active(actor, user, False),
             "activate": lambda actor, user: accounts.set_active(actor, user, True)}[name](request.user, target)
        except PermissionDenied as exc:
            from rest_framework.exceptions import PermissionDenied as Refused

            raise Refused(str(exc)) from exc
        target.refresh_from_db()
        return Response(AccountSerializer(target).data)

    act.__name__ = name
    return act


SUMMARIES = {"lock": "锁定账号", "unlock": "解锁账号（含登录失败锁定）", "deactivate": "停用账号", "activate": "启用账号"}


@extend_schema_view(
    list=extend_schema(summary="账号列表", parameters=[
        OpenApiParameter("q", str, description="姓名或用户名包含"),
        OpenApiParameter("role", str, enum=list(ROLES_BY_SLUG), description="角色"),
        OpenApiParameter("state", str, enum=[key for key, _ in accounts.ACCOUNT_STATES], description="状态"),
    ]),
    retrieve=extend_schema(summary="账号"),
)
class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """账号管理：系统管理员可管理的账号（超级管理员和管理员的账号不在其中）。"""

    serializer_class = AccountSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    lookup_value_regex = r"\d{1,18}"
    queryset = User.objects.none()

    def get_queryset(self):
        user = self.request.user
        if not user.has_perm("core.view_user"):
            raise PermissionDenied("您没有管理账号的权限。")
        params = self.request.query_params
        return accounts.find_accounts(user, (params.get("q") or "").strip()[:100], params.get("role") or "",
                                      params.get("state") or "")

    lock = extend_schema(request=None, responses={200: AccountSerializer}, summary=SUMMARIES["lock"])(
        action(detail=True, methods=["post"])(_act("lock")))
    unlock = extend_schema(request=None, responses={200: AccountSerializer}, summary=SUMMARIES["unlock"])(
        action(detail=True, methods=["post"])(_act("unlock")))
    deactivate = extend_schema(request=None, responses={200: AccountSerializer}, summary=SUMMARIES["deactivate"])(
        action(detail=True, methods=["post"])(_act("deactivate")))
    activate = extend_schema(request=None, responses={200: AccountSerializer}, summary=SUMMARIES["activate"])(
        action(detail=True, methods=["post"])(_act("activate")))
