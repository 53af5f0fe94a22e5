from django.urls import path

from . import account_views, attachment_views, notification_views, target_views, views, workflow_views
from .registry import page_urls

app_name = "core"

urlpatterns = [
    *page_urls("core"),
    path("role-grants/<int:pk>/<slug:decision>/", views.rolegrant_decide, name="rolegrant_decide"),
    path("accounts/", account_views.account_list, name="account_list"),
    path("accounts/add/", account_views.account_add, name="account_add"),
    path("accounts/<int:pk>/", account_views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", account_views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/lock/", account_views.account_action, {"action": "lock"}, name="account_lock"),
    path("accounts/<int:pk>/unlock/", account_views.account_action, {"action": "unlock"}, name="account_unlock"),
    path("accounts/<int:pk>/deactivate/", account_views.account_action, {"action": "deactivate"},
         name="account_deactivate"),
    path("accounts/<int:pk>/activate/", account_views.account_action, {"action": "activate"}, name="account_activate"),
    path("accounts/<int:pk>/reset-password/", account_views.account_reset_password, name="account_reset_password"),
    path("logins/", views.login_records, name="login_records"),
    path("targets/", target_views.target_progress, name="targets"),
    path("targets/params/", target_views.target_params, name="target_params"),
    path("search/", views.search, name="search"),
    path("todo/", workflow_views.todo, name="todo"),
    path("todo/<int:pk>/answer/", workflow_views.todo_answer, name="todo_answer"),
    path("autocomplete/<str:label>/", views.autocomplete, name="autocomplete"),
    path("tokens/", views.apitoken_list, name="apitoken_list"),
    path("tokens/add/", views.apitoken_add, name="apitoken_add"),
    path("tokens/<int:pk>/revoke/", views.apitoken_revoke, name="apitoken_revoke"),
    path("tasks/", views.taskrun_list, name="taskrun_list"),
    path("tasks/<uuid:pk>/", views.taskrun_detail, name="taskrun_detail"),
    path("tasks/<uuid:pk>/download/", views.taskrun_download, name="taskrun_download"),
    path("imports/<str:name>/", views.import_start, name="import_start"),
    path("imports/<str:name>/template/", views.import_template, name="import_template"),
    path("import-jobs/<uuid:pk>/", views.importjob_detail, name="importjob_detail"),
    path("import-jobs/<uuid:pk>/confirm/", views.importjob_confirm, name="importjob_confirm"),
    path("import-jobs/<uuid:pk>/columns/", views.importjob_columns, name="importjob_columns"),
    path("import-jobs/<uuid:pk>/report/", views.importjob_report, name="importjob_report"),
    path("import-jobs/<uuid:pk>/changes/", views.importjob_changes, name="importjob_changes"),
    path("attachments/add/<str:target>/", attachment_views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/download/", attachment_views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/thumbnail/", attachment_views.attachment_thumbnail, name="attachment_thumbnail"),
    path("attachments/<int:pk>/delete/", attachment_views.attachment_delete, name="attachment_delete"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
]
