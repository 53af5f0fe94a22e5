"""Small facts about text."""


def is_chinese(text) -> bool:
    """Whether the text has a CJK character, i.e. says something in Chinese."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


# Characters that show nothing (zero-width spaces and joiners, the word joiner, the byte-order mark)
# or turn the text around (left-to-right and right-to-left marks, embeddings, overrides and
# isolates): in a name they make "七圩港\u200b" pass for "七圩港" and "\u202e港圩七" read as "七圩港".
INVISIBLE = "".join(map(chr, (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x206A), 0xFEFF)))
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def without_invisible(text: str) -> str:
    """The text without zero-width and direction-control characters (INVISIBLE)."""
    return text.translate(_DROP_INVISIBLE)


def visible_line(text: str) -> str:
    """A one-line text as it is kept: without zero-width and direction-control characters, and
    without the spaces around it."""
    return without_invisible(text).strip()
