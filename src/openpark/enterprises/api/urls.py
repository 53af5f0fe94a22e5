from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("enterprises", views.EnterpriseViewSet)
router.register("zones", views.ZoneViewSet)
router.register("subparks", views.SubParkViewSet)
router.register("parcels", views.LandParcelViewSet)
router.register("parcel-uses", views.ParcelUseViewSet)
router.register("industries", views.IndustryViewSet)

urlpatterns = router.urls
