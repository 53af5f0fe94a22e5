"""The model's rules as an import runs them on many records at once: each field's checks, clean()
and uniqueness, in bulk, with Django's own Chinese words."""
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpark.core.imports import ModelRules
from openpark.enterprises.models import Enterprise, SubPark, Zone


def test_a_unique_value_held_by_a_stored_record_or_an_earlier_row_is_refused(db):
    Zone.objects.create(name="道口经济区")
    changes = [SimpleNamespace(instance=Zone(name=name)) for name in ("道口经济区", "城南片区", "城南片区", "城北片区")]
    problems = ModelRules(Zone, natural_key={"order"}).unique_problems(changes)
    assert [(changes.index(change), field, message) for change, field, message in problems] == [
        (0, "name", "具有 片区名称 的 片区 已存在。"), (2, "name", "具有 片区名称 的 片区 已存在。")]


def test_clean_reads_the_links_it_follows_once_for_all_records(db):
    zones = [Zone.objects.create(name=f"片区{n}") for n in range(2)]
    subparks = [SubPark.objects.create(name=f"园中园{n}", zone=zones[n % 2]) for n in range(20)]
    records = [Enterprise(uscc=f"9132{n:014d}", name=f"企业{n}", zone_id=zones[0].pk, subpark_id=subparks[n].pk)
               for n in range(20)]
    rules = ModelRules(Enterprise, natural_key={"uscc"}, exclude={"uscc"})
    with CaptureQueriesContext(connection) as captured:
        rules.read_parents(records)
        refused = [n for n, record in enumerate(records) if rules.clean(record)]
    assert len(captured) == 1  # the subparks, in one query
    assert refused == list(range(1, 20, 2))  # their subpark lies in the other zone
    assert rules.clean(records[1]) == [("subpark", "园中园不在所选片区内。")]
