from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("chains", views.ChainViewSet)
router.register("links", views.ChainLinkViewSet)
router.register("advisers", views.AdviserViewSet)
router.register("targets", views.TargetCompanyViewSet)
router.register("leads", views.LeadViewSet)
router.register("visits", views.VisitViewSet)
router.register("projects", views.ProjectViewSet)
router.register("problems", views.ProblemViewSet)
router.register("deadline-rules", views.DeadlineRuleViewSet)
router.register("deadlines", views.ProjectDeadlineViewSet)

urlpatterns = router.urls
