from django.contrib import admin

from .models import Chain, Project


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ["name", "leader", "order", "is_deleted"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "investor", "stage", "is_deleted"]
    readonly_fields = ["stage", "stage_changed_on", "last_progress_on"]
