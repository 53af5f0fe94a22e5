"""Workflows as a layer over the state machines (`openpark.core.states`).

For every declared model with a state machine (`machine = StateMachine(...)` on the model):
- each transition is an action on the object's page (`<prefix><pk>/transitions/<name>/`) and in
  the API (`POST /api/<app>/<route>/<pk>/transitions/<name>/`), made by `perform`: the same form
  reads the note, the evidence files and the transition's own fields on both, and the machine
  decides whether it may be made (400 with the reason, 403 without its permission);
- the object's page shows its timeline (transitions, notes, evidence, deadlines, escalations)
  and its overdue mark (`openpark.core.deadlines`);
- 上报/督办 puts the object before a named person who may see it (`escalate`); they find it in
  their 待办 and answer it (批示, `answer`).
"""
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from .masking import HIDDEN, hidden_fields
from .models import Deadline, Escalation, StateChange, TaskRun, user_label
from .scoping import is_park_wide
from .states import StateMachine, Transition

CANDIDATE_LIMIT = 10
NOTE_LENGTH = 2000


def machine_of(model) -> StateMachine | None:
    machine = getattr(model, "machine", None)
    return machine if isinstance(machine, StateMachine) else None


class TransitionForm(forms.Form):
    """What a transition reads from a page or an API call; a transition with fields of its own
    (a date, say) names a subclass in `Transition.form`.

    On the page it is laid out as the platform's other forms (`core/includes/form_fields.html`):
    label, field, help text, and one required mark (*) on what the transition needs, whether the
    field itself refuses to be empty or the transition does (`needed`: fields left optional here
    so that whoever may not make the transition hears that first, whatever they sent)."""

    needed: tuple[str, ...] = ()

    note = forms.CharField(label="说明", required=False, max_length=NOTE_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label="证明材料", required=False)

    def __init__(self, *args, transition: Transition | None = None, obj=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        # The record the transition is made on and who makes it: a form that links to other
        # records offers only those the user may see (`scoped`).
        self.obj, self.user = obj, user
        if transition is not None:
            self.fields["note"].widget.attrs["required"] = transition.needs_note
            if transition.needs_evidence:
                self.fields["evidence"].widget.attrs.update(required=True, multiple=True)
            else:
                del self.fields["evidence"]
            self.mark_needed(*self.needed, *(["note"] if transition.needs_note else []),
                             *(["evidence"] if transition.needs_evidence else []))
        from .widgets import name_empty_choices

        name_empty_choices(self)

    def mark_needed(self, *names: str) -> None:
        """Mark fields the transition needs though the form lets them be empty (shown with *)."""
        for name in names:
            if name in self.fields:
                self.fields[name].needed = True

    def scoped(self, queryset):
        """`queryset` limited to the records the user may see (all, for a command)."""
        from .scoping import scope_queryset

        return queryset if self.user is None else scope_queryset(queryset, self.user)

    def extra(self) -> dict:
        """The transition's own fields, for its `perform`."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("note", "evidence")}


def form_class(transition: Transition) -> type[TransitionForm]:
    return import_string(transition.form) if transition.form else TransitionForm


def transition_named(machine: StateMachine, name: str) -> Transition | None:
    return machine.transitions.get(name)


@dataclass
class Outcome:
    """What a transition made: the state change, or the background task that will make it."""

    change: StateChange | None = None
    task: TaskRun | None = None


def perform(obj, transition: Transition, user, data, files) -> Outcome:
    """Make the transition from a page's or the API's request data. Raises ValidationError (bad
    input), TransitionError (not now, or a note or evidence missing) or PermissionDenied; then
    nothing has changed."""
    machine = machine_of(type(obj))
    if user is not None and not user.has_perm(transition.permission):  # before any input is read
        raise PermissionDenied(f"您没有{transition.label}的权限。")
    _check_shape(data)
    form = form_class(transition)(data, files, transition=transition, obj=obj, user=user)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[name].label}：{'；'.join(errors)}" if name in form.fields else
                               "；".join(errors) for name, errors in form.errors.items()])
    note = form.cleaned_data["note"].strip()
    uploads = files.getlist("evidence") if transition.needs_evidence and hasattr(files, "getlist") else []
    machine.check(obj, transition.name, user, note, evidence=uploads)
    with transaction.atomic():
        evidence = [_attach(obj, upload, user, transition) for upload in uploads]
        if transition.perform:
            result = import_string(transition.perform)(obj, transition.name, user, note, evidence=evidence,
                                                          **form.extra())
        else:
            result = machine.apply(obj, transition.name, user, note, evidence=evidence)
    return Outcome(task=result) if isinstance(result, TaskRun) else Outcome(change=result)


def _check_shape(data) -> None:
    """A page sends a form and the API a JSON object whose values are plain values: a list, an
    object or a bare value in their place is refused before any form reads it."""
    if data is None:
        return
    if not hasattr(data, "get"):
        raise ValidationError("请求内容应为 JSON 对象，如 {\"note\": \"……\"}。")
    if not hasattr(data, "getlist"):  # JSON: each field one value
        nested = sorted(str(name) for name, value in data.items() if isinstance(value, (list, dict)))
        if nested:
            raise ValidationError(f"{'、'.join(nested)}：应为单个值，不能是列表或对象。")


def _attach(obj, upload, user, transition):
    from .attachments import attach

    return attach(obj, upload, user, purpose=f"{transition.label}证明材料", evidence=True)


def actions(obj, user) -> list[dict]:
    """The transitions the user may make now, each with its form, for the page."""
    machine = machine_of(type(obj))
    if machine is None:
        return []
    from .deadlines import limit_of

    return [{"transition": t, "form": form_class(t)(transition=t, obj=obj, user=user, auto_id=f"id_{t.name}_%s"),
             "url": transition_url(obj, t.name), "limit": limit_of(t, obj)} for t in machine.available(obj, user)]


def transition_url(obj, name: str) -> str:
    return reverse(f"{obj._meta.app_label}:{obj._meta.model_name}_transition", args=[obj.pk, name])


def escalate_url(obj) -> str:
    return reverse(f"{obj._meta.app_label}:{obj._meta.model_name}_escalate", args=[obj.pk])


# Escalation ------------------------------------------------------------------------------------


def may_view(user, declaration, obj) -> bool:
    """Whether the user may open the object's page: the view permission, and the object in scope."""
    return _may_view_pk(user, declaration, obj.pk)


def _may_view_pk(user, declaration, pk) -> bool:
    return (user.is_active and user.has_perm(declaration.permission("detail"))
            and declaration.scoped(user).filter(pk=pk).exists())


def may_take_escalation(user, declaration, obj) -> bool:
    """Whether the object may be put before the user: one of the park's staff who may see it
    (上报说明 are the park's internal words)."""
    return is_park_wide(user) and may_view(user, declaration, obj)


def candidates(declaration, obj, text: str = "", limit: int = CANDIDATE_LIMIT, exclude=None) -> list:
    """Users who may see the object, whose name or username contains `text`: the database narrows
    to active users of a role holding the view permission, each is then checked as the page would."""
    app_label, codename = declaration.permission("detail").split(".", 1)
    holds = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    users = get_user_model().objects.filter(Q(is_superuser=True) | holds, is_active=True)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    if text:
        users = users.filter(Q(full_name__icontains=text) | Q(username__icontains=text))
    found = []
    for user in users.distinct().order_by("full_name", "username")[: limit * 3]:
        if may_take_escalation(user, declaration, obj):
            found.append(user)
            if len(found) == limit:
                break
    return found


def escalate(obj, declaration, user, assignee, note: str) -> Escalation:
    """上报/督办: put the object before `assignee`, who must be able to see it; they are told."""
    note = (note or "").strip()
    if not note:
        raise ValidationError("请填写上报说明。")
    if assignee is None or not may_take_escalation(assignee, declaration, obj):
        raise ValidationError("只能向能查看该记录的园区工作人员上报。")
    if assignee.pk == user.pk:
        raise ValidationError("不能向自己上报。")
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic():
        escalation = Escalation.objects.create(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
            raised_by=user, assignee=assignee, note=note[:NOTE_LENGTH])
        if hasattr(obj, "after_escalation"):  # what the record itself keeps of it
            obj.after_escalation(escalation)
        _notify([assignee], kind="escalation", title=f"{user_label(user)} 提请办理：{obj}", body=note, obj=obj)
    return escalation


def answer(escalation: Escalation, user, text: str) -> Escalation:
    """批示: the named person answers; the item closes and whoever raised it is told."""
    text = (text or "").strip()
    if escalation.assignee_id != user.pk:
        raise PermissionDenied("只有被上报人可以批示。")
    if not escalation.is_open:
        raise ValidationError("该事项已批示，不能重复批示。")
    if not _may_still_view(user, escalation):
        raise PermissionDenied("您已无权查看该记录，不能批示。")
    if not text:
        raise ValidationError("请填写批示内容。")
    with transaction.atomic():
        closed = Escalation.objects.filter(pk=escalation.pk, answered_at__isnull=True).update(
            answer=text[:NOTE_LENGTH], answered_at=timezone.now())
        if not closed:
            raise ValidationError("该事项已批示，不能重复批示。")
        escalation.refresh_from_db()
        target = escalation.target
        _notify([escalation.raised_by], kind="instruction", title=f"{user_label(user)} 批示：{target}", body=text,
                obj=target)
    return escalation


def _may_still_view(user, escalation) -> bool:
    from . import registry

    target = escalation.content_type.model_class()
    declaration = registry.declaration_for(target) if target is not None else None
    return declaration is not None and _may_view_pk(user, declaration, escalation.object_id)


def todo(user):
    """The user's 待办: what was put before them and is not answered yet, with its objects (one
    query per kind of object, with what their names need)."""
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    from . import registry

    # What the user may no longer see (out of scope, permission gone, deleted) stays listed without
    # its name: the prefetch finds no object for it, and it cannot be answered.
    targets = [d.scoped(user).select_related(*d.select_related) if user.has_perm(d.permission("detail"))
               else d.model.objects.none() for d in registry.declarations() if d.offers_escalation]
    return (_open_for(user)
            .select_related("raised_by", "content_type").prefetch_related(GenericPrefetch("target", targets))
            .order_by("created_at", "pk"))


def open_count(user) -> int:
    """How many items the user's 待办 lists (what `todo` and `awaiting` give): one count, and one
    per kind of record with steps awaiting the user."""
    return _open_for(user).count() + sum(queryset.count() for _d, _steps, queryset in _awaited_querysets(user))


@dataclass
class Awaited:
    """A record waiting in a state for a step the user may make (`Transition.awaited`)."""

    obj: object
    transition: Transition
    kind: str  # the record's kind, as the 待办 names it

    @property
    def url(self) -> str:
        return self.obj.get_absolute_url()


def _awaited_querysets(user):
    """(declaration, {state: the awaited step the user may make from it}, the user's records in
    those states) of each declared model with such steps."""
    from . import registry

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    found = []
    for declaration in registry.declarations():
        machine = machine_of(declaration.model)
        if machine is None or not user.has_perm(declaration.permission("detail")):
            continue
        steps = {}
        for transition in machine.transitions.values():
            if transition.awaited and user.has_perm(transition.permission):
                for state in transition.sources:
                    steps.setdefault(state, transition)
        if steps:
            found.append((declaration, steps,
                          declaration.scoped(user).filter(**{f"{machine.field}__in": list(steps)})))
    return found


def awaiting(user) -> list[Awaited]:
    """The records waiting for a step the user may make (待我办理): one query per kind of record.
    Whether the step can be made now is asked when it is made (its condition, note, evidence)."""
    items = []
    for declaration, steps, queryset in _awaited_querysets(user):
        machine = machine_of(declaration.model)
        kind = str(declaration.model._meta.verbose_name)
        for obj in queryset.select_related(*declaration.select_related).order_by("pk"):
            items.append(Awaited(obj, steps[machine.state(obj)], kind))
    return items


def _open_for(user):
    """What was put before the user and is not answered yet."""
    return Escalation.objects.filter(assignee=user, answered_at__isnull=True)


def _notify(recipients, **kwargs) -> None:
    from .notifications import notify

    notify(recipients, **kwargs)


# Timeline --------------------------------------------------------------------------------------


@dataclass
class Entry:
    time: datetime
    kind: str  # transition, evidence, deadline, escalation, instruction
    who: str
    text: str
    note: str = ""
    url: str = ""
    alarm: bool = False
    overdue_now: bool = False  # a deadline still running past its day


def timeline(obj, user=None, attachments=None) -> list[Entry]:
    """Everything that happened to the object's workflow, oldest first; with the escalations of
    the records a model names as part of it (`timeline_sources(user)`: querysets, such as a
    project's problems, of what the user may see). Of its attachments, the evidence of its
    transitions; `attachments`: those its page has read already, if it has."""
    machine = machine_of(type(obj))
    entries = []
    hidden = _hidden_people(obj, user)
    for change in machine.history(obj).select_related("user") if machine is not None else ():
        entries.append(Entry(change.time, "transition",
                             HIDDEN if change.user_id in hidden else _who(change.user, change.username),
                             machine.change_text(change), change.note))
    for deadline in Deadline.objects.of(obj).select_related("started_by", "extended_by"):
        entries.extend(_deadline_entries(deadline, hidden))
    for escalation in Escalation.objects.of(obj).select_related("raised_by", "assignee"):
        entries.extend(_escalation_entries(escalation))
    sources = getattr(obj, "timeline_sources", None)
    for queryset in sources(user) if sources is not None and user is not None else ():
        entries.extend(_source_escalations(queryset))
    entries.extend(_evidence_entries(obj, attachments))
    return sorted(entries, key=lambda e: e.time)


def _source_escalations(queryset) -> list[Entry]:
    """The escalations of a related record, each naming the record and linking to it."""
    records = {str(record.pk): record for record in queryset}
    entries = []
    if not records:
        return entries
    for escalation in Escalation.objects.of_many(queryset.model, records).select_related("raised_by", "assignee"):
        record = records[escalation.object_id]
        entries.extend(_escalation_entries(escalation, f"（{queryset.model._meta.verbose_name}：{record}）",
                                           record.get_absolute_url()))
    return entries


def _escalation_entries(escalation, about: str = "", url: str = "") -> list[Entry]:
    """An escalation and, once answered, its 批示; `about` names the record when it is another's."""
    entries = [Entry(escalation.created_at, "escalation", _who(escalation.raised_by),
                     f"上报/督办 {user_label(escalation.assignee)}{about}", escalation.note, url=url)]
    if escalation.answered_at:
        entries.append(Entry(escalation.answered_at, "instruction", _who(escalation.assignee), f"批示{about}",
                             escalation.answer, url=url))
    return entries


def _hidden_people(obj, user) -> set:
    """The accounts the object's sensitive fields name (a case's reporter) that `user` may not
    know: the timeline does not name them as whoever made a step either."""
    if user is None:
        return set()
    from django.contrib.auth import get_user_model

    people = set()
    for name in hidden_fields(type(obj), user):
        field = type(obj)._meta.get_field(name)
        if field.is_relation and field.related_model is get_user_model():
            people.add(getattr(obj, field.attname))
    return people - {None}


def _deadline_entries(deadline: Deadline, hidden=frozenset()) -> list[Entry]:
    provisional = "（暂按周一至周五计算）" if deadline.provisional else ""
    # Once extended, the start says the limit alone: the due time it gave is no longer the one.
    due = "" if deadline.extended else f"，{deadline.due_text} 到期{provisional}"
    started_by = HIDDEN if deadline.started_by_id in hidden else _who(deadline.started_by)
    entries = [Entry(deadline.started_at, "deadline", started_by,
                     f"开始计时：{deadline.label}，{deadline.limit_text}{due}")]
    if deadline.extended:
        entries.append(Entry(deadline.extended_at or deadline.started_at, "deadline",
                             _who(deadline.extended_by) if deadline.extended_by_id else "系统",
                             f"{deadline.label}已延期 {deadline.extended} 次，新的到期时间 {deadline.due_text}"
                             f"{provisional}"))
    if deadline.met_at:
        late = "（逾期办结）" if deadline.overdue else ""
        entries.append(Entry(deadline.met_at, "deadline", "系统", f"{deadline.label}已办结{late}", alarm=bool(late)))
    elif deadline.overdue:
        passed = deadline.due_at or timezone.make_aware(datetime.combine(deadline.due_on, datetime.max.time()))
        entries.append(Entry(passed, "deadline", "系统", f"{deadline.label}已逾期", alarm=True, overdue_now=True))
    return entries


def _evidence_entries(obj, attachments=None) -> list[Entry]:
    """The evidence of the object's transitions (`Attachment.evidence`), not its other files."""
    if attachments is None:
        from .attachments import attachments_of

        attachments = attachments_of(obj).filter(evidence=True)
    return [Entry(a.created_at, "evidence", _who(a.uploaded_by), f"上传{a.purpose or '附件'}：{a.original_name}",
                  url=a.get_absolute_url()) for a in attachments if a.evidence]


def _who(user, username: str = "") -> str:
    if user is not None:
        return user_label(user)
    return username or "系统"
