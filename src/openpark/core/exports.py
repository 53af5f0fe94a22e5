"""Export of a list to xlsx, with the list's own column headers (units included)."""
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils.encoding import escape_uri_path

from .columns import Column
from .importing import safe_workbook

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
    buffer = io.BytesIO()
    workbook = safe_workbook(buffer)
    sheet = _sheet_with_header(workbook, sheet_name, headers)
    for row, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            sheet.write(row, col, float(value) if isinstance(value, Decimal) else ("" if value is None else value))
    workbook.close()
    return buffer.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
