from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from .models import ChangeRecord, EnterpriseBinding, Grid, GridBinding, ImportColumnMapping, User

admin.site.site_header = "OpenPark 系统管理"
admin.site.site_title = "OpenPark 系统管理"
admin.site.index_title = "账号、角色与绑定"


class EnterpriseBindingInline(admin.TabularInline):
    model = EnterpriseBinding
    extra = 0
    autocomplete_fields = ["enterprise"]


class GridBindingInline(admin.TabularInline):
    model = GridBinding
    extra = 0


class UserAddForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name")


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


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
        ("角色与权限", {"fields": ("is_active", "is_staff", "groups")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "full_name"]
    inlines = [EnterpriseBindingInline, GridBindingInline]

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_deleted", "updated_at"]
    search_fields = ["code", "name"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["time", "username", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "username", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportColumnMapping)
class ImportColumnMappingAdmin(admin.ModelAdmin):
    """Column names remembered from confirmed imports; deleting one makes the next file ask again."""

    list_display = ["importer", "header", "field"]
    list_filter = ["importer"]
    search_fields = ["header", "field"]
