from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "openpark.enterprises"
    label = "enterprises"
    verbose_name = "企业"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from openpark.core import navigation
        from openpark.core.accounts import AccountBinding, register_account_binding
        from openpark.core.demo_users import register_demo_binding
        from openpark.core.navigation import MenuItem, Module
        from openpark.core.scoping import register_scope

        from . import declarations, importers  # noqa: F401  (the declared models, the importers)
        from .scopes import CONTRACT_SCOPE, ENTERPRISE_SCOPE, bind_demo_contract, bind_first_enterprise

        from openpark.core.uscc import register_name_reader

        register_scope(ENTERPRISE_SCOPE)
        register_name_reader(enterprise_names)
        register_scope(CONTRACT_SCOPE)
        register_demo_binding("enterprise", bind_first_enterprise)
        register_account_binding(AccountBinding(
            "enterprise", "企业", "enterprises.enterprisebinding", "enterprise", "enterprise"))
        register_account_binding(AccountBinding(
            "contract", "服务合同", "enterprises.contractbinding", "contract", "steward"))
        register_demo_binding("steward", bind_demo_contract)

        navigation.register(Module("enterprises", "一企一档", 10, (
            MenuItem("企业地图", "enterprises:map", "enterprises.view_enterprise", order=20),
        )))


def enterprise_names(codes: list[str]) -> dict[str, str]:
    """{统一社会信用代码: 企业名称} for the codes given, deleted enterprises included (an old record
    still names its company), a query per 900 codes."""
    from .models import Enterprise

    names = {}
    for start in range(0, len(codes), 900):
        names.update(Enterprise.all_objects.filter(uscc__in=codes[start:start + 900]).values_list("uscc", "name"))
    return names
