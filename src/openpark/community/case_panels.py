"""Panels on the pages of cases and workers: what the one who verifies a case needs beside it (the
reporter's record of true and false reports, the open cases nearby it may repeat), and a worker's
own record of reports."""
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from . import cases, casework
from .choices import CaseState
from .models import Case

UNDECIDED = (CaseState.REPORTED, CaseState.VERIFIED, CaseState.REGISTERED)
NEARBY_SHOWN = 5


def reporter_record(worker_id) -> dict:
    """How many cases the worker reported, how many were judged true and false, and the share true."""
    counts = Case.objects.filter(reporter_worker_id=worker_id).aggregate(
        total=Count("pk"), true=Count("pk", filter=Q(state__in=cases.VERIFIED_STATES)),
        false=Count("pk", filter=Q(state=CaseState.INVALID)))
    return {**counts, "reliability": cases.reliability(counts["true"], counts["false"]),
            "url": f"{reverse('community:case_list')}?{urlencode({'reporter_worker': worker_id})}"}


def case_check_panel(request, case):
    """For whoever verifies or registers the case: the reporter's record and the open cases of the
    same category nearby that it may repeat (重复上报)."""
    user = request.user
    if case.state not in UNDECIDED or not user.has_perm("community.verify_case"):
        return None
    nearby = casework.nearby_open(case.category, case.longitude, case.latitude, exclude=case)[:NEARBY_SHOWN]
    record = reporter_record(case.reporter_worker_id) if case.reporter_worker_id else None
    return {"key": "case-check", "title": "核实参考", "template": "community/panels/case_check.html",
            "context": {"record": record, "nearby": nearby, "metres": casework.NEARBY_METRES,
                        "days": casework.NEARBY_DAYS}}


def worker_cases_panel(request, worker):
    if not request.user.has_perm("community.view_case"):
        return None
    record = reporter_record(worker.pk)
    if not record["total"]:
        return None
    return {"key": "worker-cases", "title": "随手拍上报", "template": "community/panels/worker_cases.html",
            "context": {"record": record}}


def department_panel(request, department):
    """A department's handlers and its cases: in hand, overdue, closed this year."""
    from django.utils import timezone

    from openpark.core.models import user_label

    from .models import DepartmentBinding

    base = f"{reverse('community:case_list')}?department={department.pk}"
    in_hand = list(cases.STAGE_OF_STATE)
    year_start = timezone.localdate().replace(month=1, day=1)
    counts = Case.objects.filter(department=department).aggregate(
        in_hand=Count("pk", filter=Q(state__in=in_hand)), overdue=Count("pk", filter=Case.overdue_q()),
        closed=Count("pk", filter=Q(state__in=cases.DONE_STATES, closed_at__date__gte=year_start)))
    handlers = [user_label(binding.user) for binding in
                DepartmentBinding.objects.filter(department=department, user__is_active=True).select_related("user")]
    return {"key": "department", "title": "处置人员与案件", "template": "community/panels/department.html",
            "context": {
                "handlers": handlers, **counts,
                "in_hand_url": base + "".join(f"&state={state}" for state in in_hand),
                "overdue_url": f"{base}&overdue=true",
                "closed_url": base + "".join(f"&state={state}" for state in cases.DONE_STATES)
                + f"&closed_from={year_start:%Y-%m-%d}",
                "year": year_start.year}}


def case_position_panel(request, case):
    """位置: a small map of the case's point with its grid's outline, and the link to the 随手拍地图
    centred on it, so that whoever reads the case can check where it is."""
    from .queue_views import case_point

    where = case_point(case, with_map_link=request.user.has_perm("community.view_case"))
    if where is None:
        return None
    return {"key": "case-position", "title": "位置", "template": "community/panels/case_position.html",
            "context": {"where": where}}
