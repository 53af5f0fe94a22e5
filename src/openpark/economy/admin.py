from django.contrib import admin

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "frequency", "department", "is_deleted"]
    list_filter = ["frequency", "is_deleted"]
    search_fields = ["code", "name"]
