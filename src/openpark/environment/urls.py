from django.urls import path

from openpark.core.registry import page_urls

from . import views

app_name = "environment"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    *page_urls("environment"),
]
