"""Codes people type in many ways (certificate numbers, industry codes …) are one code."""
import unicodedata


def normalise_code(value) -> str:
    """NFKC (full-width → ASCII), no white space, upper case."""
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()


def normalise_industry_code(value) -> str:
    """A GB/T 4754-2017 industry code as stored: "3670", "C3670", "c 3670" and "Ｃ３６７０" are "3670".

    Upper-case, half-width, no spaces; a section letter before a numeric code is dropped; a
    whole number read from a spreadsheet as 3670.0 is "3670"; a lone section letter stays.
    Every path that takes an industry code (imports, forms, the API, filters, the evaluation
    engine and its command line) runs it.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise_code(value)
    if len(text) > 1 and text[0].isalpha() and text[1:].isdigit():
        text = text[1:]
    return text
