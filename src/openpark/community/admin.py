from django.contrib import admin

from openpark.core.admin import add_binding_inline

from .models import DepartmentBinding


class DepartmentBindingInline(admin.TabularInline):
    model = DepartmentBinding
    extra = 0


add_binding_inline(DepartmentBindingInline)
