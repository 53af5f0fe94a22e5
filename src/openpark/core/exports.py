"""Export of a list to xlsx, with the list's own column headers (units included)."""
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path

from .columns import Column
from .importing import safe_workbook
from .masking import hidden_fields, mask_value
from .limits import REASON_MAX_LENGTH

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text cell starting with one of these opens as a formula in Excel and other spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """A cell as written to a CSV file: text that a spreadsheet would read as a formula
    ("=HYPERLINK(…)", "+1", "@SUM(…)", a leading tab or carriage return) gets an apostrophe in
    front, so that it opens as the text it is; numbers and other text are unchanged. (An xlsx
    file needs no such prefix: `safe_workbook` writes strings as strings.)"""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _sheet_with_header(workbook, sheet_name: str, labels: list[str]):
    """A worksheet with the header row written and the columns sized to their labels."""
    sheet = workbook.add_worksheet(sheet_name[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    for col, label in enumerate(labels):
        sheet.write_string(0, col, label, header)
        sheet.set_column(col, col, max(10, min(40, len(label) * 2 + 2)))
    return sheet


def write_xlsx(columns: list[Column], objects: Iterable, sheet_name: str, progress=None) -> bytes:
    buffer = io.BytesIO()
    workbook = safe_workbook(buffer, constant_memory=True)
    sheet = _sheet_with_header(workbook, sheet_name, [column.label for column in columns])
    for row, obj in enumerate(objects, start=1):
        for col, column in enumerate(columns):
            sheet.write(row, col, column.export(obj))
        if progress is not None and row % 1000 == 0:
            progress(row)
    workbook.close()
    return buffer.getvalue()


def table_xlsx(sheet_name: str, headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """A plain table (a dashboard's figures, say) as xlsx: one header row, then the rows."""
    return tables_xlsx([(sheet_name, headers, rows)])


def tables_xlsx(tables: Iterable[tuple[str, list[str], Iterable[Iterable]]],
                number_formats: Sequence[str | None] = ()) -> bytes:
    """Several plain tables as one xlsx, a sheet each: (sheet name, headers, rows). `number_formats`
    gives a column's Excel number format by its position ("0.00%" for a rate written as a fraction,
    "0.00" for hours), None or nothing for the default."""
    buffer = io.BytesIO()
    workbook = safe_workbook(buffer)
    formats = [workbook.add_format({"num_format": code}) if code else None for code in number_formats]
    for sheet_name, headers, rows in tables:
        sheet = _sheet_with_header(workbook, sheet_name, list(headers))
        for row, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                cell_format = formats[col] if col < len(formats) else None
                sheet.write(row, col, float(value) if isinstance(value, Decimal) else ("" if value is None else value),
                            cell_format)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


# Exports of personal data: in full only with a recorded reason -------------------------------------
#
# A model's `sensitive_fields` (phones, ID numbers) leave the platform in full only for a user whose
# role may see them AND who gives a reason (导出事由) with the export; the export is then recorded in
# the audit trail (a change record of action 导出: who, when, the model, the rows and the reason).
# Without a reason the same export is masked.

EXPORT_REASON_FIELD = "export_reason"


class ExportReasonForm(forms.Form):
    export_reason = forms.CharField(
        label="导出事由", required=False, strip=True, max_length=REASON_MAX_LENGTH,
        help_text="导出完整的手机号、身份证号须填写事由，事由记入审计记录；不填则脱敏导出。")


def export_reason(request) -> str:
    """The reason given with an export (a POST's 导出事由), "" when none; ValidationError (in
    Chinese) when it cannot be taken, so that nothing is exported."""
    if request.method != "POST":
        return ""
    form = ExportReasonForm(request.POST)
    if EXPORT_REASON_FIELD in request.POST and not request.POST[EXPORT_REASON_FIELD].strip():
        raise ValidationError("请填写导出事由：导出完整的手机号、身份证号须说明用途，事由记入审计记录。")
    if not form.is_valid():
        raise ValidationError([f"导出事由：{message}" for message in form.errors[EXPORT_REASON_FIELD]])
    return form.cleaned_data[EXPORT_REASON_FIELD]


def seen_in_full(model, user) -> set[str]:
    """The sensitive fields of `model` that `user`'s roles may see in full (what an export with a
    reason would show; a list page offers the export with a reason only when there are some)."""
    sensitive = getattr(model, "sensitive_fields", None) or {}
    return set(sensitive) - hidden_fields(model, user)


def full_fields(model, user, reason: str) -> set[str]:
    """The sensitive fields of `model` an export for `user` shows in full: those the user may see,
    and only when a reason is given."""
    return seen_in_full(model, user) if (reason or "").strip() else set()


def export_value(name: str, value, full: set[str], model) -> object:
    """A field's value as an export writes it: in full when `name` is in `full`, else masked when
    it is a sensitive field of `model`."""
    sensitive = getattr(model, "sensitive_fields", None) or {}
    return value if name in full or name not in sensitive else mask_value(name, value)


def sensitive_permissions() -> frozenset[str]:
    """Every permission that shows some model's sensitive fields in full."""
    from django.apps import apps

    return frozenset(permission for model in apps.get_models()
                     for permission in (getattr(model, "sensitive_fields", None) or {}).values())


class WithoutReason:
    """`user` as an export made without a reason sees the records: every permission that shows
    personal data in full left out, so each path that masks for a user (`visible_value`, the
    importers' export rows) masks it all. Everything else is the user's own."""

    def __init__(self, user):
        self._user = user
        self._withheld = sensitive_permissions()

    def __getattr__(self, name):
        return getattr(self._user, name)

    def has_perm(self, perm, obj=None) -> bool:
        return perm not in self._withheld and self._user.has_perm(perm, obj)

    def has_perms(self, perms, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perms)


def exporting_user(user, reason: str):
    """The user an export masks for: the user as they are with a reason, else `WithoutReason`."""
    return user if (reason or "").strip() else WithoutReason(user)


def records_export(model, reason: str) -> bool:
    """Whether an export of `model` goes to the audit trail: one of a model with personal data,
    or any export made with a reason."""
    return bool(getattr(model, "sensitive_fields", None)) or bool((reason or "").strip())


def record_export(model, user, rows: int, reason: str, full: set[str], what: str = ""):
    """The audit record (a ChangeRecord) of an export of `model`'s records (append-only, read by
    the auditors). The models are imported here: this module is used by scripts run without the apps."""
    from django.contrib.contenttypes.models import ContentType

    from .choices import ChangeAction
    from .models import ChangeRecord
    from .changes import _actor_values

    sensitive = getattr(model, "sensitive_fields", None) or {}
    labels = [str(model._meta.get_field(name).verbose_name) for name in sensitive if name in full]
    shown = f"（{'、'.join(labels)}完整）" if labels else "（脱敏）"
    actor = _actor_values()
    actor.update({"user_id": getattr(user, "pk", None), "username": getattr(user, "username", "")})
    return ChangeRecord.objects.create(
        time=timezone.now(), content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id="", object_repr=f"导出{what or model._meta.verbose_name_plural} {rows:,} 条{shown}"[:200],
        action=ChangeAction.EXPORT, before=None, after=None, reason=(reason or "")[:REASON_MAX_LENGTH], **actor)
