"""The change list pages without counting the change records, which grow without end: a page
fetches one row more than it shows to know whether 下一页 exists, on the page and in the API."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from openpark.core.choices import ChangeAction
from openpark.core.models import ChangeRecord, Grid
from openpark.core.api.pagination import PageNumberPagination
from openpark.core.notifications import notify
from openpark.core.paging import UncountedPagination, page_number


@pytest.fixture
def records(db):
    grid_type = ContentType.objects.get_for_model(Grid)
    ChangeRecord.objects.bulk_create([
        ChangeRecord(content_type=grid_type, object_id=str(n), object_repr=f"网格{n:03d}", action=ChangeAction.CREATE)
        for n in range(45)
    ])


def counts_in(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "core_changerecord" in q["sql"]]


def test_the_change_list_pages_without_counting(records, make_user, client_for):
    client = client_for(make_user("audit"))
    records = ChangeRecord.objects.count()
    url = reverse("core:changerecord_list")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url, {"per_page": 20})
    assert first.status_code == 200 and not counts_in(queries.captured_queries)
    html = first.content.decode()
    assert "下一页" in html and "末页" not in html and "共 " not in html and "第 1 页" in html
    assert len(first.context["rows"]) == 20
    last_number = (records + 19) // 20
    last = client.get(url, {"per_page": 20, "page": last_number})
    assert len(last.context["rows"]) == records - 20 * (last_number - 1)
    assert "下一页" not in last.content.decode() and "上一页" in last.content.decode()
    assert not client.get(url, {"per_page": 20, "page": last_number + 5}).context["rows"]


def test_the_change_api_pages_without_counting(records, make_user, api_for):
    api = api_for(make_user("audit"))
    records = ChangeRecord.objects.count()
    with CaptureQueriesContext(connection) as queries:
        data = api.get("/api/core/changes/", {"page_size": 20}).json()
    assert not counts_in(queries.captured_queries)
    assert set(data) == {"next", "previous", "results"} and "count" not in data
    assert len(data["results"]) == 20 and data["previous"] is None and "page=2" in data["next"]
    seen = [row["id"] for row in data["results"]]
    while data["next"]:
        data = api.get(data["next"]).json()
        seen += [row["id"] for row in data["results"]]
    assert len(seen) == len(set(seen)) == records
    assert data["previous"] is not None


def test_the_change_api_schema_describes_the_uncounted_page(make_user, api_for):
    schema = api_for(make_user("audit")).get("/api/schema/", {"format": "json"}).json()
    listed = schema["components"]["schemas"]["PaginatedChangeRecordList"]
    assert set(listed["properties"]) == {"next", "previous", "results"}


@pytest.mark.parametrize("asked, number", [(None, 1), ("", 1), ("0", 1), ("-3", 1), ("abc", 1), ("2", 2),
                                           ("9" * 40, 10_000_000)])
def test_page_numbers_are_read_safely(asked, number):
    assert page_number(asked) == number


def test_other_lists_keep_their_count(db, make_user, client_for):
    response = client_for(make_user("leader")).get(reverse("core:grid_list"))
    assert "共 0 条" in response.content.decode()


@pytest.mark.parametrize("asked", [None, "", "abc", "0", "-3", "1", "20", "1000", "1001", "9" * 40])
def test_the_uncounted_page_size_is_read_as_the_counted_one(asked):
    request = Request(APIRequestFactory().get("/", {} if asked is None else {"page_size": asked}))
    assert UncountedPagination().get_page_size(request) == PageNumberPagination().get_page_size(request)


def test_a_page_size_above_the_maximum_is_clamped_as_on_the_counted_lists(records, make_user, api_for, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "max_page_size", 7)  # the one maximum of every endpoint
    auditor = make_user("audit")
    for n in range(12):
        notify([auditor], kind="other", title=f"通知{n}")
    api = api_for(auditor)
    uncounted = api.get("/api/core/changes/", {"page_size": 100}).json()
    counted = api.get("/api/core/notifications/", {"page_size": 100}).json()
    assert counted["count"] == 12 and "count" not in uncounted
    assert len(uncounted["results"]) == len(counted["results"]) == 7
    assert "page=2" in uncounted["next"] and "page=2" in counted["next"]
