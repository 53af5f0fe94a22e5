"""The project's URLs with a stand-in for the park cockpit, which another module brings."""
from django.http import HttpResponse
from django.urls import path

from openpark.urls import handler400, handler403, handler404, handler500, urlpatterns as project_urls  # noqa: F401

urlpatterns = [*project_urls, path("cockpit/", lambda request: HttpResponse("驾驶舱"), name="cockpit")]
