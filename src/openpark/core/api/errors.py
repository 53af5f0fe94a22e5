"""API errors as JSON with Chinese messages: {"detail": ..., "code": ..., "errors": {...}}.

Every 4xx answer's detail is in Chinese: Django's and DRF's exceptions are translated where their
own text is English (a CSRF failure, a request too large, a parse error)."""
import logging

from django.core.exceptions import (
    BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent,
    TooManyFilesSent, ValidationError as DjangoValidationError,
)
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..text import is_chinese

logger = logging.getLogger(__name__)

# What each kind of refusal says when the message at hand is not in Chinese.
CHINESE_DETAILS = {
    exceptions.ParseError: "请求内容格式有误。",
    exceptions.AuthenticationFailed: "身份认证失败。",
    exceptions.NotAuthenticated: "未提供身份认证信息。",
    exceptions.PermissionDenied: "您没有执行该操作的权限。",
    exceptions.NotFound: "未找到。",
    exceptions.MethodNotAllowed: "不支持该请求方法。",
    exceptions.NotAcceptable: "无法按请求的格式返回内容。",
    exceptions.UnsupportedMediaType: "不支持该请求内容类型。",
    exceptions.Throttled: "请求过于频繁，请稍后再试。",
}
CSRF_FAILED = "CSRF 校验失败：请刷新页面后重试；程序访问接口请使用令牌（Authorization: Token <令牌>）。"
SUSPICIOUS_DETAILS = {
    RequestDataTooBig: "请求内容过大。",
    TooManyFieldsSent: "请求的字段过多。",
    TooManyFilesSent: "请求的文件过多。",
}


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for value in errors.values():
            return _first_message(value)
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def _as_api_exception(exc):
    """Django's exceptions as DRF's, with a Chinese message."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()  # Django's message names the model, in English
    if isinstance(exc, PermissionDenied):  # its reason, when it gives one in Chinese ("只有上报人本人…")
        return exceptions.PermissionDenied(str(exc) if is_chinese(exc) else None)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(next(
            (text for kind, text in SUSPICIOUS_DETAILS.items() if isinstance(exc, kind)), "请求有误。"
        ))
    if isinstance(exc, BadRequest):
        return exceptions.ParseError(str(exc) if is_chinese(exc) else "请求有误。")
    return exc


def _chinese_detail(exc, detail) -> str:
    if is_chinese(detail):
        return str(detail)
    if isinstance(exc, exceptions.PermissionDenied) and str(detail).startswith("CSRF Failed"):
        return CSRF_FAILED
    return next((text for kind, text in CHINESE_DETAILS.items() if isinstance(exc, kind)), "请求有误。")


def exception_handler(exc, context):
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(
            {"detail": "服务器内部错误，请稍后重试或联系管理员。", "code": "server_error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": "提交的数据有误：" + _first_message(exc.detail),
            "code": "invalid",
            "errors": exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail},
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": _chinese_detail(exc, detail), "code": getattr(detail, "code", "error")}
    return response
