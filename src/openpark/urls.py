from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from openpark.core import cockpit_views
from openpark.core import views as core_views
from openpark.core.api import views as core_api_views
from openpark.core.api.docs import api_docs

api_patterns = [
    path("core/", include("openpark.core.api.urls")),
    path("enterprises/", include("openpark.enterprises.api.urls")),
    path("economy/", include("openpark.economy.api.urls")),
    path("evaluation/", include("openpark.evaluation.api.urls")),
    path("investment/", include("openpark.investment.api.urls")),
    path("environment/", include("openpark.environment.api.urls")),
    path("transformation/", include("openpark.transformation.api.urls")),
    path("community/", include("openpark.community.api.urls")),
    path("talent/", include("openpark.talent.api.urls")),
    path("auth/token/", core_api_views.ObtainTokenView.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", api_docs, name="api_docs"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("favicon.ico", core_views.FaviconView.as_view(), name="favicon"),
    path("home/<slug:slug>/", core_views.role_home, name="role_home"),
    path("cockpit/", cockpit_views.cockpit_view, name="cockpit"),
    path("cockpit/wall/", cockpit_views.cockpit_wall, name="cockpit_wall"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("core/", include("openpark.core.urls")),
    path("enterprises/", include("openpark.enterprises.urls")),
    path("economy/", include("openpark.economy.urls")),
    path("evaluation/", include("openpark.evaluation.urls")),
    path("investment/", include("openpark.investment.urls")),
    path("environment/", include("openpark.environment.urls")),
    path("transformation/", include("openpark.transformation.urls")),
    path("community/", include("openpark.community.urls")),
    path("talent/", include("openpark.talent.urls")),
    path("open311/v2/", include("openpark.community.open311.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

handler400 = "openpark.core.views.error_400"
handler403 = "openpark.core.views.error_403"
handler404 = "openpark.core.views.error_404"
handler500 = "openpark.core.views.error_500"
