"""Importing spreadsheets into models: the Django side of `openpark.core.importing`.

An app declares a `ModelImporter` per importable model in its `importers.py` (the column map and
how references are resolved) and registers it. An import runs in two steps, each a background
task the user can follow: check (read, parse, resolve, count what will be created and updated,
keep a preview) and apply (the same checks again, then one transaction of bulk writes). A file
with any error writes nothing; its report is the uploaded workbook with an error column.

A column whose header no field answers to is never dropped without a word: the check lists it,
and the import is applied only once the user has either named the field it holds (a column map,
kept in the job's options and remembered for the importer's next files once confirmed) or
confirmed that it is to be ignored.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import bulk, importing
from .changes import record_bulk_changes, record_created, snapshot_texts
from .choices import ChangeAction
from .columns import display_value

CHUNK = 5000  # rows per IN (...) lookup, well under SQLite's variable limit
PREVIEW_ROWS = 20
BATCH = 2000  # rows per UPDATE statement

# Keys of an import job's options that belong to the framework rather than to an importer's form.
COLUMN_MAP = "column_map"  # {header key: field, or "" to ignore}: chosen by hand on the job page
REMEMBERED_MAP = "remembered_map"  # {header key: field}: the remembered names, as they were at the check
IGNORED_COLUMNS = "ignored_columns"  # [[sheet, column index, header], ...]: confirmed as ignored
UNACKNOWLEDGED = "此列未能识别，其中的数据不会导入：须先在导入页面为其指定对应字段，或确认忽略该列"

registry: dict[str, "ModelImporter"] = {}


def chunks(items: list, size: int = CHUNK):
    """Slices of `items` small enough for one `IN (...)` lookup."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def register(importer: "ModelImporter") -> "ModelImporter":
    registry[importer.name] = importer
    return importer


@dataclass
class MappedColumn:
    """A header read as a field through the column map: named by hand for this file, or remembered."""

    header: str
    field: str
    remembered: bool


@dataclass
class Plan:
    """What an import will do, worked out before anything is written."""

    rows: list[importing.ParsedRow]
    errors: list[importing.CellError]
    columns: list[importing.Column]
    existing: dict = field(default_factory=dict)
    sheets: list = field(default_factory=list, repr=False)
    spec: importing.ImportSpec | None = field(default=None, repr=False)
    unmatched: list[importing.UnmatchedColumn] = field(default_factory=list)
    mapped: list[MappedColumn] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self, key: str) -> dict[str, int]:
        updates = sum(1 for row in self.rows if row.values[key] in self.existing)
        return {"total": len(self.rows), "create": len(self.rows) - updates, "update": updates}


class ModelImporter:
    """The column map of one model and how its rows are written.

    Subclasses set `spec`, `model` and `key_field` (the model field holding the natural key),
    and override `resolve` to turn references (codes, names) into ids in bulk, `assign` for
    fields that are not plain model fields, and `write_related` for related rows.
    """

    spec: importing.ImportSpec
    model = None
    key_field: str = ""
    # A form of choices made at upload (e.g. the period of the data); its cleaned data must be
    # JSON-safe, as it is kept on the ImportJob and handed to `plan` as `options`.
    options_form = None
    notes = ""  # what the import page says about this sheet beyond the general steps

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    def describe_options(self, options: dict) -> str:
        """The choices made at upload, in words, for the import page."""
        return ""

    # Reading and checking ---------------------------------------------------------------------

    def plan(self, data: bytes, filename: str, options: dict | None = None) -> Plan:
        spec = self.spec
        sheets = importing.read_workbook(data, filename)
        result = importing.parse_rows(sheets, spec, column_map(options))
        errors = list(result.errors)
        errors += self.resolve(result.rows)
        bad = {(e.sheet, e.row) for e in errors}
        rows = [row for row in result.rows if (row.sheet, row.row) not in bad]
        existing = self.existing([row.values[spec.key] for row in rows])
        return Plan(rows=rows, errors=errors, columns=result.columns, existing=existing, sheets=sheets, spec=spec,
                    unmatched=result.unmatched, mapped=mapped_columns(result, options))

    def resolve(self, rows: list[importing.ParsedRow]) -> list[importing.CellError]:
        """Check references against the database in bulk; return an error per bad cell."""
        return []

    def existing(self, keys: list) -> dict:
        """{natural key: instance} for the keys already in the database, deleted rows included."""
        found = {}
        manager = self.model.all_objects if hasattr(self.model, "all_objects") else self.model._default_manager
        for chunk in chunks(keys):
            for obj in manager.filter(**{f"{self.key_field}__in": chunk}):
                found[getattr(obj, self.key_field)] = obj
        return found

    def preview(self, plan: Plan) -> dict:
        """The first rows as they will be saved, for the page before confirming, and the columns
        read through the column map or not read at all (`columns_preview`)."""
        headers = [c.header for c in plan.columns]
        rows = [
            [display(row.values.get(c.field), c) for c in plan.columns]
            for row in plan.rows[:PREVIEW_ROWS]
        ]
        return {"headers": headers, "rows": rows, **plan.counts((plan.spec or self.spec).key), **self.columns_preview(plan)}

    def columns_preview(self, plan: Plan) -> dict:
        """What the job page shows and asks about the file's columns, JSON-safe: the columns no field
        answers to (`unmatched`), those read through the column map (`mapped`), and the fields
        a column may be named as (`choices`: those no header of the file names by itself)."""
        spec = plan.spec or self.spec
        by_field = {column.field: column for column in spec.columns}
        mapped_fields = {m.field for m in plan.mapped}
        named = {column.field for column in plan.columns} - mapped_fields
        return {
            "unmatched": [_unmatched_dict(column) for column in plan.unmatched],
            "mapped": [{"header": m.header, "field": m.field, "label": by_field[m.field].header,
                        "remembered": m.remembered} for m in plan.mapped],
            "choices": [[column.field, column.header] for column in spec.columns if column.field not in named],
        }

    def preview_summary(self, preview: dict) -> str:
        return f"共 {preview['total']} 行，将新建 {preview['create']} 行、更新 {preview['update']} 行"

    def result_summary(self, counts: dict) -> str:
        return f"新建 {counts['create']} 行，更新 {counts['update']} 行，未变 {counts['unchanged']} 行"

    # Writing --------------------------------------------------------------------------------

    def assign(self, instance, values: dict) -> None:
        """Set the instance's fields from one row (fields absent from the file are left alone)."""
        for name, value in values.items():
            if name in self.model_fields:
                setattr(instance, name, value)

    @property
    def model_fields(self) -> set[str]:
        return {f.attname for f in self.model._meta.concrete_fields} | {
            f.name for f in self.model._meta.concrete_fields
        }

    def write(self, plan: Plan) -> dict[str, int]:
        """Create and update in bulk, record every change, in the caller's transaction."""
        creates, found, by_key = [], [], {}
        for row in plan.rows:
            key = row.values[self.spec.key]
            instance = plan.existing.get(key)
            if instance is None:
                instance = self.model()
                self.assign(instance, row.values)
                creates.append(instance)
            else:
                found.append((instance, row.values))
            by_key[key] = instance
        updates, changes = self._updates(found)
        now = timezone.now()
        for instance in creates + updates:
            if hasattr(instance, "updated_at"):
                instance.updated_at = now
        bulk.insert_instances(self.model, creates)
        if updates:
            self.model.all_objects.bulk_update(updates, self.updated_fields(plan), batch_size=BATCH)
        record_bulk_changes(changes)
        record_created(creates)
        self.write_related(plan, by_key)
        return {"create": len(creates), "update": len(updates), "unchanged": len(plan.rows) - len(creates) - len(updates)}

    def _updates(self, found: list[tuple]) -> tuple[list, list]:
        """Assign the file's values to the instances found; (changed instances, their changes)."""
        befores = snapshot_texts(instance for instance, _ in found)
        restored = []
        for instance, values in found:
            was_deleted = getattr(instance, "is_deleted", False)
            self.assign(instance, values)
            if was_deleted:
                instance.is_deleted, instance.deleted_at = False, None
            restored.append(was_deleted)
        afters = snapshot_texts(instance for instance, _ in found)
        updates, changes = [], []
        for (instance, _), before, after, was_deleted in zip(found, befores, afters, restored):
            if after != before:
                updates.append(instance)
                action = ChangeAction.RESTORE if was_deleted else ChangeAction.UPDATE
                changes.append((instance, action, before, after))
        return updates, changes

    def updated_fields(self, plan: Plan) -> list[str]:
        """The model fields an update may touch: those in the file, and the bookkeeping ones."""
        in_file = {c.field for c in plan.columns}
        names = {f.name for f in self.model._meta.concrete_fields if f.name in in_file or f.attname in in_file}
        names |= {"updated_at", "is_deleted", "deleted_at"} & {f.name for f in self.model._meta.concrete_fields}
        return sorted(names - {self.key_field})

    def write_related(self, plan: Plan, by_key: dict) -> None:
        """Write rows of related models (names, certificates, tags …); default: nothing.
        `by_key` maps each natural key of the file to its saved instance."""

    def apply(self, data: bytes, filename: str, options: dict | None = None) -> tuple[Plan, dict | None]:
        """Check again and, if the file is clean and every column it does not read has been confirmed
        as ignored, write it all in one transaction, and remember the columns named by hand."""
        plan = self.plan(data, filename, options)
        plan.errors += unacknowledged_columns(plan, options)
        if not plan.ok:
            return plan, None
        with transaction.atomic():
            counts = self.write(plan)
            remember_columns(self.name, options)
        return plan, counts

    # Export ---------------------------------------------------------------------------------

    def export_rows(self, queryset, user=None):
        """Rows keyed by field, in the import layout, so that an exported file imports back.
        `user` decides what personal data is shown unmasked."""
        raise NotImplementedError

    def export_bytes(self, queryset, user=None) -> bytes:
        return importing.export_xlsx(self.spec, self.export_rows(queryset, user))


# Column maps --------------------------------------------------------------------------------------


def column_map(options: dict | None) -> dict[str, str]:
    """The header -> field map a file is read with: the remembered names, overridden by those chosen
    by hand ("" chosen by hand means "ignore", and drops a remembered name for this file)."""
    options = options or {}
    merged = {**options.get(REMEMBERED_MAP, {}), **options.get(COLUMN_MAP, {})}
    return {header: name for header, name in merged.items() if name}


def mapped_columns(result: importing.ParseResult, options: dict | None) -> list[MappedColumn]:
    chosen = {header for header, name in ((options or {}).get(COLUMN_MAP) or {}).items() if name}
    return [MappedColumn(header, name, remembered=importing.header_key(header) not in chosen)
            for header, name in result.mapped]


def remembered_map(importer_name: str) -> dict[str, str]:
    """{header key: field} of the names remembered for an importer."""
    from .models import ImportColumnMapping

    return dict(ImportColumnMapping.objects.filter(importer=importer_name).values_list("header", "field"))


def remember_columns(importer_name: str, options: dict | None) -> None:
    """Remember the names chosen by hand for a confirmed import, for the importer's next files; a
    remembered name set to "ignore" is forgotten. Each change is in the change record."""
    from .models import ImportColumnMapping

    chosen = {header: name for header, name in ((options or {}).get(COLUMN_MAP) or {}).items()
              if len(header) <= ImportColumnMapping._meta.get_field("header").max_length}
    if not chosen:
        return
    known = {m.header: m for m in ImportColumnMapping.objects.filter(importer=importer_name, header__in=list(chosen))}
    for header, name in chosen.items():
        mapping = known.get(header)
        if not name:
            if mapping is not None:
                mapping.delete()
        elif mapping is None:
            ImportColumnMapping.objects.create(importer=importer_name, header=header, field=name)
        elif mapping.field != name:
            mapping.field = name
            mapping.save()


def acknowledged_columns(unmatched: list[dict]) -> list[list]:
    """The IGNORED_COLUMNS option for the unmatched columns of a job's preview."""
    return [[column["sheet"], column["index"], column["header"]] for column in unmatched]


def unacknowledged_columns(plan: Plan, options: dict | None) -> list[importing.CellError]:
    """An error for each column the file does not read and that was not confirmed as ignored."""
    acknowledged = {tuple(item) for item in (options or {}).get(IGNORED_COLUMNS) or []}
    return [
        importing.CellError(column.sheet, column.row, column.header or f"第 {column.letter} 列", "", UNACKNOWLEDGED)
        for column in plan.unmatched if (column.sheet, column.index, column.header) not in acknowledged
    ]


def _unmatched_dict(column: importing.UnmatchedColumn) -> dict:
    hint = column.hint
    return {
        "sheet": column.sheet, "row": column.row, "index": column.index, "letter": column.letter,
        "header": column.header, "samples": column.samples, "count": column.count,
        "hint": hint.message if hint else "",
        "hint_importer": hint.importer if hint and hint.importer in registry else "",
    }


def display(value, column: importing.Column | None = None) -> str:
    """A parsed cell as the preview shows it."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if column is not None and column.kind == "choice" and value is not None:
        return dict(column.choices).get(value, str(value))
    return display_value(value)
