from django.apps import AppConfig


class EnvironmentConfig(AppConfig):
    name = "openpark.environment"
    label = "environment"
    verbose_name = "智慧环保"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import cockpit
        from . import declarations  # noqa: F401  (the declared models, their importers)

        navigation.register(Module("environment", "智慧环保", 45, (
            MenuItem("环保总览", "environment:dashboard", "environment.view_outfall", park_wide=True, order=5),
            MenuItem("巡河履职", "environment:patrol_duty", "environment.view_riverchief", park_wide=True, order=105),
            MenuItem("环保地图", "environment:map", "environment.view_outfall", park_wide=True, order=6),
        )))
        from .views import alerts_section, own_reminders_section

        navigation.register_home_section(alerts_section)
        navigation.register_home_section(own_reminders_section)
        from .views import home_tiles

        navigation.register_home_tiles(home_tiles)
        cockpit.register()

        from openpark.core.demo_users import register_demo_binding

        from .demo import tell_demo_office

        register_demo_binding("environment", tell_demo_office)
