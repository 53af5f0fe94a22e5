"""Paging a table that grows without end (the change records) without counting it: a page fetches
one row more than it shows, which says whether a next page exists. The page offers 上一页 and
下一页, never a total or a last page. `UncountedPage` serves the pages, `UncountedPagination` the API."""
from collections import OrderedDict

from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .api.pagination import PageNumberPagination

MAX_PAGE = 10_000_000  # far past any table's end; keeps the offset a number every database takes


def page_number(value) -> int:
    """A page number as asked for; anything but a positive whole number is the first page."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 1
    return min(number, MAX_PAGE) if number >= 1 else 1


def fetch(queryset, number: int, per_page: int) -> tuple[list, bool]:
    """The rows of page `number`, and whether more follow: one query of per_page + 1 rows."""
    start = (number - 1) * per_page
    rows = list(queryset[start:start + per_page + 1])
    return rows[:per_page], len(rows) > per_page


class UncountedPage:
    """The page the list templates show, in the shape of Django's `Page` where they read it."""

    uncounted = True

    def __init__(self, queryset, number, per_page: int):
        self.number = page_number(number)
        self.object_list, self.more = fetch(queryset, self.number, per_page)

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class UncountedPagination(PageNumberPagination):
    """`?page=` and `?page_size=` as the other endpoints (the page size read, defaulted and capped by
    the counted pagination's own `get_page_size`), answered with `next`, `previous` and `results`,
    and no `count`."""

    display_page_controls = False

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.number = page_number(request.query_params.get(self.page_query_param))
        rows, self.more = fetch(queryset, self.number, self.get_page_size(request))
        return rows

    def get_next_link(self):
        if not self.more:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response(OrderedDict([("next", self.get_next_link()), ("previous", self.get_previous_link()),
                                     ("results", data)]))

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {"type": "object", "required": ["results"],
                "properties": {"next": link, "previous": link, "results": schema}}

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.page_query_param, "required": False, "in": "query", "description": "页码（从 1 开始）",
             "schema": {"type": "integer"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"每页条数（至多 {self.max_page_size}）", "schema": {"type": "integer"}},
        ]
