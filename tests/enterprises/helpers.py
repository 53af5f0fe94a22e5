import io

import xlsxwriter
from python_calamine import CalamineWorkbook

from tests.factories import _uscc


def xlsx(rows: list[list], sheet: str = "Sheet1") -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            worksheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def read_xlsx(content: bytes, sheet: int = 0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(sheet).to_python()


def code(n: int) -> str:
    return _uscc(900000 + n)
