from django import forms

from openpark.core.forms import DateInput, ScopedModelForm, YearField
from openpark.core.workflows import TransitionForm

from . import stages
from .choices import STAGE_ORDER, Stage
from .models import Lead, Problem, Project, Visit

DATE = DateInput()


class ProjectForm(ScopedModelForm):
    class Meta:
        model = Project
        fields = ["code", "name", "investor", "investor_enterprise", "chain", "link", "zone", "lead", "total_investment",
                  "fixed_asset_investment", "foreign_investment", "land_mu", "expected_output", "expected_tax",
                  "linked_leader", "linked_department", "industrial", "support_kind", "support_amount",
                  "support_share", *stages.FACT_FIELDS, "note"]
        widgets = {"contract_signed_on": DATE, "permit_issued_on": DATE}


class ExistingProjectForm(ProjectForm):
    """A project already under way, entered with its stage and the day it entered each stage."""

    stage = forms.ChoiceField(label="当前阶段", choices=[(s.value, s.label) for s in STAGE_ORDER])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, stage in stages.HISTORY_FIELDS.items():
            self.fields[name] = forms.DateField(label=f"{Stage(stage).label}日期", widget=DATE, required=False)

    def history(self) -> tuple[str, dict]:
        """(the current stage, {stage: date}) as entered."""
        from .services import history_dates

        return self.cleaned_data["stage"], history_dates(self.cleaned_data)


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
    """A project's transition: the day it happened, besides the note, and what the stage it enters
    needs (`stages.STAGE_FACTS`), unless the project has it already."""

    on = forms.DateField(label="实际日期", widget=DATE, required=False, help_text="留空为今天")
    contract_signed_on = forms.DateField(label="合同签订日期", widget=DATE, required=False)
    contract_amount = forms.DecimalField(label="合同金额（万元）", required=False, min_value=0, max_digits=14,
                                         decimal_places=2)
    land_parcel = forms.CharField(label="供地地块编号", required=False, max_length=60)
    land_certificate = forms.CharField(label="不动产权证号", required=False, max_length=60)
    permit_number = forms.CharField(label="施工许可证号", required=False, max_length=60)
    permit_issued_on = forms.DateField(label="施工许可日期", widget=DATE, required=False)

    def __init__(self, *args, transition=None, **kwargs):
        super().__init__(*args, transition=transition, **kwargs)
        needed = {name for fact in stages.STAGE_FACTS.get(transition.target if transition else None, ())
                  for name in fact.fields}
        for name in stages.FACT_FIELDS:
            if name not in needed:
                del self.fields[name]
        if stages.DAY in needed:
            self.fields["on"].help_text = ""
            self.mark_needed("on")


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="解决情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SinceForm(forms.Form):
    DEFAULT = 2017  # the year the park's published totals start from

    since = YearField(label="累计起始年份", initial=DEFAULT)


class YearForm(forms.Form):
    year = YearField(label="年度")
