from rest_framework import serializers

from openpark.core.api.serializers import ScopedModelSerializer

from ..models import DisposalCase, Result, Run, SchemeVersion


class SchemeVersionSerializer(ScopedModelSerializer):
    class Meta:
        model = SchemeVersion
        fields = ["id", "name", "version", "title", "definition", "note", "shipped"]


class RunSerializer(ScopedModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Run
        fields = ["id", "year", "scheme", "title", "state", "state_display", "summary", "note", "updated_at"]


class ResultSerializer(ScopedModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Result
        fields = ["id", "run", "enterprise", "enterprise_uscc", "enterprise_name", "above_scale", "industry_code",
                  "production_started_on", *Result.INPUTS, "flags", "missing", "group", "values", "scores", "bonus",
                  "penalty", "total", "rank", "computed_grade", "grade", "reason", "adjustment_reason"]


class DisposalCaseSerializer(ScopedModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = DisposalCase
        fields = ["id", "enterprise", "enterprise_uscc", "year", "route", "area_mu", "deadline", "officer", "state",
                  "state_display", "tax_per_mu_before", "tax_per_mu_after", "note"]
