"""统一社会信用代码 (GB 32100-2015): normalisation and validation, through python-stdnum."""
import unicodedata

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc


def normalise(value: str) -> str:
    """Trim, convert full-width characters to ASCII, drop inner spaces and hyphens, upper-case."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def validate(value: str) -> str:
    """The normalised code, or ValueError with the reason in Chinese."""
    code = normalise(value)
    if not code:
        raise ValueError("统一社会信用代码不能为空。")
    try:
        return uscc.validate(code)
    except stdnum_errors.InvalidLength:
        raise ValueError(f"统一社会信用代码应为 18 位，“{code}”为 {len(code)} 位。") from None
    except stdnum_errors.InvalidChecksum:
        raise ValueError(f"统一社会信用代码“{code}”的校验位不正确。") from None
    except stdnum_errors.ValidationError:
        raise ValueError(
            f"统一社会信用代码“{code}”含有不允许的字符（只能是数字和除 I、O、Z、S、V 外的大写字母）。"
        ) from None


def with_check_digit(first_17: str) -> str:
    """Complete a 17-character stem with its check digit (used to generate demo codes)."""
    return first_17 + uscc.calc_check_digit(first_17)


# Who holds a code: the app that keeps the enterprises registers how to read their names, so that
# core (an export naming the company next to its code) needs no app of its own.
_name_reader = None


def register_name_reader(read) -> None:
    """`read(codes) -> {code: name}`, one query for many codes."""
    global _name_reader
    _name_reader = read


def names_of(codes) -> dict[str, str]:
    """{code: the name of the enterprise holding it} for the codes that name one; {} with no reader."""
    codes = sorted({code for code in codes if code})
    if _name_reader is None or not codes:
        return {}
    return _name_reader(codes)
