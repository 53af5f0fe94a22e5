from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "openpark.enterprises"
    label = "enterprises"
    verbose_name = "企业"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import declarations, importers  # noqa: F401  (the declared models, the importers)

        navigation.register(Module("enterprises", "一企一档", 10, (
            MenuItem("企业地图", "enterprises:map", "enterprises.view_enterprise", order=20),
        )))
