"""The enterprise binding moves from core to the enterprises app, so that core no longer depends on
enterprises. The table keeps its name (`core_enterprisebinding`): an installation that has it keeps
its rows and the table is left as it is; a new installation creates it here. The binding's content
type follows the model, so that its change records and permissions stay attached to it."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class CreateModelKeepingTable(migrations.CreateModel):
    """CreateModel whose table may already exist (made by core's first migration, before the move)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if model._meta.db_table in schema_editor.connection.introspection.table_names():
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        """The table stays: before the move it was core's, and core's migrations do not remake it."""


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="enterprises", model="enterprisebinding").exists():
        ContentType.objects.filter(app_label="core", model="enterprisebinding").update(app_label="enterprises")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="enterprisebinding").exists():
        ContentType.objects.filter(app_label="enterprises", model="enterprisebinding").update(app_label="core")


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0003_constraint_messages'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelKeepingTable(
            name='EnterpriseBinding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='user_bindings', to='enterprises.enterprise', verbose_name='企业')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enterprise_bindings', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '企业账号绑定',
                'verbose_name_plural': '企业账号绑定',
                'db_table': 'core_enterprisebinding',
                'constraints': [models.UniqueConstraint(fields=('user', 'enterprise'), name='unique_enterprise_binding', violation_error_message='该用户已绑定此企业。')],
            },
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
