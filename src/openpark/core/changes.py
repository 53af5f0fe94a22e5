"""The change record: every create, update and delete of a `ChangeLoggedModel`.

Single saves are recorded by the signal handlers below. Bulk paths (imports, queryset deletes)
call `record_bulk_changes` with the before and after values they already hold, so that a bulk
write costs one more bulk insert, not a query per row.
"""
import json
from operator import attrgetter

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from . import bulk
from .choices import ChangeAction
from .context import current_actor
from .models import ChangeLoggedModel, ChangeRecord


def visible_content_type_ids(user) -> list[int] | None:
    """The object types whose change records `user` may read: those whose records they may view;
    None for every type (auditors and superusers)."""
    if user.has_perm("core.view_all_changes"):
        return None
    return [ct.pk for ct in ContentType.objects.all() if user.has_perm(f"{ct.app_label}.view_{ct.model}")]


def visible_change_records(queryset, user):
    """Change records limited to the object types the user may view: a change shows no more than
    the object itself would. Records are not scoped to enterprises or grids, so a scoped user
    reads them only through the history pages of their own objects."""
    from .scoping import is_park_wide

    if not is_park_wide(user):
        return queryset.none()
    ids = visible_content_type_ids(user)
    return queryset if ids is None else queryset.filter(content_type_id__in=ids)


def _recorded_fields(model) -> list[models.Field]:
    exclude = model.change_log_exclude
    return [f for f in model._meta.concrete_fields if f.name not in exclude]


_encoder = DjangoJSONEncoder()  # one instance: json.dumps(..., cls=...) would build one per call


def to_json_values(values: dict) -> dict:
    """Python values to their JSON form (Decimal and dates as strings), as stored in a record."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def snapshot(instance) -> dict:
    """The recorded values of an instance, keyed by field name (foreign keys by their id)."""
    return to_json_values(
        {f.name: f.value_from_object(instance) for f in _recorded_fields(type(instance))}
    )


def loaded_snapshot(instance) -> dict | None:
    """The values the instance had when it was read from the database, or None if never read."""
    loaded = getattr(instance, "_loaded_values", None)
    if loaded is None:
        return None
    by_attname = {f.attname: f.name for f in _recorded_fields(type(instance))}
    return to_json_values({by_attname[k]: v for k, v in loaded.items() if k in by_attname})


def _remember_loaded(instance) -> None:
    instance._loaded_values = {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def snapshot_texts(instances) -> list[str]:
    """`snapshot` of many instances, as the JSON text the record stores, without the round trip
    through Python values that `snapshot` makes for comparison."""
    readers: dict[type, tuple] = {}
    texts = []
    for instance in instances:
        model = type(instance)
        if model not in readers:
            fields = _recorded_fields(model)
            readers[model] = ([f.name for f in fields], attrgetter(*(f.attname for f in fields)))
        names, read = readers[model]
        texts.append(_encoder.encode(dict(zip(names, read(instance)))))
    return texts


def _actor_values() -> dict:
    actor = current_actor()
    user = actor.resolved_user()
    return {
        "user_id": user.pk if user else None,
        "username": getattr(user, "username", "") if user else "",
        "request_id": actor.request_id,
        "source": actor.source,
    }


def build_record(instance, action: str, before: dict | None, after: dict | None) -> ChangeRecord:
    return ChangeRecord(
        time=timezone.now(),
        content_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        before=before,
        after=after,
        **_actor_values(),
    )


def _json_text(values: dict | str | None) -> str | None:
    if values is None or isinstance(values, str):
        return values
    return _encoder.encode(values)


def record_bulk_changes(changes) -> int:
    """Record many changes in bulk, all by the current actor at one time; return how many.

    `changes` yields (instance, action, before, after), where before and after are snapshots, as
    dicts or as the JSON text of `snapshot_texts`, or None."""
    content_type = {}

    def content_type_id(model):
        if model not in content_type:
            content_type[model] = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        return content_type[model]

    rows = [
        (content_type_id(type(instance)), str(instance.pk), str(instance)[:200], action,
         _json_text(before), _json_text(after))
        for instance, action, before, after in changes
    ]
    bulk.insert_rows(
        ChangeRecord, ["content_type_id", "object_id", "object_repr", "action", "before", "after"], rows,
        constants={"time": timezone.now(), **_actor_values()}, raw=["before", "after"],
    )
    return len(rows)


def record_created(instances) -> int:
    """Record the creation of saved instances, in bulk."""
    instances = list(instances)
    return record_bulk_changes(
        (instance, ChangeAction.CREATE, None, after) for instance, after in zip(instances, snapshot_texts(instances))
    )


def soft_delete_queryset(queryset) -> tuple[int, dict]:
    rows = list(queryset.filter(is_deleted=False))
    if not rows:
        return 0, {}
    befores = [snapshot(row) for row in rows]
    now = timezone.now()
    queryset.model.all_objects.filter(pk__in=[row.pk for row in rows]).update_unguarded(
        is_deleted=True, deleted_at=now, updated_at=now
    )
    for row in rows:
        row.is_deleted, row.deleted_at = True, now
    record_bulk_changes(
        (row, ChangeAction.DELETE, before, snapshot(row)) for row, before in zip(rows, befores)
    )
    return len(rows), {queryset.model._meta.label: len(rows)}


@receiver(post_save)
def record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    after = snapshot(instance)
    secrets = instance.secret_changes()
    if created:
        action, before = ChangeAction.CREATE, None
        after.update(secrets)
    else:
        action = getattr(instance, "_change_action", ChangeAction.UPDATE)
        before = loaded_snapshot(instance)
        if before == after and not secrets:
            return
        if secrets:
            before = {**(before or {}), **{name: "" for name in secrets}}
            after.update(secrets)
    instance._change_action = ChangeAction.UPDATE
    build_record(instance, action, before, after).save()
    _remember_loaded(instance)


@receiver(post_delete)
def record_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLoggedModel):
        return
    before = loaded_snapshot(instance) or snapshot(instance)
    build_record(instance, ChangeAction.DELETE, before, None).save()


def _m2m_field_name(instance, through) -> str | None:
    for field in type(instance)._meta.many_to_many:
        if field.remote_field.through is through:
            return field.name
    return None


@receiver(m2m_changed)
def record_m2m(sender, instance, action, reverse, **kwargs):
    """Record changes of a many-to-many field (a user's roles, say) as an update of its owner."""
    if reverse or not isinstance(instance, ChangeLoggedModel):
        return
    name = _m2m_field_name(instance, sender)
    if name is None:
        return
    if action.startswith("pre_"):
        instance._m2m_before = {name: sorted(getattr(instance, name).values_list("pk", flat=True))}
        return
    if not action.startswith("post_"):
        return
    before = getattr(instance, "_m2m_before", {}).get(name, [])
    after = sorted(getattr(instance, name).values_list("pk", flat=True))
    if before != after:
        build_record(instance, ChangeAction.UPDATE, {name: before}, {name: after}).save()
