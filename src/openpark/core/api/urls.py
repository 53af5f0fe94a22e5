from ..registry import api_router
from . import views

router = api_router("core")
router.register("tasks", views.TaskRunViewSet, basename="taskrun")

urlpatterns = router.urls
