"""Codes people type in many ways (certificate numbers, industry codes …) are one code."""
import bisect
import unicodedata

# GB/T 4754-2017: the last division (two digits) of each section, in order. The shipped table
# (enterprises/data/gbt4754-2017.csv) gives the same sections; a test holds the two together.
SECTION_ENDS = (("05", "A"), ("12", "B"), ("43", "C"), ("46", "D"), ("50", "E"), ("52", "F"), ("60", "G"),
                ("62", "H"), ("65", "I"), ("69", "J"), ("70", "K"), ("72", "L"), ("75", "M"), ("79", "N"),
                ("82", "O"), ("83", "P"), ("85", "Q"), ("90", "R"), ("96", "S"), ("97", "T"))


def normalise_code(value) -> str:
    """NFKC (full-width → ASCII), no white space, upper case."""
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()


def normalise_industry_code(value) -> str:
    """A GB/T 4754-2017 industry code as stored: "3670", "C3670", "c 3670" and "Ｃ３６７０" are "3670".

    Upper-case, half-width, no spaces; a section letter before a numeric code is dropped once
    it is checked: a letter that is not the section of the code ("Z3670", "A3670") raises
    ValueError with the message to show ("行业代码“Z3670”的门类字母应为 C。"). A whole number read
    from a spreadsheet as 3670.0 is "3670"; a lone section letter stays. Every path that takes an
    industry code (imports, forms, the API, filters, the evaluation engine and its command line)
    runs it.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise_code(value)
    if len(text) > 1 and text[0].isalpha() and text[1:].isdigit():
        section = section_of(text[1:])
        if section and text[0] != section:
            raise ValueError(f"行业代码“{text}”的门类字母应为 {section}。")
        text = text[1:]
    return text


def section_of(code: str) -> str | None:
    """The GB/T 4754-2017 section letter of a numeric code of two digits or more ("3670" → "C");
    None when the code is shorter or its division lies beyond the last section."""
    if len(code) < 2 or not code[:2].isdigit():
        return None
    index = bisect.bisect_left([end for end, _ in SECTION_ENDS], code[:2])
    return SECTION_ENDS[index][1] if index < len(SECTION_ENDS) else None
