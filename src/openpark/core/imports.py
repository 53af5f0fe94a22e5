"""Importing spreadsheets into models: the Django side of `openpark.core.importing`.

An app declares a `ModelImporter` per importable model in its `importers.py` (the column map, the
natural key, and how references are resolved) and registers it. An import runs in two steps, each
a background task the user can follow: check (read, parse, resolve, match every record to the
stored one and work out exactly what changes, keep a preview) and apply (the same again, then one
transaction of bulk writes that applies that plan). A file with any error writes nothing; its
report is the uploaded workbook with an error column.

The plan is the one place where an import decides what it does: each record of the file is matched
to the stored record with its natural key (`ModelImporter.key`, one or several fields, soft-deleted
records included) and becomes a `RowChange` (create, update with the fields that differ, restore,
delete, or unchanged); rows of related models are planned the same way (`RelatedChanges`,
`LinkChanges`). The preview counts and shows that plan, and the write applies it, so the two agree.

A column whose header no field answers to is never dropped without a word: the check lists it,
and the import is applied only once the user has either named the field it holds (a column map,
kept in the job's options and remembered for the importer's next files once confirmed) or
confirmed that it is to be ignored.
"""
import dataclasses
import io
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from . import bulk, importing, matching, uscc
from .changes import loaded_snapshot, read_parents, record_bulk_changes, record_created, snapshot_texts
from .choices import ChangeAction
from .columns import display_value, distinct_figures, is_position
from .masking import hidden_fields, mask_value
from .matching import Action
from .models import ChangeLoggedModel
from .scoping import bound_ids, is_park_wide, role_names, scope_q, scopes

CHUNK = bulk.LOOKUP_CHUNK
chunks = bulk.chunks
PREVIEW_ROWS = 20  # changed and created records shown on the job page; the changes report has them all
BATCH = 2000  # rows per UPDATE statement
EMPTY = "（空）"
BOOKKEEPING = frozenset({"created_at", "updated_at", "is_deleted", "deleted_at"})
CHANGES_SHEET = "变更明细"
CHANGES_TITLES = ("工作表", "行号", "记录", "操作", "字段", "原值", "新值")

STORED_OUT_OF_SCOPE = "已有相同编号的记录属于您的服务或绑定范围以外的企业，不能导入"
NEW_OUT_OF_SCOPE = "该行所属企业不在您的服务或绑定范围内（或未填写您服务或绑定的企业），不能导入"
# Keys of an import job's options that belong to the framework rather than to an importer's form.
COLUMN_MAP = "column_map"  # {header key: field, or "" to ignore}: chosen by hand on the job page
REMEMBERED_MAP = "remembered_map"  # {header key: field}: the remembered names, as they were at the check
IGNORED_COLUMNS = "ignored_columns"  # [[sheet, column index, header], ...]: confirmed as ignored
UNACKNOWLEDGED = "此列未能识别，其中的数据不会导入：须先在导入页面为其指定对应字段，或确认忽略该列"

registry: dict[str, "ModelImporter"] = {}


def register(importer: "ModelImporter") -> "ModelImporter":
    registry[importer.name] = importer
    return importer


@dataclass
class MappedColumn:
    """A header read as a field through the column map: named by hand for this file, or remembered."""

    header: str
    field: str
    remembered: bool


# The plan ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """One stored record as a row of the file asks for it. Most sheets hold one record a row; the
    fact sheet one per indicator column. `delete`: the file asks for the stored record to go (a
    blank cell of the fact sheet), soft-deleted as domain records are; nothing happens when there
    is none."""

    row: importing.ParsedRow
    values: dict
    delete: bool = False


@dataclass(slots=True)
class FieldChange:
    """One field's value before and after the import (before is None for a new record). `field`, the
    model field, says how values read (labels, names, masking); without it they read as they are."""

    label: str
    before: object
    after: object
    field: models.Field | None = None


@dataclass(slots=True)
class RowChange:
    """What the import does to one record: `instance` is the new record, or the stored one with the
    file's values assigned (not saved); `fields` the fields of the instance that change, `related`
    the columns written to related rows (规上年份, 联系人 …) that change. The stored values before
    are those the instance was read with (`changes.loaded_snapshot`)."""

    record: Record
    key: tuple
    action: Action
    instance: models.Model
    fields: list[FieldChange] = field(default_factory=list)
    related: list[FieldChange] = field(default_factory=list)

    def add_related(self, change: FieldChange) -> None:
        """A related row of this record changes: the record counts as updated."""
        self.related.append(change)
        if self.action == Action.UNCHANGED:
            self.action = Action.UPDATE

    @property
    def saves_instance(self) -> bool:
        return self.action in (Action.CREATE, Action.RESTORE, Action.DELETE) or bool(self.fields)


@dataclass
class RelatedChanges:
    """Rows of a related model that the import creates, updates and deletes. Updated and deleted rows
    were read from the database, so `changes.loaded_snapshot(row)` gives their values before and the
    row itself those after. A new row may point to a record the same import creates: its link is
    set once that record is saved."""

    model: type
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    deletes: list = field(default_factory=list)
    update_fields: tuple[str, ...] = ()
    reason: str = ""  # of the change records of the updated rows, when the file did not write them itself

    def write(self) -> None:
        _link_saved_parents(self.creates + self.updates)
        bulk.insert_instances(self.model, self.creates)
        if self.updates:
            self.model._default_manager.bulk_update(self.updates, self.update_fields, batch_size=BATCH)
        for chunk in chunks([row.pk for row in self.deletes]):
            self.model._default_manager.filter(pk__in=chunk).delete()
        record_created(self.creates)
        if self.updates and issubclass(self.model, ChangeLoggedModel):
            afters = snapshot_texts(self.updates)
            record_bulk_changes(((row, ChangeAction.UPDATE, loaded_snapshot(row), after)
                                 for row, after in zip(self.updates, afters, strict=True)), reason=self.reason)


@dataclass
class LinkChanges:
    """Many-to-many links the import sets: for each owner whose links change, the ids linked before
    and the records linked after (which may be created by the same import)."""

    model: type
    field: str  # the many-to-many field of `model`, e.g. "tags"
    owners: list[tuple[models.Model, list, list]] = field(default_factory=list)  # (owner, before ids, after)

    def write(self) -> None:
        relation = self.model._meta.get_field(self.field)
        through = relation.remote_field.through
        source = through._meta.get_field(relation.m2m_field_name()).attname
        target = through._meta.get_field(relation.m2m_reverse_field_name()).attname
        for chunk in chunks([owner.pk for owner, _, _ in self.owners if owner.pk is not None]):
            through.objects.filter(**{f"{source}__in": chunk}).delete()
        bulk.insert_rows(through, [source, target], [
            (owner.pk, linked.pk) for owner, _, after in self.owners for linked in after
        ])
        # Recorded as a change of each owner stored before the import (a new one is recorded as created).
        linked = [(owner, sorted(before), sorted(record.pk for record in after)) for owner, before, after in self.owners]
        record_bulk_changes(
            (owner, ChangeAction.UPDATE, {self.field: before}, {self.field: after})
            for owner, before, after in linked if hasattr(owner, "_loaded_values") and before != after
        )


def _link_saved_parents(instances) -> None:
    """Set the foreign keys of rows that point to records saved since they were planned (through the
    relation, as setting the id alone would forget the record and fetch it again to name the row)."""
    relations: dict[type, list] = {}
    for instance in instances:
        model = type(instance)
        if model not in relations:
            relations[model] = [f for f in model._meta.concrete_fields if f.many_to_one]
        for relation in relations[model]:
            if getattr(instance, relation.attname) is None and relation.is_cached(instance):
                parent = relation.get_cached_value(instance)
                if parent is not None:
                    setattr(instance, relation.name, parent)


@dataclass
class Plan:
    """What an import will do, worked out before anything is written."""

    rows: list[importing.ParsedRow]
    errors: list[importing.CellError]
    columns: list[importing.Column]
    sheets: list = field(default_factory=list, repr=False)
    spec: importing.ImportSpec | None = field(default=None, repr=False)
    unmatched: list[importing.UnmatchedColumn] = field(default_factory=list)
    mapped: list[MappedColumn] = field(default_factory=list)
    options: dict = field(default_factory=dict)
    changes: list[RowChange] = field(default_factory=list, repr=False)
    related: list = field(default_factory=list, repr=False)  # RelatedChanges and LinkChanges, in writing order
    file_headers: dict = field(default_factory=dict, repr=False)  # {(sheet, field): header as the file writes it}

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def present(self) -> set[str]:
        """The fields of the spec that the file has a column for."""
        return {column.field for column in self.columns}

    @cached_property
    def headers(self) -> dict[str, str]:
        """{field: header} of the spec's columns."""
        return {column.field: column.header for column in self.spec.columns}

    def of(self, *actions: Action) -> list[RowChange]:
        return [change for change in self.changes if change.action in actions]


# What a check may raise on a row whose bad cells were left empty: it then adds nothing.
TRIAL_ERRORS = (LookupError, TypeError, ValueError, AttributeError, ValidationError)
SHOWN_NAME = "__shown_name"  # the field of a read-only column naming the enterprise of a code column
SHOWN_STATE = "__shown_state"  # the field of the read-only state column
EXPORT_CHUNK = 2000


def header_keys_taken(label: str, known: set[str]) -> bool:
    """Whether a spec already answers to a header: a column of its own then says it."""
    return bool(importing.header_keys(label) & known)


def _in_file_order(errors: list[importing.CellError]):
    """A sort key that lists errors by sheet (in the order they first appear) and row, keeping
    the order of a row's own errors: what is wrong with a row reads together."""
    sheets: dict[str, int] = {}
    for error in errors:
        sheets.setdefault(error.sheet, len(sheets))
    return lambda error: (sheets[error.sheet], error.row)


class ModelImporter:
    """The column map of one model and how its rows are written.

    Subclasses set `spec`, `model` and `key` (the model fields whose values together identify a
    stored record, e.g. ("uscc",) or ("enterprise", "indicator", "year", "month"); None is a value
    of a key like any other), and override `resolve` to turn references (codes, names) into ids in
    bulk, `assign` for fields that are not plain model fields, and `plan_related` for related rows.
    The framework matches records to stored ones in bulk, refuses a key the file has twice, and
    counts and shows what changes.
    """

    spec: importing.ImportSpec
    model = None
    key: tuple[str, ...] = ()
    plan_class = Plan
    # A form of choices made at upload (e.g. the period of the data); its cleaned data must be
    # JSON-safe, as it is kept on the ImportJob and handed to `plan` as `options`.
    options_form = None
    notes = ""  # what the import page says about this sheet beyond the general steps
    count_unit = "行"

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

    def read_sheets(self, data: bytes, filename: str) -> list:
        """The file's sheets as (name, rows); an importer whose files write headers its own way
        (a lab's "氨氮 mg/L") may read them here before the columns are matched."""
        return importing.read_workbook(data, filename)

    @property
    def read_spec(self) -> importing.ImportSpec:
        """The spec the files are read with: the import's columns and the read-only ones an export
        adds for the reader (`shown_columns`), which an import recognises and reads past, so that
        an exported file goes round."""
        spec = self.spec
        shown = self.shown_columns(spec)
        if not shown:
            return spec
        columns = []
        for column in spec.columns:
            columns.append(column)
            columns += [c for c in shown if c.field == f"{column.field}{SHOWN_NAME}"]
        columns += [c for c in shown if c.field == SHOWN_STATE]
        return dataclasses.replace(spec, columns=tuple(columns))

    def shown_columns(self, spec: importing.ImportSpec) -> list[importing.Column]:
        """The read-only columns an export writes besides the import's: after each 统一社会信用代码,
        the name of the enterprise holding it (names change, the code does not: the code stays the
        column that is read); for a model with a life cycle, its state's label."""
        known = set(spec._lookup)
        shown = []
        for column in spec.columns:
            if column.kind != "uscc":
                continue
            label = column.label.replace("统一社会信用代码", "名称") if "统一社会信用代码" in column.label[2:] else "企业名称"
            if not header_keys_taken(label, known):
                shown.append(importing.Column(f"{column.field}{SHOWN_NAME}", label, read_only=True))
        state_field = self._state_field(spec)
        if state_field is not None:
            label = str(state_field.verbose_name)
            if not header_keys_taken(label, known):
                shown.append(importing.Column(SHOWN_STATE, label, read_only=True))
        return shown

    def _state_field(self, spec: importing.ImportSpec):
        """The state field of a model with a life cycle whose rows the file keys by one of its fields."""
        machine = getattr(self.model, "machine", None)
        fields = {f.name: f for f in self.model._meta.concrete_fields}
        if machine is None or machine.field not in fields or spec.key not in fields:
            return None
        if any(column.field == machine.field for column in spec.columns):
            return None
        return fields[machine.field]

    def plan(self, data: bytes, filename: str, options: dict | None = None) -> Plan:
        spec = self.read_spec
        sheets = self.read_sheets(data, filename)
        result = importing.parse_rows(sheets, spec, column_map(options))
        plan = self.plan_class(rows=result.rows, errors=list(result.errors), columns=result.columns, sheets=sheets,
                               spec=spec, unmatched=result.unmatched, mapped=mapped_columns(result, options),
                               options=options or {}, file_headers=result.headers)
        plan.errors += self.check(plan)
        bad = {(e.sheet, e.row) for e in plan.errors}
        refused = [*result.refused, *(row for row in plan.rows if (row.sheet, row.row) in bad)]
        plan.rows = [row for row in plan.rows if (row.sheet, row.row) not in bad]
        self.match(plan)
        plan.errors += self.other_errors(plan, refused)
        plan.errors.sort(key=_in_file_order(plan.errors))
        return plan

    def other_errors(self, plan: Plan, refused: list[importing.ParsedRow]) -> list[importing.CellError]:
        """The problems of the refused rows in their other cells: the rows that failed as the file
        was read or their references were looked up still go through the other checks (references,
        the model's rules), with their bad cells left empty, so that the report names every bad
        cell of a row at once rather than one per upload. A cell that already has its error gets
        no second one, and a rule about the row as a whole is left out (it may only follow from
        the cells left empty). Nothing is written: the plan of these rows is thrown away."""
        if not refused:
            return []
        trial = dataclasses.replace(plan, rows=refused, errors=[], changes=[], related=[])
        try:
            trial.errors += self.check(trial)
        except TRIAL_ERRORS:
            return []  # a check that needs the cells left empty: the errors found first stand
        # The model's rules, on the rows with the cells refused so far left empty.
        fields = {header: name for (_, name), header in plan.file_headers.items()}
        fields.update({column.header: column.field for column in plan.spec.columns})
        by_place = {(row.sheet, row.row): row for row in refused}
        for error in [*plan.errors, *trial.errors]:
            name, row = fields.get(error.column), by_place.get((error.sheet, error.row))
            if name is not None and row is not None:
                row.values[name] = None
        ruled = dataclasses.replace(trial, errors=[], changes=[], related=[])
        try:
            self.match(ruled)
        except TRIAL_ERRORS:
            ruled.errors = []
        trial.errors += ruled.errors
        known = {(e.sheet, e.row, e.column) for e in plan.errors}
        found, seen = [], set()
        for error in trial.errors:
            place = (error.sheet, error.row, error.column)
            if error.column and (error.sheet, error.row) in by_place and place not in known and place not in seen:
                seen.add(place)
                found.append(error)
        return found

    def check(self, plan: Plan) -> list[importing.CellError]:
        """Check the parsed rows against the database; an error per bad cell. By default `resolve`."""
        return self.resolve(plan.rows)

    def resolve(self, rows: list[importing.ParsedRow]) -> list[importing.CellError]:
        """Check references against the database in bulk; return an error per bad cell."""
        return []

    def records(self, plan: Plan) -> Iterable[Record]:
        """The records the file holds: by default one per row, with the row's values."""
        return (Record(row, row.values) for row in plan.rows)

    def check_changes(self, plan: Plan) -> list[importing.CellError]:
        """Check what the import would change (e.g. a value that only a transition may change)."""
        return []

    def plan_related(self, plan: Plan) -> None:
        """Plan the rows of related models (names, certificates, tags …) into `plan.related`, and
        add to each `RowChange` the related columns that change (`RowChange.add_related`)."""

    # Matching ---------------------------------------------------------------------------------

    @property
    def natural_key(self) -> tuple[str, ...]:
        return self.key or (self.spec.key,)

    @cached_property
    def _key_attnames(self) -> tuple[tuple[str, str], ...]:
        return tuple((name, self.model._meta.get_field(name).attname) for name in self.natural_key)

    def key_of(self, values: dict) -> tuple:
        """A record's natural key, from its values by field name (a record or an id) or attname."""
        key = []
        for name, attname in self._key_attnames:
            value = values[name] if name in values else values.get(attname)
            key.append(value.pk if isinstance(value, models.Model) else value)
        return tuple(key)

    def match(self, plan: Plan) -> None:
        """Match each record of the file to the stored one and work out what changes, into
        `plan.changes` (records that change nothing and ask for nothing are left out), then the
        related rows. A key the file has twice is an error naming both rows."""
        keyed = [(self.key_of(record.values), record) for record in self.records(plan)]
        repeats = matching.repeated_keys((key, record.row.sheet, record.row.row) for key, record in keyed)
        if repeats:
            records = {(record.row.sheet, record.row.row): record for _, record in keyed}
            plan.errors += [self.repeated_error(plan, records[repeat.again], repeat.first) for repeat in repeats]
            again = {repeat.again for repeat in repeats}
            keyed = [(key, record) for key, record in keyed if (record.row.sheet, record.row.row) not in again]
        stored = self.existing([key for key, _ in keyed])
        hidden = self.out_of_scope(list(stored.values()))
        refused = [(key, record) for key, record in keyed if key in stored and stored[key].pk in hidden]
        plan.errors += [self.scope_error(plan, record, STORED_OUT_OF_SCOPE) for _, record in refused]
        if refused:
            keyed = [(key, record) for key, record in keyed if not (key in stored and stored[key].pk in hidden)]
        changes = (self.change(plan, record, key, stored.get(key)) for key, record in keyed)
        plan.changes = [change for change in changes if change is not None]
        self.check_scope(plan)
        plan.errors += self.check_rules(plan)
        plan.errors += self.check_changes(plan)
        if plan.ok:
            self.plan_related(plan)

    # The importing user's scope -----------------------------------------------------------------

    def scope_user(self):
        """The user whose scope the import keeps to, as the pages do: one holding a role that is
        not park-wide (an enterprise's, a steward's, a grid worker's) or bound to some records.
        None for a command, a park-wide user, or an account given bare permissions only."""
        from .context import current_actor

        user = current_actor().user
        if user is None or not user.is_authenticated or is_park_wide(user):
            return None
        if role_names(user) or any(bound_ids(user).values()):
            return user
        return None

    def out_of_scope(self, instances: list) -> set:
        """The pks of stored `instances` the importing user may not see (one query)."""
        user = self.scope_user()
        if user is None or not instances:
            return set()
        condition = scope_q(self.model, user)
        if condition is None:
            return set()
        ids = [instance.pk for instance in instances]
        seen = set()
        for chunk in chunks(ids):
            seen.update(self.model._base_manager.filter(condition, pk__in=chunk).values_list("pk", flat=True))
        return set(ids) - seen

    def check_scope(self, plan: Plan) -> None:
        """Refuse, row by row, a record the file creates, changes or restores that the importing
        user could not see once written (another enterprise's, or nobody's): its link along each of
        the model's scope paths is checked in bulk against the user's bindings."""
        user = self.scope_user()
        if user is None:
            return
        checked = plan.of(Action.CREATE, Action.UPDATE, Action.RESTORE, Action.UNCHANGED)
        if not checked:
            return
        bound = bound_ids(user)
        allowed = [False] * len(checked)
        for scope in scopes():
            path, ids = scope.path(self.model), set(bound.get(scope.name) or ())
            if not path or not ids:
                continue
            first, _, rest = path.partition("__")
            attname = "pk" if first in ("pk", "id") else self.model._meta.get_field(first).attname
            linked = [getattr(change.instance, attname) for change in checked]
            if rest:
                target = self.model._meta.get_field(first).related_model
                wanted = sorted({pk for pk in linked if pk is not None})
                ids = set()
                for chunk in chunks(wanted):
                    ids.update(target._base_manager.filter(pk__in=chunk, **{f"{rest}__in": sorted(bound[scope.name])})
                               .values_list("pk", flat=True))
            allowed = [ok or pk in ids for ok, pk in zip(allowed, linked)]
        refused = {id(change) for change, ok in zip(checked, allowed) if not ok}
        if refused:
            plan.errors += [self.scope_error(plan, change.record, NEW_OUT_OF_SCOPE)
                            for change in checked if id(change) in refused]
            plan.changes = [change for change in plan.changes if id(change) not in refused]

    def scope_error(self, plan: Plan, record: Record, message: str) -> importing.CellError:
        spec = plan.spec
        return importing.CellError(record.row.sheet, record.row.row, spec.key_column.label,
                                   record.values.get(spec.key, ""), message)

    # The model's rules ------------------------------------------------------------------------

    # Fields whose values the import sets only when it writes (a code numbered on save, say): the
    # model's field checks leave them out, as a form leaves out the fields it does not show.
    rule_exclude: frozenset[str] = frozenset()

    def check_rules(self, plan: Plan) -> list[importing.CellError]:
        """The model's own rules, as the page and the API run them, on every record the import
        creates, changes or restores, before anything is written: each field's checks, `clean()`,
        uniqueness and the unique constraints. Records are checked in memory (the records they link
        to are read once for all, uniqueness in bulk), so the cost does not grow with the rows."""
        checked = plan.of(Action.CREATE, Action.UPDATE, Action.RESTORE)
        if not checked:
            return []
        # A uscc column is checked as the file is read, by the same function as the field's validator.
        read_checked = {column.field for column in self.spec.columns if column.kind == "uscc"}
        rules = ModelRules(self.model, set(self.natural_key), self.rule_exclude | read_checked)
        rules.read_parents([change.instance for change in checked])
        errors = []
        for change in checked:
            problems = rules.clean(change.instance, unchanged=self._unchanged(change))
            errors += [self.rule_error(plan, change.record, name, message) for name, message in problems]
            if not problems and change.action != Action.CREATE:
                change.fields = self.changed_fields(plan, change.instance, change.record)
                if change.action == Action.UPDATE and not change.fields:
                    change.action = Action.UNCHANGED
        failed = {(e.sheet, e.row) for e in errors}
        valid = [change for change in checked if (change.record.row.sheet, change.record.row.row) not in failed]
        for change, name, message in rules.unique_problems(valid):
            errors.append(self.rule_error(plan, change.record, name, message))
        return errors

    def _unchanged(self, change: RowChange) -> set[str]:
        """The fields a stored record keeps as they are: their values passed the rules when stored."""
        if change.action == Action.CREATE:
            return set()
        changed = {f.field.name for f in change.fields if f.field is not None}
        return {f.name for f, _ in self._compared} - changed

    def rule_error(self, plan: Plan, record: Record, name: str, message: str) -> importing.CellError:
        """A refusal by the model's rules, under the column of the field it names (none for a rule
        about the record as a whole)."""
        if name == NON_FIELD_ERRORS:
            return importing.CellError(record.row.sheet, record.row.row, "", "", message)
        column = plan.file_headers.get((record.row.sheet, name)) or plan.headers.get(name)
        if column is None:
            column = str(self.model._meta.get_field(name).verbose_name) if name in self.model_fields else name
        return importing.CellError(record.row.sheet, record.row.row, column, self.shown_value(record, name), message)

    def shown_value(self, record: Record, name: str):
        """A cell's value as the file wrote it: a choice by its label (小哥驿站), not its code."""
        value = record.values.get(name, "")
        if name in self.model_fields:
            choices = self.model._meta.get_field(name).flatchoices
            if choices:
                return dict(choices).get(value, value)
        return value

    def existing(self, keys: list[tuple]) -> dict:
        """{natural key: instance} for the keys already in the database, deleted rows included."""
        return stored_by_key(self.model, self.natural_key, keys)

    def repeated_error(self, plan: Plan, record: Record, first: tuple[str, int]) -> importing.CellError:
        sheet, row = first
        where = matching.where_text(sheet, row, record.row.sheet)
        spec = plan.spec
        return importing.CellError(record.row.sheet, record.row.row, spec.key_column.label,
                                   record.values.get(spec.key, ""), f"{self.describe_key(plan, record)}与{where}重复")

    def describe_key(self, plan: Plan, record: Record) -> str:
        """The record's natural key in words, e.g. 统一社会信用代码“9132…”."""
        labels = {column.field: column.label for column in plan.spec.columns}
        parts = []
        for name, value in zip(self.natural_key, self.key_of(record.values)):
            label = labels.get(name) or str(self.model._meta.get_field(name).verbose_name)
            shown = record.values.get(name, value)
            parts.append(f"{label}“{'' if shown is None else shown}”")
        return "、".join(parts)

    def change(self, plan: Plan, record: Record, key: tuple, stored) -> RowChange | None:
        """What the record does to the stored one (None: no such record, or nothing to do)."""
        if record.delete:
            if stored is None or getattr(stored, "is_deleted", False):
                return None
            keyed = set(self.natural_key)
            deleted = [FieldChange(self.field_label(plan, f, record), getattr(stored, attname), None, f)
                       for f, attname in self._compared
                       if f.name not in keyed and (f.name in record.values or attname in record.values)]
            return RowChange(record, key, Action.DELETE, stored, deleted)
        if stored is None:
            instance = self.model()
            self.assign(instance, record.values)
            return RowChange(record, key, Action.CREATE, instance)
        was_deleted = getattr(stored, "is_deleted", False)
        self.assign(stored, record.values)
        if was_deleted:
            stored.is_deleted, stored.deleted_at = False, None
        fields = self.changed_fields(plan, stored, record)
        action = Action.RESTORE if was_deleted else Action.UPDATE if fields else Action.UNCHANGED
        return RowChange(record, key, action, stored, fields)

    @cached_property
    def _compared(self) -> list[tuple[models.Field, str]]:
        """(field, attname) of the fields whose changes an import shows and records."""
        exclude = set(self.model.change_log_exclude) | BOOKKEEPING
        return [(f, f.attname) for f in self.model._meta.concrete_fields if not f.primary_key and f.name not in exclude]

    def changed_fields(self, plan: Plan, instance, record: Record) -> list[FieldChange]:
        """The fields whose values differ from those the instance was read with."""
        loaded = instance._loaded_values
        return [FieldChange(self.field_label(plan, f, record), loaded[attname], getattr(instance, attname), f)
                for f, attname in self._compared if loaded[attname] != getattr(instance, attname)]

    def field_label(self, plan: Plan, model_field: models.Field, record: Record) -> str:
        """The name a changed field goes by: its column's header, else the field's own name."""
        return plan.headers.get(model_field.name) or str(model_field.verbose_name)

    # Counting and showing -----------------------------------------------------------------------

    def counts(self, plan: Plan) -> dict[str, int]:
        return {"total": len(plan.rows), **matching.Counts.of(change.action for change in plan.changes).as_dict()}

    def preview(self, plan: Plan, user=None) -> dict:
        """What the job page shows before confirming, JSON-safe: the counts; the first changed records
        with each changed field before → after (`changes`, of `changes_total`); the first rows
        that create records, as they will be saved (`headers`, `rows`); and the columns read
        through the column map or not read at all (`columns_preview`)."""
        changed = plan.of(Action.UPDATE, Action.RESTORE, Action.DELETE)
        shown = ShownValues(changed[:PREVIEW_ROWS], user)
        created_rows = list({id(c.record.row): c.record.row for c in plan.of(Action.CREATE)}.values())
        return {
            **self.counts(plan),
            "changes": [self.change_dict(change, shown) for change in changed[:PREVIEW_ROWS]],
            "changes_total": len(changed),
            "headers": self.preview_headers(plan),
            "rows": [self.preview_row(plan, row) for row in created_rows[:PREVIEW_ROWS]],
            "created_rows": len(created_rows),
            **self.columns_preview(plan),
        }

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

    def preview_headers(self, plan: Plan) -> list[str]:
        return [c.header for c in plan.columns]

    def preview_row(self, plan: Plan, row: importing.ParsedRow) -> list[str]:
        """A row of the file as it will be saved."""
        return [display(row.values.get(c.field), c) for c in plan.columns]

    def record_label(self, change: RowChange) -> str:
        """The record a change is about, e.g. 靖江甲机械有限公司（913212…）."""
        text = str(change.instance)
        key = "、".join(str(value) for value in change.key if value is not None)
        return text if text == key else f"{text}（{key}）"

    def change_dict(self, change: RowChange, shown: "ShownValues") -> dict:
        return {
            "sheet": change.record.row.sheet, "row": change.record.row.row, "label": self.record_label(change),
            "action": str(change.action), "action_label": matching.ACTION_LABELS[change.action],
            "fields": [{"label": f.label, "before": before, "after": after}
                       for f in change.fields + change.related for before, after in [shown.show_change(f)]],
        }

    def changes_xlsx(self, plan: Plan, user=None) -> bytes | None:
        """Every record the import creates, changes or deletes, a line per changed field with its
        value before and after; None when the import changes nothing."""
        listed = [change for change in plan.changes if change.action != Action.UNCHANGED]
        if not listed:
            return None
        shown = ShownValues(listed, user)
        buffer = io.BytesIO()
        workbook = importing.safe_workbook(buffer, constant_memory=True)
        sheet = workbook.add_worksheet(CHANGES_SHEET)
        bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        for col, title in enumerate(CHANGES_TITLES):
            sheet.write_string(0, col, title, bold)
        sheet.set_column(0, 1, 10)
        sheet.set_column(2, 2, 40)
        sheet.set_column(4, 6, 24)
        sheet.freeze_panes(1, 0)
        line = 1
        for change in listed:
            head = (change.record.row.sheet, change.record.row.row, self.record_label(change),
                    matching.ACTION_LABELS[change.action])
            for fields in [(f.label, *shown.show_change(f))
                           for f in change.fields + change.related] or [("", "", "")]:
                for col, value in enumerate(head + fields):
                    if isinstance(value, int):
                        sheet.write_number(line, col, value)
                    else:
                        sheet.write_string(line, col, value)
                line += 1
        workbook.close()
        return buffer.getvalue()

    def preview_summary(self, preview: dict) -> str:
        return f"共 {preview['total']} 行：{matching.describe_counts(preview, self.count_unit)}"

    def result_summary(self, counts: dict) -> str:
        return matching.describe_counts(counts, self.count_unit)

    # Writing --------------------------------------------------------------------------------

    def assign(self, instance, values: dict) -> None:
        """Set the instance's fields from one row (fields absent from the file are left alone)."""
        for name, value in values.items():
            if name in self.model_fields:
                setattr(instance, name, value)

    @cached_property
    def model_fields(self) -> set[str]:
        return {f.attname for f in self.model._meta.concrete_fields} | {
            f.name for f in self.model._meta.concrete_fields
        }

    def write(self, plan: Plan) -> dict[str, int]:
        """Apply the plan in bulk, recording every change, in the caller's transaction; return the
        counts, the same as the preview's."""
        creates = [change.instance for change in plan.of(Action.CREATE)]
        saved = [change for change in plan.changes if change.action != Action.CREATE and change.saves_instance]
        now = timezone.now()
        for change in saved:
            if change.action == Action.DELETE:
                change.instance.is_deleted, change.instance.deleted_at = True, now
        for instance in creates + [change.instance for change in saved]:
            if hasattr(instance, "updated_at"):
                instance.updated_at = now
        bulk.insert_instances(self.model, creates)
        if saved:
            self.model._default_manager.bulk_update([change.instance for change in saved],
                                                    self._updated_fields(saved), batch_size=BATCH)
        afters = snapshot_texts(change.instance for change in saved)
        record_bulk_changes(
            (change.instance, CHANGE_ACTIONS[change.action], loaded_snapshot(change.instance), after)
            for change, after in zip(saved, afters)
        )
        record_created(creates)
        self.write_related(plan)
        return self.counts(plan)

    def _updated_fields(self, saved: list[RowChange]) -> list[str]:
        """The fields the saved records change, and the bookkeeping ones."""
        names = {f.field.name for change in saved for f in change.fields}
        names |= BOOKKEEPING & {f.name for f in self.model._meta.concrete_fields}
        return sorted(names - {"created_at"})

    def write_related(self, plan: Plan) -> None:
        """Write the related rows planned by `plan_related`, in order."""
        for related in plan.related:
            related.write()

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
        spec = self.read_spec
        rows = self.export_rows(queryset, user)
        shown = self.shown_columns(self.spec)
        if shown:
            rows = self._with_shown(spec, queryset, rows, shown)
        return importing.export_xlsx(spec, rows)

    def _with_shown(self, spec, queryset, rows, shown):
        """The export's rows with the read-only columns filled: the companies' names read once per
        chunk of rows, the states in one query for all."""
        names = [(c.field[:-len(SHOWN_NAME)], c.field) for c in shown if c.field.endswith(SHOWN_NAME)]
        states = {}
        if any(c.field == SHOWN_STATE for c in shown):
            machine = self.model.machine
            states = {key: machine.label(state) for key, state in queryset.values_list(spec.key, machine.field)}
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, EXPORT_CHUNK)):
            for code_field, name_field in names:
                found = uscc.names_of(row.get(code_field) for row in chunk)
                for row in chunk:
                    row[name_field] = found.get(row.get(code_field), "")
            if states:
                for row in chunk:
                    row[SHOWN_STATE] = states.get(row.get(spec.key), "")
            yield from chunk


CHANGE_ACTIONS = {Action.UPDATE: ChangeAction.UPDATE, Action.RESTORE: ChangeAction.RESTORE,
                  Action.DELETE: ChangeAction.DELETE}


CACHED_TYPES = (str, int, Decimal, date)  # values whose check depends on the value alone


class ModelRules:
    """A model's rules run on many unsaved instances, as `Model.full_clean` runs them on one, without
    a query per instance: the records they link to are read once for all (so that `clean()` finds
    them), links are not checked one by one (an importer resolves them in bulk), and uniqueness is
    checked in bulk against the stored records and among the instances themselves."""

    def __init__(self, model, natural_key: set[str], exclude=frozenset()):
        self.model = model
        self.natural_key = natural_key
        links = {f.name for f in model._meta.concrete_fields if f.is_relation}
        self.exclude = set(exclude) | links
        self.fields = [f for f in model._meta.concrete_fields if f.name not in self.exclude]
        self._passed: dict[tuple, object] = {}  # (attname, type, text) -> the value as cleaned

    def read_parents(self, instances) -> None:
        read_parents(self.model, instances, getattr(self.model, "clean_links", ()))

    def clean(self, instance, unchanged=frozenset()) -> list[tuple[str, str]]:
        """(field or NON_FIELD_ERRORS, message) of every rule the instance breaks; the fields in
        `unchanged` are not checked one by one (the record's own rules still see them)."""
        errors = self.clean_fields(instance, unchanged)
        try:
            instance.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        return [(name, str(message)) for name, messages in errors.items()
                for message in ValidationError(messages).messages]

    def clean_fields(self, instance, unchanged=frozenset()) -> dict[str, list]:
        """`Model.clean_fields`, each value of a field checked once: a sheet repeats its states,
        dates and places on many rows. The key keeps the value's type and text (1.0 and 1.00
        differ in decimal places)."""
        errors = instance.clean_text({*unchanged, *self.exclude}) if hasattr(instance, "clean_text") else {}
        for model_field in self.fields:
            if model_field.name in unchanged or model_field.name in errors:
                continue
            raw = getattr(instance, model_field.attname)
            if model_field.blank and raw in model_field.empty_values:
                continue
            key = (model_field.attname, type(raw), str(raw)) if isinstance(raw, CACHED_TYPES) else None
            if key in self._passed:
                cleaned = self._passed[key]
            else:
                try:
                    cleaned = model_field.clean(raw, instance)
                except ValidationError as exc:
                    errors[model_field.name] = exc.error_list
                    continue
                if key is not None:
                    self._passed[key] = cleaned
            setattr(instance, model_field.attname, cleaned)
        return errors

    def unique_sets(self) -> list[tuple[tuple[str, ...], str | None]]:
        """(fields, constraint message or None for a unique field) of each uniqueness rule that the
        natural key does not already make sure of."""
        opts = self.model._meta
        sets = [((f.name,), None) for f in opts.concrete_fields if f.unique and not f.primary_key]
        sets += [(tuple(c.fields), str(c.violation_error_message)) for c in opts.total_unique_constraints]
        return [(fields, message) for fields, message in sets if set(fields) != self.natural_key]

    def unique_problems(self, changes) -> list[tuple]:
        """(change, field, message) for each instance holding a unique value that a stored record or
        an earlier instance of the same import holds."""
        problems = []
        for fields, message in self.unique_sets():
            attnames = [self.model._meta.get_field(name).attname for name in fields]
            keyed = [(tuple(getattr(c.instance, a) for a in attnames), c) for c in changes]
            keyed = [(key, change) for key, change in keyed if None not in key]
            stored = stored_by_key(self.model, fields, [key for key, _ in keyed])
            holders = {key: obj.pk for key, obj in stored.items()}
            for key, change in keyed:
                holder = holders.setdefault(key, change.instance.pk or id(change))
                if holder != (change.instance.pk or id(change)):
                    text = message or self._unique_message(change.instance, fields)
                    problems.append((change, fields[0] if len(fields) == 1 else NON_FIELD_ERRORS, text))
        return problems

    def _unique_message(self, instance, fields) -> str:
        return ValidationError(instance.unique_error_message(self.model, fields)).messages[0]


def stored_by_key(model, fields: tuple[str, ...], keys: Iterable[tuple]) -> dict:
    """{key: instance} of the stored records of `model` whose `fields` (model fields; a foreign key
    by its id) hold one of `keys`, soft-deleted ones included: one query per batch of keys (each
    field IN its values, IS NULL where a key has None), never one per key."""
    manager = getattr(model, "all_objects", None) or model._default_manager
    attnames = [model._meta.get_field(name).attname for name in fields]
    wanted = set(keys)
    found = {}
    for batch in matching.lookup_batches(wanted, CHUNK):
        query = Q()
        for attname, component in zip(attnames, batch):
            query &= _component_filter(attname, component)
        for obj in manager.filter(query):
            key = tuple(getattr(obj, attname) for attname in attnames)
            if key in wanted:
                found[key] = obj
    return found


def rows_of(queryset, field: str, ids: list):
    """The rows of `queryset` whose `field` (e.g. "enterprise_id") is one of `ids`, read in chunks."""
    for chunk in chunks(ids):
        yield from queryset.filter(**{f"{field}__in": chunk})


def _component_filter(attname: str, component: matching.Component) -> Q:
    if not component.values:
        return Q(**{f"{attname}__isnull": True})
    query = Q(**{f"{attname}__in": component.values})
    return query | Q(**{f"{attname}__isnull": True}) if component.null else query


class ShownValues:
    """Values of field changes as people read them: a choice by its label, a link by the name of
    what it points to (read once for all the changes), 是/否, dates, numbers as pages show them,
    lists joined with 、, （空） for nothing; a sensitive field masked for a user without the right to see it."""

    def __init__(self, changes: Iterable[RowChange], user=None):
        self.user = user
        wanted = defaultdict(set)
        for change in changes:
            for f in change.fields + change.related:
                if f.field is not None and f.field.many_to_one:
                    wanted[f.field.related_model].update(v for v in (f.before, f.after) if v is not None)
        self.names: dict[tuple, str] = {}
        for model, pks in wanted.items():
            for chunk in chunks(sorted(pks)):
                for obj in model._default_manager.filter(pk__in=chunk):
                    self.names[(model, obj.pk)] = display_value(obj)

    def show(self, change: FieldChange, value) -> str:
        if value is None or value == "":
            return EMPTY
        model_field = change.field
        if model_field is None:
            return display(value)
        if model_field.name in self._hidden(model_field.model):
            return mask_value(model_field.name, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if model_field.many_to_one:
            return self.names.get((model_field.related_model, value), f"（已不存在，编号 {value}）")
        return display(value, model_field)

    def show_change(self, change: FieldChange) -> tuple[str, str]:
        """The value before and after; two figures that differ beyond their two decimals are written
        with the decimals that tell them apart."""
        shown = self.show(change, change.before), self.show(change, change.after)
        numbers = change.before, change.after
        field = change.field
        if shown[0] == shown[1] and numbers[0] != numbers[1] and EMPTY not in shown and \
                all(isinstance(n, (Decimal, float)) for n in numbers) and not is_position(field) and \
                (field is None or field.name not in self._hidden(field.model)):
            return distinct_figures(*numbers)
        return shown

    def _hidden(self, model) -> set[str]:
        if self.user is None:
            return set(getattr(model, "sensitive_fields", None) or {})
        return hidden_fields(model, self.user)


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


def display(value, column=None) -> str:
    """A parsed cell (or a field's value before and after) as the preview shows it, as pages show
    values: a list "2020、2021", a choice by its label, numbers with separators and two decimals
    (a position with its six), a year as written. `column`: the sheet's column or the model field."""
    if isinstance(value, (list, tuple, set)):
        return "、".join(display(item, column) for item in value)
    if isinstance(column, importing.Column) and column.kind == "choice" and value is not None:
        return dict(column.choices).get(value, str(value))
    return display_value(value, column)
