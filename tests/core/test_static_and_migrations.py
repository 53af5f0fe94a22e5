import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "openpark"


@pytest.mark.parametrize("path", [
    "/static/vendor/htmx/htmx.min.js",
    "/static/vendor/echarts/echarts.min.js",
    "/static/vendor/leaflet/leaflet.js",
    "/static/vendor/leaflet/leaflet.css",
    "/static/css/openpark.css",
])
def test_front_end_libraries_are_served_locally(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert int(response["Content-Length"]) > 1000


def test_vendored_libraries_carry_their_licences():
    for name in ("htmx", "echarts", "leaflet"):
        assert (PACKAGE / "static" / "vendor" / name / "LICENSE").is_file()


def test_templates_load_nothing_from_the_internet():
    pattern = re.compile(r"""(src|href)=["']https?://""")
    for template in PACKAGE.rglob("*.html"):
        assert not pattern.search(template.read_text(encoding="utf-8")), template


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
