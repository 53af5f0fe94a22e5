"""The core's declared models: grids, the working-day calendar, change records and role grants
(see `openpark.core.registry`)."""
from django.contrib.auth import get_user_model
from django.db.models import Q

from . import accounts
from .api.serializers import ChangeRecordSerializer, GridSerializer
from .changes import visible_change_records
from .filters import ChangeRecordFilterSet, GridFilterSet, RoleGrantFilterSet, TargetFilterSet
from .forms import GridForm, TargetForm
from .generic import ModelPages, object_history_url
from .models import CalendarDay, CalendarYear, ChangeRecord, Grid, RoleGrant, Target
from .registry import Api, Menu
from .target_views import TargetEditView
from .views import ChangeRecordDetailView, RoleGrantAddView, rolegrant_panel

grid_pages = ModelPages(
    Grid, filterset_class=GridFilterSet, form_class=GridForm,
    list_columns=["code", "name", "updated_at"],
    detail_fields=["code", "name", "boundary", "created_at", "updated_at"],
    api=Api("grids", serializer=GridSerializer, ordering=("code", "name", "updated_at")),
    menu=Menu("grids", "网格", order=10),
)
calendar_day_pages = ModelPages(
    CalendarDay, list_columns=["day", "is_workday", "name"], form_fields=["day", "is_workday", "name"],
    prefix="calendar/days/", default_sort="-day", search_fields=("name",),
    menu=Menu("system", "工作日历", order=60),
)
calendar_year_pages = ModelPages(
    CalendarYear, list_columns=["year", "note"], form_fields=["year", "note"], prefix="calendar/years/",
)


class ChangeRecordPages(ModelPages):
    def scoped(self, user):
        return visible_change_records(ChangeRecord.objects.all(), user)


change_pages = ChangeRecordPages(
    ChangeRecord, filterset_class=ChangeRecordFilterSet, actions=("list", "detail"),
    list_columns=["time", "actor", "action", "object_type", "object_repr", "reason", "request_id"],
    detail_fields=["time", "actor", "source", "request_id", "object_type", "object_id",
                   "object_repr", "action", "reason"],
    views={"detail": ChangeRecordDetailView}, prefix="changes/", select_related=["content_type", "user"],
    links={"object_repr": object_history_url}, search_fields=(),
    api=Api("changes", serializer=ChangeRecordSerializer, read_only=True, ordering=("time",),
            select_related=("content_type", "user")),
    menu=Menu("system", "变更记录", order=10),
    count_rows=False,
)


class RoleGrantPages(ModelPages):
    def scoped(self, user):
        """A system administrator sees the grants of the accounts it may manage, and its own
        requests; the security and audit administrators see every grant."""
        grants = super().scoped(user)
        if user.has_perm("core.grant_role_directly") or user.has_perm("core.view_all_changes"):
            return grants
        managed = accounts.manageable_users(user, get_user_model().objects.all())
        return grants.filter(Q(user__in=managed) | Q(requested_by=user))


rolegrant_pages = RoleGrantPages(
    RoleGrant, filterset_class=RoleGrantFilterSet, actions=("list", "detail", "add"),
    views={"add": RoleGrantAddView}, prefix="role-grants/",
    list_columns=["requested_at", "user", "role", "action", "state", "requested_by", "decided_by", "decided_at"],
    detail_fields=["user", "role", "action", "state", "reason", "requested_by", "requested_at", "decided_by",
                   "decided_at"],
    select_related=["user", "requested_by", "decided_by"], panels=[rolegrant_panel], search_fields=(),
    menu=Menu("system", "角色授权", order=40),
)

target_pages = ModelPages(
    Target, filterset_class=TargetFilterSet, form_class=TargetForm, views={"add": TargetEditView, "edit": TargetEditView},
    list_columns=["name", "year", "start", "end", "metric", "target_value", "direction", "owner"],
    form_fields=["name", "year", "start", "end", "owner", "metric", "target_value", "direction", "note"],
    detail_fields=["name", "year", "start", "end", "owner", "metric", "params_text", "target_value", "direction", "note",
                   "created_at", "updated_at"],
    prefix="targets/records/", menu=Menu("targets", "目标管理", order=20),
    api=Api("targets", fields=("name", "year", "start", "end", "owner", "metric", "params", "target_value",
                               "direction", "note")),
)
