"""The administrator's page that issues an Open311 key and shows it once. Listing, renaming and
revoking (取消“启用”) are the key's declared pages."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from openpark.core import navigation

from . import keys


class IssueForm(forms.Form):
    name = forms.CharField(label="客户端名称", max_length=100, help_text="使用该密钥的系统或单位，如“12345 热线”")


ISSUED = "open311_key_issued"  # the session's one-time hand-over of a key just issued


@never_cache
@login_required
@permission_required("community.add_open311key", raise_exception=True)
def issue_key(request):
    """GET: the form, or once after issuing, the new key. POST: issue a key and go to that one
    showing (post, redirect, get), so that reloading the page never issues another."""
    list_url = reverse("community:open311key_list")
    request.navigation_path = list_url
    context = {"breadcrumbs": navigation.breadcrumbs(("Open311 接口密钥", list_url), ("签发密钥", ""),
                                                     module="community"), "list_url": list_url}
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record, key = keys.issue(form.cleaned_data["name"], request.user)
        request.session[ISSUED] = {"pk": record.pk, "key": key}
        return HttpResponseRedirect(f"{reverse('community:open311_key_issue')}?issued={record.pk}")
    if request.method == "GET" and "issued" in request.GET:
        return _issued_once(request, context)
    return render(request, "community/open311_key_issue.html", {**context, "title": "签发 Open311 接口密钥",
                                                                 "form": form},
                  status=400 if request.method == "POST" else 200)


def _issued_once(request, context):
    from ..models import Open311Key

    handed = request.session.pop(ISSUED, None)
    record = Open311Key.objects.filter(pk=(handed or {}).get("pk")).first()
    if record is None or str(record.pk) != request.GET.get("issued"):
        messages.info(request, "密钥只在签发时显示一次；如已遗失，请停用该密钥并重新签发。")
        return HttpResponseRedirect(context["list_url"])
    return render(request, "community/open311_key_issued.html",
                  {**context, "title": "新的 Open311 接口密钥", "record": record, "key": handed["key"]})
