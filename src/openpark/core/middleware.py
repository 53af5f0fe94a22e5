import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.log import log_response
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .context import acting_request, request_id_for


class RequestContextMiddleware:
    """Gives each request an id (a trusted proxy's X-Request-ID, or a new one) and makes the
    request the actor of every change made while it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_for(request)
        with acting_request(request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class PrivateResponsesNotStoredMiddleware:
    """Answers to a signed-in user, and every API answer, carry Cache-Control: no-store, so that
    neither a shared proxy nor the browser's cache keeps enterprise data after the session ends."""

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.API_PREFIX) or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class IdleTimeoutMiddleware:
    """A signed-in session ends SESSION_COOKIE_AGE seconds after its last request: an idle timeout.
    Its expiry moves forward at most once every SESSION_TOUCH_SECONDS, not on every request (as
    SESSION_SAVE_EVERY_REQUEST would do), so that opening a page reads the session without writing
    it; the timeout is exact to within that interval."""

    TOUCHED = "_openpark_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[self.TOUCHED] = now  # marks the session modified: saved with a new expiry
        return response

    @classmethod
    def touched_at_login(cls, sender, request=None, **kwargs):
        """Signing in saves the session: that counts as its first touch (connected to
        `user_logged_in`; an API token's sign-in has no session and is left alone)."""
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            session[cls.TOUCHED] = int(time.time())


PASSWORD_CHANGE_MESSAGE = "您的密码由管理员设置，请先修改密码再继续使用。"


class PasswordChangeRequiredMiddleware:
    """A user whose password someone else set (see `User.save`) reaches nothing but the password
    change page and logging out until they choose their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not self._allowed(request.path_info):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": PASSWORD_CHANGE_MESSAGE, "code": "password_change_required"},
                                    status=403)
            messages.warning(request, PASSWORD_CHANGE_MESSAGE)
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        return path in {reverse("password_change"), reverse("logout")} or path.startswith(
            (settings.STATIC_URL, "/favicon.ico"))


class ChineseErrorPagesMiddleware:
    """Last in MIDDLEWARE. With DEBUG on (the demo), Django answers a missing page and a failing one
    with its English debug pages; users get the platform's Chinese pages instead (the API its
    Chinese JSON), as without DEBUG. The failure's traceback still goes to the log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No route matched (the view's own 404s come through process_exception).
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            from .views import error_404

            chinese = error_404(request)
            chinese._has_been_logged = getattr(response, "_has_been_logged", False)
            return chinese
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG or isinstance(exception, (PermissionDenied, BadRequest, SuspiciousOperation)):
            return None  # Django's handlers answer these (handler403 and handler400 in Chinese)
        from .views import error_404, error_500

        if isinstance(exception, Http404):
            return error_404(request, exception)
        response = error_500(request)
        log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request,
                     exception=exception)
        return response
