"""Make the CJK font the platform's PDFs embed: src/openpark/core/fonts/NotoSansSC-Regular-GB2312.ttf.

Source: Noto Sans CJK SC Regular from Debian's fonts-noto-cjk (SIL Open Font License 1.1).
ReportLab embeds TrueType outlines only, and Noto Sans CJK is CFF: the glyphs kept are converted
from cubic to quadratic curves. Kept: ASCII, Latin-1, general punctuation, CJK symbols and
punctuation, full-width forms and every character of GB 2312 (6,763 汉字 and its symbols).
ReportLab subsets the font again at render time, so a PDF carries only the glyphs it shows.

    apt-get install fonts-noto-cjk && pip install fonttools
    python scripts/make-report-font.py
"""
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = Path(__file__).resolve().parent.parent / "src/openpark/core/fonts/NotoSansSC-Regular-GB2312.ttf"
MAX_ERROR = 1.0  # font units (1000 to the em): the curves' largest deviation from the original


def gb2312() -> set[int]:
    points = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return points


def wanted() -> set[int]:
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x215F), (0x2190, 0x21FF),
              (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x3000, 0x303F),
              (0xFF00, 0xFFEF)]
    return gb2312() | {p for low, high in ranges for p in range(low, high + 1)}


def to_truetype(font) -> None:
    """Replace the CFF outlines by quadratic TrueType ones (glyf, loca, maxp 1.0, post 2)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attribute in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                      "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attribute, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].indexToLocFormat = 1
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\0\1\0\0"


def main() -> int:
    font = TTCollection(str(SOURCE)).fonts[2]
    assert font["name"].getDebugName(4) == "Noto Sans CJK SC", font["name"].getDebugName(4)
    options = subset.Options()
    options.layout_features = ["kern", "palt", "vert", "vrt2"]
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 14]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted())
    subsetter.subset(font)
    to_truetype(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET}: {TARGET.stat().st_size / 1e6:.1f} MB, {len(font.getGlyphOrder())} glyphs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
