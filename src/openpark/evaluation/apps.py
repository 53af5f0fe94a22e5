from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "openpark.evaluation"
    label = "evaluation"
    verbose_name = "亩均论英雄"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import cockpit, targets
        from . import declarations  # noqa: F401  (the declared models)

        navigation.register(Module("evaluation", "亩均评价", 30, (
            MenuItem("低效用地", "evaluation:low_efficiency", "evaluation.view_disposalcase", park_wide=True, order=30),
        )))
        cockpit.register()
        targets.register()
