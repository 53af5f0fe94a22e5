from openpark.core.registry import api_router

router = api_router("community")

urlpatterns = [*router.urls]
