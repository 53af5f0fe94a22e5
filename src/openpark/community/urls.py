from django.urls import path

from openpark.core.registry import page_urls

from . import queue_views, report_views, views
from .open311 import pages as open311_pages

app_name = "community"

urlpatterns = [
    path("stations/nearest/", views.nearest_stations, name="nearest_stations"),
    path("map/", views.station_map, name="map"),
    path("map/data/", views.station_map_data, name="map_data"),
    path("me/", views.my_points, name="my_points"),
    path("me/redeem/", views.redeem_own, name="redeem_own"),
    path("me/redemptions/<int:pk>/withdraw/", views.withdraw_own, name="withdraw_own"),
    path("me/activities/<int:pk>/sign-up/", views.sign_up_own, name="sign_up_own"),
    path("me/activities/<int:pk>/cancel/", views.cancel_own, name="cancel_own"),
    path("activities/<int:pk>/grant/", views.grant_activity, name="activity_grant"),
    path("reports/", views.activity_report, name="reports"),
    path("reports/party.xlsx", views.roster_export, {"kind": "party"}, name="party_roster"),
    path("reports/union.xlsx", views.roster_export, {"kind": "union"}, name="union_roster"),
    path("me/cases/<int:pk>/", report_views.my_case, name="my_case"),
    path("open311-keys/issue/", open311_pages.issue_key, name="open311_key_issue"),
    # Each queue has a name of its own for the menu; `case_queue` (with the queue) is how code links to one.
    path("cases/queues/dispatch/", queue_views.case_queue, {"queue": "dispatch"}, name="case_queue_dispatch"),
    path("cases/queues/handle/", queue_views.case_queue, {"queue": "handle"}, name="case_queue_handle"),
    path("cases/queues/recheck/", queue_views.case_queue, {"queue": "recheck"}, name="case_queue_recheck"),
    path("cases/queues/<slug:queue>/", queue_views.case_queue, name="case_queue"),
    path("cases/map/", queue_views.case_map, name="case_map"),
    path("cases/map/data/", queue_views.case_map_data, name="case_map_data"),
    path("cases/stats/", queue_views.case_stats_page, name="case_stats"),
    path("report/", report_views.report, name="report"),
    path("report/nearby/", report_views.report_nearby, name="report_nearby"),
    path("me/cases/", report_views.my_cases, name="my_cases"),
    path("me/cases/<int:pk>/photos/", report_views.my_case_photos, name="my_case_photos"),
    path("me/cases/<int:pk>/photos/<int:photo>/", report_views.my_case_photo, name="my_case_photo"),
    path("me/cases/<int:pk>/withdraw/", report_views.my_case_withdraw, name="my_case_withdraw"),
    path("me/cases/<int:pk>/evaluate/", report_views.my_case_evaluate, name="my_case_evaluate"),
    path("track/<str:key>/", report_views.track, name="track"),
    path("track/<str:key>/photos/<int:photo>/", report_views.track_photo, name="track_photo"),
    *page_urls("community"),
]
