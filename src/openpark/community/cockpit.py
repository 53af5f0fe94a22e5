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


def register() -> None:
    cockpit.register(cockpit.Tile("community", "新就业群体", 50, "community.view_worker", community_panel,
                                  on_wall=False))
