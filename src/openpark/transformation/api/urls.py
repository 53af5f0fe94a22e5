from openpark.core.registry import api_router

router = api_router("transformation")

urlpatterns = [*router.urls]
