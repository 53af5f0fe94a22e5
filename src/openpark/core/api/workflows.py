"""The workflow endpoints (see `openpark.core.workflows`): each transition of a declared model with
a state machine, 上报/督办, and the 待办 inbox with its 批示."""
from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import workflows
from ..models import Escalation
from ..states import TransitionError
from ..workflow_views import may_escalate
from .permissions import ModelPermissions


class ViewPermission(ModelPermissions):
    """A workflow action needs the view permission of the model; the transition's own permission
    is the state machine's to check."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


class TransitionRequestSerializer(serializers.Serializer):
    note = serializers.CharField(label="说明", required=False, allow_blank=True, max_length=workflows.NOTE_LENGTH)
    evidence = serializers.FileField(label="证明材料（需要时必填，可多个）", required=False)


class TransitionResultSerializer(serializers.Serializer):
    state = serializers.CharField(label="新状态")
    state_display = serializers.CharField(label="新状态名称")
    overdue = serializers.BooleanField(label="逾期")
    task = serializers.CharField(label="后台任务（进度页）", allow_blank=True)


class EscalationRequestSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(label="上报/督办给（用户编号）",
                                                  queryset=get_user_model().objects.filter(is_active=True))
    note = serializers.CharField(label="说明", max_length=workflows.NOTE_LENGTH)


class EscalationSerializer(serializers.ModelSerializer):
    object = serializers.SerializerMethodField(label="对象")
    object_type = serializers.CharField(source="content_type.name", label="对象类型", read_only=True)
    url = serializers.SerializerMethodField(label="对象页面")
    raised_by = serializers.SerializerMethodField(label="上报人")
    assignee = serializers.SerializerMethodField(label="督办人")

    class Meta:
        model = Escalation
        fields = ["id", "object", "object_type", "url", "raised_by", "assignee", "note", "created_at", "answer",
                  "answered_at"]

    def get_object(self, escalation) -> str:
        return str(escalation.target) if escalation.target is not None else ""

    def get_url(self, escalation) -> str:
        return escalation.target.get_absolute_url() if escalation.target is not None else ""

    def get_raised_by(self, escalation) -> str:
        return workflows.user_label(escalation.raised_by)

    def get_assignee(self, escalation) -> str:
        return workflows.user_label(escalation.assignee)


class AwaitedSerializer(serializers.Serializer):
    """A record waiting for a step the requesting user may make (待我办理)."""

    object_type = serializers.CharField(source="kind", label="对象类型")
    object = serializers.CharField(source="obj", label="对象")
    object_id = serializers.IntegerField(source="obj.pk", label="对象编号")
    url = serializers.CharField(label="对象页面")
    state = serializers.SerializerMethodField(label="当前状态")
    state_display = serializers.SerializerMethodField(label="当前状态名称")
    step = serializers.CharField(source="transition.name", label="待办操作")
    step_label = serializers.CharField(source="transition.label", label="待办操作名称")

    def get_state(self, item) -> str:
        return workflows.machine_of(type(item.obj)).state(item.obj)

    def get_state_display(self, item) -> str:
        machine = workflows.machine_of(type(item.obj))
        return machine.label(machine.state(item.obj))


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(label="批示", max_length=workflows.NOTE_LENGTH)


def _refusal(exc) -> exceptions.ValidationError:
    messages = getattr(exc, "messages", None) or [str(exc)]
    return exceptions.ValidationError({"non_field_errors": messages})


class TransitionActions:
    """Added to the generated viewset of every declared model with a state machine."""

    @extend_schema(
        summary="执行流程操作", request={"multipart/form-data": TransitionRequestSerializer,
                                   "application/json": TransitionRequestSerializer},
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, description="操作名称")],
        responses={200: TransitionResultSerializer, 202: TransitionResultSerializer,
                   400: OpenApiResponse(description="当前状态不能执行，或缺少说明、证明材料"),
                   403: OpenApiResponse(description="没有该操作的权限"), 404: OpenApiResponse(description="未找到")},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[^/.]+)", url_name="transition",
            permission_classes=[ViewPermission])
    def transition(self, request, pk=None, name=None):
        obj = self.get_object()
        machine = workflows.machine_of(type(obj))
        transition = workflows.transition_named(machine, name)
        if transition is None:
            raise exceptions.NotFound("没有这种操作。")
        try:
            outcome = workflows.perform(obj, transition, request.user, request.data, request.FILES)
        except TransitionError as exc:
            raise _refusal(exc) from None
        obj.refresh_from_db()
        from ..deadlines import is_overdue

        state = machine.state(obj)
        return Response({"state": state, "state_display": machine.label(state), "overdue": is_overdue(obj),
                         "task": outcome.task.get_absolute_url() if outcome.task is not None else ""},
                        status=status.HTTP_202_ACCEPTED if outcome.task is not None else status.HTTP_200_OK)



class EscalationActions:
    """Added to the generated viewset of every declared model that offers 上报/督办."""

    @extend_schema(summary="上报/督办", request=EscalationRequestSerializer, responses={201: EscalationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ViewPermission])
    def escalate(self, request, pk=None):
        if not may_escalate(request.user):
            raise exceptions.PermissionDenied("仅园区工作人员可以上报/督办。")
        obj = self.get_object()
        data = EscalationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = workflows.escalate(obj, self.declaration, request.user, data.validated_data["assignee"],
                                        data.validated_data["note"])
        return Response(EscalationSerializer(escalation).data, status=status.HTTP_201_CREATED)


class TodoViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """待办: what was put before the requesting user and is not answered yet."""

    serializer_class = EscalationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Escalation.objects.all()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Escalation.objects.none()
        if self.action == "answer":
            return Escalation.objects.filter(assignee=self.request.user)
        return workflows.todo(self.request.user).select_related("assignee")

    @extend_schema(summary="待我办理：等待本人办理流程环节的记录", responses={200: AwaitedSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def awaiting(self, request):
        items = workflows.awaiting(request.user)
        page = self.paginate_queryset(items)
        if page is not None:
            return self.get_paginated_response(AwaitedSerializer(page, many=True).data)
        return Response(AwaitedSerializer(items, many=True).data)

    @extend_schema(summary="批示", request=AnswerSerializer, responses={200: EscalationSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        escalation = self.get_object()
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = workflows.answer(escalation, request.user, data.validated_data["answer"])
        return Response(EscalationSerializer(escalation).data)
