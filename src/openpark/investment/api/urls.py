from openpark.core.registry import api_router

router = api_router("investment")

urlpatterns = router.urls
