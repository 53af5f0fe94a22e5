"""Workers are found by a keyed digest of their phone (HMAC under the field key) instead of a plain
SHA-256, which anyone could reverse by trying every 11-digit number: every stored digest is
written anew, in batches."""
from django.db import migrations, models

BATCH = 1000


def rekey(apps, schema_editor):
    from openpark.core import crypto

    Worker = apps.get_model("community", "Worker")
    rows = Worker._base_manager.exclude(phone_digest="").only("pk", "phone").order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        for worker in batch:
            worker.phone_digest = crypto.lookup_digest(worker.phone) if worker.phone else ""
        Worker._base_manager.bulk_update(batch, ["phone_digest"])
        last = batch[-1].pk


def unkey(apps, schema_editor):
    from openpark.core import crypto

    Worker = apps.get_model("community", "Worker")
    batch = list(Worker._base_manager.exclude(phone_digest="").only("pk", "phone"))
    for worker in batch:
        worker.phone_digest = crypto.digest(worker.phone) if worker.phone else ""
    Worker._base_manager.bulk_update(batch, ["phone_digest"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("community", "0005_merge"),
    ]

    operations = [
        migrations.AlterField(
            model_name="worker",
            name="phone_digest",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100),
        ),
        migrations.RunPython(rekey, unkey),
    ]
