from django.urls import path

from openpark.core.registry import page_urls

from . import views

app_name = "transformation"

urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/enterprises/", views.coverage_enterprises, name="coverage_enterprises"),
    *page_urls("transformation"),
]
