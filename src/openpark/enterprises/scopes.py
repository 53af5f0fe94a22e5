"""The scopes the enterprises app gives the platform (see `openpark.core.scoping`): an enterprise
user sees the rows of the enterprises bound to them."""
from openpark.core.scoping import Scope


def enterprise_ids(user) -> list[int]:
    return list(user.enterprise_bindings.filter(enterprise__is_deleted=False).values_list("enterprise_id", flat=True))


ENTERPRISE_SCOPE = Scope("enterprise", "scope_enterprise_field", enterprise_ids, "enterprises.enterprise", "企业", "家")


def bind_first_enterprise(user) -> None:
    """The demo enterprise user's binding (see `openpark.core.demo_users`)."""
    from .models import Enterprise, EnterpriseBinding

    first = Enterprise.objects.order_by("uscc").first()
    if first is not None:
        EnterpriseBinding.objects.get_or_create(user=user, enterprise=first)
