from django.urls import path

from openpark.core.registry import page_urls

from . import views

app_name = "enterprises"

urlpatterns = [
    path("map/", views.enterprise_map, name="map"),
    path("map/data/", views.enterprise_map_data, name="map_data"),
    *page_urls("enterprises"),
]
