"""In production, static files go through WhiteNoise's manifest storage: `collectstatic` must pass
for every vendored library, the Swagger UI and the Django admin, and the pages must render with
the manifest it writes (a missing entry is a 500 on every page)."""
import json
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic with the production storage, once for the module."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("staticfiles")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root, storages


@pytest.fixture
def production_static(static_root):
    root, storages = static_root
    with override_settings(STATIC_ROOT=root, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        yield root


def manifest(root) -> dict[str, str]:
    return json.loads((root / "staticfiles.json").read_text())["paths"]


@pytest.mark.parametrize("name", [
    "favicon.svg",
    "css/openpark.css",
    "js/openpark.js",
    "vendor/htmx/htmx.min.js",
    "vendor/echarts/echarts.min.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.js.map",
    "vendor/leaflet/leaflet.css",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    "admin/css/base.css",
    "admin/js/nav_sidebar.js",
])
def test_collectstatic_hashes_every_library(production_static, name):
    hashed = manifest(production_static)[name]
    assert hashed != name
    assert (production_static / hashed).is_file()


def test_leaflet_names_its_map_by_the_hashed_name(production_static):
    paths = manifest(production_static)
    leaflet = (production_static / paths["vendor/leaflet/leaflet.js"]).read_text(encoding="utf-8")
    assert "sourceMappingURL=" + paths["vendor/leaflet/leaflet.js.map"].rsplit("/", 1)[1] in leaflet


def test_login_page_renders_with_the_manifest(production_static, client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    favicon = re.search(r'href="(/static/favicon\.[0-9a-f]{12}\.svg)"', html)
    assert favicon, html[:500]
    for name in ("css/openpark.css", "js/openpark.js", "vendor/htmx/htmx.min.js"):
        assert "/static/" + manifest(production_static)[name] in html
    served = client.get(favicon.group(1))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/svg+xml"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["enterprises:map", "economy:dashboard", "api_docs", "admin:index"])
def test_pages_with_libraries_render_with_the_manifest(production_static, client, url_name):
    from openpark.core.models import User

    client.force_login(User.objects.create_superuser("root", password="Root@Chengnan2026"))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert re.search(r'/static/[^"]+\.[0-9a-f]{12}\.(js|css)"', response.content.decode())


@pytest.mark.django_db
def test_admin_pages_name_the_icon_and_favicon_ico_leads_to_it(production_static, client):
    from openpark.core.models import User

    favicon = "/static/" + manifest(production_static)["favicon.svg"]
    client.force_login(User.objects.create_superuser("root", password="Root@Chengnan2026"))
    assert f'<link rel="icon" href="{favicon}"' in client.get(reverse("admin:index")).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == favicon
