"""Workers' phones and ID numbers are stored encrypted: the table and the change record never
hold them in plain text, the model, the pages, the API, the import and the export see them as
before, and a value that cannot be decrypted is a clear error, never garbage."""
import base64
from datetime import date
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from openpark.community.importers import worker_importer
from openpark.community.models import Worker
from openpark.core import crypto
from openpark.core.changes import recorded_value
from openpark.core.fields import EncryptedLookupError
from openpark.core.models import ChangeRecord
from tests.sheets import read_xlsx, xlsx

from .conftest import ID_NUMBER

PHONE = "13900139000"


def raw_columns(pk) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM community_worker WHERE id = %s", [pk])
        return cursor.fetchone()


def records_text(worker) -> str:
    return " ".join(f"{r.before} {r.after}" for r in ChangeRecord.objects.filter(object_id=str(worker.pk),
                                                                              content_type__model="worker"))


def test_the_table_holds_tokens_and_the_model_the_numbers(worker):
    phone, number = raw_columns(worker.pk)
    assert PHONE not in phone and ID_NUMBER not in number
    assert phone.startswith("aesgcm$dev$") and number.startswith("aesgcm$dev$")
    assert crypto.decrypt(phone) == PHONE
    fresh = Worker.objects.get(pk=worker.pk)
    assert (fresh.phone, fresh.id_number) == (PHONE, ID_NUMBER)
    assert Worker.objects.values_list("phone", flat=True).get(pk=worker.pk) == PHONE


def test_the_same_number_encrypts_differently_each_time(db):
    assert crypto.encrypt(PHONE) != crypto.encrypt(PHONE)
    assert crypto.decrypt(crypto.encrypt("测试 abc")) == "测试 abc"


def test_the_change_record_keeps_the_numbers_masked(make_user, client_for, worker):
    assert PHONE not in records_text(worker) and ID_NUMBER not in records_text(worker)
    created = ChangeRecord.objects.get(object_id=str(worker.pk), content_type__model="worker", action="create")
    assert created.after["phone"].startswith("139****9000（") and created.after["id_number"].startswith("******（")
    worker.phone = "13912349000"  # the masked forms are alike: the fingerprint tells them apart
    worker.save()
    assert "13912349000" not in records_text(worker)
    change = ChangeRecord.objects.filter(object_id=str(worker.pk), content_type__model="worker").first()
    assert change.action == "update" and [name for name, _, _ in change.changed_fields()] == ["phone"]
    officer = make_user("community")
    history = client_for(officer).get(reverse("community:worker_history", args=[worker.pk])).content.decode()
    assert "139****9000（" in history and "13912349000" not in history and PHONE not in history


def test_a_wrong_or_unknown_key_is_a_clear_error(settings, worker):
    settings.OPENPARK_FIELD_KEYS = {"dev": crypto.derive_key("another secret")}
    with pytest.raises(crypto.DecryptionError, match="手机号”无法解密：密钥与加密时所用的不同"):
        Worker.objects.get(pk=worker.pk)
    settings.OPENPARK_FIELD_KEYS, settings.OPENPARK_FIELD_KEY_ID = {"k2": crypto.derive_key("x")}, "k2"
    with pytest.raises(crypto.DecryptionError, match="密钥“dev”未配置"):
        Worker.objects.get(pk=worker.pk)
    with pytest.raises(crypto.DecryptionError, match="不是加密后的值"):
        crypto.decrypt(PHONE)


def test_a_new_key_reads_what_the_old_one_wrote(settings, worker):
    old = dict(settings.OPENPARK_FIELD_KEYS)
    settings.OPENPARK_FIELD_KEYS, settings.OPENPARK_FIELD_KEY_ID = {**old, "k2": crypto.derive_key("x")}, "k2"
    assert Worker.objects.get(pk=worker.pk).phone == PHONE
    worker.note = "换钥后"
    worker.save()
    assert raw_columns(worker.pk)[0].startswith("aesgcm$k2$")
    assert Worker.objects.get(pk=worker.pk).phone == PHONE


def test_keys_are_read_strictly():
    assert len(crypto.read_key(crypto.new_key())) == 32
    with pytest.raises(ValueError, match="base64 of 32 random bytes"):
        crypto.read_key(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="base64 of 32 random bytes"):
        crypto.read_key("not base64!")


def test_the_number_cannot_be_searched(worker):
    for lookup in ({"phone": PHONE}, {"phone__startswith": "139"}, {"phone__in": [PHONE]},
                   {"id_number__icontains": "1101"}):
        with pytest.raises(EncryptedLookupError, match="加密存储"):
            list(Worker.objects.filter(**lookup))
    assert list(Worker.objects.filter(phone="")) == []
    assert list(Worker.objects.exclude(id_number="")) == [worker]
    assert list(Worker.objects.filter(phone__isnull=False)) == [worker]


def test_the_length_is_checked_on_the_number(db):
    field = Worker._meta.get_field("phone")
    with pytest.raises(ValidationError):
        field.clean("1" * 21, None)
    assert len(crypto.encrypt("1" * 20)) <= crypto.token_length(20)
    assert len(crypto.encrypt("身" * 18)) <= crypto.token_length(18)


def test_import_finds_the_worker_by_the_digest_and_export_masks(make_user, client_for, worker):
    rows = [["手机号", "姓名", "从业类型", "个人信息同意日期"], [PHONE, "王改名", "外卖", "2026-01-01"]]
    plan, counts = worker_importer.apply(xlsx(rows), "人员.xlsx")
    assert not plan.errors and counts["update"] == 1 and Worker.objects.get().name == "王改名"
    assert PHONE not in records_text(worker)
    leader = read_xlsx(client_for(make_user("leader")).get(reverse("community:worker_list"),
                                                           {"export": "xlsx"}).content)
    cells = {str(cell) for row in leader for cell in row}
    assert "139****9000" in cells and PHONE not in cells


def test_the_api_masks_and_writes_encrypted(make_user, api_for, worker):
    assert api_for(make_user("leader")).get(f"/api/community/workers/{worker.pk}/").json()["phone"] == "139****9000"
    officer = api_for(make_user("community"))
    response = officer.patch(f"/api/community/workers/{worker.pk}/", {"phone": "13700000001"}, format="json")
    assert response.status_code == 200, response.content
    assert "13700000001" not in raw_columns(worker.pk)[0]
    assert officer.get(f"/api/community/workers/{worker.pk}/").json()["phone"] == "13700000001"


def test_the_migration_encrypts_stored_numbers_and_masks_old_records(enterprises):
    worker = Worker.objects.create(name="旧人员", job_type="takeaway", phone=PHONE, id_number=ID_NUMBER,
                                   consent_on=date(2026, 1, 1))
    record = ChangeRecord.objects.get(object_id=str(worker.pk), content_type__model="worker")
    state = MigrationExecutor(connection).loader.project_state(("community", "0004_worker_identity_and_own_redemptions"))
    with connection.cursor() as cursor:  # as the rows and records were before the migration
        cursor.execute("UPDATE community_worker SET phone = %s, id_number = %s WHERE id = %s",
                       [PHONE, ID_NUMBER, worker.pk])
    state.apps.get_model("core", "ChangeRecord").objects.filter(pk=record.pk).update(
        after={"name": "旧人员", "phone": PHONE, "id_number": ID_NUMBER})
    migration = import_module("openpark.community.migrations.0004_worker_identity_and_own_redemptions")
    editor = SimpleNamespace(connection=connection)  # the functions use only its connection
    migration.encrypt_numbers(state.apps, editor)
    migration.encrypt_numbers(state.apps, editor)  # a second run changes nothing
    phone, number = raw_columns(worker.pk)
    assert crypto.decrypt(phone) == PHONE and crypto.decrypt(number) == ID_NUMBER
    record.refresh_from_db()
    assert record.after["phone"] == recorded_value("phone", PHONE) and ID_NUMBER not in str(record.after)
    migration.decrypt_numbers(state.apps, editor)
    assert raw_columns(worker.pk) == (PHONE, ID_NUMBER)
    migration.encrypt_numbers(state.apps, editor)
    assert Worker.objects.get(pk=worker.pk).phone == PHONE


def test_a_worker_is_found_by_a_keyed_digest_that_the_number_alone_cannot_make(make_user, api_for, worker):
    import hashlib

    stored = Worker.objects.values_list("phone_digest", flat=True).get(pk=worker.pk)
    assert stored.startswith("hmac$dev$") and hashlib.sha256(PHONE.encode()).hexdigest() not in stored
    officer = api_for(make_user("community"))
    assert [row["id"] for row in officer.get("/api/community/workers/", {"phone": PHONE}).json()["results"]] == [worker.pk]
    # a digest written before the keyed ones (or under an older key) still finds the worker, and the
    # migration writes every digest anew under the current key
    Worker.objects.filter(pk=worker.pk).update(phone_digest=crypto.digest(PHONE))
    assert [row["id"] for row in officer.get("/api/community/workers/", {"phone": PHONE}).json()["results"]] == [worker.pk]
    state = MigrationExecutor(connection).loader.project_state(("community", "0006_keyed_phone_digest"))
    import_module("openpark.community.migrations.0006_keyed_phone_digest").rekey(state.apps, None)
    assert Worker.objects.values_list("phone_digest", flat=True).get(pk=worker.pk) == stored
