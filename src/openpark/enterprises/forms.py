from openpark.core.forms import ScopedModelForm

from .models import Enterprise


class EnterpriseForm(ScopedModelForm):
    class Meta:
        model = Enterprise
        fields = ["uscc", "name"]
