"""随手拍 from a phone: the photos a reporter sends (each read for the position its camera wrote,
then shrunk and re-encoded without any metadata), where the problem is (the phone's position, else
a photo's, else the address typed), filing the case with its photos in one go (once per form,
whatever the browser sends twice), and the limit on reports from people without an account."""
import ipaddress
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from io import BytesIO
from pathlib import PurePath

import filetype
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from openpark.core import attachments, geo
from openpark.core.context import client_address

from . import cases, casework
from .choices import CaseChannel, LocationSource
from .models import Case, CaseCategory

MAX_SIDE = 1600  # the longest side of a stored photo, in pixels
JPEG_QUALITY = 85
MAX_PHOTOS = 6
ADDED_PHOTO = "补充照片"  # a photo the reporter adds to their case later
MAX_ADDED_PHOTOS = 18  # all told, so that no reporter fills the disk through one open case
PHOTO_KINDS = {mime for mime, kind in attachments.KINDS.items() if kind.image_format}
GPS_IFD = 0x8825
REQUEST_KEY = re.compile(r"[0-9a-f]{32}")
TRACK_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
SIX_PLACES = Decimal("0.000001")

# People without an account: so many reports per address in so many seconds, and so many tries
# (a refused form included: each photo sent is decoded and re-encoded).
ANONYMOUS_LIMIT = 5
ANONYMOUS_TRIES = 20
ANONYMOUS_WINDOW = 600
THROTTLED = "提交过于频繁：同一网络 10 分钟内最多匿名上报 5 次，请稍后再试，或登录后上报。"


# Photos --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Photo:
    """A photo as it will be stored: JPEG bytes without metadata, at most MAX_SIDE pixels a side,
    and the position its camera wrote (longitude, latitude), if any."""

    name: str
    data: bytes
    position: tuple[Decimal, Decimal] | None

    def upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, self.data, "image/jpeg")


def prepared_photo(upload) -> Photo:
    """Read the ORIGINAL upload's GPS position, then shrink and re-encode it without EXIF; a
    ValidationError in Chinese for what is no photo, too large or broken."""
    name = attachments.clean_name(getattr(upload, "name", "") or "") or "照片"
    limit = attachments.max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"照片“{name}”过大（{attachments.human_size(size)}），每张不能超过 "
                              f"{attachments.human_size(limit)}。")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"照片“{name}”过大，每张不能超过 {attachments.human_size(limit)}。")
    guessed = filetype.guess(data) if data else None
    if guessed is None or guessed.mime not in PHOTO_KINDS:
        raise ValidationError(f"“{name}”不是可用的照片，请上传 JPEG、PNG 或 WebP 图片。")
    try:
        with Image.open(BytesIO(data)) as source:
            if source.width * source.height > attachments.MAX_IMAGE_PIXELS or max(source.size) > attachments.MAX_IMAGE_SIDE:
                raise ValidationError(f"照片“{name}”尺寸过大（{source.width}×{source.height}），请缩小后再上传。")
            position = exif_position(source.getexif())
            source.load()
            image = ImageOps.exif_transpose(source)
    except Image.DecompressionBombError as exc:
        raise ValidationError(f"照片“{name}”尺寸过大，请缩小后再上传。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"照片“{name}”已损坏或无法读取，请重新拍摄。") from exc
    return Photo(f"{PurePath(name).stem or '照片'}.jpg", shrunk(image), position)


def shrunk(image: Image.Image) -> bytes:
    """The pixels only, at most MAX_SIDE a side, as a JPEG: no EXIF, XMP, ICC or comment."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    else:
        image = image.copy()
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    image.info = {}
    out = BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def exif_position(exif) -> tuple[Decimal, Decimal] | None:
    """(longitude, latitude) from a photo's EXIF GPS block, or None when it has none, or one that
    is no position in China (0°, 0° is a camera without a fix)."""
    try:
        gps = exif.get_ifd(GPS_IFD)
    except (KeyError, ValueError, TypeError, OSError):
        return None
    try:
        lat, lon = _degrees(gps.get(2), gps.get(1), "S"), _degrees(gps.get(4), gps.get(3), "W")
    except (TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        return None
    if lat is None or lon is None:
        return None
    try:
        geo.check_position([lon, lat])
    except ValueError:
        return None
    return lon.quantize(SIX_PLACES, ROUND_HALF_UP), lat.quantize(SIX_PLACES, ROUND_HALF_UP)


def _degrees(value, ref, negative: str) -> Decimal | None:
    if value is None:
        return None
    parts = list(value) if isinstance(value, (tuple, list)) else [value]
    total = Decimal(0)
    for part, scale in zip(parts[:3], (1, 60, 3600)):
        total += Decimal(str(float(part))) / scale
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    return -total if str(ref or "").strip().upper().startswith(negative) else total


# The position ------------------------------------------------------------------------------------

def coordinate(text) -> Decimal | None:
    """A coordinate as sent by the page ("120.263000"), or None when there is none; ValueError for
    what is no number."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("位置应为数字。") from exc
    if not value.is_finite() or value.adjusted() >= 4:
        raise ValueError("位置应为数字。")
    return value.quantize(SIX_PLACES, ROUND_HALF_UP)


def device_position(data) -> tuple[Decimal, Decimal] | None:
    """The phone's position the page sent ((longitude, latitude)), or None; ValidationError for a
    wrong one."""
    try:
        lon, lat = coordinate(data.get("longitude")), coordinate(data.get("latitude"))
        if lon is None and lat is None:
            return None
        if lon is None or lat is None:
            raise ValueError("经度和纬度须同时提供。")
        geo.check_position([lon, lat])
    except ValueError as exc:
        raise ValidationError({"location": f"手机定位无效：{exc}"}) from exc
    return lon, lat


# Filing --------------------------------------------------------------------------------------------

def categories_for(user):
    """The categories the user may report: all in use for a reporter with an account, those that
    allow it for someone without one."""
    rows = CaseCategory.objects.filter(is_active=True).order_by("order", "code")
    return rows if user.is_authenticated else rows.filter(anonymous_allowed=True)


def category_for(user, choice) -> CaseCategory | None:
    """The category chosen on the page (its id as text), if the user may report it."""
    choice = str(choice or "").strip()
    if not (choice.isascii() and choice.isdigit() and len(choice) <= 18):
        return None
    return categories_for(user).filter(pk=int(choice)).first()


def _known_category(choice) -> bool:
    choice = str(choice or "").strip()
    return (choice.isascii() and choice.isdigit() and len(choice) <= 18
            and CaseCategory.objects.filter(pk=int(choice), is_active=True).exists())


@dataclass
class Filed:
    case: Case
    track_key: str = ""  # shown once to a reporter without an account
    again: bool = False  # the same form was sent before: nothing new was filed


def already_filed(user, request_key: str) -> Case | None:
    rows = Case.all_objects.filter(request_key=request_key)
    rows = rows.filter(reporter=user) if user.is_authenticated else rows.filter(reporter__isnull=True)
    return rows.select_related("category").first()


class ReportText(forms.Form):
    """The phone form's text fields, read as any form of the platform reads them: stripped, no NUL
    characters, no more than their fields hold."""

    request_key = forms.CharField(required=False, max_length=40)
    category = forms.CharField(label="问题类别", required=False, max_length=100)
    description = forms.CharField(label="问题描述", required=False, max_length=1000)
    address = forms.CharField(label="地址", required=False, max_length=200)
    longitude = forms.CharField(label="经度", required=False, max_length=30)
    latitude = forms.CharField(label="纬度", required=False, max_length=30)

    FIELD_OF = {"longitude": "location", "latitude": "location", "request_key": "__all__"}

    def errors_by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, messages in self.errors.items():
            label = self.fields[name].label if name in self.fields and self.fields[name].label else ""
            out.setdefault(self.FIELD_OF.get(name, name), []).extend(f"{label}：{m}" if label else m for m in messages)
        return out


def file_report(user, data, files) -> Filed:
    """File a case from the phone page's form: everything is checked before anything is written;
    the case and its photos are written in one transaction. Raises ValidationError (a dict of
    field → messages) and then nothing has changed."""
    text = ReportText(data)
    if not text.is_valid():
        raise ValidationError(text.errors_by_field())
    data = text.cleaned_data
    errors: dict[str, list[str]] = {}
    request_key = data["request_key"]
    if not REQUEST_KEY.fullmatch(request_key):
        raise ValidationError({"__all__": ["页面已过期，请刷新后再上报。"]})
    found = already_filed(user, request_key)
    if found is not None:
        return Filed(found, again=True)

    choice = data["category"]
    category = category_for(user, choice)
    if not choice:
        errors.setdefault("category", []).append("请选择问题类别。")
    elif category is None:
        errors.setdefault("category", []).append(
            "此类问题需登录后上报，请选择其他类别或先登录。" if not user.is_authenticated and _known_category(choice)
            else "所选的问题类别不存在或已停用。")

    uploads = [upload for upload in files.getlist("photos") if getattr(upload, "size", 0) or getattr(upload, "name", "")]
    photos = []
    if not uploads:
        errors.setdefault("photos", []).append("请至少拍一张照片。")
    elif len(uploads) > MAX_PHOTOS:
        errors.setdefault("photos", []).append(f"最多上传 {MAX_PHOTOS} 张照片，这次选了 {len(uploads)} 张。")
    else:
        for upload in uploads:
            try:
                photos.append(prepared_photo(upload))
            except ValidationError as exc:
                errors.setdefault("photos", []).extend(exc.messages)

    description, address = data["description"], data["address"]
    position, source = None, ""
    try:
        position = device_position(data)
        source = LocationSource.DEVICE if position else ""
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if position is None and "location" not in errors:
        position = next((photo.position for photo in photos if photo.position), None)
        source = LocationSource.PHOTO if position else (LocationSource.ADDRESS if address else "")
    if position is None and not address and "location" not in errors and "photos" not in errors:
        errors.setdefault("location", []).append("未能确定位置：请允许手机定位、使用带位置信息的照片，或填写地址。")
    if errors:
        raise ValidationError(errors)

    case = Case(category=category, description=description, address=address, channel=CaseChannel.PHONE,
                location_source=source, request_key=request_key, urgency=category.urgency,
                anonymous=not user.is_authenticated)
    if position is not None:
        case.longitude, case.latitude = position
    track_key = ""
    if not user.is_authenticated:
        track_key, case.track_digest = casework.new_track_key()
    try:
        with transaction.atomic():
            casework.submit(case, user if user.is_authenticated else None)
            for photo in photos:
                attachments.attach(case, photo.upload(), user, purpose=cases.REPORT_PHOTO)
    except ValidationError as exc:
        found = already_filed(user, request_key)
        if found is not None:
            return Filed(found, again=True)
        raise ValidationError(_by_field(exc)) from exc
    return Filed(case, track_key)


def add_photos(case: Case, user, files) -> int:
    """Photos the reporter adds to an open case later; how many were added."""
    if not case.is_open:
        raise ValidationError("案件已办结或已撤回，不能再补充照片。")
    uploads = files.getlist("photos")
    if not uploads:
        raise ValidationError("请选择要补充的照片。")
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(f"一次最多补充 {MAX_PHOTOS} 张照片。")
    added = attachments.attachments_of(case).filter(purpose=ADDED_PHOTO).count()
    if added + len(uploads) > MAX_ADDED_PHOTOS:
        raise ValidationError(f"每个案件最多补充 {MAX_ADDED_PHOTOS} 张照片，已补充 {added} 张。")
    photos = [prepared_photo(upload) for upload in uploads]
    with transaction.atomic():
        for photo in photos:
            attachments.attach(case, photo.upload(), user, purpose=ADDED_PHOTO)
    return len(photos)


def _by_field(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        known = {"category", "description", "address", "photos"}
        out: dict[str, list[str]] = {}
        for field, messages in exc.message_dict.items():
            out.setdefault(field if field in known else ("location" if field in ("longitude", "latitude")
                                                         else "__all__"), []).extend(messages)
        return out
    return {"__all__": exc.messages}


# People without an account -----------------------------------------------------------------------

def _network(address: str) -> str:
    """Whom the limit counts: an IPv4 address, or an IPv6 address's /64 (one subscriber's network,
    every address of which they may use)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def _throttle_key(request, what: str) -> str:
    return f"community:report:anonymous:{what}:{_network(client_address(request))}"


def throttled(request) -> bool:
    """Whether the address has used up its anonymous reports, or its tries, for now."""
    return ((cache.get(_throttle_key(request, "filed")) or 0) >= ANONYMOUS_LIMIT
            or (cache.get(_throttle_key(request, "tried")) or 0) >= ANONYMOUS_TRIES)


def count_anonymous(request, what: str = "filed") -> None:
    """Count a report filed (or, `what="tried"`, a form sent) from the request's address."""
    key = _throttle_key(request, what)
    cache.add(key, 0, ANONYMOUS_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, ANONYMOUS_WINDOW)


def case_for_key(key: str) -> Case | None:
    """The case a tracking key follows, or None (a wrong or malformed key)."""
    if not TRACK_KEY.fullmatch(key or ""):
        return None
    return (Case.objects.filter(track_digest=casework.track_digest(key)).exclude(track_digest="")
            .select_related("category").first())
