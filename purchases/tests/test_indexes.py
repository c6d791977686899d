"""The indexes of the two large tables (spends.models.BulkOwnedModel), on either engine, as the
migrations leave them."""

import pytest
from django.db import connection

from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from warranties.models import Warranty
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

LARGE_TABLES = [Purchase, Warranty]


def index_columns(model) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [spec["columns"] for spec in constraints.values() if spec["index"]]


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of rows: the planner would scan them; with scans off, it takes an index
            # when there is one that serves the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize("model", LARGE_TABLES)
def test_no_index_on_the_owner_or_the_creation_time_alone(model):
    columns = index_columns(model)

    assert ["owner_id"] not in columns
    assert ["created_at"] not in columns
    # What does serve them: indexes that begin with the owner.
    assert ["owner_id", "created_at"] in columns


@pytest.mark.parametrize("model", LARGE_TABLES)
def test_an_owners_rows_are_still_found_by_an_index(model, user, other_user):
    for owner in (user, other_user):
        for _ in range(3):
            WarrantyFactory(owner=owner, purchase=PurchaseFactory(owner=owner))

    found = plan(model.objects.filter(owner=user).values("id"))

    if connection.vendor == "postgresql":
        assert "Index" in found and "Seq Scan" not in found, found
    else:
        assert f"SEARCH {model._meta.db_table} USING" in found, found
