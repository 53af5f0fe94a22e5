"""Attachments: the type read from the content, the size limit, images re-encoded without their
EXIF data and with a thumbnail, stored through Django's storage; a refused file stores nothing."""
import hashlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from openpark.core.attachments import attach, attachments_of, human_size
from openpark.core.choices import ChangeAction
from openpark.core.models import Attachment, ChangeRecord
from tests.factories import EnterpriseFactory

from tests.images import MAKE, jpeg_with_exif, png_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def enterprise():
    return EnterpriseFactory()


@pytest.fixture
def uploader(make_user):
    return make_user("economy")


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_photo_loses_its_gps_and_camera_and_gets_a_thumbnail(enterprise, uploader):
    original = jpeg_with_exif()
    assert Image.open(BytesIO(original)).getexif().get(MAKE) == "Huawei"  # the test photo has them
    attachment = attach(enterprise, upload("现场照片.jpg", original, "image/jpeg"), uploader, purpose="整改前")
    with attachment.file.open("rb") as stored:
        data = stored.read()
    image = Image.open(BytesIO(data))
    assert image.format == "JPEG" and image.size == (1200, 900)
    assert not image.getexif() and b"Huawei" not in data and b"Exif" not in data
    assert attachment.mime_type == "image/jpeg" and attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.original_name == "现场照片.jpg" and attachment.purpose == "整改前"
    assert attachment.uploaded_by == uploader
    with attachment.thumbnail.open("rb") as thumb:
        small = Image.open(BytesIO(thumb.read()))
    assert max(small.size) == 320 and small.format == "JPEG"


def test_a_png_keeps_its_type_and_a_pdf_is_stored_as_sent(enterprise, uploader):
    png = attach(enterprise, upload("图.png", png_bytes()), uploader)
    assert png.mime_type == "image/png" and Image.open(png.file.open("rb")).mode == "RGBA"
    pdf = attach(enterprise, upload("批复.pdf", PDF), uploader)
    assert pdf.mime_type == "application/pdf" and not pdf.thumbnail
    assert pdf.file.open("rb").read() == PDF
    assert list(attachments_of(enterprise)) == [pdf, png]


@pytest.mark.parametrize("name, data, message", [
    ("照片.jpg", EXE, "不支持这种文件"),
    ("截图.png", PDF, "文件内容与扩展名不符：文件名为 .png，内容却是PDF 文档"),
    ("空.pdf", b"", "文件是空的"),
    ("坏图.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "图片已损坏"),
])
def test_bad_files_are_refused_in_chinese_and_nothing_is_stored(enterprise, uploader, settings, name, data, message):
    with pytest.raises(ValidationError, match=message):
        attach(enterprise, upload(name, data), uploader)
    assert not Attachment.all_objects.exists() and stored_files(settings) == []


def test_a_file_over_the_limit_is_refused(enterprise, uploader, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="附件不能超过 1 KB"):
        attach(enterprise, upload("大.pdf", PDF + b" " * 2048), uploader)
    assert not Attachment.all_objects.exists() and stored_files(settings) == []


def test_names_lose_folders_and_control_characters(enterprise, uploader):
    attachment = attach(enterprise, upload("..\\..\\etc/证明\r\n.pdf", PDF), uploader)
    assert attachment.original_name == "证明.pdf"
    assert attach(enterprise, upload("noextension", PDF), uploader).original_name == "noextension.pdf"


def test_deleting_an_attachment_is_soft_and_recorded(enterprise, uploader):
    attachment = attach(enterprise, upload("批复.pdf", PDF), uploader)
    attachment.delete()
    assert not attachments_of(enterprise).exists()
    assert Attachment.all_objects.get(pk=attachment.pk).is_deleted
    assert ChangeRecord.objects.filter(object_id=str(attachment.pk), action=ChangeAction.DELETE).exists()


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(enterprise, uploader, settings, monkeypatch):
    monkeypatch.setattr("openpark.core.attachments.MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValidationError, match="图片尺寸过大（40×30）"):
        attach(enterprise, upload("图.png", png_bytes()), uploader)
    assert stored_files(settings) == []


def test_sizes_read_as_people_say_them():
    assert [human_size(n) for n in (820, 12_800, 20 * 1024 * 1024, 3_355_443)] == ["820 字节", "12.5 KB", "20 MB", "3.2 MB"]
