from django.urls import path

from openpark.core.registry import page_urls

from . import report_views, views
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
    *page_urls("community"),
]
