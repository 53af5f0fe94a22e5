from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "openpark.talent"
    label = "talent"
    verbose_name = "人才服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import cockpit, targets
        from . import declarations  # noqa: F401  (the declared models)

        targets.register()
        cockpit.register()

        navigation.register(Module("talent", "人才服务", 55, (
            MenuItem("年度统计", "talent:summary", "talent.view_jobposting", park_wide=True, order=70),
        )))
