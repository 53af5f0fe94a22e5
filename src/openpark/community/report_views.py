"""随手拍 for the reporter: a problem reported from a phone, and the reporter's own cases."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from openpark.core import navigation

from .models import Case


@login_required
def my_case(request, pk):
    """One of the signed-in reporter's own cases: where it stands and each step made on it."""
    case = get_object_or_404(Case.objects.select_related("category", "department"), pk=pk, reporter=request.user)
    return render(request, "community/my_case.html", {
        "title": f"我的随手拍 {case.number}", "case": case, "steps": case.machine.history_rows(case),
        "breadcrumbs": navigation.breadcrumbs((case.number, ""), module="community"),
    })
