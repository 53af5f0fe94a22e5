import re

from django.urls import reverse


def test_every_response_carries_a_request_id(client, db):
    response = client.get(reverse("login"))
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get(reverse("login"))["X-Request-ID"] != response["X-Request-ID"]


def test_a_well_formed_caller_id_is_kept_and_a_bad_one_replaced(client, db):
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID="gw-2026.11-0001")["X-Request-ID"] == "gw-2026.11-0001"
    replaced = client.get(reverse("login"), HTTP_X_REQUEST_ID="bad id; drop table")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)
