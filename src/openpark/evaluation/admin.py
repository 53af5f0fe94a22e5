from django.contrib import admin

from openpark.core.admin import FrozenRecordsAdmin

from .models import Run, SchemeVersion


@admin.register(SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "title", "shipped", "is_deleted"]


@admin.register(Run)
class RunAdmin(FrozenRecordsAdmin):
    list_display = ["title", "year", "state", "is_deleted"]
    readonly_fields = ["state", "summary"]
