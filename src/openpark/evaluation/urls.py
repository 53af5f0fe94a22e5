from django.urls import path

from openpark.core.registry import page_urls

from . import views

app_name = "evaluation"

urlpatterns = [
    *page_urls("evaluation"),
    path("runs/<int:pk>/reports/", views.run_reports, name="run_reports"),
    path("runs/<int:pk>/<slug:action>/", views.run_action, name="run_action"),
    path("compare/", views.compare, name="compare"),
    path("results/<int:pk>/adjust/", views.adjust_result, name="result_adjust"),
    path("results/<int:pk>/report.pdf", views.result_report, name="result_report"),
    path("schemes/<int:pk>/new-version/", views.new_scheme_version, name="schemeversion_new_version"),
    path("low-efficiency/", views.low_efficiency, name="low_efficiency"),
    path("disposals/<int:pk>/progress/", views.disposal_progress, name="disposal_progress"),
    path("disposals/<int:pk>/<slug:action>/", views.disposal_action, name="disposal_action"),
]
