"""One model of industry chains, in the enterprises app: chains, links and who is in them (at a link or not)."""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0005_scopes_service_contracts'),
    ]

    operations = [
        migrations.CreateModel(
            name='Chain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('is_deleted', models.BooleanField(db_index=True, default=False, editable=False, verbose_name='已删除')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='删除时间')),
                ('name', models.CharField(max_length=50, unique=True, verbose_name='产业链')),
                ('leader', models.CharField(blank=True, max_length=50, verbose_name='链长')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
            ],
            options={
                'verbose_name': '产业链',
                'verbose_name_plural': '产业链',
                'ordering': ['order', 'name'],
            },
            managers=[
                ('all_objects', django.db.models.manager.Manager()),
            ],
        ),
        migrations.AlterField(
            model_name='tag',
            name='kind',
            field=models.CharField(choices=[('srdi', '专精特新'), ('other', '其他')], default='other', max_length=20, verbose_name='类别'),
        ),
        migrations.CreateModel(
            name='ChainLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('is_deleted', models.BooleanField(db_index=True, default=False, editable=False, verbose_name='已删除')),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='删除时间')),
                ('name', models.CharField(max_length=50, verbose_name='环节')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='从上游到下游递增', verbose_name='上下游顺序')),
                ('status', models.CharField(choices=[('missing', '缺失（补链）'), ('weak', '薄弱（强链）'), ('extend', '待延伸（扩链）'), ('strong', '完整')], default='weak', max_length=10, verbose_name='状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('chain', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='links', to='enterprises.chain', verbose_name='产业链')),
            ],
            options={
                'verbose_name': '产业链环节',
                'verbose_name_plural': '产业链环节',
                'ordering': ['chain__order', 'chain__name', 'order'],
            },
            managers=[
                ('all_objects', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='ChainMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='enterprises.chain', verbose_name='产业链')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chain_memberships', to='enterprises.enterprise', verbose_name='企业')),
                ('link', models.ForeignKey(blank=True, help_text='不选为未分环节', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='enterprises.chainlink', verbose_name='环节')),
            ],
            options={
                'verbose_name': '产业链企业',
                'verbose_name_plural': '产业链企业',
                'ordering': ['chain__order', 'chain__name', 'link__order', 'enterprise__name'],
            },
        ),
        migrations.AddField(
            model_name='enterprise',
            name='chains',
            field=models.ManyToManyField(blank=True, related_name='enterprises', through='enterprises.ChainMembership', to='enterprises.chain', verbose_name='产业链'),
        ),
        migrations.AddConstraint(
            model_name='chainlink',
            constraint=models.UniqueConstraint(fields=('chain', 'name'), name='unique_link_name_per_chain', violation_error_message='该产业链已有同名环节。'),
        ),
        migrations.AddConstraint(
            model_name='chainmembership',
            constraint=models.UniqueConstraint(condition=models.Q(('link__isnull', True)), fields=('enterprise', 'chain'), name='unique_unplaced_chain_member', violation_error_message='该企业已在这条产业链中（未分环节）。'),
        ),
        migrations.AddConstraint(
            model_name='chainmembership',
            constraint=models.UniqueConstraint(condition=models.Q(('link__isnull', False)), fields=('enterprise', 'link'), name='unique_link_member', violation_error_message='该企业已在这个环节中。'),
        ),
    ]
