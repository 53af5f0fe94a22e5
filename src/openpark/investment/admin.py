from django.contrib import admin

from .models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "investor", "stage", "is_deleted"]
    readonly_fields = ["stage", "stage_changed_on", "last_progress_on"]
