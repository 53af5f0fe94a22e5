"""The attachments of a record, and one's own notifications, through the API.

`/api/core/attachments/?object=investment.project:12` lists a record's files (GET) and takes a
new one (POST, multipart: object, file, purpose); `/api/core/attachments/<id>/` shows or deletes
one, `.../download/` and `.../thumbnail/` return its content. Who may do what is decided by the
record, as on its pages (`openpark.core.attachment_views`).
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..attachment_views import (
    CHANGE,
    attachment_for,
    file_response,
    parse_object_label,
    record_for,
)
from ..attachments import attach, attachments_of
from ..models import Attachment

OBJECT_HELP = "所属记录，写作“应用.模型:编号”，如 investment.project:12"


class ObjectField(serializers.CharField):
    """The record an attachment belongs to, as "investment.project:12"; read from the attachment,
    written as (label, id)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", max_length=120, **kwargs)

    def to_representation(self, attachment) -> str:
        content_type = attachment.content_type
        return f"{content_type.app_label}.{content_type.model}:{attachment.object_id}"

    def to_internal_value(self, data) -> dict:
        try:
            return {"target": parse_object_label(super().to_internal_value(data))}
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class AttachmentSerializer(serializers.ModelSerializer):
    object = ObjectField(label="所属记录", help_text=OBJECT_HELP)
    file = serializers.FileField(label="文件", write_only=True,
                                 help_text="图片、PDF、Office 文档或 MP4 视频；图片去除 EXIF 后保存")
    purpose = serializers.CharField(label="用途", max_length=100, required=False, allow_blank=True, default="")
    uploaded_by = serializers.StringRelatedField(label="上传人")
    download_url = serializers.SerializerMethodField(label="下载地址")
    thumbnail_url = serializers.SerializerMethodField(label="缩略图地址")

    class Meta:
        model = Attachment
        fields = ["id", "object", "file", "original_name", "mime_type", "size", "sha256", "purpose", "shared",
                  "evidence", "uploaded_by", "created_at", "download_url", "thumbnail_url"]
        read_only_fields = ["original_name", "mime_type", "size", "sha256", "evidence", "created_at"]

    def get_download_url(self, attachment) -> str:
        return reverse("attachment-download", args=[attachment.pk])

    def get_thumbnail_url(self, attachment) -> str:
        return reverse("attachment-thumbnail", args=[attachment.pk]) if attachment.thumbnail else ""


OBJECT_PARAMETER = OpenApiParameter("object", str, required=True, description=OBJECT_HELP)
FILE_RESPONSE = {(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="文件内容")}


@extend_schema_view(
    list=extend_schema(parameters=[OBJECT_PARAMETER], summary="记录的附件"),
    create=extend_schema(request={"multipart/form-data": AttachmentSerializer},
                         responses={201: AttachmentSerializer}, summary="上传附件"),
    retrieve=extend_schema(summary="附件信息"),
    destroy=extend_schema(summary="删除附件（须有所属记录的修改权限，留有变更记录）"),
)
class AttachmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                        viewsets.GenericViewSet):
    """附件：所属记录可见者可查看和下载，可修改所属记录者可上传和删除。"""

    serializer_class = AttachmentSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    queryset = Attachment.objects.none()

    def get_queryset(self):
        label, pk = self._object_param()
        _, obj = record_for(self.request.user, label, pk)
        return attachments_of(obj, self.request.user).select_related("content_type")

    def get_object(self):
        wanted = CHANGE if self.action == "destroy" else "detail"
        attachment, _ = attachment_for(self.request.user, self.kwargs["pk"], wanted)
        return attachment

    def _object_param(self):
        try:
            return parse_object_label(self.request.query_params.get("object", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"object": exc.messages}) from exc

    def create(self, request, *args, **kwargs):
        upload = self.get_serializer(data=request.data)
        upload.is_valid(raise_exception=True)
        label, pk = upload.validated_data["target"]
        _, obj = record_for(request.user, label, pk, CHANGE)
        try:
            with transaction.atomic():
                attachment = attach(obj, upload.validated_data["file"], request.user,
                                    purpose=upload.validated_data["purpose"],
                                    shared=upload.validated_data.get("shared", False))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from exc
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    @extend_schema(responses=FILE_RESPONSE, summary="下载附件")
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return file_response(self.get_object())

    @extend_schema(responses=FILE_RESPONSE, summary="附件缩略图（JPEG，仅图片有）")
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, pk=None):
        return file_response(self.get_object(), thumbnail=True)
