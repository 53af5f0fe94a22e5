"""The workflow pages of a declared model with a state machine (see `openpark.core.workflows`):
a transition's action, 上报/督办 with its type-ahead, the 待办 inbox and its 批示."""
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import registry, workflows
from .attachments import attachments_on_page
from .generic import ObjectDetailView, PagesView, error_message
from .models import Escalation
from .scoping import is_park_staff
from .states import TransitionError
from .widgets import AutocompleteSelect


class CandidateSelect(AutocompleteSelect):
    """The type-ahead of the people an object may be put before (its escalation page answers it)."""

    def __init__(self, url: str, attrs=None):
        super().__init__(get_user_model(), attrs=attrs)
        self.url = url

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-autocomplete"] = self.url
        attrs["data-placeholder"] = "输入姓名或用户名查找…"
        return attrs


class EscalationForm(forms.Form):
    assignee = forms.ModelChoiceField(label="上报/督办给", queryset=get_user_model().objects.filter(is_active=True),
                                      empty_label="请选择",
                                      error_messages={"required": "请选择上报对象。",
                                                      "invalid_choice": "所选人员不存在。"})
    note = forms.CharField(label="说明", max_length=workflows.NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写上报说明。"})

    def __init__(self, *args, url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].widget = CandidateSelect(url)
        self.fields["assignee"].widget.choices = self.fields["assignee"].choices
        self.fields["assignee"].label_from_instance = workflows.user_label


class AnswerForm(forms.Form):
    answer = forms.CharField(label="批示", max_length=workflows.NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写批示内容。"})


def may_escalate(user) -> bool:
    """上报/督办 and a record's internal work are the park's own staff's (park-wide, or a department's
    handlers): a user scoped to an enterprise does not put records before the park's people."""
    return is_park_staff(user)


def workflow_context(request, pages, obj) -> dict:
    """The workflow part of a detail page: the actions the user may take, the escalation form and
    the timeline; empty for a model with no state machine."""
    machine = workflows.machine_of(pages.model)
    if not pages.offers_escalation and not pages.has_workflow:
        return {}
    from .deadlines import is_overdue, own_rule

    escalate_url = workflows.escalate_url(obj) if pages.offers_escalation else ""
    # Notes and escalations are the park's internal work: a user scoped to an enterprise sees the
    # state and the actions open to them, not the timeline.
    internal = may_escalate(request.user)
    # The evidence on the timeline is among the files of the 附件 panel, when the page has one: read once.
    shown = attachments_on_page(obj, request.user) if internal and pages.attachments else None
    timeline = workflows.timeline(obj, request.user, shown) if internal else None
    return {"workflow": {
        "state": machine.label(machine.state(obj)) if machine is not None else "",
        "actions": workflows.actions(obj, request.user),
        "overdue": any(e.overdue_now for e in timeline) if internal and own_rule(pages.model) is None
        else is_overdue(obj), "timeline": timeline,
        "escalate_url": escalate_url,
        "escalation_form": EscalationForm(url=escalate_url, auto_id="id_escalate_%s")
        if internal and escalate_url else None,
    }}


def refused(view, request, pk, exc):
    """The object's page again, with the reason, answering 400."""
    messages.error(request, error_message(exc))
    detail = view.pages.views.get("detail", ObjectDetailView)(pages=view.pages, action="detail")
    detail.setup(request, pk=pk)
    response = detail.get(request, pk)
    response.status_code = 400
    return response


class ObjectTransitionView(PagesView):
    """One transition of the object, made from its page (POST: note, evidence, its own fields)."""

    def post(self, request, pk, name):
        obj = self.get_object()
        transition = workflows.transition_named(workflows.machine_of(self.model), name)
        if transition is None:
            raise Http404("没有这种操作。")
        try:
            outcome = workflows.perform(obj, transition, request.user, request.POST, request.FILES)
        except (TransitionError, ValidationError) as exc:
            return refused(self, request, pk, exc)
        if outcome.task is not None:
            messages.info(request, f"已开始{transition.label}，完成后刷新本页查看结果。")
            return HttpResponseRedirect(f"{outcome.task.get_absolute_url()}?next={obj.get_absolute_url()}")
        machine = workflows.machine_of(self.model)
        messages.success(request, f"{transition.done_message}，当前状态：{machine.label(machine.state(obj))}。")
        if not self.pages.scoped(request.user).filter(pk=obj.pk).exists():
            # the step took the record out of the user's sight (a case returned by its department)
            messages.info(request, f"该{self.pages.opts.verbose_name}已不在您的办理范围内。")
            return HttpResponseRedirect(reverse(self.pages.url_name("list")))
        return HttpResponseRedirect(obj.get_absolute_url())


class ObjectEscalateView(PagesView):
    """上报/督办: GET `?q=` types ahead the people who may see the object; POST puts it before one."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_escalate(request.user):
            raise PermissionDenied("仅园区工作人员可以上报/督办。")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        obj = self.get_object()
        found = workflows.candidates(self.pages, obj, registry.search_text(request.GET.get("q")),
                                     exclude=request.user)
        return JsonResponse({"results": [{"id": user.pk, "text": workflows.user_label(user)} for user in found],
                             "more": False})

    def post(self, request, pk):
        obj = self.get_object()
        form = EscalationForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([error for errors in form.errors.values() for error in errors])
            escalation = workflows.escalate(obj, self.pages, request.user, form.cleaned_data["assignee"],
                                            form.cleaned_data["note"])
        except ValidationError as exc:
            return refused(self, request, pk, exc)
        messages.success(request, f"已上报/督办 {workflows.user_label(escalation.assignee)}。")
        return HttpResponseRedirect(obj.get_absolute_url())


@login_required
def todo(request):
    """待办: what was put before the user, oldest first, each with its 批示 form."""
    return render(request, "core/todo.html", _todo_context(request.user, AnswerForm()))


def _todo_context(user, form) -> dict:
    """待办: what was put before the user (上报/督办) and the records waiting for a step they make."""
    items, awaiting = list(workflows.todo(user)), workflows.awaiting(user)
    return {"title": "待办", "items": items, "awaiting": awaiting, "total": len(items) + len(awaiting), "form": form,
            "breadcrumbs": [("首页", reverse("home")), ("待办", "")]}


@login_required
@require_POST
def todo_answer(request, pk):
    escalation = get_object_or_404(Escalation.objects.filter(assignee=request.user), pk=pk)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        workflows.answer(escalation, request.user, form.cleaned_data["answer"])
    except ValidationError as exc:
        messages.error(request, error_message(exc))
        return render(request, "core/todo.html", _todo_context(request.user, form), status=400)
    messages.success(request, "已批示，已通知上报人。")
    return HttpResponseRedirect(reverse("core:todo"))
