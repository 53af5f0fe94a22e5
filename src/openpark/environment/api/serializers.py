"""The water-quality endpoints' serializers: a sample with its results nested, read-only (they are
entered on the sample's page or imported from the lab's sheet, and grade the sample)."""
from rest_framework import serializers

from openpark.core.api.serializers import ScopedModelSerializer

from ..models import Measurement, WaterSample

SAMPLE_FIELDS = ("site", "sampled_at", "agency", "sampler", "note", "water_class", "quality_grade", "exceedances",
                 "worse_than_target", "measurements", "created_at", "updated_at")


class MeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = ("parameter", "value", "below_detection", "detection_limit", "unit")
        read_only_fields = fields


class WaterSampleSerializer(ScopedModelSerializer):
    measurements = MeasurementSerializer(many=True, read_only=True)
    worse_than_target = serializers.BooleanField(read_only=True)

    class Meta:
        model = WaterSample
        fields = ("id", *SAMPLE_FIELDS)
        read_only_fields = ("water_class", "quality_grade", "exceedances", "created_at", "updated_at")


# The steward's inspections: a steward records them under its own contracts ----------------------

from ..models import StewardInspection  # noqa: E402

INSPECTION_FIELDS = ("contract", "enterprise", "inspected_on", "inspectors", "summary")


class StewardInspectionSerializer(ScopedModelSerializer):
    class Meta:
        model = StewardInspection
        fields = ("id", *INSPECTION_FIELDS)

    def get_fields(self):
        from ..services import inspection_contracts

        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "contract" in fields:
            fields["contract"].queryset = inspection_contracts(request.user)
        return fields
