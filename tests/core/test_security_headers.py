"""Security headers: a Content-Security-Policy with no inline script or style, a Permissions-Policy,
and Cache-Control: no-store on what a signed-in user receives and on every API answer."""
import re
from pathlib import Path

import pytest
from django.urls import reverse

from openpark.core import tokens

from .test_settings import PRODUCTION, settings_value

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "openpark"


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_pages_carry_a_policy_without_inline_script_or_style(client):
    policy = directives(client.get(reverse("login")))
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self'",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }


def test_permissions_policy_allows_geolocation_to_the_platform_only(client):
    features = dict(item.split("=", 1) for item in client.get(reverse("login"))["Permissions-Policy"].split(", "))
    assert features["geolocation"] == "(self)"
    for feature in ("camera", "microphone", "payment", "usb", "serial", "display-capture"):
        assert features[feature] == "()", feature


@pytest.mark.django_db
def test_api_docs_allow_data_images_and_nothing_else_more(client, make_user):
    client.force_login(make_user("economy"))
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["img-src"] == "'self' data:"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # the start-up script is a file of its own
    assert not re.search(r"<style", html)
    script = client.get(reverse("api_docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


@pytest.mark.django_db
def test_pages_for_a_signed_in_user_are_not_stored(client, make_user):
    client.force_login(make_user("leader"))
    for url in (reverse("home"), reverse("enterprises:map"), reverse("enterprises:map_data")):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_every_api_answer_is_not_stored(client, make_user):
    refused = client.get("/api/enterprises/enterprises/")
    assert refused.status_code in (401, 403)
    assert "no-store" in refused["Cache-Control"]
    _, key = tokens.issue(make_user("economy"), "测试")
    answered = client.get("/api/enterprises/enterprises/", HTTP_AUTHORIZATION=f"Token {key}")
    assert answered.status_code == 200
    assert "no-store" in answered["Cache-Control"]


def test_templates_have_no_inline_script_handler_or_style():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    style = re.compile(r"\sstyle\s*=|<style", re.IGNORECASE)
    for template in PACKAGE.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (inline_script, handler, style):
            assert not pattern.search(text), (template, pattern.pattern)


def test_static_scripts_put_no_inline_style_into_markup():
    for script in (PACKAGE / "static" / "js").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert "style=" not in text and "innerHTML" not in text, script


def test_a_configured_tile_server_may_serve_the_map_images(tmp_path):
    env = {**PRODUCTION, "MAP_TILE_URL": "https://{s}.tiles.park.example.cn/{z}/{x}/{y}.png"}
    policy = settings_value('settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]', env, tmp_path)
    assert policy == ["'self'", "https://*.tiles.park.example.cn"]
    same_host = {**PRODUCTION, "MAP_TILE_URL": "/tiles/{z}/{x}/{y}.png"}
    assert settings_value('settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]', same_host, tmp_path) == ["'self'"]


@pytest.mark.django_db
def test_the_api_answers_json_even_to_a_browser(client, make_user):
    client.force_login(make_user("economy"))
    response = client.get("/api/enterprises/zones/", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response["Content-Type"].startswith("application/json")
