from django.core.exceptions import NON_FIELD_ERRORS, ValidationError as DjangoValidationError
from django.db import models
from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers
from rest_framework.settings import api_settings

from ..fields import IdPrimaryKeyRelatedField, SafeJSONSerializerField, USCCField, USCCSerializerField
from ..models import REASON_MAX_LENGTH, REASON_MISSING, REASON_REQUIRED, ChangeRecord, Grid, TaskRun
from ..masking import hidden_fields, is_masked, mask_value, withheld_fields
from ..registry import choosable


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related records can be chosen only among live rows in the requesting user's scope, and the
    model's own rules run as on the pages: `clean()`, uniqueness and every constraint of its
    Meta (with the constraint's Chinese message, so DRF's own unique-together check is off)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        USCCField: USCCSerializerField,
        models.JSONField: SafeJSONSerializerField,
    }
    serializer_related_field = IdPrimaryKeyRelatedField

    def get_fields(self):
        """The model's fields, less those the requesting user may not see at all (the model's
        `restricted_fields`): neither shown nor taken."""
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            for name in withheld_fields(self.Meta.model, request.user):
                fields.pop(name, None)
        if getattr(self.Meta.model, "change_reason", None) is not None:
            fields["reason"] = serializers.CharField(
                label="修改原因", write_only=True, required=False, allow_blank=True, max_length=REASON_MAX_LENGTH,
                help_text="修改已有记录的原因，记入变更记录" + ("（必填）" if self._reason_required() else "。"))
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is None:
                continue
            if hasattr(queryset.model, "is_deleted"):
                queryset = queryset.filter(is_deleted=False)
            if request is not None:
                queryset = choosable(queryset, request.user)
            target.queryset = queryset
        return fields

    def get_validators(self):
        return []

    def to_representation(self, instance):
        """Sensitive fields (the model's `sensitive_fields`) masked for users without the right,
        as on the pages and in the exports."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = request.user if request is not None else AnonymousUser()
        for name in hidden_fields(type(instance), user) & data.keys():
            data[name] = mask_value(name, data[name])
        return data

    def _reason_required(self) -> bool:
        return getattr(self.Meta.model, "change_reason", None) == REASON_REQUIRED

    def validate(self, attrs):
        self._change_reason = (attrs.pop("reason", "") or "").strip()
        if self.instance is not None and self._reason_required() and not self._change_reason:
            raise serializers.ValidationError({"reason": [REASON_MISSING]})
        attrs = self._without_masked_values(super().validate(attrs))
        model = self.Meta.model
        instance = self.instance or model()
        concrete = {f.name for f in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(instance, name, value)
        try:
            validate_model(instance, exclude=concrete - self._writable_sources())
        except DjangoValidationError as exc:
            errors = dict(exc.message_dict)
            if NON_FIELD_ERRORS in errors:
                errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
            raise serializers.ValidationError(errors) from exc
        for field in model._meta.concrete_fields:
            if field.name in attrs:
                attrs[field.name] = getattr(instance, field.name)
        return attrs

    def update(self, instance, validated_data):
        instance._change_reason = getattr(self, "_change_reason", "")
        return super().update(instance, validated_data)

    def _without_masked_values(self, attrs: dict) -> dict:
        """A masked value sent back (a record read and written whole) keeps the stored one."""
        request = self.context.get("request")
        if self.instance is None or request is None:
            return attrs
        hidden = hidden_fields(self.Meta.model, request.user)
        return {name: value for name, value in attrs.items() if not (name in hidden and is_masked(value))}

    def _writable_sources(self) -> set[str]:
        return {field.source for field in self.fields.values() if not field.read_only}


def validate_model(instance, exclude: set[str]) -> None:
    """`Model.full_clean` without the field checks the serializer has made: `clean()`, then
    uniqueness and the Meta constraints over the fields not excluded. Raises every error found."""
    errors = instance.clean_text(exclude) if hasattr(instance, "clean_text") else {}
    for check in (instance.clean, lambda: instance.validate_unique(exclude=exclude),
                  lambda: instance.validate_constraints(exclude=exclude)):
        try:
            check()
        except DjangoValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise DjangoValidationError(errors)


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
            "object_id", "object_repr", "action", "action_display", "before", "after", "reason",
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
