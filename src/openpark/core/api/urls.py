from django.urls import path

from ..registry import api_router
from . import views

router = api_router("core")
router.register("tasks", views.TaskRunViewSet, basename="taskrun")

urlpatterns = [path("search/", views.SearchView.as_view(), name="api_search"), *router.urls]
