from django.apps import AppConfig


class TransformationConfig(AppConfig):
    name = "openpark.transformation"
    label = "transformation"
    verbose_name = "智改数转"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import declarations  # noqa: F401  (the declared models)
        from . import cockpit, map, targets

        targets.register()
        cockpit.register()
        map.register()

        navigation.register(Module("transformation", "智改数转", 50, (
            MenuItem("覆盖率", "transformation:coverage", "transformation.view_certification", park_wide=True,
                     order=30),
        )))
