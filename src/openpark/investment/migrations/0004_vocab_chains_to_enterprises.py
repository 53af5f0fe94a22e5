"""The one model of industry chains is the enterprises app's now. Copied here, with their ids (so
that projects and target companies keep pointing at the same rows): the chains, their links and the
enterprises on each link (each becomes a membership at that link). Then every enterprise tagged with
a chain tag becomes a member of the chain of that name (created if missing), at no link unless it
is already at one of the chain's links, and the chain tags go. Change records of chains and links
follow them to their new model."""
from django.core.management.color import no_style
from django.db import migrations

CHAIN_FIELDS = ("id", "created_at", "updated_at", "is_deleted", "deleted_at", "name", "leader", "order", "note")
LINK_FIELDS = ("id", "created_at", "updated_at", "is_deleted", "deleted_at", "chain_id", "name", "order", "status",
               "note")


def copy(model, rows, fields):
    model._default_manager.bulk_create([model(**{name: getattr(row, name) for name in fields}) for row in rows],
                              batch_size=500)


def move_chains(apps, schema_editor):
    OldChain, OldLink = apps.get_model("investment", "Chain"), apps.get_model("investment", "ChainLink")
    Chain, ChainLink = apps.get_model("enterprises", "Chain"), apps.get_model("enterprises", "ChainLink")
    Membership = apps.get_model("enterprises", "ChainMembership")
    copy(Chain, OldChain._default_manager.order_by("pk"), CHAIN_FIELDS)
    copy(ChainLink, OldLink._default_manager.order_by("pk"), LINK_FIELDS)
    at_links = OldLink.enterprises.through.objects.values_list("enterprise_id", "chainlink_id", "chainlink__chain_id")
    Membership._default_manager.bulk_create([Membership(enterprise_id=e, link_id=link, chain_id=chain)
                                    for e, link, chain in at_links], batch_size=1000)
    _reset_sequences(schema_editor, [Chain, ChainLink])
    _tags_to_memberships(apps, Chain, Membership)
    _move_change_records(apps)


def _reset_sequences(schema_editor, models):
    """Rows were written with their ids: the next new row must not take one of them (PostgreSQL)."""
    for statement in schema_editor.connection.ops.sequence_reset_sql(no_style(), models):
        schema_editor.execute(statement)


def _tags_to_memberships(apps, Chain, Membership):
    Tag = apps.get_model("enterprises", "Tag")
    Tagged = apps.get_model("enterprises", "Enterprise").tags.through
    chain_tags = list(Tag._default_manager.filter(kind="chain").order_by("name"))
    if not chain_tags:
        return
    chains = {chain.name: chain for chain in Chain._default_manager.filter(name__in=[tag.name for tag in chain_tags])}
    last = max(Chain._default_manager.values_list("order", flat=True), default=0)
    missing = [Chain(name=tag.name, order=last + 10 * (i + 1), is_deleted=tag.is_deleted, deleted_at=tag.deleted_at)
               for i, tag in enumerate(t for t in chain_tags if t.name not in chains)]
    for chain in Chain._default_manager.bulk_create(missing):
        chains[chain.name] = chain
    chain_of_tag = {tag.pk: chains[tag.name].pk for tag in chain_tags}
    members = set(Membership._default_manager.values_list("enterprise_id", "chain_id"))
    tagged = Tagged._default_manager.filter(tag_id__in=chain_of_tag).values_list("enterprise_id", "tag_id")
    Membership._default_manager.bulk_create([
        Membership(enterprise_id=enterprise, chain_id=chain_of_tag[tag])
        for enterprise, tag in tagged.iterator(chunk_size=5000) if (enterprise, chain_of_tag[tag]) not in members
    ], batch_size=1000)
    Tagged._default_manager.filter(tag_id__in=chain_of_tag).delete()
    Tag._default_manager.filter(pk__in=chain_of_tag).delete()


def _move_change_records(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ChangeRecord = apps.get_model("core", "ChangeRecord")
    for model in ("chain", "chainlink"):
        old = ContentType._default_manager.filter(app_label="investment", model=model).first()
        if old is None:
            continue
        new, _ = ContentType._default_manager.get_or_create(app_label="enterprises", model=model)
        ChangeRecord._default_manager.filter(content_type=old).update(content_type=new)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0013_import_changes_report"),
        ("enterprises", "0006_vocab_chains"),
        ("investment", "0003_constraint_messages"),
    ]

    operations = [migrations.RunPython(move_chains, elidable=False)]
