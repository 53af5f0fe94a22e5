from django.urls import path

from openpark.core.registry import page_urls

from . import views

app_name = "investment"

urlpatterns = [
    path("projects/existing/", views.existing_project, name="project_existing"),
    *page_urls("investment"),
    path("", views.pipeline, name="pipeline"),
    path("chains/map/", views.chain_map, name="chain_map"),
    path("targets/progress/", views.target_progress, name="target_progress"),
    path("projects/<int:pk>/stage/<slug:transition>/", views.advance, name="project_advance"),
    path("problems/<int:pk>/resolve/", views.resolve, name="problem_resolve"),
]
