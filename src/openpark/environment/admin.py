from django.contrib import admin

from .models import RiverSegment, WaterBody


@admin.register(WaterBody)
class WaterBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "target_class", "is_deleted"]


@admin.register(RiverSegment)
class RiverSegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "water_body", "length_km", "is_deleted"]
