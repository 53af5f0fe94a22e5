from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "openpark.investment"
    label = "investment"
    verbose_name = "招商引资"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.navigation import MenuItem, Module

        from . import cockpit, targets
        from . import declarations, importers  # noqa: F401  (the declared models, the project importer)
        from .views import stuck_section

        navigation.register_home_section(stuck_section)
        navigation.register(Module("investment", "招商引资", 40, (
            MenuItem("项目总览", "investment:pipeline", "investment.view_project", park_wide=True, order=10),
            MenuItem("目标企业进度", "investment:target_progress", "investment.view_targetcompany", park_wide=True,
                     order=60),
            MenuItem("产业链图谱", "investment:chain_map", "enterprises.view_chain", park_wide=True, order=80),
        )))
        cockpit.register()
        targets.register()
