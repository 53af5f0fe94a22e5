"""The API's JSON parser: strict JSON, and every failure a 400 with a Chinese message."""
import codecs
import json

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from ..text import is_chinese


def _refuse_constant(name):
    raise ValueError(f"JSON 不允许 {name}")


class JSONParser(parsers.JSONParser):
    """DRF's parser says "JSON parse error" in English and fails with a RecursionError (a 500)
    on deeply nested input; this one answers both in Chinese, and refuses NaN and Infinity."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (LookupError, UnicodeDecodeError):
            raise ParseError(f"请求内容不是 {encoding} 编码的文字。") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError("请求内容的 JSON 嵌套层数过多。") from None
        except ValueError as exc:
            raise ParseError(f"请求内容不是有效的 JSON（{_reason(exc)}）。") from None


def _reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 列有误"
    if "digits" in str(exc):
        return "数字位数过多"
    return str(exc) if is_chinese(exc) else "格式有误"
