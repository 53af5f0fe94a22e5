"""The headline figures of the 环保 home page (outfalls in remediation, overdue measures, open
problems, permits to renew) and of an enterprise user's (its own), each the count of the list it
links to."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.environment.models import DischargePermit, EnvironmentProblem, Measure
from tests.factories import EnterpriseFactory, bind_enterprise

pytestmark = pytest.mark.django_db
KEYS = ["outfalls-in-remediation", "measures-overdue", "problems-open", "permits-due"]


@pytest.fixture
def park(make_outfall):
    today = timezone.localdate()
    mine, other = EnterpriseFactory(name="甲化工有限公司"), EnterpriseFactory(name="乙电镀有限公司")
    for company in (mine, other):
        DischargePermit.objects.create(enterprise=company, number=f"{company.uscc}001P", category="key",
                                       issued_on=date(2021, 1, 4), expires_on=today + timedelta(days=30))
        plan = make_outfall("in_remediation", plan_type="regularise", enterprise=company).plan
        Measure.objects.create(plan=plan, content="封堵暗管", owner=company.name, status="in_progress",
                               deadline=today - timedelta(days=3))
        EnvironmentProblem.objects.create(category="outfall", description=f"{company.name}雨水口混接",
                                          enterprise=company, found_on=today - timedelta(days=5))
        closed = EnvironmentProblem.objects.create(category="outfall", description="标志牌缺失", enterprise=company,
                                                   found_on=today - timedelta(days=9))
        EnvironmentProblem.objects.filter(pk=closed.pk).update(state="closed")
    make_outfall("suspected")
    return mine, other


def tiles(client, role):
    response = client.get(reverse("role_home", args=[role]))
    assert response.status_code == 200
    return {card["key"]: card for card in response.context["scope_cards"]}, response.content.decode()


def test_the_environment_home_shows_what_waits_on_the_office(park, make_user, client_for):
    client = client_for(make_user("environment"))
    cards, html = tiles(client, "environment")
    assert list(cards) == KEYS and "企业（家）" not in html
    assert [cards[key]["count"] for key in KEYS] == [2, 2, 2, 2]
    assert cards["problems-open"]["label"] == "未整改完成的环境问题（个）"
    for card in cards.values():  # each figure is the count of the list it opens
        assert f'href="{card["url"]}"' in html
        listed = client.get(card["url"])
        assert listed.context["page"].paginator.count == card["count"], card


def test_an_enterprise_user_s_figures_are_its_own(park, make_user, client_for):
    mine, _ = park
    user = make_user("enterprise")
    bind_enterprise(user, mine)
    client = client_for(user)
    cards, html = tiles(client, "enterprise")
    assert list(cards) == KEYS[1:] and "企业（家）" not in html
    assert [cards[key]["count"] for key in KEYS[1:]] == [1, 1, 1]
    for card in cards.values():
        assert client.get(card["url"]).context["page"].paginator.count == card["count"], card


def test_other_roles_keep_the_count_of_their_records(park, make_user, client_for):
    cards, _ = tiles(client_for(make_user("economy")), "economy")
    assert "enterprises.enterprise" in cards and "problems-open" not in cards
