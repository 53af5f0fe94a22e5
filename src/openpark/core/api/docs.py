"""The interactive API docs (Swagger UI, served from drf-spectacular-sidecar) under the
platform's Content-Security-Policy."""
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI whose start-up script is served as a script of its own (`?script`), never inline,
    and whose page styles come from a static stylesheet instead of an inline <style>."""

    template_name = "core/api_docs.html"


# Swagger UI's stylesheet draws its icons as data: images; no other page needs them.
api_docs = csp_update({"img-src": ["data:"]})(ApiDocsView.as_view(url_name="api_schema"))
