"""Shared models: users and their scope, the change record, background task runs, grids.

Domain models inherit `DomainModel`, which gives them timestamps, soft deletion and a change
record for every create, update and delete (see `openpark.core.changes`).
"""
import uuid
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import geo
from .choices import (
    ChangeAction, GrantAction, GrantState, ImportState, LimitUnit, NotificationKind, TargetDirection, TaskState,
)
from .limits import FIRST_YEAR, LAST_YEAR, REASON_MAX_LENGTH, in_year_range, validate_date_range, year_validators
from .targets import metric as metric_of
from .targets import metric_choices
from .targets import progress as target_progress
from .text import visible_line

REASON_OPTIONAL, REASON_REQUIRED = "optional", "required"
REASON_MISSING = "更正已有数据须填写修改原因。"


class FrozenRecordError(ValidationError):
    """A change refused because the record is frozen (see `ChangeLoggedModel.frozen_when`)."""


class ChangeLoggedQuerySet(models.QuerySet):
    """Rows of a recorded model. Frozen rows (the model's `frozen_when`) refuse `update` and
    `delete` here too, so that no bulk path, the admin's "delete selected" included, changes them."""

    def frozen(self):
        """The rows of this queryset that are frozen."""
        condition = self.model.frozen_when
        return self.none() if condition is None else self.filter(condition)

    def refuse_frozen(self, action: str) -> None:
        if self.model.frozen_when is not None and self.frozen().exists():
            raise FrozenRecordError(self.model.frozen_refusal(action))

    def update(self, **kwargs):
        self.refuse_frozen("修改")
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        from .changes import recording_in_bulk

        self.refuse_frozen("删除")
        with recording_in_bulk():
            return super().delete()

    delete.alters_data = True


def user_label(user) -> str:
    """A person as the pages name them: 姓名（用户名）, or the user name alone when no name is given."""
    return f"{user.full_name}（{user.username}）" if getattr(user, "full_name", "") else user.username


class ChangeLoggedModel(models.Model):
    """Every save and delete of a subclass is written to the change record."""

    # Fields left out of the before/after values (secrets, bookkeeping).
    change_log_exclude: frozenset[str] = frozenset({"updated_at"})
    # Personal data shown masked to users without the named permission, wherever the values
    # appear: pages, change records, exports and the API ({field: "app_label.codename"}).
    sensitive_fields: dict[str, str] = {}
    # Fields shown only to users with the named permission and to others not at all, not even
    # masked: left out of the pages (list columns, details, forms), the API, the filters and the
    # exports alike ({field: "app_label.codename"}; see `openpark.core.masking.withheld_fields`).
    restricted_fields: dict[str, str] = {}
    # Records that no one may change any more (a published run, a closed case): the condition on
    # the stored row, as a Q, and the refusal, with {action} for 修改 or 删除. Saving or deleting
    # such a record, updating or deleting it through a queryset, and the admin all refuse.
    frozen_when: models.Q | None = None
    frozen_message = "该{name}已冻结，不能{action}。"
    # The links `clean()` follows (e.g. ("subpark",) to compare its zone): read once for all when
    # many records are checked together, as an import checks every row.
    clean_links: tuple[str, ...] = ()
    # Whether an edit of a stored record asks why (a 修改原因 on its form and `reason` in the API),
    # kept with the change record: None (not asked), REASON_OPTIONAL or REASON_REQUIRED (the
    # correction of a figure, say).
    change_reason: str | None = None
    # False for derived rows rewritten whole by a computation, whose deletion the computation's own
    # record tells (then Django deletes them fast, with no record per row).
    record_deletions = True

    objects = ChangeLoggedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.__dict__.pop("_frozen_checked", False):
            self.refuse_if_frozen("修改")
        super().save(*args, **kwargs)

    def save_checked(self, **kwargs) -> None:
        """`save` for a path that has just refused a frozen record in its own words (删除, 恢复):
        the record is checked once, and refused with that path's message."""
        self._frozen_checked = True
        try:
            self.save(**kwargs)
        finally:
            self.__dict__.pop("_frozen_checked", None)

    def delete(self, *args, **kwargs):
        from .changes import recording_in_bulk

        self.refuse_if_frozen("删除")
        with recording_in_bulk():
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values))
        return instance

    def get_absolute_url(self):
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        """Django's field checks, after the one-line texts are cleaned (`clean_text`)."""
        errors = self.clean_text(exclude or ())
        try:
            super().clean_fields(exclude={*(exclude or ()), *errors})
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean_text(self, exclude=()) -> dict[str, list[str]]:
        """Every one-line text (a CharField without choices) kept without zero-width and
        direction-control characters and the spaces around it (`text.visible_line`), so that no
        name passes for another or reads reversed; {field: [message]} for a required one that is
        left empty. Run by the pages and admin (`clean_fields`), the API and every import row."""
        errors = {}
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.CharField) or field.choices or field.name in exclude:
                continue
            value = getattr(self, field.attname)
            if not isinstance(value, str) or not value:
                continue
            cleaned = visible_line(value)
            if cleaned != value:
                setattr(self, field.attname, cleaned)
                if not cleaned and not field.blank:
                    errors[field.name] = [f"{field.verbose_name}不能只由空格或不可见字符组成。"]
        return errors

    def secret_changes(self) -> dict[str, str]:
        """Secrets this save changes, as {field: words}; recorded as changed, never by value."""
        return {}

    def get_history_url(self):
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}_history", args=[self.pk])

    @classmethod
    def frozen_refusal(cls, action: str) -> str:
        return cls.frozen_message.format(name=cls._meta.verbose_name, action=action)

    @property
    def is_frozen(self) -> bool:
        """Whether the record is frozen, for the pages (a model may answer from memory instead)."""
        return self.stored_frozen()

    def stored_frozen(self) -> bool:
        """Whether the record as stored is frozen (whatever this instance holds now)."""
        if self.frozen_when is None or self.pk is None:
            return False
        return type(self)._base_manager.filter(self.frozen_when, pk=self.pk).exists()

    def refuse_if_frozen(self, action: str) -> None:
        if self.stored_frozen():
            raise FrozenRecordError(self.frozen_refusal(action))


class DomainQuerySet(ChangeLoggedQuerySet):
    def delete(self):
        """Soft-delete every row, recording each one; a queryset never hard-deletes domain data."""
        from .changes import soft_delete_queryset

        self.refuse_frozen("删除")
        return soft_delete_queryset(self)

    delete.alters_data = True

    def update_unguarded(self, **kwargs):
        """`update` for the platform's own bookkeeping, once the caller has refused frozen rows."""
        return models.QuerySet.update(self, **kwargs)


class ActiveManager(models.Manager.from_queryset(DomainQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class DomainModel(ChangeLoggedModel):
    """Base of every domain record.

    `objects` hides soft-deleted rows; `all_objects` (the default manager, so that uniqueness
    checks see deleted rows too) includes them. Set `soft_delete = False` on a model whose rows
    may really be deleted. Scope for enterprise users and grid workers is declared with
    `scope_enterprise_field` / `scope_grid_field`: the lookup path from this model to the
    enterprise or grid ("pk" for the Enterprise or Grid itself), or None when the model has no
    such link (then scoped users see none of it).
    """

    soft_delete = True
    scope_enterprise_field: str | None = None
    scope_grid_field: str | None = None

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    is_deleted = models.BooleanField(_("已删除"), default=False, editable=False, db_index=True)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)

    all_objects = models.Manager.from_queryset(DomainQuerySet)()
    objects = ActiveManager()

    class Meta:
        abstract = True

    def delete(self, using=None, keep_parents=False):
        if not self.soft_delete:
            return super().delete(using=using, keep_parents=keep_parents)
        self.refuse_if_frozen("删除")
        self.is_deleted = True
        self.deleted_at = timezone.now()
        self._change_action = ChangeAction.DELETE
        self.save_checked(update_fields=["is_deleted", "deleted_at", "updated_at"])
        return (1, {self._meta.label: 1})

    def live_references(self) -> list[tuple[str, int]]:
        """(kind of record, how many) of the live records that refer to this one and are not
        part of it (links that a deletion leaves pointing at a deleted record)."""
        found = []
        for relation in self._meta.related_objects:
            if relation.on_delete is models.CASCADE and not relation.many_to_many:
                continue  # a part of this record, deleted and restored with it
            model = relation.related_model
            rows = model._default_manager.filter(**{relation.field.name: self})
            if hasattr(model, "is_deleted"):
                rows = rows.filter(is_deleted=False)
            count = rows.count()
            if count:
                found.append((str(model._meta.verbose_name), count))
        return found

    def restore(self):
        """Bring a soft-deleted record back, recorded as a RESTORE change.

        Refused with a ValidationError, changing nothing, when the record no longer fits: it is
        frozen, a record it belongs to is deleted, a unique value or constraint is now held by a
        live record, or its own rules (`clean`) fail against today's data."""
        self.refuse_if_frozen("恢复")
        deleted_at = self.deleted_at
        self.is_deleted, self.deleted_at = False, None
        try:
            self.check_restorable()
        except ValidationError:
            self.is_deleted, self.deleted_at = True, deleted_at
            raise
        self._change_action = ChangeAction.RESTORE
        self.save_checked(update_fields=["is_deleted", "deleted_at", "updated_at"])

    def check_restorable(self) -> None:
        """The checks of `restore`, run on the record as it would be live again."""
        messages = self._deleted_parents()
        for check in (self.validate_unique, self.validate_constraints, self.clean):
            try:
                check()
            except ValidationError as exc:
                messages.extend(exc.messages)
        if messages:
            raise ValidationError(list(dict.fromkeys(messages)))

    def _deleted_parents(self) -> list[str]:
        messages = []
        for field in self._meta.concrete_fields:
            parent_model = field.related_model if field.many_to_one or field.one_to_one else None
            value = getattr(self, field.attname, None) if parent_model else None
            if value is None or not getattr(parent_model, "soft_delete", False):
                continue
            lookup = {field.target_field.name: value, "is_deleted": True}
            parent = parent_model.all_objects.filter(**lookup).first()
            if parent is not None:
                messages.append(f"所属{field.verbose_name}“{parent}”已删除，请先恢复它。")
        return messages


@receiver(class_prepared)
def _default_to_all_objects(sender, **kwargs):
    """Uniqueness checks, admin and related lookups use the default manager: for domain models
    it must see soft-deleted rows too, even when a model declares its own `objects`."""
    if issubclass(sender, DomainModel) and not sender._meta.abstract:
        sender._meta.default_manager_name = "all_objects"


@receiver(class_prepared)
def _bound_dates(sender, **kwargs):
    """Every date field of the platform's models refuses dates outside FIRST_DATE–LAST_DATE, so
    that forms, the API, imports and the admin all refuse a date like 9999-12-31 (whose next
    working day does not exist). Added as a default validator, it changes no migration."""
    if not sender.__module__.startswith("openpark."):
        return
    for field in sender._meta.local_fields:
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) \
                and validate_date_range not in field.default_validators:
            field.default_validators = [*field.default_validators, validate_date_range]


class User(ChangeLoggedModel, AbstractUser):
    change_log_exclude = frozenset({"password", "last_login", "updated_at"})
    recorded_hidden = frozenset({"is_superuser", "is_staff"})  # kept by Django, never shown
    sensitive_fields = {"phone": "core.view_user_phone"}

    # Login names in ASCII, so that no name can pass for another's with look-alike letters.
    username_validator = ASCIIUsernameValidator()
    username = models.CharField(
        _("用户名"), max_length=150, unique=True, validators=[username_validator],
        help_text=_("150 个字符以内，只能使用英文字母、数字和 @/./+/-/_。"),
        error_messages={"unique": _("该用户名已被使用。")},
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, editable=False,
        help_text=_("密码由他人设置（新建账号或重置密码）时，本人须在下次登录时先修改密码。"),
    )
    is_locked = models.BooleanField(
        _("已锁定"), default=False, editable=False,
        help_text=_("由系统管理员锁定的账号不能登录，也不能使用接口令牌，直到解锁。"),
    )

    objects = UserManager()  # not the change-logged queryset of ChangeLoggedModel: accounts are created by it

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("view_user_phone", _("查看用户完整手机号"))]

    def save(self, *args, **kwargs):
        """A password set by someone else (an administrator creating the account or resetting
        it) must be changed by its owner at the next login, and ends the account's API tokens:
        whoever set it knows it, and must not be able to act as the owner unnoticed."""
        set_by_other = self._password_set_by_other()
        if set_by_other is not None and set_by_other != self.must_change_password:
            self.must_change_password = set_by_other
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "must_change_password"}
        super().save(*args, **kwargs)
        if set_by_other:
            for token in self.api_tokens.all():
                token.delete()

    def _password_set_by_other(self) -> bool | None:
        """Whether this save sets a password chosen by another signed-in user; None when it sets
        none, or outside a signed-in user's request (commands, the login's own rehash)."""
        if self._password is None:
            return None
        from .context import current_actor

        actor = current_actor().resolved_user()
        return None if actor is None else actor.pk != self.pk

    def secret_changes(self) -> dict[str, str]:
        """Secrets changed by this save, named but never valued, for the change record: a new
        password is recorded as set, never the password or its hash."""
        return {"password": "（已设置新密码）"} if self._password is not None else {}

    @property
    def may_sign_in(self) -> bool:
        """Whether the account may log in or use its tokens: active and not locked."""
        return self.is_active and not self.is_locked

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        try:
            return reverse("core:account_detail", args=[self.pk])
        except NoReverseMatch:
            return ""

    def get_history_url(self):
        return ""


class Grid(DomainModel):
    """A grid (网格) of community governance, with its boundary as a GeoJSON polygon."""

    scope_grid_field = "pk"

    code = models.CharField(_("网格编码"), max_length=32, unique=True)
    name = models.CharField(_("网格名称"), max_length=100)
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def clean(self):
        super().clean()
        if self.boundary:
            try:
                self.boundary = geo.normalise_polygon(self.boundary)
            except ValueError as exc:
                raise ValidationError({"boundary": str(exc)}) from exc


class GridBinding(ChangeLoggedModel):
    """A grid worker may see the records of the grids bound to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grid_bindings",
        verbose_name=_("用户"),
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.CASCADE, related_name="user_bindings", verbose_name=_("网格")
    )

    class Meta:
        verbose_name = _("网格员绑定")
        verbose_name_plural = _("网格员绑定")
        constraints = [
            models.UniqueConstraint(fields=["user", "grid"], name="unique_grid_binding",
                                    violation_error_message="该用户已绑定此网格。"),
        ]

    def __str__(self):
        return f"{self.user} → {self.grid}"


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("变更记录不可修改。")

    def delete(self):
        raise PermissionError("变更记录不可删除。")


class AppendOnlyModel(models.Model):
    """A record the application writes once and never changes or deletes (`record_label` names it
    in the refusal)."""

    record_label = "记录"

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self.record_label}不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self.record_label}不可删除。")


class ChangeRecord(AppendOnlyModel):
    """One create, update or delete of a recorded model: who, when, and the values around it.

    Append-only: the application can neither change nor delete a record.
    """

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("来源地址或程序"), max_length=100, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("对象类型")
    )
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.CharField(_("修改原因"), max_length=REASON_MAX_LENGTH, blank=True)

    record_label = "变更记录"

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]
        default_permissions = ("view",)
        permissions = [("view_all_changes", _("查阅全部变更记录（审计）"))]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def get_absolute_url(self):
        return reverse("core:changerecord_detail", args=[self.pk])

    def values_for(self, user) -> tuple[dict, dict]:
        """The values before and after, with the fields the user may not see in full masked."""
        from .changes import encrypted_fields
        from .masking import mask_values

        model = self.content_type.model_class()
        kept = encrypted_fields(model) if model is not None else frozenset()  # recorded masked already
        return mask_values(model, self.before, user, kept), mask_values(model, self.after, user, kept)

    def changed_fields(self, user=None) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs; masked for `user` unless
        no user is given (code that reads the record, never a page or the API)."""
        before, after = self.values_for(user) if user is not None else (self.before, self.after)
        before, after = before or {}, after or {}
        names = list(dict.fromkeys([*before, *after]))
        return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]

    def changed_fields_labelled(self, user, shown: dict | None = None) -> list[tuple[str, str, str]]:
        """As `changed_fields` for `user`, as people read them: each field by its verbose name,
        each value by its label or name (`openpark.core.recorded`). A field that goes from nothing
        to nothing (an empty field of a new record) is left out. `shown` ({model: RecordedValues})
        lets the records of one page share the names they read."""
        from .recorded import RecordedValues

        model = self.content_type.model_class()
        labels = {"password": "密码"}
        if model is not None:
            labels.update({f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")})
        shown = {} if shown is None else shown
        values = shown.setdefault(model, RecordedValues(model))
        rows = [(labels.get(n, n), *values.show_change(n, b, a)) for n, b, a in self.changed_fields(user)
                if not values.leaves_out(n, self.action, a)]
        return [(label, before, after) for label, before, after in rows if before != after]

    @property
    def object_type(self) -> str:
        model = self.content_type.model_class()
        return str(model._meta.verbose_name) if model is not None else self.content_type.model

    object_type.fget.short_description = _("对象类型")

    @property
    def actor(self) -> str:
        """The user as the pages name a person (`user_label`), or the program that made the change
        (a command, a task); the user name recorded when the account is gone."""
        if self.user_id is not None and self.user is not None:
            return user_label(self.user)
        return self.username or (f"系统（{self.source}）" if self.source else "系统")

    actor.fget.short_description = _("操作人")


class OwnedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user follows their own runs; a superuser sees all."""
        return self if user.is_superuser else self.filter(user=user.pk)


class TaskRun(models.Model):
    """A background task as the user sees it: state, progress, message and result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("任务"), max_length=100)
    label = models.CharField(_("说明"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="task_runs", verbose_name=_("发起人"),
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=TaskState.choices, default=TaskState.PENDING
    )
    current = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("消息"), max_length=500, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="task-results/%Y/%m/", blank=True)
    # Set when housekeeping removed the result file (see `openpark.core.housekeeping`).
    file_removed_at = models.DateTimeField(_("文件清理时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("core:taskrun_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.state == TaskState.SUCCESS:
            return 100
        return int(self.current * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in (TaskState.SUCCESS, TaskState.FAILURE)

    @property
    def found_errors(self) -> int:
        """How many errors a task that ran to its end found in what it checked (an import's file):
        the count its result keeps under "errors"; 0 when none or the task checks nothing."""
        errors = self.result.get("errors") if isinstance(self.result, dict) else None
        return errors if isinstance(errors, int) and not isinstance(errors, bool) else 0

    @property
    def state_label(self) -> str:
        """The state as the user reads it: a check that ran to its end but refused the file is
        未通过, not 已完成."""
        if self.state == TaskState.SUCCESS and self.found_errors:
            return f"未通过（{self.found_errors:,} 处错误）"
        return self.get_state_display()


class ImportJob(models.Model):
    """One uploaded spreadsheet on its way in: checked, previewed, confirmed, written."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    importer = models.CharField(_("导入类型"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="import_jobs",
        verbose_name=_("导入人"),
    )
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=200)
    options = models.JSONField(_("导入选项"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=ImportState.choices, default=ImportState.CHECKING)
    preview = models.JSONField(_("预览"), null=True, blank=True)
    errors = models.JSONField(_("错误"), null=True, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    error_report = models.FileField(_("错误报告"), upload_to="imports/%Y/%m/", blank=True)
    # Every record a checked file creates, changes or deletes, each changed field before and after.
    changes_report = models.FileField(_("变更明细"), upload_to="imports/%Y/%m/", blank=True)
    result = models.JSONField(_("导入结果"), null=True, blank=True)
    check_run = models.ForeignKey(TaskRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    apply_run = models.ForeignKey(TaskRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # Set when housekeeping removed the uploaded file or the error report of an abandoned import.
    file_removed_at = models.DateTimeField(_("文件清理时间"), null=True, blank=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入")
        verbose_name_plural = _("导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename}（{self.get_state_display()}）"

    def get_absolute_url(self):
        return reverse("core:importjob_detail", args=[self.pk])

    @property
    def current_run(self):
        return self.apply_run or self.check_run


class ImportColumnMapping(ChangeLoggedModel):
    """A column header that a user named by hand, on confirming an import, as holding one field of
    that import; later files of the same import read the header that way (see `core.imports`)."""

    importer = models.CharField(_("导入类型"), max_length=100)
    header = models.CharField(_("列名"), max_length=200, help_text=_("规范化后的列名（去空格、全角转半角）"))
    field = models.CharField(_("对应字段"), max_length=100)

    class Meta:
        verbose_name = _("导入列对应关系")
        verbose_name_plural = _("导入列对应关系")
        ordering = ["importer", "header"]
        constraints = [models.UniqueConstraint(
            fields=["importer", "header"], name="import_column_mapping_unique",
            violation_error_message=_("这一列的对应关系已经记住了。"),
        )]

    def __str__(self):
        return f"{self.importer}：{self.header} → {self.field}"

    def get_absolute_url(self):
        try:
            return reverse("admin:core_importcolumnmapping_change", args=[self.pk])
        except NoReverseMatch:
            return ""

    def get_history_url(self):
        return ""


class StateChange(AppendOnlyModel):
    """One transition of an object with a life cycle (see `openpark.core.states`): from which
    state to which, by whom, when, and why. Append-only, like the change record."""

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("对象类型")
    )
    object_id = models.CharField(_("对象编号"), max_length=64)
    transition = models.CharField(_("操作"), max_length=50)
    from_state = models.CharField(_("原状态"), max_length=30)
    to_state = models.CharField(_("新状态"), max_length=30)
    note = models.TextField(_("说明"), blank=True)

    record_label = "状态变更记录"

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["time", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "time"])]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.transition}: {self.from_state} → {self.to_state}"


class CalendarYear(ChangeLoggedModel):
    """A year whose official holidays and 调休 days are in the calendar table."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    note = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))

    class Meta:
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} 年"


class CalendarDay(ChangeLoggedModel):
    """A day that differs from the Monday-to-Friday rule: a holiday, or a weekend day worked."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), default=False)
    name = models.CharField(_("名称"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.name}（{'上班' if self.is_workday else '放假'}）"


def _role_choices():
    from .roles import ROLES

    return [(role.slug, role.name) for role in ROLES]


class RoleGrant(ChangeLoggedModel):
    """A role given to or taken from an account. Business roles asked for by a system
    administrator wait for a second administrator's approval; see `openpark.core.accounts`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("账号"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=_role_choices)
    action = models.CharField(_("操作"), max_length=10, choices=GrantAction.choices, default=GrantAction.GRANT)
    state = models.CharField(_("状态"), max_length=10, choices=GrantState.choices, default=GrantState.PENDING,
                             editable=False)
    reason = models.TextField(_("事由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["-requested_at", "-id"]
        permissions = [
            ("approve_rolegrant", _("审批角色授权")),
            ("grant_role_directly", _("直接授予业务角色（安全管理员）")),
        ]

    def __str__(self):
        return f"{self.get_action_display()}{self.user}「{self.get_role_display()}」"

    def get_absolute_url(self):
        return reverse("core:rolegrant_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        from .accounts import GRANT_STATES

        GRANT_STATES.guard(self)
        super().save(*args, **kwargs)


class ApiToken(ChangeLoggedModel):
    """A key for machine access to the API. Only its digest is stored: the key is shown once,
    when it is made, and cannot be read back by anyone."""

    change_log_exclude = frozenset({"digest", "last_used_at"})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("账号"),
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("令牌前缀"), max_length=8, editable=False)
    digest = models.CharField(_("摘要"), max_length=128, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    def get_absolute_url(self):
        return reverse("core:apitoken_list")

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class WorkflowQuerySet(models.QuerySet):
    def of(self, obj):
        """The rows about one object."""
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def of_many(self, model, pks):
        return self.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks])


class Deadline(models.Model):
    """A time limit a transition started (see `openpark.core.deadlines`): the object should leave
    `state` by `due_on` (a limit in working days) or by `due_at` (a limit in minutes, of working
    or natural time; `due_on` is then its local day). Met when it does; overdue after its day, or
    after its moment, while it has not. `soon_notified_at` and `overdue_notified_at` make each
    notice go out once; an approved 延期 (`deadlines.extend`) moves the due time and counts."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("开始的操作"), max_length=50)
    state = models.CharField(_("等待离开的状态"), max_length=30)
    label = models.CharField(_("事项"), max_length=100)
    working_days = models.PositiveSmallIntegerField(_("时限（工作日）"))  # 0 for a limit in minutes
    unit = models.CharField(_("时限单位"), max_length=20, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS)
    amount = models.PositiveIntegerField(_("时限"), null=True, blank=True)  # in `unit`; none on older rows
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("开始人"))
    due_on = models.DateField(_("到期日"), db_index=True)
    due_at = models.DateTimeField(_("到期时间"), null=True, blank=True, db_index=True)
    provisional = models.BooleanField(_("按周一至周五暂算"), default=False)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    soon_notified_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    extended = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    extended_at = models.DateTimeField(_("最近延期时间"), null=True, blank=True)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("延期批准人"))

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.label}（{self.limit_text}，{self.due_text} 到期）"

    @property
    def limit_text(self) -> str:
        """The limit in words: "30 个工作日", "30 分钟（工作时间）"."""
        from .deadlines import Limit

        amount = self.amount if self.amount is not None else self.working_days
        return Limit(amount, self.unit).text

    @property
    def due_text(self) -> str:
        """When it falls due, in local time: "2026-12-01 16:15" for a limit in minutes, else the day."""
        if self.due_at is not None:
            return f"{timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"
        return f"{self.due_on:%Y-%m-%d}"

    @property
    def overdue(self) -> bool:
        """Past its moment or its day: still waiting after it, or met after it."""
        if self.due_at is not None:
            return (self.met_at or timezone.now()) > self.due_at
        if self.met_at is not None:
            return timezone.localdate(self.met_at) > self.due_on
        return timezone.localdate() > self.due_on


class Escalation(models.Model):
    """上报/督办: an object put before a named person, with a note; they answer it (批示), which
    closes it. Both are on the object's timeline."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalations_raised",
                                  verbose_name=_("上报人"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="escalations_received", verbose_name=_("督办人"))
    note = models.TextField(_("上报说明"))
    created_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    answer = models.TextField(_("批示"), blank=True)
    answered_at = models.DateTimeField(_("批示时间"), null=True, blank=True)

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        verbose_name = _("上报督办")
        verbose_name_plural = _("上报督办")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"]),
                   models.Index(fields=["assignee", "answered_at"])]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.raised_by} → {self.assignee}：{self.note[:30]}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Attachment(DomainModel):
    """A file or photo kept as evidence on any record (`content_type` + `object_id`). Made only by
    `openpark.core.attachments.attach`, which checks the type by content and the size, and stores
    images re-encoded without their EXIF data (GPS position, camera). Seen by whoever may see the
    record it belongs to; deleting it is soft and recorded, as for other domain records."""

    # The stored files are named in the record by their name, size and digest, not their paths.
    change_log_exclude = frozenset({"updated_at", "file", "thumbnail"})
    # The evidence of a transition stays with the record whatever happens after.
    frozen_when = models.Q(evidence=True)
    frozen_message = "流程的证明材料不能{action}。"

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("对象类型")
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/", max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to="attachments/%Y/%m/", max_length=200, blank=True)
    original_name = models.CharField(_("文件名"), max_length=255)
    mime_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64)
    purpose = models.CharField(_("用途"), max_length=100, blank=True)
    evidence = models.BooleanField(_("流程证明材料"), default=False, editable=False)
    shared = models.BooleanField(_("企业可见"), default=False,
                                 help_text=_("勾选后，记录所属企业的账号也能看到和下载；默认只有园区工作人员可见"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_object")]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("core:attachment_download", args=[self.pk])

    def get_history_url(self):
        return ""

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self, when=None) -> int:
        return self.unread().update(read_at=when or timezone.now())


class Notification(models.Model):
    """An in-app message to one person (a case dispatched to them, an escalation, a deadline coming
    or passed, a leader's instruction), made by `openpark.core.notifications.notify`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类别"), max_length=20, choices=NotificationKind.choices,
                            default=NotificationKind.OTHER)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("对象类型"),
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def params_text(metric_key: str, params) -> str:
    """A target's params in its metric's words."""
    found = metric_of(metric_key)
    if not isinstance(params, dict) or not params:
        return ""
    return found.params_text(params) if found else ""


class Target(DomainModel):
    """A plan's target (目标): a metric of the registry (`openpark.core.targets`) over a period, the
    value aimed at and who answers for it. The current value is computed by the metric from the
    records, never typed."""

    name = models.CharField(_("目标名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True, validators=year_validators(),
                                            help_text=_("填写年度则期间为该年全年，可不填起止日期。"))
    start = models.DateField(_("开始日期"), null=True, blank=True, validators=[validate_date_range])
    end = models.DateField(_("结束日期"), null=True, blank=True, validators=[validate_date_range])
    owner = models.CharField(_("责任人或部门"), max_length=100, blank=True)
    metric = models.CharField(_("指标"), max_length=60, choices=metric_choices)
    params = models.JSONField(_("指标参数"), default=dict, blank=True)
    target_value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=2)
    direction = models.CharField(_("方向"), max_length=10, choices=TargetDirection.choices,
                                 default=TargetDirection.AT_LEAST)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["start", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        self._fill_period()
        if self.start is None:
            errors["start"] = "请填写开始日期或年度。"
        if self.end is None:
            errors["end"] = "请填写结束日期或年度。"
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "结束日期须晚于开始日期。"
        for field in ("start", "end"):
            day = getattr(self, field)
            if day and not in_year_range(day.year):
                errors[field] = f"日期须在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间。"
        found = metric_of(self.metric)
        if found is None:
            errors["metric"] = "未知的指标。"
        elif not isinstance(self.params, dict):
            errors["params"] = "指标参数须为键值对象，如 {\"stage\": \"signed\"}。"
        else:
            try:
                self.params = found.check_params(self.params)
            except ValueError as exc:
                errors["params"] = str(exc)
        if self.target_value is not None and self.target_value <= 0:
            errors["target_value"] = "目标值须大于 0。"
        if errors:
            raise ValidationError(errors)

    @property
    def params_text(self) -> str:
        return params_text(self.metric, self.params)

    params_text.fget.short_description = "指标参数"

    def _fill_period(self) -> None:
        """A year stands for its whole span where the dates are left out."""
        if self.year is not None and in_year_range(self.year):
            self.start = self.start or date(self.year, 1, 1)
            self.end = self.end or date(self.year, 12, 31)

    def save(self, *args, **kwargs):
        self._fill_period()
        super().save(*args, **kwargs)

    @property
    def unit(self) -> str:
        found = metric_of(self.metric)
        return found.unit if found else ""

    def unit_of(self, field: str) -> str:
        return self.unit if field == "target_value" else ""

    def current_value(self):
        found = metric_of(self.metric)
        if found is None or self.start is None or self.end is None:
            return None
        return found.compute(self.start, self.end, self.params or {})

    def progress(self, today=None):
        today = today or timezone.localdate()
        return target_progress(self.current_value(), self.target_value, self.start, self.end, today, self.direction)

    def records_url(self) -> str:
        found = metric_of(self.metric)
        return found.url(self.start, self.end, self.params or {}) if found and found.url else ""
