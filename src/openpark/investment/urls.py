from django.urls import path

from . import views

app_name = "investment"

urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("chains/map/", views.chain_map, name="chain_map"),
    path("targets/progress/", views.target_progress, name="target_progress"),
    *views.project_pages.urls(),
    path("projects/<int:pk>/stage/<slug:transition>/", views.advance, name="project_advance"),
    *views.problem_pages.urls(),
    path("problems/<int:pk>/escalate/", views.escalate, name="problem_escalate"),
    path("problems/<int:pk>/resolve/", views.resolve, name="problem_resolve"),
    *views.chain_pages.urls(),
    *views.link_pages.urls(),
    *views.adviser_pages.urls(),
    *views.target_pages.urls(),
    *views.lead_pages.urls(),
    *views.visit_pages.urls(),
    *views.team_pages.urls(),
    *views.land_task_pages.urls(),
    *views.stage_date_pages.urls(),
    *views.rule_pages.urls(),
    *views.deadline_pages.urls(),
]
