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
