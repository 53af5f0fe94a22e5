from .views import enterprise_pages

app_name = "enterprises"

urlpatterns = enterprise_pages.urls()
