from openpark.core.registry import page_urls

app_name = "environment"

urlpatterns = [
    *page_urls("environment"),
]
