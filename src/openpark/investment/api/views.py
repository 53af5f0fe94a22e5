from openpark.core.api.viewsets import ScopedModelViewSet

from .. import filters
from ..models import Adviser, Chain, ChainLink, DeadlineRule, Lead, Problem, Project, ProjectDeadline, TargetCompany, Visit
from . import serializers


def viewset(model, serializer, filterset=None, related=()):
    queryset = model.objects.select_related(*related) if related else model.objects.all()
    attributes = {"queryset": queryset, "serializer_class": serializer, "__doc__": f"{model._meta.verbose_name_plural}"}
    if filterset is not None:
        attributes["filterset_class"] = filterset
    return type(f"{model.__name__}ViewSet", (ScopedModelViewSet,), attributes)


ChainViewSet = viewset(Chain, serializers.ChainSerializer, filters.ChainFilterSet)
ChainLinkViewSet = viewset(ChainLink, serializers.ChainLinkSerializer, filters.ChainLinkFilterSet, ("chain",))
AdviserViewSet = viewset(Adviser, serializers.AdviserSerializer, filters.AdviserFilterSet)
TargetCompanyViewSet = viewset(TargetCompany, serializers.TargetCompanySerializer, filters.TargetCompanyFilterSet)
LeadViewSet = viewset(Lead, serializers.LeadSerializer, filters.LeadFilterSet)
VisitViewSet = viewset(Visit, serializers.VisitSerializer, filters.VisitFilterSet)
ProjectViewSet = viewset(Project, serializers.ProjectSerializer, filters.ProjectFilterSet, ("chain", "zone"))
ProblemViewSet = viewset(Problem, serializers.ProblemSerializer, filters.ProblemFilterSet, ("project",))
DeadlineRuleViewSet = viewset(DeadlineRule, serializers.DeadlineRuleSerializer, filters.DeadlineRuleFilterSet)
ProjectDeadlineViewSet = viewset(ProjectDeadline, serializers.ProjectDeadlineSerializer, related=("rule",))
