"""API tokens are kept as digests: shown once, never listed, recorded when made and revoked."""
import importlib
from datetime import timedelta
from types import SimpleNamespace

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from openpark.core import tokens
from openpark.core.models import ApiToken, ChangeRecord
from tests.factories import PASSWORD

ENTERPRISES = "/api/enterprises/enterprises/"


def everything_recorded() -> str:
    records = ChangeRecord.objects.all()
    logs = LogEntry.objects.all()
    return " ".join([*(f"{r.object_repr} {r.before} {r.after}" for r in records),
                     *(f"{log.object_repr} {log.change_message}" for log in logs)])


def test_the_api_login_returns_a_key_that_is_stored_only_as_a_digest(make_user):
    user = make_user("economy", username="jingfa")
    response = APIClient().post("/api/auth/token/", {"username": "jingfa", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json()["expires_at"].endswith("+08:00")  # Beijing time, as everywhere
    stored = ApiToken.objects.get(user=user)
    assert key not in (stored.digest, stored.prefix) and stored.prefix == key[:8]
    assert stored.digest.startswith("sha256$") and key not in everything_recorded()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(ENTERPRISES).status_code == 200


def test_a_token_is_shown_once_on_its_page_and_never_again(make_user, client_for):
    user = make_user("leader")
    client = client_for(user)
    response = client.post("/core/tokens/add/", {"name": "统计局对接", "days": 30})
    token = ApiToken.objects.get(user=user)
    html = response.content.decode()
    key = html.split('id="new-token">')[1].split("<")[0]
    assert len(key) == 40 and tokens.find(key) == token
    listing = client.get("/core/tokens/").content.decode()
    assert "统计局对接" in listing and token.prefix in listing and key not in listing
    created = ChangeRecord.objects.get(content_type__model="apitoken", action="create")
    assert created.username == user.username and key not in str(created.after) and "digest" not in created.after


def test_token_form_refuses_bad_input(make_user, client_for):
    client = client_for(make_user("leader"))
    for data in ({"name": "  ", "days": 30}, {"name": "x", "days": 0}, {"name": "x", "days": 99999}):
        assert client.post("/core/tokens/add/", data).status_code == 400
    assert not ApiToken.objects.exists()


def test_owners_and_security_admins_revoke_others_may_not(make_user, client_for):
    owner, stranger, security = make_user("economy"), make_user("economy"), make_user("security")
    token, key = tokens.issue(owner, "对接")
    assert client_for(stranger).post(f"/core/tokens/{token.pk}/revoke/").status_code == 404
    assert tokens.find(key) is not None
    listing = client_for(security).get("/core/tokens/").content.decode()
    assert token.prefix in listing and key not in listing
    assert client_for(security).post(f"/core/tokens/{token.pk}/revoke/").status_code == 302
    assert tokens.find(key) is None
    deleted = ChangeRecord.objects.get(content_type__model="apitoken", action="delete")
    assert deleted.username == security.username and key not in str(deleted.before)


def test_expired_tokens_and_disabled_accounts_are_refused(make_user):
    user = make_user("economy")
    token, key = tokens.issue(user, "对接", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tokens.find(key) is None
    _, live = tokens.issue(user, "对接")
    user.is_active = False
    user.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {live}")
    assert api.get(ENTERPRISES).status_code == 401


def test_sm3_digests_are_found_after_the_algorithm_changes(make_user, settings):
    settings.OPENPARK_DIGEST_ALGORITHM = "sm3"
    token, key = tokens.issue(make_user("economy"), "国密")
    assert token.digest.startswith("sm3$")
    settings.OPENPARK_DIGEST_ALGORITHM = "sha256"
    assert tokens.find(key) == token


def test_clear_tokens_of_an_earlier_release_become_digests(make_user):
    user = make_user("economy")
    migration = importlib.import_module("openpark.core.migrations.0007_accounts_and_tokens")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamp)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", ["f" * 40, user.pk, timezone.now()])
    try:
        migration.hash_legacy_tokens(apps, SimpleNamespace(connection=connection))
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone()[0] == 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE authtoken_token")
    assert tokens.find("f" * 40).user == user
