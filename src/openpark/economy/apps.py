from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "openpark.economy"
    label = "economy"
    verbose_name = "经济运行"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation

        from openpark.core.navigation import MenuItem, Module

        from . import cockpit
        from . import declarations, importers  # noqa: F401  (the declared models, the fact importer)

        navigation.register(Module("economy", "经济运行", 20, (
            MenuItem("经济看板", "economy:dashboard", "economy.view_fact", park_wide=True, order=10),
        )))
        cockpit.register()
