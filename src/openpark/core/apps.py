from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "openpark.core"
    label = "core"
    verbose_name = "基础"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import calendars, changes, declarations, navigation  # noqa: F401  (the declared models)
        from . import target_tiles
        from django.contrib.auth.signals import user_logged_in

        from .accounts import AccountBinding, register_account_binding
        from .middleware import IdleTimeoutMiddleware
        from .navigation import MenuItem, Module
        from .roles import sync_role_permissions
        from .scoping import GRID_SCOPE, register_scope

        post_migrate.connect(sync_role_permissions, dispatch_uid="openpark_sync_roles")
        user_logged_in.connect(IdleTimeoutMiddleware.touched_at_login, dispatch_uid="openpark_session_touched")
        calendars.connect()
        changes.connect()
        register_scope(GRID_SCOPE)
        register_account_binding(AccountBinding("grid", "网格", "core.gridbinding", "grid", "grid"))
        navigation.register(Module("grids", "网格", 80, ()))
        navigation.register(Module("targets", "目标", 15, (
            MenuItem("目标进度", "core:targets", "core.view_target", park_wide=True, order=10),
        )))
        target_tiles.register()
        navigation.register(Module("system", "系统", 90, (
            MenuItem("我的后台任务", "core:taskrun_list", None, order=20),
            MenuItem("账号管理", "core:account_list", "core.change_user", order=30),
            MenuItem("登录记录", "core:login_records", "axes.view_accesslog", order=50),
        )))
