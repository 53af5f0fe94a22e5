"""The administrator's page that issues an Open311 key and shows it once. Listing, renaming and
revoking (取消“启用”) are the key's declared pages."""
from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import reverse

from openpark.core import navigation

from . import keys


class IssueForm(forms.Form):
    name = forms.CharField(label="客户端名称", max_length=100, help_text="使用该密钥的系统或单位，如“12345 热线”")


@login_required
@permission_required("community.add_open311key", raise_exception=True)
def issue_key(request):
    list_url = reverse("community:open311key_list")
    request.navigation_path = list_url
    context = {"breadcrumbs": navigation.breadcrumbs(("Open311 接口密钥", list_url), ("签发密钥", ""),
                                                     module="community")}
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record, key = keys.issue(form.cleaned_data["name"], request.user)
        return render(request, "community/open311_key_issued.html",
                      {**context, "title": "新的 Open311 接口密钥", "record": record, "key": key, "list_url": list_url})
    return render(request, "community/open311_key_issue.html", {**context, "title": "签发 Open311 接口密钥",
                                                                 "form": form, "list_url": list_url},
                  status=400 if request.method == "POST" else 200)
