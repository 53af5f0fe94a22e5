from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("indicators", views.IndicatorViewSet)
router.register("facts", views.FactViewSet)
router.register("city-figures", views.CityFigureViewSet)

urlpatterns = [path("figures/", views.FiguresView.as_view(), name="economy_figures"), *router.urls]
