"""State machines: a model with a life cycle declares its transitions in one place, and only
`StateMachine.apply` changes its state.

A transition names the states it leaves from, the state it goes to, the permission it needs,
whether it needs a note or evidence (files attached to the object), and the time limit (in working
days, or the object's own in minutes or days through `deadline_for`), if any, by which the object should leave the state it enters. Applying it checks all that,
saves the object (so the change record has the before and after), writes a `StateChange` with who,
when and the note, ends the deadlines of the state left and starts the transition's own
(`openpark.core.deadlines`). Pages and the API offer every transition as an action
(`openpark.core.workflows`). A model guards its
state field with `StateMachine.guard` in `save`, so that no form, import or API can change the
state by writing the field.
"""
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .context import current_actor
from .models import StateChange


class TransitionError(ValueError):
    """A transition that cannot be made now; the message says why, in Chinese."""


# Transitions that turn an object back or end it, by name or by a word of their label.
TURNING_BACK_NAMES = frozenset({"reject", "refuse", "send_back", "return", "cancel", "terminate", "withdraw",
                                "revoke"})
TURNING_BACK_WORDS = ("驳回", "退回", "排除", "终止", "取消", "撤销", "作废")


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str
    needs_note: bool = False
    needs_evidence: bool = False
    deadline: int | None = None  # working days by which the object should leave `target`
    deadline_label: str = ""  # what the deadline waits for (default: leaving the target state)
    deadline_for: str = ""  # dotted path of `f(obj, transition) -> deadlines.Limit | None`, a limit per object
    # Dotted paths, for a transition that does more than change the state: a function
    # `(obj, name, user, note, evidence=(), **fields)` that makes it (calling `apply`, or starting a background task
    # and returning its TaskRun), and a form (a subclass of workflows.TransitionForm) with its fields.
    perform: str = ""
    form: str = ""
    confirm: str = ""  # asked before a transition that cannot be undone
    # Dotted path of a function `(obj) -> str`: why the transition is not open to the object now
    # ("" when it is), beyond its source states (an outfall is merged only when its plan says so).
    # The one rule of whether it is offered on the page and whether it is refused, page and API alike.
    condition: str = ""
    # What the page says once it is made ("整治方案已批复"); "" reads "已<label>".
    done: str = ""
    # An object in one of its source states waits for this step: it is in the 待办 of whoever may
    # make it (`workflows.awaiting`), as a government sign-off waits for the office that gives it.
    awaited: bool = False

    @property
    def done_message(self) -> str:
        """The success message of the transition, as the page shows it once made."""
        return self.done or f"已{self.label}"

    # Whether the transition turns the object back or ends it (驳回, 退回, 排除, 终止): its button is
    # red rather than the blue of a step forward. None: told by its name or label.
    turns_back: bool | None = None

    @property
    def button_class(self) -> str:
        """The class of the transition's button: "danger" for one that turns back or ends, else "primary"."""
        back = self.turns_back
        if back is None:
            back = self.name in TURNING_BACK_NAMES or any(word in self.label for word in TURNING_BACK_WORDS)
        return "danger" if back else "primary"

    def refusal(self, obj) -> str:
        """Why the transition's condition closes it to the object now; "" when it is open."""
        if not self.condition:
            return ""
        from django.utils.module_loading import import_string

        return import_string(self.condition)(obj) or ""


def tell_watchers(obj, transition: Transition, actor, note: str) -> None:
    """Tell those who follow the record (`obj.told_of_steps()`: the worker of a redemption, the
    reporter of a case) of each step made on it, in their 通知, except whoever made it. The
    notification links to `obj.told_url` when the record has one (a page the watcher may open),
    else to the record's page."""
    watchers = getattr(obj, "told_of_steps", None)
    if watchers is None:
        return
    recipients = [user for user in watchers() if user is not None and user.pk != getattr(actor, "pk", None)]
    if not recipients:
        return
    from .notifications import notify

    url = getattr(obj, "told_url", "") or obj.get_absolute_url()
    # A record may keep a step's note from its watchers (`obj.note_for_watchers(transition name, note)`).
    told = getattr(obj, "note_for_watchers", None)
    body = told(transition.name, note) if told is not None else note
    notify(recipients, kind="progress", title=f"{obj._meta.verbose_name}“{obj}”：{transition.done_message}",
           body=body, url=url, obj=obj)


class StateMachine:
    def __init__(self, field: str, labels: dict[str, str], transitions: tuple[Transition, ...],
                 records: dict[str, str] | None = None):
        self.field = field
        self.labels = labels
        self.transitions = {t.name: t for t in transitions}
        # State changes recorded otherwise than by a transition (a past history entered once, say):
        # their names and how the timeline calls them.
        self.records = records or {}

    def state(self, obj) -> str:
        return getattr(obj, self.field)

    def available(self, obj, user) -> list[Transition]:
        """The transitions the user may make from the object's state now."""
        return [t for t in self.transitions.values()
                if self.state(obj) in t.sources and user.has_perm(t.permission) and not t.refusal(obj)]

    def apply(self, obj, name: str, user, note: str = "", evidence=(), **changes) -> StateChange:
        """Make the transition, with any other field changes it brings; TransitionError or
        PermissionDenied when it cannot be made, and then nothing changes. `evidence`: what has
        been attached for it, when the transition needs evidence."""
        from . import deadlines

        transition = self.check(obj, name, user, note, evidence)
        current, note = self.state(obj), (note or "").strip()
        with transaction.atomic():
            self._lock_unchanged(obj, transition)
            for field, value in changes.items():
                setattr(obj, field, value)
            setattr(obj, self.field, transition.target)
            obj._state_transition = transition.name
            try:
                obj.save()
            finally:
                obj._state_transition = None
            actor = user or current_actor().resolved_user()
            actor = actor if getattr(actor, "pk", None) else None
            change = StateChange.objects.create(
                time=timezone.now(), user=actor, username=getattr(actor, "username", ""),
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                transition=transition.name, from_state=current, to_state=transition.target, note=note,
            )
            deadlines.after_transition(self, obj, transition, actor, change.time)
            tell_watchers(obj, transition, actor, note)
            return change

    def _lock_unchanged(self, obj, transition: Transition) -> None:
        """Lock the stored row and make sure its state still allows the transition: two requests
        making the same transition at once make it once (the second waits for the first, then is
        refused). SQLite takes the write lock when the transaction begins, to the same effect."""
        if obj.pk is None:
            return
        stored = (type(obj)._base_manager.select_for_update().filter(pk=obj.pk)
                  .values_list(self.field, flat=True).first())
        if stored is not None and stored not in transition.sources:
            raise TransitionError(f"当前状态已是“{self.labels.get(stored, stored)}”，不能{transition.label}，请刷新页面。")

    def check(self, obj, name: str, user, note: str = "", evidence=None) -> Transition:
        """The transition, if it can be made now by the user (None: the system); TransitionError
        or PermissionDenied otherwise. Callers doing work before `apply` check first; evidence is
        checked when given (None: not yet known, as before the files are attached)."""
        transition = self.transitions.get(name)
        if transition is None:
            raise TransitionError(f"没有“{name}”这种操作。")
        # Who may act is asked first: someone who may not gets the same answer in every state.
        if user is not None and not user.has_perm(transition.permission):
            raise PermissionDenied(f"您没有{transition.label}的权限。")
        current = self.state(obj)
        if current not in transition.sources:
            raise TransitionError(f"当前状态为“{self.labels.get(current, current)}”，不能{transition.label}。")
        refusal = transition.refusal(obj)
        if refusal:
            raise TransitionError(refusal)
        if transition.needs_note and not (note or "").strip():
            raise TransitionError(f"{transition.label}须填写说明。")
        if transition.needs_evidence and evidence is not None and not evidence:
            raise TransitionError(f"{transition.label}须上传证明材料。")
        return transition

    def label(self, state: str) -> str:
        return self.labels.get(state, state)

    def change_text(self, change) -> str:
        """A recorded state change in words: "线索 → 在谈", "录入既有项目历史：线索 → 开工", "上报：待核实"
        (a first record, from no state), or "申请延期（处置中）" (a step that keeps the state)."""
        if change.from_state == change.to_state and change.transition in self.transitions:
            return f"{self.transitions[change.transition].label}（{self.label(change.to_state)}）"
        text = f"{self.label(change.from_state)} → {self.label(change.to_state)}" if change.from_state \
            else self.label(change.to_state)
        return f"{self.records[change.transition]}：{text}" if change.transition in self.records else text

    def guard(self, obj) -> None:
        """Refuse a save that changes the state outside a transition (call from the model's save).
        The state is compared with the database's, not with what was loaded: an instance may have
        gone through transitions since."""
        if obj.pk is None or getattr(obj, "_state_transition", None):
            return
        stored = type(obj)._default_manager.filter(pk=obj.pk).values_list(self.field, flat=True).first()
        if stored is not None and stored != self.state(obj):
            raise TransitionError(f"状态只能通过规定的操作改变（{self.field}）。")

    def history(self, obj):
        return StateChange.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def history_rows(self, obj) -> list[tuple[StateChange, str, str]]:
        """(change, from-state label, to-state label) of each transition, for the pages."""
        return [(change, self.labels.get(change.from_state, change.from_state),
                 self.labels.get(change.to_state, change.to_state)) for change in self.history(obj)]
