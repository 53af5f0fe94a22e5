"""Projects and target companies point at the chains and links of the enterprises app; the old tables go."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0006_vocab_chains'),
        ('investment', '0004_vocab_chains_to_enterprises'),
    ]

    operations = [
        migrations.AlterField(
            model_name='project',
            name='chain',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='enterprises.chain', verbose_name='产业链'),
        ),
        migrations.AlterField(
            model_name='targetcompany',
            name='link',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='targets', to='enterprises.chainlink', verbose_name='拟补环节'),
        ),
        migrations.AlterField(
            model_name='project',
            name='link',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='enterprises.chainlink', verbose_name='环节'),
        ),
        migrations.DeleteModel(
            name='Chain',
        ),
        migrations.DeleteModel(
            name='ChainLink',
        ),
    ]
