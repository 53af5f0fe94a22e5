from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("grids", views.GridViewSet)
router.register("changes", views.ChangeRecordViewSet)
router.register("tasks", views.TaskRunViewSet, basename="taskrun")

urlpatterns = router.urls
