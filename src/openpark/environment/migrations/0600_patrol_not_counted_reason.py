"""A patrol says why it does not count under its level's rule (不计入原因): the field, and the
reason of each patrol already recorded as not counting, computed by the rule (in bulk)."""
from django.db import migrations, models
from django.utils import timezone

from openpark.environment.patrols import not_counted_reason


def explain(apps, schema_editor):
    PatrolRule = apps.get_model("environment", "PatrolRule")
    Patrol = apps.get_model("environment", "Patrol")
    for rule in PatrolRule._base_manager.all():
        rows = Patrol._base_manager.filter(chief__level=rule.level, counts=False).values_list(
            "pk", "duration_minutes", "distance_km", "started_at")
        explained = [Patrol(pk=pk, not_counted_reason=not_counted_reason(
            minutes, km, timezone.localtime(started_at).month, rule.min_minutes, rule.min_km, rule.active_months))
            for pk, minutes, km, started_at in rows.iterator(chunk_size=5000)]
        Patrol._base_manager.bulk_update(explained, ["not_counted_reason"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('environment', '0500_transition_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='patrol',
            name='not_counted_reason',
            field=models.CharField(blank=True, editable=False, max_length=300, verbose_name='不计入原因'),
        ),
        migrations.RunPython(explain, migrations.RunPython.noop),
    ]
