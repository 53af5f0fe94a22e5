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
            MenuItem("低效用地", "evaluation:low_efficiency", "evaluation.view_disposalcase", park_wide=True),
            MenuItem("处置案", "evaluation:disposalcase_list", "evaluation.view_disposalcase", park_wide=True),
            MenuItem("评价方案", "evaluation:schemeversion_list", "evaluation.view_schemeversion", park_wide=True),
            MenuItem("等级政策", "evaluation:gradepolicy_list", "evaluation.view_gradepolicy", park_wide=True),
        )))
