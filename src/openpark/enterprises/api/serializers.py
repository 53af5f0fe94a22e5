from openpark.core.api.serializers import ScopedModelSerializer

from ..models import Enterprise


class EnterpriseSerializer(ScopedModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
