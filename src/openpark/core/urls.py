from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    *views.grid_pages.urls(),
    *views.change_pages.urls(),
    path("tasks/", views.taskrun_list, name="taskrun_list"),
    path("tasks/<uuid:pk>/", views.taskrun_detail, name="taskrun_detail"),
    path("tasks/<uuid:pk>/download/", views.taskrun_download, name="taskrun_download"),
]
