"""The demo park shows the published chains with the enterprises the demo's
records put in them (the same figures as when chains were tags) and the year's target-company goal
as a record seeded from the published figure."""
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from openpark.core.facts import park_facts
from openpark.enterprises.chains import chain_counts
from openpark.enterprises.demo import demo_enterprises
from openpark.enterprises.models import Chain
from openpark.investment.models import TargetGoal

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_the_demo_park_shows_its_chains_and_the_years_goal(make_user, client_for):
    year = timezone.localdate().year
    assert TargetGoal.of_year(year) == park_facts()["investment_attraction"]["target_companies_per_year"] == 30
    progress = client_for(make_user("leader")).get(reverse("investment:target_progress")).content.decode()
    assert "<strong>30</strong></a> 家" in progress and "已列入名单 <strong>30</strong> 家" in progress

    in_chains = Counter(demo.chain for demo in demo_enterprises() if demo.chain)
    names = dict(Chain.objects.values_list("pk", "name"))
    found = chain_counts()
    counts = {names[pk]: count.enterprises for pk, count in found.items()}
    assert set(park_facts()["investment_attraction"]["chains"]) <= set(counts)
    assert counts == dict(in_chains) and sum(counts.values()) == 210
    assert counts == {"汽车配件": 46, "工程机械": 56, "电机电器": 40, "新能源": 25, "新材料": 23, "智能制造": 20}
    for pk, count in found.items():  # every member at a link, every link with members, spread evenly
        links = Chain.objects.get(pk=pk).links.all()
        at_links = [count.links[link.pk] for link in links]
        assert count.unplaced == 0 and sum(at_links) == count.enterprises
        assert min(at_links) > 0 and max(at_links) - min(at_links) <= 1
    chain_map = client_for(make_user("investment")).get(reverse("investment:chain_map")).content.decode()
    for name in park_facts()["investment_attraction"]["chains"]:
        row = chain_map[chain_map.index(f'data-chain="{name}"'):]
        row = row[:row.index("</section>")]
        assert f"园区企业 {in_chains[name]} 家" in row and "未分环节 0 家" in row and "企业 0 ·" not in row

    call_command("load_demo", stdout=io.StringIO())
    assert chain_counts() == found
