from django.urls import path

from openpark.core.registry import page_urls

from . import views

app_name = "talent"

urlpatterns = [
    path("", views.summary, name="summary"),
    *page_urls("talent"),
]
