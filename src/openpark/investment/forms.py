from django import forms

from openpark.core.forms import DateInput, ScopedModelForm, YearField
from openpark.core.workflows import TransitionForm

from .models import Lead, Problem, Project, Visit

DATE = DateInput()


class ProjectForm(ScopedModelForm):
    class Meta:
        model = Project
        fields = ["code", "name", "investor", "investor_enterprise", "chain", "link", "zone", "lead", "total_investment",
                  "fixed_asset_investment", "foreign_investment", "land_mu", "expected_output", "expected_tax",
                  "linked_leader", "linked_department", "industrial", "support_kind", "support_amount",
                  "support_share", "note"]


class LeadForm(ScopedModelForm):
    class Meta:
        model = Lead
        fields = ["received_on", "source", "investor", "intended_project", "officer", "adviser", "target", "note"]
        widgets = {"received_on": DATE}


class VisitForm(ScopedModelForm):
    class Meta:
        model = Visit
        fields = ["held_on", "kind", "place", "participants", "outcome", "next_step", "next_due", "lead", "target"]
        widgets = {"held_on": DATE, "next_due": DATE}


class ProblemForm(ScopedModelForm):
    class Meta:
        model = Problem
        fields = ["project", "description", "owner", "raised_on", "deadline", "resolution", "resolved_on"]
        widgets = {"raised_on": DATE, "deadline": DATE, "resolved_on": DATE}


class AdvanceForm(TransitionForm):
    """A project's transition: the day it happened, besides the note."""

    on = forms.DateField(label="实际日期", widget=DATE, required=False, help_text="留空为今天")


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="解决情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SinceForm(forms.Form):
    DEFAULT = 2017  # the year the park's published totals start from

    since = YearField(label="累计起始年份", initial=DEFAULT)


class YearForm(forms.Form):
    year = YearField(label="年度")
