from openpark.core.registry import api_router

router = api_router("evaluation")

urlpatterns = router.urls
