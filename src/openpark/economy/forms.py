from django import forms

from openpark.core.fields import IdModelChoiceField
from openpark.core.forms import ScopedModelForm, YearField
from openpark.enterprises.models import Chain, Zone

from .choices import GrowthBasis, ScopeKind
from .headers import name_problems
from .models import CityFigure, Fact, Indicator
from .periods import frequency_problem, period_label
from .services import Scope


class IndicatorForm(ScopedModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "unit", "aliases", "definition", "department", "frequency", "source",
                  "alarm_threshold", "excellent_threshold", "higher_is_better", "order"]

    def clean(self):
        data = super().clean()
        others = Indicator.objects.exclude(pk=self.instance.pk)
        for field, messages in name_problems(data.get("name"), data.get("aliases"), others).items():
            for message in messages:
                self.add_error(field, message)
        return data


class FactForm(ScopedModelForm):
    class Meta:
        model = Fact
        fields = ["enterprise", "indicator", "year", "month", "value"]

    def clean(self):
        data = super().clean()
        indicator = data.get("indicator")
        if indicator is not None:
            problem = frequency_problem(indicator.frequency, data.get("month"), indicator.name)
            if problem:
                self.add_error("month", f"{problem}。")
        return data


class FactImportOptionsForm(forms.Form):
    """The period of a fact sheet, when the sheet does not say it on every row."""

    year = YearField(label="数据年份", required=False,
                     help_text="不选则按文件中的“年份”“月份”或“报告期”列。")
    month = forms.TypedChoiceField(
        label="截至月份", required=False, coerce=int, empty_value=None,
        choices=[("", "年度数据（不分月）"), *((m, period_label(2000, m).removeprefix("2000年") + "累计")
                                            for m in range(1, 13))],
    )

    def clean(self):
        data = super().clean()
        if data.get("month") and not data.get("year"):
            self.add_error("year", "选择了截至月份，须同时选择数据年份。")
        return data


class CityFigureForm(ScopedModelForm):
    class Meta:
        model = CityFigure
        fields = ["indicator", "year", "month", "value", "note"]


class DashboardForm(forms.Form):
    """The period, scope and growth basis the dashboard shows."""

    year = YearField(label="年份")
    month = forms.IntegerField(label="截至月份", min_value=1, max_value=12, required=False,
                               help_text="留空为年度数据")
    scope = forms.ChoiceField(label="企业范围", choices=ScopeKind.choices, initial=ScopeKind.ALL, required=False)
    zone = IdModelChoiceField(label="片区", queryset=Zone.objects.all(), required=False, empty_label="全部")
    chain = IdModelChoiceField(label="产业链", queryset=Chain.objects.all(), required=False, empty_label="全部")
    industry = forms.CharField(label="行业代码", required=False, max_length=6, help_text="门类字母或代码前缀，如 C、36")
    basis = forms.ChoiceField(label="增速口径", choices=GrowthBasis.choices, initial=GrowthBasis.SAME_ENTERPRISES,
                              required=False)
    indicator = forms.ModelChoiceField(label="分析指标", queryset=Indicator.objects.all(), required=False,
                                       empty_label="默认",
                                       to_field_name="code")

    SCOPE_FIELDS = {ScopeKind.ZONE: "zone", ScopeKind.CHAIN: "chain", ScopeKind.INDUSTRY: "industry"}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(self.with_implied_scope(data), *args, **kwargs)

    @classmethod
    def with_implied_scope(cls, data):
        """Choosing a single zone, chain or industry under 全部企业 means that scope: without
        scripts the form sends both selects, and a choice silently ignored would mislead."""
        if data is None or data.get("scope") not in (None, "", ScopeKind.ALL):
            return data
        given = [kind for kind, name in cls.SCOPE_FIELDS.items() if data.get(name)]
        if len(given) != 1:
            return data
        data = data.copy()
        data["scope"] = given[0]
        return data

    def clean(self):
        data = super().clean()
        data["scope"] = data.get("scope") or ScopeKind.ALL
        data["basis"] = data.get("basis") or GrowthBasis.SAME_ENTERPRISES
        needed = self.SCOPE_FIELDS.get(data["scope"])
        if needed and not data.get(needed):
            self.add_error(needed, f"按{ScopeKind(data['scope']).label}统计时须选择或填写{self.fields[needed].label}。")
        return data

    def chosen_scope(self) -> Scope:
        data = self.cleaned_data
        needed = self.SCOPE_FIELDS.get(data["scope"])
        value = data.get(needed) if needed else ""
        return Scope(data["scope"], str(getattr(value, "pk", value) or ""))

    def scope_text(self) -> str:
        """The scope in words, naming the zone, chain or industry: "产业链 汽车配件"."""
        kind = ScopeKind(self.cleaned_data["scope"])
        needed = self.SCOPE_FIELDS.get(kind)
        return f"{kind.label} {self.cleaned_data[needed]}" if needed else str(kind.label)
