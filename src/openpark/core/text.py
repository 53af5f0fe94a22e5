"""Small facts about text."""


def is_chinese(text) -> bool:
    """Whether the text has a CJK character, i.e. says something in Chinese."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))
