"""The admin's paginator: a list of every row of a large table (a superuser's national
list, unfiltered) is counted from PostgreSQL's statistics rather than row by row, so the
page costs the same with 3 councils or 300. Any filter or search is counted exactly."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections

#: Below this many rows (by the statistics) a table is counted exactly.
ESTIMATE_ABOVE = 50_000


class EstimatedCountPaginator(Paginator):
    estimated = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.combinator:
            estimate = table_estimate(queryset.db, queryset.model._meta.db_table)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                self.estimated = True
                return estimate
        return super().count


def table_estimate(alias: str, table: str) -> int | None:
    """PostgreSQL's estimate of the rows in ``table`` (None elsewhere, or when the table
    has never been analysed)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None
