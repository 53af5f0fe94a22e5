from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    *views.run_pages.urls(),
    path("runs/<int:pk>/reports/", views.run_reports, name="run_reports"),
    path("runs/<int:pk>/<slug:action>/", views.run_action, name="run_action"),
    path("compare/", views.compare, name="compare"),
    *views.result_pages.urls(),
    path("results/<int:pk>/adjust/", views.adjust_result, name="result_adjust"),
    path("results/<int:pk>/report.pdf", views.result_report, name="result_report"),
    *views.scheme_pages.urls(),
    path("schemes/<int:pk>/new-version/", views.new_scheme_version, name="schemeversion_new_version"),
    *views.policy_pages.urls(),
    path("low-efficiency/", views.low_efficiency, name="low_efficiency"),
    *views.rule_pages.urls(),
    *views.disposal_pages.urls(),
    path("disposals/<int:pk>/progress/", views.disposal_progress, name="disposal_progress"),
    path("disposals/<int:pk>/<slug:action>/", views.disposal_action, name="disposal_action"),
]
