from django import forms

from openpark.core.forms import ScopedModelForm

from .models import RiverSegment, WaterBody

GEOMETRY_HELP = "可选：GeoJSON 线（LineString）、点或面，坐标为 WGS-84 [经度, 纬度]。"


class WaterBodyForm(ScopedModelForm):
    class Meta:
        model = WaterBody
        fields = ["name", "kind", "level", "length_km", "target_class", "geometry", "note"]
        help_texts = {"geometry": GEOMETRY_HELP}
        widgets = {"geometry": forms.Textarea(attrs={"rows": 3})}


class RiverSegmentForm(ScopedModelForm):
    class Meta:
        model = RiverSegment
        fields = ["water_body", "name", "start_description", "end_description", "length_km", "geometry"]
        help_texts = {"geometry": GEOMETRY_HELP}
        widgets = {"geometry": forms.Textarea(attrs={"rows": 3})}
