from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "openpark.evaluation"
    label = "evaluation"
    verbose_name = "亩均论英雄"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        navigation.register(Module("evaluation", "亩均评价", 30, (
            MenuItem("评价批次", "evaluation:run_list", "evaluation.view_run", park_wide=True),
            MenuItem("评价结果", "evaluation:result_list", "evaluation.view_result"),
            MenuItem("评价方案", "evaluation:schemeversion_list", "evaluation.view_schemeversion", park_wide=True),
        )))
