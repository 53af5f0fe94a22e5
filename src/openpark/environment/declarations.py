"""智慧环保's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages
from openpark.core.registry import Api, Menu, add_panel
from openpark.enterprises.models import Enterprise

from . import filters, forms
from .api.serializers import WaterSampleSerializer
from .importers import measure_importer, outfall_importer, source_importer, water_sample_importer
from .models import (
    Measure, MonitoringSite, Outfall, OutfallClass, OutfallSample, PollutionSource, RemediationPlan, RiverSegment,
    Tracing, WaterBody, WaterSample,
)
from .views import (
    enterprise_outfalls_panel, outfall_panel, site_panel, source_panel, water_body_grade_panel, water_sample_panel,
)

MODULE = "environment"

outfall_pages = ModelPages(
    Outfall, filterset_class=filters.OutfallFilterSet, form_class=forms.OutfallForm, prefix="outfalls/",
    list_columns=["code", "name", "outfall_class", "water_body", "responsible_party", "usage_status", "stage"],
    detail_fields=[*forms.OUTFALL_FIELDS[:10], "responsible_party", *forms.OUTFALL_FIELDS[10:], "stage",
                   "merged_into"],
    select_related=["outfall_class", "water_body", "enterprise"], panels=[outfall_panel],
    importer=outfall_importer, attachments=True,
    api=Api("outfalls", fields=(*forms.OUTFALL_FIELDS, "responsible_party", "stage", "merged_into"),
            read_only_fields=("stage", "merged_into", "created_at", "updated_at"),
            select_related=("outfall_class", "water_body", "enterprise")),
    menu=Menu(MODULE, "入河排污口", order=10),
)
sample_pages = ModelPages(
    OutfallSample, filterset_class=filters.OutfallSampleFilterSet, form_class=forms.OutfallSampleForm,
    prefix="samples/",
    list_columns=["outfall", "kind", "sampled_on", "agency", "cod", "ammonia", "total_phosphorus", "compliant"],
    select_related=["outfall"], attachments=True,
    api=Api("samples", fields=("outfall", "kind", "sampled_on", "agency", "cod", "ammonia", "total_phosphorus",
                               "compliant", "note"), select_related=("outfall",)),
    menu=Menu(MODULE, "排口监测记录", order=20),
)
plan_pages = ModelPages(
    RemediationPlan, filterset_class=filters.RemediationPlanFilterSet, form_class=forms.RemediationPlanForm,
    prefix="plans/", list_columns=["outfall", "plan_type", "approved_on", "approved_by"],
    select_related=["outfall"], attachments=True,
    api=Api("plans", fields=("outfall", "plan_type", "approved_on", "approved_by", "summary"),
            select_related=("outfall",)),
    menu=Menu(MODULE, "整治方案", order=30),
)
measure_pages = ModelPages(
    Measure, filterset_class=filters.MeasureFilterSet, form_class=forms.MeasureForm, prefix="measures/",
    list_columns=["plan", "content", "owner", "deadline", "progress", "status", "completed_on", "overdue"],
    select_related=["plan__outfall"], importer=measure_importer, attachments=True,
    api=Api("measures", fields=("plan", "content", "owner", "deadline", "progress", "status", "completed_on",
                                "overdue"), select_related=("plan__outfall",)),
    menu=Menu(MODULE, "整治措施", order=40),
)
source_pages = ModelPages(
    PollutionSource, filterset_class=filters.PollutionSourceFilterSet, form_class=forms.PollutionSourceForm,
    prefix="sources/", list_columns=["name", "category", "enterprise", "responsible_party", "location", "pollutants"],
    select_related=["enterprise"], panels=[source_panel], importer=source_importer,
    api=Api("sources", fields=("name", "category", "enterprise", "responsible_party", "location", "pollutants",
                               "note"), select_related=("enterprise",)),
    menu=Menu(MODULE, "污染源清单", order=50),
)
tracing_pages = ModelPages(
    Tracing, filterset_class=filters.TracingFilterSet, form_class=forms.TracingForm, prefix="tracings/",
    list_columns=["outfall", "source", "method", "traced_on"], select_related=["outfall", "source"],
    attachments=True,
    api=Api("tracings", fields=("outfall", "source", "method", "traced_on", "note"),
            select_related=("outfall", "source")),
    menu=Menu(MODULE, "排口溯源", order=60),
)
class_pages = ModelPages(
    OutfallClass, filterset_class=filters.OutfallClassFilterSet, form_class=forms.OutfallClassForm,
    prefix="outfall-classes/", list_columns=["order", "name", "is_storm_water"],
    api=Api("outfall-classes", fields=("name", "is_storm_water", "order", "note")),
    menu=Menu(MODULE, "排口类别", order=70, park_wide=True),
)
water_body_pages = ModelPages(
    WaterBody, filterset_class=filters.WaterBodyFilterSet, form_class=forms.WaterBodyForm, prefix="water-bodies/",
    list_columns=["name", "kind", "level", "length_km", "target_class"],
    detail_fields=["name", "kind", "level", "length_km", "target_class", "note"],
    api=Api("water-bodies", fields=("name", "kind", "level", "length_km", "target_class", "geometry", "note")),
    menu=Menu(MODULE, "水体", order=80, park_wide=True),
)
segment_pages = ModelPages(
    RiverSegment, filterset_class=filters.RiverSegmentFilterSet, form_class=forms.RiverSegmentForm,
    prefix="segments/",
    list_columns=["water_body", "name", "start_description", "end_description", "length_km"],
    detail_fields=["water_body", "name", "start_description", "end_description", "length_km"],
    select_related=["water_body"],
    api=Api("segments", fields=("water_body", "name", "start_description", "end_description", "length_km",
                                "geometry"), select_related=("water_body",)),
    menu=Menu(MODULE, "河段", order=90, park_wide=True),
)
add_panel(Enterprise, enterprise_outfalls_panel)


# Water-quality monitoring (水质监测) ----------------------------------------------------------------

SITE_FIELDS = ("code", "name", "water_body", "segment", "longitude", "latitude", "kind", "target_class", "is_active",
               "note")
site_pages = ModelPages(
    MonitoringSite, filterset_class=filters.MonitoringSiteFilterSet, form_class=forms.MonitoringSiteForm,
    prefix="sites/", list_columns=["code", "name", "water_body", "segment", "kind", "target_class", "is_active"],
    detail_fields=list(SITE_FIELDS), select_related=["water_body", "segment"], panels=[site_panel],
    api=Api("sites", fields=SITE_FIELDS, select_related=("water_body", "segment")),
    menu=Menu(MODULE, "水质监测断面", order=100, park_wide=True),
)
water_sample_pages = ModelPages(
    WaterSample, filterset_class=filters.WaterSampleFilterSet, form_class=forms.WaterSampleForm,
    prefix="water-samples/",
    list_columns=["site", "sampled_at", "agency", "water_class", "quality_grade", "exceedances", "worse_than_target"],
    detail_fields=["site", "sampled_at", "agency", "sampler", "note", "water_class", "quality_grade", "exceedances",
                   "worse_than_target"],
    select_related=["site"], panels=[water_sample_panel], importer=water_sample_importer,
    api=Api("water-samples", serializer=WaterSampleSerializer, select_related=("site",),
            prefetch_related=("measurements",), ordering=("sampled_at", "updated_at")),
    menu=Menu(MODULE, "水质采样", order=110, park_wide=True),
)
add_panel(WaterBody, water_body_grade_panel)
