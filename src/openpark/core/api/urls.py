from django.urls import path

from ..registry import api_router
from . import accounts, attachments, notifications, views, workflows

router = api_router("core")
router.register("tasks", views.TaskRunViewSet, basename="taskrun")
router.register("attachments", attachments.AttachmentViewSet, basename="attachment")
router.register("notifications", notifications.NotificationViewSet, basename="notification")
router.register("todo", workflows.TodoViewSet, basename="todo")
router.register("accounts", accounts.AccountViewSet, basename="account")

urlpatterns = [path("search/", views.SearchView.as_view(), name="api_search"), *router.urls]
