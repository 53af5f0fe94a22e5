"""智慧环保's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages
from openpark.core.registry import Api, Menu

from . import filters, forms
from .models import RiverSegment, WaterBody

MODULE = "environment"

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
