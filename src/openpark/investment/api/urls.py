from django.urls import path

from openpark.core.registry import api_router

from .views import ExistingProjectView

router = api_router("investment")

urlpatterns = [
    path("projects/existing/", ExistingProjectView.as_view(), name="project_existing"),
    *router.urls,
]
