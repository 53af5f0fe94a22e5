from openpark.core.registry import api_router

router = api_router("talent")

urlpatterns = [*router.urls]
