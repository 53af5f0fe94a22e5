from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "openpark.community"
    label = "community"
    verbose_name = "新就业群体"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import declarations  # noqa: F401  (the declared models)

        navigation.register(Module("community", "新就业群体", 50, (
            MenuItem("附近驿站", "community:nearest_stations", "community.view_station", order=5),
            MenuItem("我的积分", "community:my_points", "community.view_own_points", order=6),
        )))
