"""Files and photos kept as evidence on any record.

`attach(obj, uploaded_file, user)` is the one way in: it reads the type from the file's content
(never from its name or the browser's word), refuses what is not an accepted type, what is larger
than `ATTACHMENT_MAX_BYTES`, and a name whose extension contradicts the content; an image is
decoded and re-encoded, which leaves its EXIF data (GPS position, camera, time) and any other
metadata behind, and gets a thumbnail. The file is stored through Django's default storage.
Whatever is refused raises a ValidationError in Chinese and stores nothing.

Who may see, add or delete the attachments of a record is decided by the record (see
`openpark.core.attachment_views`); this module does not check permissions.
"""
import hashlib
import uuid
from dataclasses import dataclass
from io import BytesIO

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Attachment

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel photo; more is a decompression bomb, not evidence
MAX_IMAGE_SIDE = 16_384  # a panorama's width; a longer side (1 × 59 million pixels) only costs time
THUMBNAIL_SIZE = (320, 320)
MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class Kind:
    """An accepted type: its MIME type, the extensions a file of it may be named with (the first
    is the one it is stored with), its label, and the Pillow format that re-encodes it (images)."""

    mime: str
    extensions: tuple[str, ...]
    label: str
    image_format: str = ""


KINDS = {kind.mime: kind for kind in (
    Kind("image/jpeg", ("jpg", "jpeg", "jpe"), "JPEG 图片", "JPEG"),
    Kind("image/png", ("png",), "PNG 图片", "PNG"),
    Kind("image/webp", ("webp",), "WebP 图片", "WEBP"),
    Kind("application/pdf", ("pdf",), "PDF 文档"),
    Kind("application/msword", ("doc",), "Word 文档"),
    Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word 文档"),
    Kind("application/vnd.ms-excel", ("xls",), "Excel 表格"),
    Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel 表格"),
    Kind("application/vnd.ms-powerpoint", ("ppt",), "PowerPoint 演示文稿"),
    Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",),
         "PowerPoint 演示文稿"),
    Kind("application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument 文档"),
    Kind("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "OpenDocument 表格"),
    Kind("video/mp4", ("mp4",), "MP4 视频"),
)}
ACCEPTED_EXTENSIONS = sorted({ext for kind in KINDS.values() for ext in kind.extensions})
# What the upload form's file input offers (the content is checked all the same).
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS)


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(size: int) -> str:
    """A size as people read it: "820 字节", "12.5 KB", "20 MB"."""
    if size < 1024:
        return f"{size:,} 字节"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / 1024 / 1024, "MB")
    return f"{value:,.1f}".removesuffix(".0") + f" {unit}"


def attach(obj, uploaded_file, user, *, purpose: str = "", evidence: bool = False,
           shared: bool = False) -> Attachment:
    """Keep `uploaded_file` (a Django UploadedFile or File) as an attachment of `obj`, uploaded by
    `user` (None for the system). Raises ValidationError, storing nothing, on a refused file.
    `evidence`: the proof of a transition, never deleted afterwards; `shared`: shown to the
    record's enterprise too, not only to park staff."""
    if obj.pk is None:
        raise ValidationError("请先保存记录，再添加附件。")
    name = clean_name(getattr(uploaded_file, "name", "") or "")
    data = _read_limited(uploaded_file)
    kind = _checked_kind(data, name)
    stored, thumbnail = (_reencoded(data, kind) if kind.image_format else (data, None))
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
        original_name=_named_for(name, kind), mime_type=kind.mime, size=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(), purpose=purpose.strip(), evidence=evidence, shared=shared,
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    attachment.full_clean(exclude=["file", "thumbnail"])
    return _stored(attachment, stored, thumbnail, kind)


def attachments_of(obj, user=None):
    """The live attachments of `obj`, newest first, with their uploaders; for a user outside the
    park's staff (an enterprise's account, a contracted third party), only those shared with them."""
    attachments = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("uploaded_by")
    return attachments if user is None or sees_internal(user) else attachments.filter(shared=True)


def attachments_on_page(obj, user) -> list[Attachment]:
    """The attachments of `obj` that `user` sees (`attachments_of`), read once for every part of
    the object's page that shows them: the 附件 panel and the timeline's evidence."""
    read = obj.__dict__.setdefault("_attachments_on_page", {})
    internal = user is None or sees_internal(user)
    if internal not in read:
        read[internal] = list(attachments_of(obj, user))
    return read[internal]


def sees_internal(user) -> bool:
    from .scoping import is_park_wide

    return is_park_wide(user)


def clean_name(name: str) -> str:
    """The file's own name as shown and offered on download: no folders, no control characters,
    at most 255 characters with its extension kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[:MAX_NAME_LENGTH - len(ext) - 1]}.{ext}" if dot and len(ext) <= 10 else name[:MAX_NAME_LENGTH]
    return name


def _read_limited(uploaded_file) -> bytes:
    limit = max_bytes()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"文件过大（{human_size(size)}），附件不能超过 {human_size(limit)}。")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"文件过大，附件不能超过 {human_size(limit)}。")
    if not data:
        raise ValidationError("文件是空的。")
    return data


def _checked_kind(data: bytes, name: str) -> Kind:
    guessed = filetype.guess(data)
    kind = KINDS.get(guessed.mime) if guessed is not None else None
    if kind is None:
        accepted = "、".join(ACCEPTED_EXTENSIONS)
        raise ValidationError(f"不支持这种文件（按内容识别）。可上传的类型：{accepted}。")
    extension = _extension(name)
    if extension and extension not in kind.extensions:
        raise ValidationError(f"文件内容与扩展名不符：文件名为 .{extension}，内容却是{kind.label}。")
    return kind


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _named_for(name: str, kind: Kind) -> str:
    """The name, with the kind's extension added when the file came without one."""
    if not name:
        return f"附件.{kind.extensions[0]}"
    return name if _extension(name) else clean_name(f"{name}.{kind.extensions[0]}")


def _reencoded(data: bytes, kind: Kind) -> tuple[bytes, bytes]:
    """(the image re-encoded without its metadata, a JPEG thumbnail). Re-encoding keeps the
    pixels only: EXIF, XMP, ICC and text chunks stay behind; the EXIF orientation is applied to
    the pixels first, so that the photo stands as it was taken."""
    try:
        with Image.open(BytesIO(data)) as source:
            if source.width * source.height > MAX_IMAGE_PIXELS or max(source.size) > MAX_IMAGE_SIDE:
                raise ValidationError(f"图片尺寸过大（{source.width}×{source.height}），请缩小后再上传。")
            source.load()
            image = ImageOps.exif_transpose(source)
    except Image.DecompressionBombError as exc:
        raise ValidationError("图片尺寸过大，请缩小后再上传。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("图片已损坏或无法读取，请重新导出后再上传。") from exc
    image = _pixels_only(image, kind)
    out = BytesIO()
    options = {"quality": 90} if kind.image_format in ("JPEG", "WEBP") else {"optimize": True}
    image.save(out, kind.image_format, **options)
    return out.getvalue(), _thumbnail(image)


def _pixels_only(image: Image.Image, kind: Kind) -> Image.Image:
    if kind.image_format == "JPEG":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    clean = image.copy()
    clean.info = {}
    return clean


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode in ("RGBA", "LA"):
        background = Image.new("RGB", thumb.size, "white")
        background.paste(thumb, mask=thumb.getchannel("A"))
        thumb = background
    elif thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    out = BytesIO()
    thumb.save(out, "JPEG", quality=80)
    return out.getvalue()


def _stored(attachment: Attachment, data: bytes, thumbnail: bytes | None, kind: Kind) -> Attachment:
    """Write the files, then the row; if the row cannot be written, the files go again."""
    key = uuid.uuid4().hex
    attachment.file.save(f"{key}.{kind.extensions[0]}", ContentFile(data), save=False)
    try:
        if thumbnail is not None:
            attachment.thumbnail.save(f"{key}-thumb.jpg", ContentFile(thumbnail), save=False)
        attachment.save()
    except BaseException:
        for stored in (attachment.file, attachment.thumbnail):
            if stored:
                stored.storage.delete(stored.name)
        raise
    return attachment
