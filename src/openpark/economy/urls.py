from django.urls import path

from openpark.core.registry import page_urls

from . import views

app_name = "economy"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("enterprises/<int:pk>/history.xlsx", views.enterprise_history_export, name="enterprise_history_export"),
    *page_urls("economy"),
]
