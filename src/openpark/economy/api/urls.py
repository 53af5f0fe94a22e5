from django.urls import path

from openpark.core.registry import api_router

from . import views

router = api_router("economy")

urlpatterns = [path("figures/", views.FiguresView.as_view(), name="economy_figures"), *router.urls]
