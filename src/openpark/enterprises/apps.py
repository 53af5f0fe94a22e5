from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "openpark.enterprises"
    label = "enterprises"
    verbose_name = "企业"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        navigation.register(Module("enterprises", "一企一档", 10, (
            MenuItem("企业名录", "enterprises:enterprise_list", "enterprises.view_enterprise"),
        )))
