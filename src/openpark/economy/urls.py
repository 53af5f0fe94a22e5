from django.urls import path

from . import views

app_name = "economy"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("enterprises/<int:pk>/history.xlsx", views.enterprise_history_export, name="enterprise_history_export"),
    *views.indicator_pages.urls(),
    *views.fact_pages.urls(),
    *views.city_figure_pages.urls(),
]
