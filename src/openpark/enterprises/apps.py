from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "openpark.enterprises"
    label = "enterprises"
    verbose_name = "企业"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import importers  # noqa: F401  (registers the importers)

        navigation.register(Module("enterprises", "一企一档", 10, (
            MenuItem("企业名录", "enterprises:enterprise_list", "enterprises.view_enterprise"),
            MenuItem("企业地图", "enterprises:map", "enterprises.view_enterprise"),
            MenuItem("土地台账", "enterprises:landparcel_list", "enterprises.view_landparcel"),
            MenuItem("片区", "enterprises:zone_list", "enterprises.view_zone"),
            MenuItem("园中园", "enterprises:subpark_list", "enterprises.view_subpark"),
        )))
