from openpark.core.generic import ModelPages

from .filters import EnterpriseFilterSet
from .forms import EnterpriseForm
from .models import Enterprise

enterprise_pages = ModelPages(
    Enterprise, filterset_class=EnterpriseFilterSet, form_class=EnterpriseForm,
    list_columns=["uscc", "name", "updated_at"],
    detail_fields=["uscc", "name", "created_at", "updated_at"],
)
