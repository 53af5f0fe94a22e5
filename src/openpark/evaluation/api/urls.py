from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("schemes", views.SchemeVersionViewSet)
router.register("runs", views.RunViewSet)
router.register("results", views.ResultViewSet)
router.register("disposals", views.DisposalCaseViewSet)

urlpatterns = router.urls
