"""Codes people type in many ways (certificate numbers, industry codes …) are one code."""
import unicodedata


def normalise_code(value) -> str:
    """NFKC (full-width → ASCII), no white space, upper case."""
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()
