"""The demo park's 新就业群体, as the seed article reports it, and points that add up."""
import pytest
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from openpark.community import services
from openpark.community.demo import EAST, NORTH, SOUTH, WEST
from openpark.community.models import (
    Activity, LedgerEntry, Organisation, Participation, Redemption, Reward, Station, StationInspection, VolunteerTeam,
    Worker,
)
from openpark.core.demo_users import ensure_demo_users

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_the_organisations_and_the_enterprises_they_cover():
    assert set(Organisation.objects.values_list("name", "kind")) == {
        ("外卖配送行业党委", "party_committee"), ("网约配送行业工会联合会", "union"),
        ("电商创业中心党支部", "party_branch"), ("交通安全联盟", "alliance")}
    assert Organisation.objects.get(name="电商创业中心党支部").parent.name == "外卖配送行业党委"
    covered = Organisation.covered_enterprises.through.objects.values("enterprise").distinct().count()
    assert covered >= 200


def test_workers_and_party_members():
    assert Worker.objects.count() >= 2000
    assert Worker.objects.filter(party_member=True).count() == 32
    assert not Worker.objects.filter(employer__isnull=True).exists()
    assert not Worker.objects.filter(~Q(phone=""), consent_on__isnull=True).exists()  # numbers only with consent
    sample = Worker.objects.order_by("?")[:50]
    for worker in sample:
        worker.full_clean()
    assert not Worker.objects.filter(phone_digest="").exists()


def test_stations_of_the_1_plus_n_platform_inside_the_park():
    tiers = dict(Station.objects.values_list("tier").annotate(n=Count("pk")))
    kinds = dict(Station.objects.filter(tier="post").values_list("kind").annotate(n=Count("pk")))
    assert tiers == {"service_centre": 1, "post": 68} and kinds == {"xiaoge": 2, "jingxiaofeng": 66}
    for lon, lat in Station.objects.values_list("longitude", "latitude"):
        assert WEST <= lon <= EAST and SOUTH <= lat <= NORTH
    for station in Station.objects.all():
        station.full_clean()


def test_teams_activities_and_a_year_of_points():
    assert VolunteerTeam.objects.count() == 8
    assert {"先锋队", "蜂骑士团"} <= set(VolunteerTeam.objects.values_list("name", flat=True))
    days = Activity.objects.order_by("held_on").values_list("held_on", flat=True)
    assert (days.last() - days.first()).days >= 365
    assert Participation.objects.filter(attended=True).count() > 1000
    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds == {"grant", "redemption", "expiry", "reversal"}


def test_each_balance_is_the_sum_of_its_entries_and_replays_through_the_ledger():
    sums = dict(LedgerEntry.objects.values_list("worker").annotate(total=Sum("points")))
    stored = dict(Worker.objects.filter(pk__in=list(sums)).values_list("pk", "points"))
    assert stored == sums and min(sums.values()) >= 0
    books = services.ledgers(list(sums))  # raises if any stored sequence breaks the ledger's rules
    assert {pk: book.balance for pk, book in books.items()} == sums


def test_redemptions_and_stock():
    assert Redemption.objects.count() > 100
    states = set(Redemption.objects.values_list("state", flat=True))
    assert {"handed_over", "refused"} <= states
    refused = Redemption.objects.filter(state="refused").first()
    assert LedgerEntry.objects.filter(kind="reversal", ref=refused.source, points=refused.points).exists()
    assert not Reward.objects.filter(stock__lt=0).exists()


def test_the_demo_rider_sees_their_points(client):
    ensure_demo_users()
    rider = Worker.objects.get(user__username="demo_grid")
    assert rider.party_member
    client.force_login(rider.user)
    response = client.get(reverse("community:my_points"))
    assert response.status_code == 200 and response.context["balance"] == rider.points
    assert response.context["entries"]


def test_the_cockpit_tile_counts_what_its_lists_show(make_user, client_for):
    client = client_for(make_user("leader"))
    response = client.get(reverse("cockpit"))
    panel = next(panel for tile, panel in response.context["panels"] if tile.key == "community")
    shown = {figure.label: figure for figure in panel.figures}
    assert shown["从业人员"].value == Worker.objects.count() and shown["党员"].value == 32
    assert shown["服务站点"].value == 69
    year = timezone.localdate().year
    assert shown["本年活动"].value == Activity.objects.filter(held_on__year=year).count()
    listed = client.get(shown["党员"].url)
    assert listed.status_code == 200 and len(listed.context["rows"]) == 32
    ledger = client.get(shown["本年发放积分"].url)
    assert ledger.status_code == 200
    assert shown["本年发放积分"].value == sum(LedgerEntry.objects.filter(kind="grant", on__year=year)
                                          .values_list("points", flat=True))


def test_each_station_inspected_once_or_twice_in_the_past_year_a_few_not_up_to_standard():
    today = timezone.localdate()
    per_station = dict(StationInspection.objects.values_list("station").annotate(n=Count("pk")))
    assert set(per_station) == set(Station.objects.values_list("pk", flat=True))
    assert set(per_station.values()) == {1, 2}
    days = StationInspection.objects.values_list("inspected_on", flat=True)
    assert all(0 < (today - day).days <= 365 for day in days)
    latest = {}
    for inspection in StationInspection.objects.order_by("inspected_on", "pk"):
        latest[inspection.station_id] = inspection
    failing = [i for i in latest.values() if not i.result.passed]
    assert 3 <= len(failing) <= 10
    assert all(i.rectify_by and i.result.failed for i in failing)
    for inspection in StationInspection.objects.all():
        inspection.full_clean()
