"""Images as uploads carry them: small PNGs, and a phone's JPEG with its camera and GPS position."""
from io import BytesIO

from PIL import Image

GPS_IFD = 0x8825
MAKE, MODEL = 0x010F, 0x0110


def png_bytes(size=(40, 30), mode="RGBA", colour=(0, 128, 0, 128)) -> bytes:
    out = BytesIO()
    Image.new(mode, size, colour[:len(mode)]).save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif(size=(1200, 900)) -> bytes:
    """A photo as a phone takes it: camera and GPS position in its EXIF."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE], exif[MODEL] = "Huawei", "P60 Pro"
    exif[GPS_IFD] = {1: "N", 2: (32.0, 1.0, 30.0), 3: "E", 4: (120.0, 16.0, 12.0)}
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()
