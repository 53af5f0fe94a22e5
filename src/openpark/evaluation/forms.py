import json

from django import forms

from openpark.core.fields import IdModelChoiceField, SafeJSONFormField
from openpark.core.forms import DateInput, ScopedModelForm

from . import scheme as schemes
from .choices import Grade
from .models import DisposalCase, Run, SchemeVersion
from .services import default_title


class SchemeJSONField(SafeJSONFormField):
    """The scheme as indented JSON text, read strictly and checked by `scheme.parse`."""

    widget = forms.Textarea(attrs={"rows": 30, "class": "code", "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class SchemeVersionForm(ScopedModelForm):
    definition = SchemeJSONField(label="方案内容（JSON）",
                                 help_text="组别、指标、计分方法、加减分项、不定等规则和分类规则，格式见系统文档。")

    class Meta:
        model = SchemeVersion
        fields = ["name", "version", "title", "definition", "note"]

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.in_use and "definition" in self.changed_data:
            raise forms.ValidationError("该方案版本已被评价批次使用，不能修改；请用“另存为新版本”。")
        if data.get("definition") is not None:
            try:
                schemes.parse(data["definition"])
            except schemes.SchemeError as exc:
                self.add_error("definition", str(exc))
        return data


class RunForm(ScopedModelForm):
    title = forms.CharField(label="名称", max_length=200, required=False, help_text="留空则按年度和方案自动命名。")

    class Meta:
        model = Run
        fields = ["year", "scheme", "title", "note"]

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.is_published:
            raise forms.ValidationError("已发布的评价批次不能修改。")
        if self.instance.pk and self.instance.state != "draft" and "scheme" in self.changed_data:
            self.add_error("scheme", "已采集或计算的批次不能更换方案；请新建批次。")
        if not data.get("title") and data.get("year") and data.get("scheme"):
            data["title"] = default_title(data["year"], data["scheme"].title)
        return data


class AdjustForm(forms.Form):
    grade = forms.ChoiceField(label="调整为", choices=Grade.choices)
    reason = forms.CharField(label="调档理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class CompareForm(forms.Form):
    earlier = IdModelChoiceField(label="较早的批次", queryset=Run.objects.exclude(state="draft"), empty_label="请选择")
    later = IdModelChoiceField(label="较晚的批次", queryset=Run.objects.exclude(state="draft"), empty_label="请选择")

    def clean(self):
        data = super().clean()
        if data.get("earlier") and data.get("earlier") == data.get("later"):
            raise forms.ValidationError("请选择两个不同的批次。")
        return data


class DisposalCaseForm(ScopedModelForm):
    class Meta:
        model = DisposalCase
        fields = ["enterprise", "year", "route", "area_mu", "deadline", "officer", "tax_per_mu_before",
                  "tax_per_mu_after", "note"]
        widgets = {"deadline": DateInput()}


class ProgressForm(forms.Form):
    on = forms.DateField(label="日期", widget=DateInput())
    text = forms.CharField(label="进展", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class LowEfficiencyForm(forms.Form):
    run = IdModelChoiceField(label="评价批次", queryset=Run.objects.exclude(state="draft"), required=False,
                             empty_label="最近发布的批次",
                                 help_text="默认为最近发布的批次")
