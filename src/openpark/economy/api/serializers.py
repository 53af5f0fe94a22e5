from rest_framework import serializers

from openpark.core.api.serializers import ScopedModelSerializer
from openpark.core.limits import FIRST_YEAR, LAST_YEAR

from ..choices import GrowthBasis, ScopeKind
from ..headers import name_problems
from ..models import CityFigure, Fact, Indicator
from ..periods import frequency_problem
from ..services import Scope


class IndicatorSerializer(ScopedModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "unit", "aliases", "definition", "department", "frequency", "source",
                  "alarm_threshold", "excellent_threshold", "higher_is_better", "order"]

    def validate(self, data):
        data = super().validate(data)
        name = data.get("name", getattr(self.instance, "name", ""))
        aliases = data.get("aliases", getattr(self.instance, "aliases", ""))
        others = Indicator.objects.exclude(pk=getattr(self.instance, "pk", None))
        problems = name_problems(name, aliases, others)
        if problems:
            raise serializers.ValidationError(problems)
        return data


class FactSerializer(ScopedModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = Fact
        fields = ["id", "enterprise", "enterprise_uscc", "indicator", "indicator_code", "year", "month", "value",
                  "updated_at"]

    def validate(self, data):
        data = super().validate(data)
        indicator = data.get("indicator", getattr(self.instance, "indicator", None))
        month = data.get("month", getattr(self.instance, "month", None))
        problem = indicator and frequency_problem(indicator.frequency, month, indicator.name)
        if problem:
            raise serializers.ValidationError({"month": [f"{problem}。"]})
        return data


class CityFigureSerializer(ScopedModelSerializer):
    class Meta:
        model = CityFigure
        fields = ["id", "indicator", "year", "month", "value", "note"]


class FiguresQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, label="年份")
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, label="截至月份")
    scope = serializers.ChoiceField(choices=ScopeKind.choices, default=ScopeKind.ALL, label="企业范围")
    scope_value = serializers.CharField(required=False, default="", allow_blank=True, label="范围取值")
    basis = serializers.ChoiceField(choices=GrowthBasis.choices, default=GrowthBasis.SAME_ENTERPRISES,
                                    label="增速口径")

    def validate(self, data):
        if Scope(data["scope"], data["scope_value"]).lacks_value:
            raise serializers.ValidationError({"scope_value": "按片区、产业链或行业统计时须填写范围取值。"})
        return data
