from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "openpark.core"
    label = "core"
    verbose_name = "基础"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import calendars, navigation
        from . import changes  # noqa: F401  (connects the change-record signals)
        from .navigation import MenuItem, Module
        from .roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="openpark_sync_roles")
        calendars.connect()
        navigation.register(Module("grids", "网格", 80, (
            MenuItem("网格", "core:grid_list", "core.view_grid"),
        )))
        navigation.register(Module("system", "系统", 90, (
            MenuItem("变更记录", "core:changerecord_list", "core.view_changerecord"),
            MenuItem("我的后台任务", "core:taskrun_list", None),
            MenuItem("账号管理", "admin:core_user_changelist", "core.change_user"),
            MenuItem("角色授权", "core:rolegrant_list", "core.view_rolegrant"),
            MenuItem("登录记录", "core:login_records", "axes.view_accesslog"),
            MenuItem("工作日历", "core:calendarday_list", "core.change_calendarday"),
        )))
