"""新就业群体's tile on the park cockpit: the workers reached and the party members among them,
the service stations, this year's activities and the points they earned; each figure links to
the list it counts."""
from datetime import date

from django.db.models import Count, Q, Sum
from django.urls import reverse

from openpark.core import cockpit

from .choices import EntryKind
from .models import Activity, LedgerEntry, Station, Worker


def community_panel(year: int) -> cockpit.Panel:
    workers = reverse("community:worker_list")
    first = date(year, 1, 1).isoformat()
    last = date(year, 12, 31).isoformat()
    people = Worker.objects.aggregate(total=Count("pk"), party=Count("pk", filter=Q(party_member=True)),
                                      grid=Count("pk", filter=Q(grid_worker=True)))
    activities = Activity.objects.filter(held_on__year=year).count()
    granted = LedgerEntry.objects.filter(kind=EntryKind.GRANT, on__year=year).aggregate(total=Sum("points"))["total"]
    figures = (
        cockpit.Figure("从业人员", people["total"], "名", 0, workers, note=f"兼职网格员 {people['grid']:,} 名"),
        cockpit.Figure("党员", people["party"], "名", 0, f"{workers}?party_member=true"),
        cockpit.Figure("服务站点", Station.objects.count(), "个", 0, reverse("community:station_list")),
        cockpit.Figure("本年活动", activities, "场", 0,
                       f"{reverse('community:activity_list')}?held_from={first}&held_to={last}"),
        cockpit.Figure("本年发放积分", granted or 0, "分", 0,
                       f"{reverse('community:ledgerentry_list')}?kind=grant&on_from={first}&on_to={last}"),
    )
    return cockpit.Panel(figures, f"{year} 年", workers)


def cases_panel(year: int) -> cockpit.Panel:
    """随手拍 of the year: the cases reported, the share closed and closed on time (as 随手拍统计
    counts them), and the open cases now past a stage's time limit."""
    from .models import Case
    from .queue_views import case_list_url, year_stats

    stats = year_stats(year).total
    first, last = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
    page = f"{reverse('community:case_stats')}?year={year}"
    overdue = Case.objects.filter(Case.overdue_q()).count()
    figures = (
        cockpit.Figure("上报", stats.reported, "件", 0, case_list_url(reported_from=first, reported_to=last)),
        cockpit.Figure("结案率", stats.closed_rate, "%", 2, page, note=f"结案 {stats.closed:,} 件"),
        cockpit.Figure("按期结案率", stats.on_time_rate, "%", 2, page),
        cockpit.Figure("逾期在办", overdue, "件", 0, case_list_url(overdue="true"),
                       status="alarm" if overdue else ""),
    )
    return cockpit.Panel(figures, f"{year} 年", page)


def register() -> None:
    cockpit.register(cockpit.Tile("community", "新就业群体", 50, "community.view_worker", community_panel,
                                  on_wall=False))
    cockpit.register(cockpit.Tile("community_cases", "随手拍", 50, "community.view_case", cases_panel, on_wall=False))
