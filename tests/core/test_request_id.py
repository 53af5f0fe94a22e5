"""Audit records name where a change came from: the request id and the client's address are
taken from the client only through a trusted proxy."""
import re

import pytest
from django.urls import reverse

from openpark.core.models import ChangeRecord

HEX = r"[0-9a-f]{32}"


def test_every_response_carries_a_request_id(client, db):
    response = client.get(reverse("login"))
    assert re.fullmatch(HEX, response["X-Request-ID"])
    assert client.get(reverse("login"))["X-Request-ID"] != response["X-Request-ID"]


def test_a_clients_own_request_id_is_not_believed(client, db):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="demo-load-batch-7")
    assert re.fullmatch(HEX, response["X-Request-ID"])


def test_a_trusted_proxys_request_id_is_kept_and_a_bad_one_replaced(client, db, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID="gw-2026.11-0001")["X-Request-ID"] == "gw-2026.11-0001"
    replaced = client.get(reverse("login"), HTTP_X_REQUEST_ID="bad id; drop table")["X-Request-ID"]
    assert re.fullmatch(HEX, replaced)


def create_grid(api, **headers):
    response = api.post("/api/core/grids/", {"code": "G-900", "name": "来源测试"}, format="json", **headers)
    assert response.status_code == 201, response.json()
    return ChangeRecord.objects.filter(content_type__model="grid").latest("id")


@pytest.mark.parametrize("trusted, forwarded, recorded", [
    ([], "203.0.113.9", "127.0.0.1"),  # no trusted proxy: the header is the client's word
    (["127.0.0.1"], "203.0.113.9", "203.0.113.9"),
    (["127.0.0.1"], "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left part is the client's word
    (["127.0.0.1", "10.0.0.0/8"], "203.0.113.9, 10.1.2.3", "203.0.113.9"),  # a chain of trusted proxies
    (["127.0.0.1"], "not-an-address", "127.0.0.1"),
])
def test_the_recorded_address_comes_from_a_trusted_proxy_only(make_user, api_for, settings, trusted, forwarded, recorded):
    settings.TRUSTED_PROXIES = trusted
    record = create_grid(api_for(make_user("community")), HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")
    assert record.source == recorded


def test_behind_the_recommended_proxy_loopback_is_trusted(monkeypatch):
    import importlib

    import openpark.settings as module

    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "1")
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    try:
        assert importlib.reload(module).TRUSTED_PROXIES == ["127.0.0.1", "::1"]
    finally:
        monkeypatch.undo()
        importlib.reload(module)
