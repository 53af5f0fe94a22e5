from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "openpark.community"
    label = "community"
    verbose_name = "新就业群体"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from openpark.core.demo_users import bind_first_grid, register_demo_binding

        from openpark.core.accounts import AccountBinding, register_account_binding
        from openpark.core.scoping import register_scope

        from . import cockpit
        from . import declarations  # noqa: F401  (the declared models)
        from .demo import link_demo_rider
        from .scopes import DEPARTMENT_SCOPE, bind_first_department

        def bind_demo_rider(user):  # the grid worker's own binding, and the rider's record
            bind_first_grid(user)
            link_demo_rider(user)

        register_demo_binding("grid", bind_demo_rider)
        register_scope(DEPARTMENT_SCOPE)
        register_account_binding(AccountBinding(
            "department", "处置部门", "community.departmentbinding", "department", "department"))
        register_demo_binding("department", bind_first_department)
        cockpit.register()

        navigation.register(Module("community", "新就业群体", 50, (
            MenuItem("随手拍上报", "community:report", "community.report_case", order=4),
            MenuItem("我的随手拍", "community:my_cases", "community.report_case", order=8),
            MenuItem("附近驿站", "community:nearest_stations", "community.view_station", order=5),
            MenuItem("我的积分", "community:my_points", "community.view_own_points", order=6),
            MenuItem("服务站点地图", "community:map", "community.view_station", order=7),
            MenuItem("活动统计", "community:reports", "community.view_activity", park_wide=True, order=62),
            # 随手拍 for the staff: the work queues, the map and the statistics, after 随手拍案件.
            MenuItem("核实派遣队列", "community:case_queue_dispatch", "community.dispatch_case", order=111),
            MenuItem("处置队列", "community:case_queue_handle", "community.handle_case", order=112),
            MenuItem("核查队列", "community:case_queue_recheck", "community.recheck_case", order=113),
            MenuItem("随手拍地图", "community:case_map", "community.view_case", order=114),
            MenuItem("随手拍统计", "community:case_stats", "community.view_case", park_wide=True, order=115),
        )))
