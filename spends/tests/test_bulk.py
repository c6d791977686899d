"""spends.bulk.RowStream: batches of rows written while the caller goes on (PostgreSQL: a COPY
left open), seen by the next query, and gone with the transaction when the block fails."""

import datetime
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Retailer
from purchases.models import Purchase
from spends.bulk import RowStream

pytestmark = pytest.mark.django_db
# How the database refuses a row: through Django's cursor (SQLite), or from the COPY, which
# psycopg runs itself (PostgreSQL).
REFUSED = (IntegrityError, psycopg.errors.CheckViolation)


def purchase_row(owner, name: str) -> dict:
    now = timezone.now()
    return {
        "id": uuid.uuid4(), "owner_id": owner.pk, "product_name": name, "price": Decimal("1.50"),
        "currency_code": "USD", "purchase_date": datetime.date(2026, 1, 2), "status": "RECEIVED",
        "retailer_id": None, "brand_id": None, "serial_number": "", "model_number": "",
        "order_number": "", "notes": "", "created_at": now, "updated_at": now,
    }  # fmt: skip


def test_rows_written_are_there_for_the_next_query_and_after_the_block(user):
    with transaction.atomic(), RowStream(Purchase) as stream:
        stream.write([purchase_row(user, "Lamp"), purchase_row(user, "Desk")])
        # A query on the connection while the batch may still be going in: it waits for it.
        assert Purchase.objects.filter(owner=user).count() == 2
        stream.write([purchase_row(user, "Chair")])
        Retailer.objects.create(owner=user, name="Shop")  # a write, too
        stream.write([purchase_row(user, "Shelf")])
    names = set(Purchase.objects.filter(owner=user).values_list("product_name", flat=True))
    assert names == {"Lamp", "Desk", "Chair", "Shelf"}
    assert Purchase.objects.get(product_name="Lamp").price == Decimal("1.50")


def test_a_block_that_fails_leaves_nothing(user):
    with pytest.raises(RuntimeError), transaction.atomic(), RowStream(Purchase) as stream:
        stream.write([purchase_row(user, "Lamp")])
        raise RuntimeError("stop")
    assert not Purchase.objects.filter(owner=user).exists()


def test_a_row_the_database_refuses_fails_the_block(user):
    refused = purchase_row(user, "Lamp") | {"price": Decimal("-1.00")}  # prices are >= 0
    with pytest.raises(REFUSED), transaction.atomic(), RowStream(Purchase) as stream:
        stream.write([refused])
        stream.end()
    assert not Purchase.objects.filter(owner=user).exists()
