"""Deletions are recorded in bulk, and only for the models that keep change records: the change
record's receivers are connected per model, so Django deletes the rows of every other model fast."""
from django.db.models.signals import post_delete

from openpark.core.models import ChangeRecord, TaskRun
from openpark.enterprises.models import AboveScaleYear, Enterprise, Tag
from openpark.evaluation.models import Result
from tests.factories import EnterpriseFactory


def test_deleting_60_above_scale_years_costs_a_few_queries_and_records_each(db, django_assert_max_num_queries):
    enterprise = EnterpriseFactory()
    AboveScaleYear.objects.bulk_create(AboveScaleYear(enterprise=enterprise, year=year) for year in range(1991, 2051))
    ChangeRecord.objects.filter(content_type__model="abovescaleyear").exists()  # content types read once
    with django_assert_max_num_queries(8):
        assert AboveScaleYear.objects.filter(enterprise=enterprise).delete()[0] == 60
    records = ChangeRecord.objects.filter(content_type__model="abovescaleyear", action="delete")
    assert records.count() == 60
    record = records.get(before__year=2020)
    assert record.object_repr == f"{enterprise.name} 2020年规上" and record.after is None
    assert record.before["enterprise"] == enterprise.pk and record.object_id == str(record.before["id"])


def test_a_single_deletion_is_still_recorded(db):
    enterprise = EnterpriseFactory()
    year = AboveScaleYear.objects.create(enterprise=enterprise, year=2021)
    pk = year.pk
    year.delete()
    record = ChangeRecord.objects.get(content_type__model="abovescaleyear", action="delete")
    assert record.object_id == str(pk) and record.before["year"] == 2021


def test_models_without_change_records_are_deleted_fast(db, django_assert_max_num_queries):
    assert not post_delete.has_listeners(TaskRun) and not post_delete.has_listeners(Enterprise.tags.through)
    assert not post_delete.has_listeners(Result)  # derived rows, rewritten whole by each computation
    assert post_delete.has_listeners(AboveScaleYear)
    enterprise = EnterpriseFactory()
    enterprise.tags.set([Tag.objects.create(name=f"标签{n}") for n in range(30)])
    with django_assert_max_num_queries(1):
        Enterprise.tags.through.objects.filter(enterprise=enterprise).delete()


def test_no_raw_sql_delete_is_left_in_the_services():
    from pathlib import Path

    import openpark

    sources = Path(openpark.__file__).parent.glob("*/services.py")
    assert not [path.name for path in sources if "DELETE FROM" in path.read_text(encoding="utf-8")]
