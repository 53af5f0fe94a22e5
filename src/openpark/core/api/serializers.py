from rest_framework import serializers

from ..fields import USCCField, USCCSerializerField
from ..models import ChangeRecord, Grid, TaskRun
from ..scoping import scope_queryset


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related records can be chosen only among live rows in the requesting user's scope, and a
    model's own `clean()` runs, so the API validates as the pages do."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        USCCField: USCCSerializerField,
    }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is None:
                continue
            if hasattr(queryset.model, "is_deleted"):
                queryset = queryset.filter(is_deleted=False)
            if request is not None:
                queryset = scope_queryset(queryset, request.user)
            target.queryset = queryset
        return fields

    def validate(self, attrs):
        from django.core.exceptions import ValidationError as DjangoValidationError

        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = self.instance or model()
        for name, value in attrs.items():
            if name in {f.name for f in model._meta.concrete_fields}:
                setattr(instance, name, value)
        try:
            instance.clean()
            instance.validate_unique()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            ) from exc
        for field in model._meta.concrete_fields:
            if field.name in attrs:
                attrs[field.name] = getattr(instance, field.name)
        return attrs


class GridSerializer(ScopedModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "code", "name", "boundary", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class ChangeRecordSerializer(serializers.ModelSerializer):
    content_type = serializers.SerializerMethodField()
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = ChangeRecord
        fields = [
            "id", "time", "user", "username", "request_id", "source", "content_type",
            "object_id", "object_repr", "action", "action_display", "before", "after",
        ]

    def get_content_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            data["before"], data["after"] = instance.values_for(request.user)
        return data


class TaskRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = TaskRun
        fields = ["id", "name", "label", "state", "current", "total", "percent", "message",
                  "result", "result_file", "created_at", "started_at", "finished_at"]
