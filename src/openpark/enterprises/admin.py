from django.contrib import admin

from openpark.core.admin import add_binding_inline

from .models import Chain, ContractBinding, Enterprise, EnterpriseBinding


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["uscc", "name", "is_deleted", "updated_at"]
    list_filter = ["is_deleted"]
    search_fields = ["uscc", "name"]


class EnterpriseBindingInline(admin.TabularInline):
    model = EnterpriseBinding
    extra = 0
    autocomplete_fields = ["enterprise"]


class ContractBindingInline(admin.TabularInline):
    model = ContractBinding
    extra = 0


add_binding_inline(EnterpriseBindingInline)
add_binding_inline(ContractBindingInline)


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ["name", "leader", "order", "is_deleted"]
