from openpark.core.registry import api_router

from . import views

router = api_router("enterprises")
router.register("industries", views.IndustryViewSet)

urlpatterns = router.urls
