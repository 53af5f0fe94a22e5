"""Inserting many rows at once, column by column, without a model instance or the SQL compiler
per row.

`QuerySet.bulk_create` spends most of a large insert on per-value work in the SQL compiler
(expressions, placeholders, pre_save and the database preparation of every field of every row).
Imports write hundreds of thousands of rows and their change records, so they use `insert_rows`:
the caller hands over plain tuples, each column is prepared for the database in one pass (only
where the driver cannot take the Python value as it is), and the rows go out as multi-row
`INSERT … VALUES … RETURNING id` statements, one per batch, on SQLite and PostgreSQL alike.
"""
import sqlite3
from collections.abc import Iterable, Sequence
from itertools import chain, repeat
from operator import attrgetter

from django.db import connections, models, router
from django.utils import timezone

# Field classes whose Python values the database drivers take unchanged.
_PLAIN_FIELDS = (
    models.CharField, models.TextField, models.IntegerField, models.BigIntegerField,
    models.SmallIntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField, models.BooleanField, models.FloatField,
)
MAX_BATCH = 2000
POSTGRES_MAX_PARAMS = 65535


_PREPARATION = ("get_prep_value", "get_db_prep_value", "get_db_prep_save")


def _is_plain(field) -> bool:
    """Whether the database takes the field's Python values as they are: a field of a plain kind
    (or a subclass that leaves its preparation alone, such as a normalising code field)."""
    if field.is_relation:
        return _is_plain(field.target_field)
    if isinstance(field, models.fields.AutoFieldMixin):
        return True  # integers; its own preparation only guards against 0 on MySQL
    base = next((plain for plain in _PLAIN_FIELDS if isinstance(field, plain)), None)
    return base is not None and all(getattr(type(field), m) is getattr(base, m) for m in _PREPARATION)


def _max_params(connection) -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return POSTGRES_MAX_PARAMS


def _is_automatic(field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def insert_rows(
    model, columns: Sequence[str], rows: Sequence[tuple], *, constants: dict | None = None,
    raw: Iterable[str] = (), using: str | None = None,
) -> list:
    """Insert `rows` (tuples of Python values, in the order of `columns`, given by attname) into
    the model's table and return the new primary keys, in the order of the rows.

    Every other concrete field takes one value for all rows: `constants[attname]` if given, the
    current time for auto_now fields, else the field's default. Columns named in `raw` are passed
    to the driver as they are (JSON already serialised, say). No signals are sent and no change is
    recorded: callers record their changes themselves.
    """
    if not rows:
        return []
    using = using or router.db_for_write(model)
    connection = connections[using]
    opts = model._meta
    constants = dict(constants or {})
    now = timezone.now()
    given = set(columns)
    for field in opts.concrete_fields:
        if field.primary_key or field.attname in given or field.attname in constants:
            continue
        constants[field.attname] = now if _is_automatic(field) else field.get_default()
    fields = {f.attname: f for f in opts.concrete_fields}
    raw = set(raw)
    constant_names = list(constants)
    constant_values = [fields[name].get_db_prep_save(constants[name], connection) for name in constant_names]
    preparers = [
        None if name in raw or _is_plain(fields[name]) else fields[name].get_db_prep_save
        for name in columns
    ]
    names = list(columns) + constant_names
    size = max(1, min(MAX_BATCH, _max_params(connection) // len(names)))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[n].column) for n in names)
    head = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "
    row_sql = "(" + ", ".join(["%s"] * len(names)) + ")"
    returning = f" RETURNING {quote(opts.pk.column)}"
    keys = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            by_column = [
                column if prepare is None else [prepare(value, connection) for value in column]
                for column, prepare in zip(zip(*batch), preparers)
            ]
            params = list(chain.from_iterable(zip(*by_column, *(repeat(v, len(batch)) for v in constant_values))))
            cursor.execute(head + ", ".join([row_sql] * len(batch)) + returning, params)
            keys += [row[0] for row in cursor.fetchall()]
    return keys


def insert_instances(model, instances: Sequence, *, using: str | None = None) -> None:
    """Insert new, unsaved instances (no primary key yet) as `insert_rows` does, and set their
    primary keys. Fields with their own pre_save (timestamps, normalised codes) run it first, as
    a save would; timestamps take one time for all."""
    if not instances:
        return
    using = using or router.db_for_write(model)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    automatic = [f.attname for f in fields if _is_automatic(f)]
    with_pre_save = [f for f in fields if type(f).pre_save is not models.Field.pre_save and not _is_automatic(f)]
    now = timezone.now()
    for instance in instances:
        for name in automatic:
            setattr(instance, name, now)
        for field in with_pre_save:
            setattr(instance, field.attname, field.pre_save(instance, True))
    read = attrgetter(*(f.attname for f in fields))
    rows = [read(instance) for instance in instances]
    if len(fields) == 1:
        rows = [(value,) for value in rows]
    keys = insert_rows(model, [f.attname for f in fields], rows, using=using)
    for instance, key in zip(instances, keys):
        instance.pk = key
        instance._state.adding = False
        instance._state.db = using


LOOKUP_CHUNK = 5000  # values per lookup query, well under SQLite's variable limit


def chunks(items: list, size: int = LOOKUP_CHUNK):
    """Slices of `items` small enough for one `IN (...)` lookup."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
