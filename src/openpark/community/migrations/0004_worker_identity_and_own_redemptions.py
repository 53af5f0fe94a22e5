"""Workers' phones and ID numbers stored encrypted: the columns widened to hold a token, the stored
numbers encrypted in batches, and the change records of workers made to keep them masked. A
rider's own redemptions: the permission to redeem and withdraw, the 已撤回 state, and the one-time
key of the rider's form."""
import openpark.core.fields
from django.db import migrations, models

from openpark.core import crypto
from openpark.core.changes import recorded_value

BATCH = 1000
FIELDS = ("phone", "id_number")


def _raw_rows(connection, table, start):
    """The next batch of (id, phone, id_number) as stored, read past the field (which decrypts)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {quote('phone')}, {quote('id_number')} FROM {quote(table)} "
                       f"WHERE {quote('id')} > %s ORDER BY {quote('id')}", [start])
        return cursor.fetchmany(BATCH)


def _plain(value) -> str:
    return crypto.decrypt(value) if crypto.is_token(value) else value or ""


def encrypt_numbers(apps, schema_editor):
    Worker = apps.get_model("community", "Worker")
    connection = schema_editor.connection
    start = 0
    while rows := _raw_rows(connection, Worker._meta.db_table, start):
        start = rows[-1][0]
        # the field encrypts on the way in; rows already encrypted (a second run) are left alone
        plain = [Worker(pk=pk, phone=_plain(phone), id_number=_plain(number)) for pk, phone, number in rows
                 if any(value and not crypto.is_token(value) for value in (phone, number))]
        Worker._base_manager.using(connection.alias).bulk_update(plain, FIELDS, batch_size=BATCH)
    _mask_change_records(apps, connection)


def _mask_change_records(apps, connection):
    """The workers' change records written before kept the numbers as they were: keep them masked."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ChangeRecord = apps.get_model("core", "ChangeRecord")
    content_type = ContentType.objects.using(connection.alias).filter(app_label="community", model="worker").first()
    if content_type is None:
        return
    records = ChangeRecord._base_manager.using(connection.alias).filter(content_type=content_type).order_by("pk")
    last = 0
    while batch := list(records.filter(pk__gt=last).only("pk", "before", "after")[:BATCH]):
        last = batch[-1].pk
        changed = []
        for record in batch:
            touched = False
            for side in ("before", "after"):
                values = getattr(record, side)
                for name in FIELDS:
                    if isinstance(values, dict) and values.get(name) and "*" not in str(values[name]):
                        values[name] = recorded_value(name, str(values[name]))
                        touched = True
            if touched:
                changed.append(record)
        ChangeRecord._base_manager.using(connection.alias).bulk_update(changed, ["before", "after"], batch_size=BATCH)


def decrypt_numbers(apps, schema_editor):
    """Back to plain numbers (the masked change records stay masked: the numbers are not in them)."""
    Worker = apps.get_model("community", "Worker")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote(Worker._meta.db_table)
    start = 0
    while rows := _raw_rows(connection, Worker._meta.db_table, start):
        start = rows[-1][0]
        plain = [(_plain(phone), _plain(number), pk) for pk, phone, number in rows]
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {quote('phone')} = %s, {quote('id_number')} = %s "
                               f"WHERE {quote('id')} = %s", plain)


class Migration(migrations.Migration):

    dependencies = [
        ("community", "0001_initial"),
        ("core", "0018_user_is_locked"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="worker",
            name="id_number",
            field=openpark.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name="身份证号"),
        ),
        migrations.AlterField(
            model_name="worker",
            name="phone",
            field=openpark.core.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="手机号"),
        ),
        migrations.RunPython(encrypt_numbers, decrypt_numbers, elidable=False),
        migrations.AlterModelOptions(
            name="worker",
            options={"ordering": ["name", "pk"], "permissions": [
                ("view_worker_identity", "查看从业人员完整手机号和身份证号"), ("view_own_points", "查看本人积分"),
                ("redeem_own_points", "用本人积分兑换、撤回本人的兑换申请")],
                "verbose_name": "从业人员", "verbose_name_plural": "从业人员"},
        ),
        migrations.AddField(
            model_name="redemption",
            name="request_key",
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name="redemption",
            name="state",
            field=models.CharField(choices=[("requested", "已申请"), ("approved", "已批准"), ("handed_over", "已领取"),
                                            ("refused", "已驳回"), ("withdrawn", "已撤回")],
                                   default="requested", editable=False, max_length=20, verbose_name="状态"),
        ),
        migrations.AddConstraint(
            model_name="redemption",
            constraint=models.UniqueConstraint(condition=models.Q(("request_key", ""), _negated=True),
                                               fields=("worker", "request_key"), name="unique_redemption_request",
                                               violation_error_message="这次兑换已提交过，未重复兑换。"),
        ),
    ]
