"""Model fields shared by the apps."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from . import crypto, uscc
from .codes import normalise_code
from .limits import check_json_value, id_out_of_range, parse_json_text


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_uscc") from exc


class USCCFormField(forms.CharField):
    """Accepts the code as people type it (spaces, lower case, full-width) and normalises it."""

    def to_python(self, value):
        return uscc.normalise(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # the typed form may be longer than the normalised code
        return attrs


class USCCSerializerField(serializers.CharField):
    def to_internal_value(self, data):
        return uscc.normalise(super().to_internal_value(data))


class CodeFormField(forms.CharField):
    def to_python(self, value):
        return normalise_code(super().to_python(value))


class CodeField(models.CharField):
    """A certificate or document number, stored normalised (see normalise_code)."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_code(value) if value else value

    def pre_save(self, model_instance, add):
        value = normalise_code(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CodeFormField, **kwargs})


class USCCField(models.CharField):
    """统一社会信用代码, normalised and checked to GB 32100-2015."""

    default_validators = [validate_uscc]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return uscc.normalise(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": USCCFormField, **kwargs})


# Encrypted personal data ----------------------------------------------------------------------


ENCRYPTED_LOOKUPS = frozenset({"isnull", "exact"})


class EncryptedLookupError(TypeError):
    pass


class EncryptedCharField(models.CharField):
    """A text stored encrypted (`openpark.core.crypto.encrypt`); the model, forms, the API and the
    import see it in plain text. `max_length` is checked on the plain text; the column is as wide as
    the longest token. The database cannot compare what it cannot read: the field may only be asked
    whether it is empty or NULL; find a record by a digest kept beside it (a phone's
    `phone_digest`), never by the field itself. The change record keeps it masked (see
    `openpark.core.changes`)."""

    encrypted = True
    description = "Text stored encrypted"

    def db_type(self, connection):
        return models.CharField(max_length=crypto.token_length(self.max_length)).db_type(connection)

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        try:
            return crypto.decrypt(value)
        except crypto.DecryptionError as exc:
            raise crypto.DecryptionError(
                f"{self.model._meta.verbose_name}的“{self.verbose_name}”无法解密：{exc}。") from None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in ENCRYPTED_LOOKUPS:
            raise EncryptedLookupError(
                f"“{self.verbose_name}”加密存储，不能按“{lookup_name}”查询；请按其摘要查找（如 phone_digest）。")
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise EncryptedLookupError(f"“{self.verbose_name}”加密存储，不能按“{lookup_name}”查询。")


class EncryptedExact(models.lookups.Exact):
    """Only an empty value may be compared: a token differs each time the same text is encrypted."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise EncryptedLookupError(
                f"“{self.lhs.target.verbose_name}”加密存储，只能判断是否为空，不能按值查询；请按其摘要查找。")
        return self.rhs

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])


EncryptedCharField.register_lookup(EncryptedExact)


# Ids and JSON values, checked before they reach the database (see `openpark.core.limits`). --

ID_OUT_OF_RANGE = "所选记录不存在（编号超出范围）。"


class IdRangeChoiceMixin:
    """A choice of a record by id that refuses ids no id column can hold, instead of failing in
    the database (SQLite: "Python int too large to convert to SQLite INTEGER")."""

    def to_python(self, value):
        if self.to_field_name is None and id_out_of_range(value):
            raise ValidationError(ID_OUT_OF_RANGE, code="invalid_choice")
        return super().to_python(value)

    def _check_values(self, value):
        if self.to_field_name is None:
            for item in value:
                if id_out_of_range(item):
                    raise ValidationError(ID_OUT_OF_RANGE, code="invalid_choice")
        return super()._check_values(value)


class IdModelChoiceField(IdRangeChoiceMixin, forms.ModelChoiceField):
    pass


class IdModelMultipleChoiceField(IdRangeChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class SafeJSONFormField(forms.JSONField):
    """JSON text read strictly: no NaN or Infinity, no deep nesting, no NUL characters, no
    numbers too large to store."""

    def to_python(self, value):
        if self.disabled or value in self.empty_values:
            return super().to_python(value)
        if isinstance(value, str) and not isinstance(value, forms.fields.JSONString):
            value = parse_json_text(value)
            return forms.fields.JSONString(value) if isinstance(value, str) else value
        check_json_value(value)
        return value

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)  # an empty box, not "null"

    def bound_data(self, data, initial):
        if self.disabled:
            return initial
        if data is None:
            return None
        try:
            return parse_json_text(data)
        except ValidationError:
            return forms.fields.InvalidJSONInput(data)


class IdPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A link by id: a whole number in range (1.5 or true is refused, not read as record 1)."""

    default_error_messages = {"out_of_range": ID_OUT_OF_RANGE, "not_whole": "编号应为整数，收到“{data}”。"}

    def to_internal_value(self, data):
        if self.pk_field is None and id_out_of_range(data):
            self.fail("out_of_range")
        if self.pk_field is None and (isinstance(data, bool) or isinstance(data, float) and not data.is_integer()):
            self.fail("not_whole", data=data)
        return super().to_internal_value(data)


class SafeJSONSerializerField(serializers.JSONField):
    """As SafeJSONFormField, for the API (the JSON body itself is read by `api.parsers`)."""

    def to_internal_value(self, data):
        if getattr(data, "is_json_string", False) or (self.binary and isinstance(data, (str, bytes))):
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            try:
                return parse_json_text(text)
            except ValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        try:
            check_json_value(data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return super().to_internal_value(data)
