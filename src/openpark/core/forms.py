from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import models
from django.forms.models import ModelFormMetaclass

from .accounts import grant_problem, manageable_users
from .choices import GrantAction
from .fields import IdModelChoiceField, IdModelMultipleChoiceField, SafeJSONFormField
from .importing import header_key
from .limits import FIRST_YEAR, LAST_YEAR
from .masking import withheld_fields
from .models import REASON_MAX_LENGTH, REASON_MISSING, REASON_REQUIRED, Grid, Target
from .roles import ROLES, ROLES_BY_SLUG
from .tokens import MAX_DAYS
from .widgets import AutocompleteSelect, AutocompleteSelectMultiple, name_empty_choices
from .workflows import user_label

class DateInput(forms.DateInput):
    """A browser date picker, which takes and gives ISO dates whatever the language's format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


FORM_FIELD_CLASSES = (
    (models.ManyToManyField, IdModelMultipleChoiceField),
    (models.ForeignKey, IdModelChoiceField),
    (models.JSONField, SafeJSONFormField),
)


def platform_formfield(db_field, **kwargs):
    """The form field of a model field, as the platform builds it: ids outside the id range and
    unsafe JSON are refused, and the model field's own validators (its range, a year's bounds)
    run with the field, before the form's `clean()` uses its value."""
    for model_field_class, form_class in FORM_FIELD_CLASSES:
        if isinstance(db_field, model_field_class):
            kwargs.setdefault("form_class", form_class)
            break
    formfield = db_field.formfield(**kwargs)
    # A list of choices (a quarter, a level) runs its validators on the text sent, before it becomes
    # the number the model's validators compare: its choices bound it, and the model checks it again.
    if formfield is not None and not isinstance(formfield, (forms.TypedChoiceField, forms.TypedMultipleChoiceField)):
        formfield.validators.extend(v for v in db_field.validators if v not in formfield.validators)
    return formfield


REASON_FIELD = "change_reason"


class ScopedModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(platform_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ScopedModelForm(forms.ModelForm, metaclass=ScopedModelFormMetaclass):
    """A model form whose choices of related records are limited to live rows in the user's scope,
    so that nobody can link a record to one they may not see. Its fields come from
    `platform_formfield`, whichever subclass declares the model."""

    def __init__(self, *args, user=None, **kwargs):
        from .registry import choosable  # at call time: the registry is built from the forms' apps

        super().__init__(*args, **kwargs)
        self.user = user
        for name in withheld_fields(self._meta.model, user):  # neither shown nor saved
            self.fields.pop(name, None)
        self._ask_reason()
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            model = queryset.model
            if hasattr(model, "is_deleted"):
                queryset = queryset.filter(is_deleted=False)
            if user is not None:
                queryset = choosable(queryset, user)
            field.queryset = queryset | model._default_manager.filter(pk__in=self._current_ids(name))
            if hasattr(model, "choice_label"):  # a name that people share is told apart where it is chosen
                field.queryset = field.queryset.select_related(*getattr(model, "choice_related", ()))
                field.label_from_instance = model.choice_label
            field.label_from_instance = _with_state(field.label_from_instance)
            _type_ahead(field, model)
        name_empty_choices(self)

    def _ask_reason(self) -> None:
        """A 修改原因 on the edit form of a model that asks why its records change (see
        `ChangeLoggedModel.change_reason`); kept with the change record."""
        asked = getattr(self._meta.model, "change_reason", None)
        if asked is None or self.instance.pk is None:
            return
        self.fields[REASON_FIELD] = forms.CharField(
            label="修改原因", required=asked == REASON_REQUIRED, max_length=REASON_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": REASON_MISSING},
            help_text="如：税务局更正申报。将记入变更历史。",
        )

    def save(self, commit=True):
        if REASON_FIELD in self.fields:
            self.instance._change_reason = (self.cleaned_data.get(REASON_FIELD) or "").strip()
        return super().save(commit)

    def _current_ids(self, name) -> list:
        """The records the instance links to now, offered even if deleted since, so that saving
        the form unchanged never drops a link."""
        if self.instance.pk is None or name not in {f.name for f in self.instance._meta.get_fields()}:
            return []
        field = self.instance._meta.get_field(name)
        if field.many_to_many:
            return list(getattr(self.instance, name).values_list("pk", flat=True))
        if field.many_to_one or field.one_to_one:
            current = getattr(self.instance, field.attname)
            return [current] if current is not None else []
        return []


def _type_ahead(field, model) -> None:
    """Links to a declared, searchable model are chosen by typing, not from a list of every row."""
    from .registry import declaration_for

    declaration = declaration_for(model)
    if declaration is None or not declaration.search_fields:
        return
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget_class = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    widget = widget_class(model, attrs=field.widget.attrs)
    widget.choices = field.choices
    widget.is_required = field.required
    field.widget = widget


def _with_state(label):
    def label_from_instance(obj) -> str:
        return f"{label(obj)}（已删除）" if getattr(obj, "is_deleted", False) else label(obj)

    return label_from_instance


class YearField(forms.IntegerField):
    """A year of periods, evaluations and targets (FIRST_YEAR–LAST_YEAR)."""

    default_error_messages = {
        "min_value": "年份不能早于 %(limit_value)s 年。",
        "max_value": "年份不能晚于 %(limit_value)s 年。",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(**kwargs)


def requested_year(request, default, fallback: str = "") -> tuple:
    """(the page's ?year=, "") or, when it is missing or no year, (`default`, `fallback`): the words
    that say which year is shown instead."""
    text = request.GET.get("year")
    if not text:
        return default, ""
    try:
        return YearField().clean(text), ""
    except forms.ValidationError:
        return default, fallback


class GridForm(ScopedModelForm):
    class Meta:
        model = Grid
        fields = ["code", "name", "boundary"]


IGNORE = ""


PARAM_PREFIX = "param_"


class TargetForm(ScopedModelForm):
    """A target, with the params of its metric as that metric's own fields (`Metric.param_fields`):
    choosing another metric swaps them (an htmx fragment from `target_params`; without script, the
    form comes back with the chosen metric's fields when sent). What is chosen is kept as the JSON
    params and judged by the metric's `check_params`, in the model's clean, as the API's are."""

    class Meta:
        model = Target
        fields = ["name", "year", "start", "end", "owner", "metric", "target_value", "direction", "note"]

    def __init__(self, *args, **kwargs):
        from django.urls import reverse

        from . import targets

        super().__init__(*args, **kwargs)
        if self.is_bound:
            key = self.data.get(self.add_prefix("metric")) or ""
        else:
            key = self.initial.get("metric") or self.instance.metric or ""
        self.chosen = targets.metric(key)
        kept = self.instance.params if self.instance.pk and self.instance.metric == key else {}
        self.param_names = []
        for name, field in (self.chosen.fields() if self.chosen else {}).items():
            self.fields[PARAM_PREFIX + name] = field
            self.param_names.append(PARAM_PREFIX + name)
            if isinstance(kept, dict) and name in kept:
                self.initial[PARAM_PREFIX + name] = kept[name]
        self.fields["metric"].widget.attrs.update({
            "hx-get": reverse("core:target_params"), "hx-trigger": "change", "hx-target": "#target-params",
            "hx-swap": "innerHTML"})
        self.fields["metric"].help_text = "各指标的参数不同，选择指标后下方列出其参数。"
        value = self.instance.target_value
        if not self.is_bound and self.chosen is not None and value is not None and value == int(value) \
                and self.chosen.places == 0:
            self.initial["target_value"] = int(value)  # a count reads "20", not "20.00"

    @property
    def head_fields(self) -> list:
        names = list(self.fields)
        return [self[name] for name in names[:names.index("metric") + 1]]

    @property
    def param_fields(self) -> list:
        return [self[name] for name in self.param_names]

    @property
    def tail_fields(self) -> list:
        names = list(self.fields)
        return [self[name] for name in names[names.index("metric") + 1:] if name not in self.param_names]

    def clean(self):
        data = super().clean()
        if self.chosen is not None:
            params = {}
            for name in self.param_names:
                value = data.get(name)
                if value not in (None, "", [], ()):
                    params[name[len(PARAM_PREFIX):]] = list(value) if isinstance(value, (list, tuple)) else value
            self.instance.params = params  # the model's clean judges them by the metric's check
        return data

    def _update_errors(self, errors):
        # The model's word on the params belongs to the params' fields (the form has no "params").
        if hasattr(errors, "error_dict") and "params" in errors.error_dict:
            moved = errors.error_dict.pop("params")
            where = self.param_names[0] if self.param_names else NON_FIELD_ERRORS
            errors.error_dict.setdefault(where, []).extend(moved)
        super()._update_errors(errors)


def mappable_headers(preview: dict) -> list[tuple[str, str, list[str]]]:
    """(header, field it is read as or IGNORE, sample values) for each header of an import's file that
    may be named by hand: those no field answers to, then those read through a column map. Values
    under no header cannot be named; a header on several sheets is named once."""
    seen, headers = set(), []
    unmatched = [(c["header"], IGNORE, c["samples"]) for c in preview.get("unmatched") or []]
    mapped = [(m["header"], m["field"], []) for m in preview.get("mapped") or []]
    for header, current, samples in unmatched + mapped:
        key = header_key(header)
        if key and key not in seen:
            seen.add(key)
            headers.append((header, current, samples))
    return headers


class ColumnMappingForm(forms.Form):
    """The field each nameable column of an import's file holds, or 忽略; the choices are the
    importer's fields that no header of the file names by itself."""

    def __init__(self, preview: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = mappable_headers(preview)
        self.labels = dict(map(tuple, preview.get("choices") or []))
        choices = [(IGNORE, "忽略（不导入）"), *self.labels.items()]
        for number, (header, current, samples) in enumerate(self.headers):
            self.fields[f"column-{number}"] = forms.ChoiceField(
                label=f"“{header}”对应", choices=choices, required=False, initial=current,
                help_text=f"示例值：{'、'.join(samples)}" if samples else "",
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        taken = {}
        for number, (header, _, _) in enumerate(self.headers):
            name = data.get(f"column-{number}")
            if not name:
                continue
            if name in taken:
                raise forms.ValidationError(
                    f"列“{taken[name]}”和列“{header}”不能都对应“{self.labels[name]}”，请只为其中一列选择该字段。")
            taken[name] = header
        if all((data.get(f"column-{n}") or IGNORE) == current for n, (_, current, _) in enumerate(self.headers)):
            raise forms.ValidationError("对应关系没有变化：请为未识别的列选择对应字段后再重新检查。")
        return data

    def column_map(self) -> dict[str, str]:
        """{header key: field, or IGNORE} as chosen, for the job's options."""
        return {header_key(header): self.cleaned_data.get(f"column-{number}") or IGNORE
                for number, (header, _, _) in enumerate(self.headers)}


class RoleGrantForm(forms.Form):
    """Give a role to an account, or take it away; the rules are `openpark.core.accounts`'."""

    user = IdModelChoiceField(queryset=None, label="账号", empty_label="请选择")
    role = forms.ChoiceField(label="角色")
    action = forms.ChoiceField(label="操作", choices=GrantAction.choices, initial=GrantAction.GRANT)
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        users = manageable_users(actor, get_user_model().objects.filter(is_active=True)).exclude(pk=actor.pk)
        self.fields["user"].queryset = users.order_by("username")
        self.fields["user"].label_from_instance = user_label
        self.fields["role"].choices = [
            (role.slug, role.name) for role in ROLES if actor.is_superuser or not role.administrative
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        role = ROLES_BY_SLUG[data["role"]]
        problem = grant_problem(self.actor, data["user"], role, data["action"])
        if problem:
            raise forms.ValidationError(problem)
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label="审批意见", required=False, max_length=1000,
                           widget=forms.TextInput(attrs={"placeholder": "审批意见（驳回时必填）"}))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="如：统计局数据对接")
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=MAX_DAYS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.API_TOKEN_DAYS or 90

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("请填写令牌用途。")
        return name


class CheckedPasswordChangeForm(PasswordChangeForm):
    """Changing one's password: the old password is checked through the login's lock, so it can
    no more be guessed here than on the login page."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        try:
            checked = authenticate(self.request, username=self.user.get_username(), password=old)
        except PermissionDenied:  # locked by django-axes
            checked = None
        if getattr(self.request, "axes_locked_out", False):
            from .views import lockout_message

            raise forms.ValidationError(lockout_message(), code="locked")
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old


class AccountForm(forms.Form):
    """An account on 账号管理: its name, phone, roles and bindings. Creating one also takes the
    login name; the password is a temporary one the platform makes (`accounts.temporary_password`).
    The rules are `openpark.core.accounts`'."""

    username = forms.CharField(label="用户名", max_length=150,
                               help_text="登录名：英文字母、数字和 @/./+/-/_，不区分大小写，创建后不能修改。")
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    roles = forms.MultipleChoiceField(label="角色", required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="授权事由", max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text="授予或收回角色时必填。")

    def __init__(self, *args, actor, instance=None, **kwargs):
        from .accounts import account_bindings, grantable_roles

        self.actor, self.instance = actor, instance
        if instance is not None:
            initial = {"full_name": instance.full_name, "phone": instance.phone,
                       "roles": [role.slug for role in ROLES if role.name in _held(instance)]}
            for binding in account_bindings():
                initial[f"binding_{binding.key}"] = [obj.pk for obj in binding.bound(instance)]
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["username"]
        offered = grantable_roles(actor)
        if offered:
            self.fields["roles"].choices = [(role.slug, role.name) for role in offered]
            if not actor.has_perm("core.grant_role_directly"):
                self.fields["roles"].help_text = "授予角色须由另一位管理员（安全管理员或其他系统管理员）审批后生效；收回角色立即生效。"
        else:
            del self.fields["roles"], self.fields["reason"]
        self.bindings = account_bindings()
        for binding in self.bindings:
            model = binding.target_model
            field = IdModelMultipleChoiceField(queryset=model._default_manager.order_by("pk"), required=False,
                                               label=f"绑定{binding.label}")
            field.help_text = f"用于“{ROLES_BY_SLUG[binding.role].name}”角色：该账号的数据范围限于所绑定的{binding.label}。"
            _type_ahead(field, model)
            self.fields[f"binding_{binding.key}"] = field

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User = get_user_model()
        try:
            User.username_validator(username)
        except forms.ValidationError:
            raise forms.ValidationError("用户名只能使用英文字母、数字和 @/./+/-/_。") from None
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("已有同名账号（不区分大小写）。")
        return username


    def clean(self):
        data = super().clean()
        if "roles" not in data:  # no roles offered, or a role that may not be given
            return data
        held = {role.slug for role in ROLES if role.name in _held(self.instance)} if self.instance else set()
        if set(data.get("roles") or ()) != held & {slug for slug, _ in self.fields["roles"].choices} \
                and not (data.get("reason") or "").strip():
            self.add_error("reason", "授予或收回角色时，请填写授权事由。")
        return data


def _held(user) -> frozenset[str]:
    from .scoping import role_names

    return role_names(user)


@dataclass(frozen=True)
class FieldGroup:
    """A part of a long form as `core/includes/form_fields.html` lays it out: the fields in their
    order, under a title and a help said once for all of them, in a grid (several fields a row on a
    wide screen, one on a phone) when `grid`. A form lays itself out with a `field_groups` property
    returning them (every field in one group or another); without one, its fields follow each other."""

    fields: list
    title: str = ""
    help: str = ""
    grid: bool = False
