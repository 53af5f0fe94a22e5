from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("map/", views.enterprise_map, name="map"),
    path("map/data/", views.enterprise_map_data, name="map_data"),
    *views.enterprise_pages.urls(),
    *views.zone_pages.urls(),
    *views.subpark_pages.urls(),
    *views.parcel_pages.urls(),
    *views.contact_pages.urls(),
    *views.certificate_pages.urls(),
    *views.above_scale_pages.urls(),
    *views.parcel_use_pages.urls(),
]
