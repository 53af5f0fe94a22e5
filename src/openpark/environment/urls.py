from django.urls import path

from openpark.core.registry import page_urls

from . import views

app_name = "environment"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("patrol-duty/", views.patrol_duty, name="patrol_duty"),
    *page_urls("environment"),
]

# The environment map.
urlpatterns += [
    path("map/", views.environment_map, name="map"),
    path("map/data/", views.environment_map_data, name="map_data"),
]
