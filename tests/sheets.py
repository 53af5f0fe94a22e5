"""Spreadsheets in tests: writing an upload, reading a download, and going through the import pages."""
import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from openpark.core.models import ImportJob


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


def upload(client, importer, content, name="导入.xlsx", **options):
    return client.post(reverse("core:import_start", args=[importer]),
                       {"file": SimpleUploadedFile(name, content), **options})


def latest_job():
    return ImportJob.objects.latest("created_at")


def confirm(client, job):
    return client.post(reverse("core:importjob_confirm", args=[job.pk]))
