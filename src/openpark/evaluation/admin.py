from django.contrib import admin

from .models import Run, SchemeVersion


@admin.register(SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "title", "shipped", "is_deleted"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "state", "is_deleted"]
    readonly_fields = ["state", "summary"]
