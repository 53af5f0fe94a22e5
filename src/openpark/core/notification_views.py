"""The notification inbox: one's own notifications, newest first, each marked read when opened or
on request, all at once with 全部标为已读."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .notifications import inbox, mark_all_read, mark_read

PAGE_SIZE = 50


def safe_link(url: str) -> str:
    """A notification's link if it stays on this site ("" otherwise): it is followed from the inbox."""
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {
        "title": "我的通知", "page": page, "unread_only": unread_only,
        "rows": [(n, safe_link(n.url)) for n in page.object_list],
        "querystring": "unread=1" if unread_only else "",
        "breadcrumbs": [("首页", reverse("home")), ("我的通知", "")],
    })


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one of one's own notifications read; with `open`, go on to what it is about."""
    notification = mark_read(get_object_or_404(inbox(request.user), pk=pk))
    link = safe_link(notification.url)
    if request.POST.get("open") and link:
        return HttpResponseRedirect(link)
    return HttpResponseRedirect(reverse("core:notification_list"))


@login_required
@require_POST
def notification_read_all(request):
    count = mark_all_read(request.user)
    messages.success(request, f"已将 {count:,} 条通知标为已读。" if count else "没有未读通知。")
    return HttpResponseRedirect(reverse("core:notification_list"))
