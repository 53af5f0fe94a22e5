"""What every PDF of the platform shares (ReportLab): the CJK font it embeds, and pages numbered
"第 1 页 / 共 N 页" under a footer naming the issuing body.

The font is a subset of Noto Sans CJK SC (SIL Open Font License, fonts/OFL.txt) with TrueType
outlines, which ReportLab embeds, subset again to the glyphs a document uses: the PDF prints and
archives the same on every machine (`pdffonts` shows it "emb yes, sub yes"). A character the
shipped subset lacks (a rare 汉字 of a name) falls back to STSong-Light, which readers supply.
"""
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT = "NotoSansSC"
FALLBACK_FONT = "STSong-Light"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Regular-GB2312.ttf"


@cache
def font() -> str:
    """The name of the embedded CJK font, registered with ReportLab on first use."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FONT


@cache
def _covered() -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font()).face.charToGlyph)


def markup(text) -> str:
    """`text` escaped for a Paragraph, the characters the embedded font lacks set in the fallback."""
    covered, parts = _covered(), []
    for character in str(text):
        piece = escape(character)
        if ord(character) not in covered and not character.isspace():
            piece = f'<font name="{FALLBACK_FONT}">{piece}</font>'
        parts.append(piece)
    return "".join(parts)


def numbered_canvas(footer: str, font_size: float = 8.5):
    """A canvas class for `doc.build(..., canvasmaker=...)` that writes `footer` on the left and
    "第 n 页 / 共 N 页" on the right of every page, once the number of pages is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font()  # no unembedded standard font
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int):
            width, _height = self._pagesize
            self.saveState()
            self.setFont(font(), font_size)
            self.setFillGray(0.35)
            self.drawString(18 * 72 / 25.4, 10 * 72 / 25.4, footer)
            self.drawRightString(width - 18 * 72 / 25.4, 10 * 72 / 25.4, f"第 {self._pageNumber} 页 / 共 {total} 页")
            self.restoreState()

    return NumberedCanvas
