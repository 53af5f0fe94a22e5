"""Attachments on pages: the panel on the detail page of every declared model that takes them
(`ModelPages(..., attachments=True)`), upload, download and delete.

An attachment is seen by whoever may see its record: the record's view permission and scope
decide, so a user who cannot open the record gets 404 for its files as well. Adding and deleting
need the record's change permission, and a frozen record takes no new files and loses none.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import registry
from .attachments import (
    ACCEPT_ATTRIBUTE,
    KINDS,
    attach,
    attachments_on_page,
    human_size,
    max_bytes,
    sees_internal,
)
from .generic import error_message
from .models import Attachment

SEE, CHANGE = "detail", "edit"


def object_label(obj) -> str:
    """How the API and the URLs name a record: "investment.project:12"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def parse_object_label(text: str) -> tuple[str, int]:
    """("investment.project", 12) from "investment.project:12"; ValidationError otherwise."""
    label, _, pk = (text or "").strip().rpartition(":")
    if label.count(".") != 1 or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        raise ValidationError("记录应写作“应用.模型:编号”，如 investment.project:12。")
    return label.lower(), int(pk)


def record_for(user, label: str, pk: int, action: str = SEE):
    """(declaration, record) of a record that takes attachments, if `user` may see it (Http404
    otherwise) and, for CHANGE, change it (PermissionDenied otherwise)."""
    declaration = registry.registry.get(label)
    if declaration is None or not declaration.attachments or not user.has_perm(declaration.permission(SEE)):
        raise Http404("未找到该记录。")
    obj = get_object_or_404(declaration.scoped(user), pk=pk)
    if action == CHANGE and not may_change(user, declaration, obj):
        raise PermissionDenied("您没有权限更改该记录的附件。")
    return declaration, obj


def may_change(user, declaration, obj) -> bool:
    return user.has_perm(declaration.permission(CHANGE)) and not getattr(obj, "is_frozen", False)


def attachment_for(user, pk: int, action: str = SEE):
    """(attachment, record) for `user`, as `record_for` decides for the record it belongs to."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    if not attachment.shared and not sees_internal(user):
        raise Http404("未找到该附件。")
    content_type = attachment.content_type
    _, obj = record_for(user, f"{content_type.app_label}.{content_type.model}", attachment.object_id, action)
    return attachment, obj


def file_response(attachment: Attachment, thumbnail: bool = False) -> FileResponse:
    """The stored file (images as stored: re-encoded, without metadata); only images are shown in
    the browser, every other type is offered as a download under its own name."""
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise Http404("该附件没有缩略图。")
    try:
        handle = stored.open("rb")
    except OSError as exc:
        raise Http404("文件已不在存储中，请联系管理员。") from exc
    response = FileResponse(
        handle, as_attachment=not attachment.is_image,
        content_type="image/jpeg" if thumbnail else attachment.mime_type,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


class AttachmentForm(forms.Form):
    file = forms.FileField(label="文件")
    purpose = forms.CharField(label="用途", max_length=100, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "如：整改前照片、批复文件"}))
    shared = forms.BooleanField(label="企业可见", required=False,
                                help_text="勾选后，记录所属企业的账号也能看到；默认只有园区工作人员可见")

    def __init__(self, *args, shareable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ACCEPT_ATTRIBUTE
        if not shareable:  # a record no enterprise owns: there is nobody to share with
            del self.fields["shared"]


def shareable(model) -> bool:
    """Whether a record of `model` belongs to an enterprise, whose accounts a file may be shared with."""
    return bool(getattr(model, "scope_enterprise_field", None))


def attachment_rows(attachments) -> list[dict]:
    return [{
        "attachment": attachment,
        "kind": KINDS[attachment.mime_type].label if attachment.mime_type in KINDS else attachment.mime_type,
        "size": human_size(attachment.size),
    } for attachment in attachments]


def attachments_panel(request, obj):
    declaration = registry.declaration_for(type(obj))
    can_change = may_change(request.user, declaration, obj)
    return {"key": "attachments", "title": "附件", "template": "core/panels/attachments.html", "context": {
        "rows": attachment_rows(attachments_on_page(obj, request.user)),
        "can_change": can_change,
        "form": AttachmentForm(shareable=shareable(type(obj))) if can_change else None,
        "add_url": reverse("core:attachment_add", args=[object_label(obj)]),
        "max_size": human_size(max_bytes()),
    }}


def _back_to(obj) -> HttpResponseRedirect:
    return HttpResponseRedirect(obj.get_absolute_url() + "#attachments")


@login_required
@require_POST
def attachment_add(request, target):
    try:
        label, pk = parse_object_label(target)
    except ValidationError as exc:
        raise Http404(error_message(exc)) from exc
    _, obj = record_for(request.user, label, pk, CHANGE)
    form = AttachmentForm(request.POST, request.FILES, shareable=shareable(type(obj)))
    if not form.is_valid():
        messages.error(request, "未能上传：" + "；".join(e for errors in form.errors.values() for e in errors))
        return _back_to(obj)
    upload = form.cleaned_data["file"]
    try:
        with transaction.atomic():
            attachment = attach(obj, upload, request.user, purpose=form.cleaned_data["purpose"],
                                shared=form.cleaned_data.get("shared", False))
    except ValidationError as exc:
        messages.error(request, f"未能上传“{upload.name}”：{error_message(exc)}")
    else:
        messages.success(request, f"已上传附件“{attachment.original_name}”。")
    return _back_to(obj)


@login_required
def attachment_download(request, pk):
    attachment, _ = attachment_for(request.user, pk)
    return file_response(attachment)


@login_required
def attachment_thumbnail(request, pk):
    attachment, _ = attachment_for(request.user, pk)
    return file_response(attachment, thumbnail=True)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment, obj = attachment_for(request.user, pk, CHANGE)
    try:
        with transaction.atomic():
            attachment.delete()
    except ValidationError as exc:
        messages.error(request, error_message(exc))
        return _back_to(obj)
    messages.success(request, f"已删除附件“{attachment.original_name}”。")
    return _back_to(obj)
