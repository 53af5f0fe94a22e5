"""The change record: every create, update and delete of a `ChangeLoggedModel`.

Single saves are recorded by the signal handlers below, connected per recorded model (`connect`),
so that Django still deletes the rows of every other model fast. Bulk paths (imports) call
`record_bulk_changes` with the before and after values they already hold, and deletions inside
`recording_in_bulk` (every queryset delete and hard delete of a recorded model, with its
cascades) are recorded at its end in one bulk insert, so that a bulk write costs one more bulk
insert, not a query per row.
"""
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from . import bulk, crypto
from .choices import ChangeAction
from .context import current_actor
from .masking import mask_value
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


def encrypted_fields(model) -> frozenset[str]:
    """The fields of `model` stored encrypted: the change record keeps them masked."""
    return frozenset(f.name for f in model._meta.concrete_fields if getattr(f, "encrypted", False))


def recorded_value(name: str, value):
    """What the change record keeps of an encrypted field's value: the value masked, and a keyed
    fingerprint, so that a change shows even where the masked forms look alike, and the record
    never holds the plain text the table keeps encrypted."""
    if value in (None, ""):
        return value
    return f"{mask_value(name, value)}（{crypto.fingerprint(str(value))}）"


def _protect(model, values: dict) -> dict:
    for name in encrypted_fields(model) & values.keys():
        values[name] = recorded_value(name, values[name])
    return values


_encoder = DjangoJSONEncoder()  # one instance: json.dumps(..., cls=...) would build one per call


def to_json_values(values: dict) -> dict:
    """Python values to their JSON form (Decimal and dates as strings), as stored in a record."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def snapshot(instance) -> dict:
    """The recorded values of an instance, keyed by field name (foreign keys by their id)."""
    model = type(instance)
    return to_json_values(_protect(model, {f.name: f.value_from_object(instance) for f in _recorded_fields(model)}))


def loaded_snapshot(instance) -> dict | None:
    """The values the instance had when it was read from the database, or None if never read."""
    loaded = getattr(instance, "_loaded_values", None)
    if loaded is None:
        return None
    by_attname = {f.attname: f.name for f in _recorded_fields(type(instance))}
    return to_json_values(_protect(type(instance), {by_attname[k]: v for k, v in loaded.items() if k in by_attname}))


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
            readers[model] = ([f.name for f in fields], attrgetter(*(f.attname for f in fields)),
                              encrypted_fields(model))
        names, read, encrypted = readers[model]
        values = dict(zip(names, read(instance)))
        texts.append(_encoder.encode(_protect(model, values) if encrypted else values))
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


def build_record(instance, action: str, before: dict | None, after: dict | None, reason: str = "") -> ChangeRecord:
    return ChangeRecord(
        time=timezone.now(),
        reason=reason,
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


def record_bulk_changes(changes, reason: str = "") -> int:
    """Record many changes in bulk, all by the current actor at one time, for one reason if given;
    return how many.

    `changes` yields (instance, action, before, after), where before and after are snapshots, as
    dicts or as the JSON text of `snapshot_texts`, or None."""
    content_type = {}

    def content_type_id(model):
        if model not in content_type:
            content_type[model] = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        return content_type[model]

    rows = [
        (content_type_id(getattr(instance, "recorded_model", type(instance))), str(instance.pk), str(instance)[:200], action,
         _json_text(before), _json_text(after))
        for instance, action, before, after in changes
    ]
    bulk.insert_rows(
        ChangeRecord, ["content_type_id", "object_id", "object_repr", "action", "before", "after"], rows,
        constants={"time": timezone.now(), "reason": reason, **_actor_values()}, raw=["before", "after"],
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


@dataclass(frozen=True)
class Gone:
    """A deleted record as its change record names it (Django clears a deleted instance's key)."""

    recorded_model: type
    pk: object
    text: str

    def __str__(self):
        return self.text


_batch = threading.local()


@contextmanager
def recording_in_bulk():
    """Deletions recorded inside are written at the end, in one bulk insert; the records they
    link to (named in each record) are read once for all. Nested uses join the outer one."""
    if getattr(_batch, "deleted", None) is not None:
        yield
        return
    _batch.deleted = []
    try:
        yield
        deleted = _batch.deleted
    finally:
        _batch.deleted = None
    _record_deleted(deleted)


def _record_deleted(deleted: list) -> None:
    by_model: dict[type, list] = {}
    for instance, _, _ in deleted:
        by_model.setdefault(type(instance), []).append(instance)
    for model, instances in by_model.items():
        read_parents(model, instances)
    record_bulk_changes(
        (Gone(type(instance), pk, _text(instance, pk)), ChangeAction.DELETE, before, None)
        for instance, pk, before in deleted
    )


def _text(instance, pk) -> str:
    try:
        return str(instance)
    except ObjectDoesNotExist:  # it named a record deleted with it
        return f"{instance._meta.verbose_name} {pk}"


def read_parents(model, instances, links=None) -> None:
    """Put the records the instances link to (through `links`, by default every link) in their
    caches, one query per link, so that naming or checking each instance reads none."""
    for field in model._meta.concrete_fields:
        if not field.many_to_one or links is not None and field.name not in links:
            continue
        wanted = [i for i in instances if getattr(i, field.attname) is not None and not field.is_cached(i)]
        ids = list({getattr(i, field.attname) for i in wanted})
        found = {}
        for chunk in bulk.chunks(ids):
            found.update((obj.pk, obj) for obj in field.related_model._base_manager.filter(pk__in=chunk))
        for instance in wanted:
            parent = found.get(getattr(instance, field.attname))
            if parent is not None:
                field.set_cached_value(instance, parent)



def connect() -> None:
    """Connect the change record's receivers to each recorded model (and the many-to-many links of
    each), never to all senders: a model with a delete receiver loses Django's fast delete."""
    for model in apps.get_models():
        if not issubclass(model, ChangeLoggedModel):
            continue
        uid = model._meta.label_lower
        post_save.connect(record_save, sender=model, dispatch_uid=f"change-record-save-{uid}")
        if model.record_deletions:
            post_delete.connect(record_delete, sender=model, dispatch_uid=f"change-record-delete-{uid}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(record_m2m, sender=through, dispatch_uid=f"change-record-m2m-{through._meta.label_lower}")


def record_save(sender, instance, created, raw=False, **kwargs):
    """Record a save, with the reason given for it (`instance._change_reason`, set by the form or
    the API that asked for it)."""
    if raw:
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
            before = {**(before or {}), **dict.fromkeys(secrets, "")}
            after.update(secrets)
    instance._change_action = ChangeAction.UPDATE
    reason, instance._change_reason = getattr(instance, "_change_reason", ""), ""
    build_record(instance, action, before, after, reason).save()
    _remember_loaded(instance)


def record_delete(sender, instance, **kwargs):
    before = loaded_snapshot(instance) or snapshot(instance)
    pending = getattr(_batch, "deleted", None)
    if pending is None:
        build_record(instance, ChangeAction.DELETE, before, None).save()
    else:
        pending.append((instance, instance.pk, before))


def _m2m_field_name(instance, through) -> str | None:
    for field in type(instance)._meta.many_to_many:
        if field.remote_field.through is through:
            return field.name
    return None


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
