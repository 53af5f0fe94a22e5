from django.contrib import admin

from .models import Chain, Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["uscc", "name", "is_deleted", "updated_at"]
    list_filter = ["is_deleted"]
    search_fields = ["uscc", "name"]


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ["name", "leader", "order", "is_deleted"]
