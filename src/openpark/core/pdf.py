"""What every PDF of the platform shares (ReportLab): the CJK font it embeds, and pages numbered
"第 1 页 / 共 N 页" under a footer naming the issuing body.

The font is a subset of Noto Sans CJK SC (SIL Open Font License, fonts/OFL.txt) with TrueType
outlines, which ReportLab embeds, subset again to the glyphs a document uses: the PDF prints and
archives the same on every machine (`pdffonts` shows it "emb yes, sub yes"). A character the
shipped subset lacks (a rare 汉字 of a name: 堃, 䶮) falls back to STSong-Light, which readers
supply. Every text of a document goes through `runs` (paragraphs through `markup`, the footer
through `draw_runs`), so no text prints as empty boxes in one place and right in another.
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


def runs(text) -> list[tuple[str, str]]:
    """`text` as (font name, text) runs: the embedded font where it has the character, the
    fallback for the other characters of the Basic Multilingual Plane.

    A character beyond it (𠮷, U+20BB7) is in neither: the fallback's encoding (UCS-2) cannot
    address it, so it would print as a wrong glyph or an empty box that looks like a typo. It is
    written as its code point instead ("U+20BB7"), which a reader can look up and which names
    the character exactly in an archived document.
    """
    covered, result = _covered(), []
    for character in str(text):
        code = ord(character)
        if code > 0xFFFF:
            name, piece = font(), f"U+{code:04X}"
        elif code in covered or character.isspace():
            name, piece = font(), character
        else:
            name, piece = FALLBACK_FONT, character
        if result and result[-1][0] == name:
            result[-1] = (name, result[-1][1] + piece)
        else:
            result.append((name, piece))
    return result


def needs_markup(text) -> bool:
    """Whether `text` has a character that `runs` does not set in the embedded font as it is."""
    return bool(text) and runs(text) != [(font(), str(text))]


def markup(text) -> str:
    """`text` escaped for a Paragraph, set in the fonts `runs` gives."""
    return "".join(escape(piece) if name == FONT else f'<font name="{name}">{escape(piece)}</font>'
                   for name, piece in runs(text))


def width(text, size: float) -> float:
    """The width of `text` as `draw_runs` draws it, in points."""
    return sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in runs(text))


def fit(text, room: float, size: float) -> str:
    """`text`, cut short with "…" so that it takes no more than `room` points."""
    text = str(text)
    if width(text, size) <= room:
        return text
    while text and width(text + "…", size) > room:
        text = text[:-1]
    return text + "…" if text else ""


def draw_runs(canvas, x: float, y: float, text, size: float) -> None:
    """`text` drawn from (x, y), each run in its font."""
    for name, piece in runs(text):
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, name, size)


def numbered_canvas(footer: str, font_size: float = 8.5):
    """A canvas class for `doc.build(..., canvasmaker=...)` that writes `footer` on the left and
    "第 n 页 / 共 N 页" on the right of every page, once the number of pages is known. The two
    never overlap: a footer too long for the room the page number leaves is cut short with "…"."""

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
            page_width, _height = self._pagesize
            margin, baseline, gap = 18 * 72 / 25.4, 10 * 72 / 25.4, 4 * 72 / 25.4
            number = f"第 {self._pageNumber} 页 / 共 {total} 页"
            right = page_width - margin
            self.saveState()
            self.setFillGray(0.35)
            room = right - width(number, font_size) - gap - margin
            draw_runs(self, margin, baseline, fit(footer, room, font_size), font_size)
            draw_runs(self, right - width(number, font_size), baseline, number, font_size)
            self.restoreState()

    return NumberedCanvas
