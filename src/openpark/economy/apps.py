from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "openpark.economy"
    label = "economy"
    verbose_name = "经济运行"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation

        from . import importers  # noqa: F401  (registers the fact importer)
        from openpark.core.navigation import MenuItem, Module

        navigation.register(Module("economy", "经济运行", 20, (
            MenuItem("经济看板", "economy:dashboard", "economy.view_fact", park_wide=True),
            MenuItem("企业指标数据", "economy:fact_list", "economy.view_fact"),
            MenuItem("指标定义", "economy:indicator_list", "economy.view_indicator"),
            MenuItem("全市参考值", "economy:cityfigure_list", "economy.view_cityfigure", park_wide=True),
        )))
