"""Export of a list to xlsx, with the list's own column headers (units included)."""
import io
from collections.abc import Iterable

import xlsxwriter

from .columns import Column


def write_xlsx(columns: list[Column], objects: Iterable, sheet_name: str, progress=None) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = workbook.add_worksheet(sheet_name[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.label, header)
        sheet.set_column(col, col, max(10, min(40, len(column.label) * 2 + 2)))
    for row, obj in enumerate(objects, start=1):
        for col, column in enumerate(columns):
            sheet.write(row, col, column.export(obj))
        if progress is not None and row % 1000 == 0:
            progress(row)
    workbook.close()
    return buffer.getvalue()
