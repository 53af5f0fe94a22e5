from openpark.core.registry import api_router

router = api_router("environment")

urlpatterns = [*router.urls]
