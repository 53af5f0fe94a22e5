"""Bulk inserts write what a save would, and bulk change records match those of single saves."""
import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict

from openpark.core import bulk
from openpark.core.codes import normalise_code
from openpark.core.changes import record_bulk_changes, record_created, snapshot, snapshot_texts
from openpark.core.context import acting_as
from openpark.core.models import ChangeRecord
from openpark.enterprises.models import Enterprise, LandParcel, Tag, Zone
from tests.factories import _uscc

pytestmark = pytest.mark.django_db

BOOKKEEPING = ("id", "created_at", "updated_at")


def enterprise(number: int, **fields) -> Enterprise:
    values = {
        "uscc": _uscc(number), "name": f"靖江批量{number}有限公司", "registered_on": date(2019, 3, 5),
        "longitude": Decimal("120.277123"), "latitude": Decimal("31.980456"), "address": "城南园区 8 号",
    }
    return Enterprise(**{**values, **fields})


def stored(model, pk) -> dict:
    return {k: v for k, v in model_to_dict(model.all_objects.get(pk=pk)).items() if k not in BOOKKEEPING}


def test_insert_instances_stores_what_save_stores():
    zone = Zone.objects.create(name="城南片区")
    saved = enterprise(1, zone=zone)
    saved.save()
    inserted = [enterprise(2, zone=zone), enterprise(3, zone=None, registered_on=None, longitude=None)]

    bulk.insert_instances(Enterprise, inserted)

    assert [e.pk for e in inserted] == sorted(e.pk for e in inserted) and inserted[0].pk > saved.pk
    assert not inserted[0]._state.adding
    first, second = stored(Enterprise, inserted[0].pk), stored(Enterprise, saved.pk)
    assert {**first, "uscc": None, "name": None} == {**second, "uscc": None, "name": None}
    assert first["registered_on"] == date(2019, 3, 5) and first["longitude"] == Decimal("120.277123")
    row = Enterprise.objects.get(pk=inserted[1].pk)
    assert (row.zone_id, row.registered_on, row.longitude, row.is_deleted) == (None, None, None, False)
    assert row.created_at is not None and row.created_at == row.updated_at


def test_insert_instances_runs_field_pre_save_such_as_code_normalisation():
    raw = " 苏（２０２１）靖江市不动产权第 0001234 号 "
    parcel = LandParcel(certificate_no=raw, area_mu=Decimal("12.5"), holder_name="城投公司")
    bulk.insert_instances(LandParcel, [parcel])
    row = LandParcel.objects.get(pk=parcel.pk)
    assert row.certificate_no == normalise_code(raw) != raw
    assert row.area_mu == Decimal("12.5")


def test_insert_rows_returns_keys_in_order_across_batches(monkeypatch):
    monkeypatch.setattr(bulk, "MAX_BATCH", 7)
    names = [f"标签{i:03d}" for i in range(30)]
    keys = bulk.insert_rows(Tag, ["name"], [(n,) for n in names])
    assert dict(Tag.objects.values_list("pk", "name")) == dict(zip(keys, names))
    assert bulk.insert_rows(Tag, ["name"], []) == []


def test_insert_rows_fills_defaults_and_constants():
    keys = bulk.insert_rows(
        LandParcel, ["certificate_no", "area_mu", "holder_name"],
        [("A-1", Decimal("3.25"), "城投公司"), ("A-2", Decimal("4"), "城投公司")], constants={"address": "城南路 1 号"},
    )
    rows = LandParcel.objects.filter(pk__in=keys).order_by("pk")
    assert [(p.certificate_no, p.area_mu, p.address) for p in rows] == [
        ("A-1", Decimal("3.25"), "城南路 1 号"), ("A-2", Decimal("4"), "城南路 1 号")
    ]
    defaults = {f.name: f.get_default() for f in LandParcel._meta.fields if f.name in ("land_use", "right_type")}
    assert all(p.land_use == defaults["land_use"] and p.right_type == defaults["right_type"] for p in rows)
    assert all(not p.is_deleted and p.deleted_at is None and p.created_at is not None for p in rows)


def test_bulk_change_records_match_single_save_records(make_user):
    user = make_user("economy", username="jingfa")
    with acting_as(user, source="导入", request_id="bulk-1"):
        single = enterprise(10)
        single.save()
        many = [enterprise(11), enterprise(12)]
        bulk.insert_instances(Enterprise, many)
        assert record_created(many) == 2
    by_object = {r.object_id: r for r in ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Enterprise))}
    saved_record, bulk_record = by_object[str(single.pk)], by_object[str(many[0].pk)]
    assert bulk_record.after == snapshot(Enterprise.objects.get(pk=many[0].pk))
    assert bulk_record.after["longitude"] == "120.277123" and bulk_record.after["registered_on"] == "2019-03-05"
    for name in ("user", "username", "request_id", "source", "action", "before"):
        assert getattr(bulk_record, name) == getattr(saved_record, name), name
    assert bulk_record.object_repr == many[0].name


def test_snapshot_texts_equal_snapshots():
    rows = [enterprise(20), enterprise(21, longitude=None)]
    for row in rows:
        row.save()
    assert [json.loads(t) for t in snapshot_texts(rows)] == [snapshot(r) for r in rows]


def test_record_bulk_changes_takes_dicts_and_texts():
    row = enterprise(30)
    row.save()
    before = snapshot(row)
    row.name = "靖江改名有限公司"
    [after_text] = snapshot_texts([row])
    assert record_bulk_changes([(row, "update", before, after_text)]) == 1
    record = ChangeRecord.objects.filter(action="update", object_id=str(row.pk)).get()
    assert record.before["name"] == "靖江批量30有限公司" and record.after["name"] == "靖江改名有限公司"
