from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "openpark.investment"
    label = "investment"
    verbose_name = "招商引资"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import importers  # noqa: F401  (registers the project importer)
        from .views import stuck_section

        navigation.register_home_section(stuck_section)
        navigation.register(Module("investment", "招商引资", 40, (
            MenuItem("项目总览", "investment:pipeline", "investment.view_project", park_wide=True),
            MenuItem("招商项目", "investment:project_list", "investment.view_project"),
            MenuItem("项目问题", "investment:problem_list", "investment.view_problem", park_wide=True),
            MenuItem("招商线索", "investment:lead_list", "investment.view_lead", park_wide=True),
            MenuItem("走访洽谈", "investment:visit_list", "investment.view_visit", park_wide=True),
            MenuItem("目标企业进度", "investment:target_progress", "investment.view_targetcompany", park_wide=True),
            MenuItem("目标企业", "investment:targetcompany_list", "investment.view_targetcompany", park_wide=True),
            MenuItem("产业链图谱", "investment:chain_map", "investment.view_chain", park_wide=True),
            MenuItem("产业链", "investment:chain_list", "investment.view_chain", park_wide=True),
            MenuItem("招商顾问", "investment:adviser_list", "investment.view_adviser", park_wide=True),
            MenuItem("办理时限", "investment:deadlinerule_list", "investment.view_deadlinerule", park_wide=True),
        )))
