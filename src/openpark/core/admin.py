"""The admin site, where the system administrator manages accounts and their bindings.

Under 三员分立 the system administrator sees and changes only accounts that are neither
superusers nor administrators (their own included), cannot delete accounts (they are disabled
instead, so that the records keep their author), and changes roles only through 角色授权, which
asks a second administrator to approve business roles (see `openpark.core.accounts`).
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashField, UserChangeForm, UserCreationForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html

from .accounts import manageable_users, may_manage
from .limits import ID_MAX
from .models import ApiToken, ChangeRecord, Grid, GridBinding, ImportColumnMapping, User
from .roles import ROLES
from .scoping import role_names

admin.site.site_header = "OpenPark 系统管理"
admin.site.site_title = "OpenPark 系统管理"
admin.site.index_title = "账号与绑定"


class GridBindingInline(admin.TabularInline):
    model = GridBinding
    extra = 0


# The bindings edited on an account's page; each app that holds a binding adds its own
# (`add_binding_inline`), ahead of the grid's.
binding_inlines: list = [GridBindingInline]


def add_binding_inline(inline) -> None:
    if inline not in binding_inlines:
        binding_inlines.insert(len(binding_inlines) - 1, inline)


class UserAddForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name")


class PasswordStateWidget(forms.Widget):
    """Whether a password is set, and where to reset it; never the hash, its salt or algorithm."""

    def render(self, name, value, attrs=None, renderer=None):
        state = "已设置" if value and not value.startswith(UNUSABLE_PASSWORD_PREFIX) else "未设置（不能登录）"
        return format_html('<div>{}　<a class="button" href="../password/">重置密码</a></div>', state)


class UserEditForm(UserChangeForm):
    password = ReadOnlyPasswordHashField(label="密码", widget=PasswordStateWidget, help_text="")

    class Meta(UserChangeForm.Meta):
        model = User

    def clean_username(self):
        """Names differing only in case would let one account pass for another."""
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("已有同名账号（不区分大小写）。")
        return username


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserAddForm
    form = UserEditForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("状态与角色", {"fields": ("is_active", "roles")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("状态与角色", {"fields": ("is_active", "is_staff", "is_superuser", "roles")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["roles", "last_login", "date_joined"]
    list_display = ["username", "full_name", "role_list", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "full_name"]

    def get_inlines(self, request, obj):
        return binding_inlines

    def get_fieldsets(self, request, obj=None):
        if obj is not None and request.user.is_superuser:
            return self.superuser_fieldsets
        return super().get_fieldsets(request, obj)

    def get_queryset(self, request):
        return manageable_users(request.user, super().get_queryset(request).prefetch_related("groups"))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and User.objects.filter(pk=_as_id(object_id)).exists():
            raise PermissionDenied("系统管理员不能查看或修改超级管理员和管理员的账号。")
        return obj

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description="角色")
    def role_list(self, obj):
        names = role_names(obj)
        return "、".join(role.name for role in ROLES if role.name in names) or "—"

    @admin.display(description="角色")
    def roles(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("core:rolegrant_add") + f"?user={obj.pk}"
        return format_html('{}　<a href="{}">授予或收回角色</a>', self.role_list(obj), url)


def _as_id(object_id) -> int:
    try:
        value = int(object_id)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value <= ID_MAX else 0


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_deleted", "updated_at"]
    search_fields = ["code", "name"]


class FrozenRecordsAdmin(admin.ModelAdmin):
    """The admin of a model with frozen records (`ChangeLoggedModel.frozen_when`): a frozen record
    opens read-only, cannot be deleted, and "delete selected" refuses a choice that holds one."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_frozen)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_frozen)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            action, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_refusing_frozen(action), name, description)
        return actions


def _refusing_frozen(action):
    def delete_selected(modeladmin, request, queryset):
        frozen = list(queryset.frozen()[:FROZEN_NAMED])
        if frozen:
            names = "、".join(str(obj) for obj in frozen)
            modeladmin.message_user(request, f"{queryset.model.frozen_refusal('删除').rstrip('。')}：{names}", messages.ERROR)
            return None
        return action(modeladmin, request, queryset)

    return delete_selected


FROZEN_NAMED = 10  # frozen records a refusal names


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["time", "username", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "username", "request_id"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made by their owners on 接口令牌; here only their names and prefixes show."""

    list_display = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at"]
    fields = list_display
    search_fields = ["user__username", "name", "prefix"]


@admin.register(ImportColumnMapping)
class ImportColumnMappingAdmin(admin.ModelAdmin):
    """Column names remembered from confirmed imports; deleting one makes the next file ask again."""

    list_display = ["importer", "header", "field"]
    list_filter = ["importer"]
    search_fields = ["header", "field"]
