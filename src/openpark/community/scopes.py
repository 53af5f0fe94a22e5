"""The scope the community app gives the platform (see `openpark.core.scoping`): a department's
handlers see the cases dispatched to the departments bound to them, by a model's
`scope_department_field`."""
from openpark.core.scoping import Scope


def department_ids(user) -> list[int]:
    return list(user.department_bindings.filter(department__is_deleted=False).values_list("department_id", flat=True))


DEPARTMENT_SCOPE = Scope("department", "scope_department_field", department_ids, "community.department", "处置部门", "个",
                         staff=True)


def bind_first_department(user) -> None:
    """The demo handler's binding: the first department (see `openpark.core.demo_users`)."""
    from .models import Department, DepartmentBinding

    first = Department.objects.order_by("kind", "name").first()
    if first is not None:
        DepartmentBinding.objects.get_or_create(user=user, department=first)
