from openpark.core.filters import SearchFilterSet

from .models import Enterprise


class EnterpriseFilterSet(SearchFilterSet):
    search_fields = ("name", "uscc")

    class Meta:
        model = Enterprise
        fields = ["uscc"]
