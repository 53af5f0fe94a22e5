"""The scopes the enterprises app gives the platform (see `openpark.core.scoping`): an enterprise
user sees the rows of the enterprises bound to them; the account of a contracted third party (a
环保管家) sees those of the enterprises its contract covers, from the contract's first day to its
last. Both reach a model's rows by its `scope_enterprise_field`."""
from django.utils import timezone

from openpark.core.scoping import Scope


def enterprise_ids(user) -> list[int]:
    return list(user.enterprise_bindings.filter(enterprise__is_deleted=False).values_list("enterprise_id", flat=True))


def contract_enterprise_ids(user) -> list[int]:
    """The enterprises covered by a live contract the user is bound to, that runs today."""
    from .models import Enterprise

    today = timezone.localdate()
    return list(Enterprise.objects.filter(
        service_contracts__user_bindings__user=user, service_contracts__is_deleted=False,
        service_contracts__starts_on__lte=today, service_contracts__ends_on__gte=today,
    ).values_list("pk", flat=True).distinct())


ENTERPRISE_SCOPE = Scope("enterprise", "scope_enterprise_field", enterprise_ids, "enterprises.enterprise", "企业", "家")
CONTRACT_SCOPE = Scope("contract", "scope_enterprise_field", contract_enterprise_ids, "enterprises.enterprise", "企业", "家")


def bind_first_enterprise(user) -> None:
    """The demo enterprise user's binding (see `openpark.core.demo_users`)."""
    from .models import Enterprise, EnterpriseBinding

    first = Enterprise.objects.order_by("uscc").first()
    if first is not None:
        EnterpriseBinding.objects.get_or_create(user=user, enterprise=first)


def bind_demo_contract(user) -> None:
    """The demo 环保管家's binding: a contract of this year covering the first ten enterprises."""
    from .models import ContractBinding

    ContractBinding.objects.get_or_create(user=user, contract=demo_contract())


def demo_contract():
    """The demo park's 环保管家 contract (the demo data's inspections are made under it)."""
    from .models import Enterprise, ServiceContract

    year = timezone.localdate().year
    contract, created = ServiceContract.objects.get_or_create(number=f"HBGJ-{year}-001", defaults={
        "contractor": "演示环保科技有限公司", "service": "环保管家",
        "starts_on": timezone.localdate().replace(month=1, day=1),
        "ends_on": timezone.localdate().replace(month=12, day=31),
    })
    if created:
        contract.enterprises.set(Enterprise.objects.order_by("uscc")[:10])
    return contract
